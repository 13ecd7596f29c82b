/**
 * The `expire` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { ZERO } from "../../shared/decimal.js";
import type { EntryBase, LotDraw } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { drawLots, totals } from "./steps.js";

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
    const drawn = drawLots(state, entry.wallet, entry.lots, (lot, points) => {
      const p = lot.purchaseId === null ? undefined : state.purchases[lot.purchaseId];
      if (p) p.expired[entry.wallet] = (p.expired[entry.wallet] ?? ZERO).plus(points);
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
