/**
 * The `expire` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import type { EntryBase, LotDraw } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { drawLots, plusIn, totals, updatePurchase } from "./steps.js";

export interface ExpireEntry extends EntryBase {
  readonly kind: "expire";
  readonly wallet: string;
  readonly points: string;
  /** Debit: the expired lots this entry empties, with the points each still held. */
  readonly lots: readonly LotDraw[];
  /**
   * Set when the wallet's balance lapsed for inactivity: the deadline that passed (the entry may
   * then list no lots: the lapse is recorded all the same, so that a later cancellation knows).
   */
  readonly lapsedAt?: string;
}

export const expire: EntryKindSpec<ExpireEntry> = {
  fold(state, entry) {
    // A purchase's record is in the state while any of its lots is open (state.ts): it learns
    // what expired unused, which a later refund of it will not take back.
    const drawn = drawLots(state, entry.wallet, entry.lots, (lot, points) => {
      if (lot.purchaseId === null) return;
      updatePurchase(state, lot.purchaseId, `expire ${entry.id}`, (p) => ({
        ...p,
        expired: plusIn(p.expired, entry.wallet, points),
      }));
    });
    assert(drawn.eq(entry.points), `expire ${entry.id}: lots add up to ${drawn}, not ${entry.points}`);
    const t = totals(state, entry.wallet);
    t.expired = t.expired.plus(drawn);
    if (entry.lapsedAt !== undefined) {
      const lapsed = Date.parse(entry.lapsedAt);
      if (lapsed > (state.lapsed[entry.wallet] ?? -Infinity)) state.lapsed[entry.wallet] = lapsed;
    }
  },
};
