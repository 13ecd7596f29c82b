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
  fold(s, e) {
    const drawn = drawLots(s, e.wallet, e.lots, (lot, points) => {
      const p = lot.purchaseId === null ? undefined : s.purchases[lot.purchaseId];
      if (p) p.expired[e.wallet] = (p.expired[e.wallet] ?? ZERO).plus(points);
    });
    assert(drawn.eq(e.points), `expire ${e.id}: lots add up to ${drawn}, not ${e.points}`);
    const t = totals(s, e.wallet);
    t.expired = t.expired.plus(drawn);
    if (e.lapsedAt !== undefined) {
      const lapsed = Date.parse(e.lapsedAt);
      if (lapsed > (s.lapsed[e.wallet] ?? -Infinity)) s.lapsed[e.wallet] = lapsed;
    }
  },
};
