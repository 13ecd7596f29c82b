/**
 * The `adjust` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal } from "../../shared/decimal.js";
import type { EntryBase, LotDraw, LotRecord } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { createLot, drawLots, noteActivity, totals } from "./steps.js";

export interface AdjustEntry extends EntryBase {
  readonly kind: "adjust";
  readonly wallet: string;
  /** Signed: a credit is positive, a debit negative. */
  readonly points: string;
  readonly reason: string;
  readonly reference: string | null;
  /** Credit: the lot a credit creates (its id is this entry's id); null for a debit. */
  readonly lot: LotRecord | null;
  readonly debtRepaid: string;
  /** Debit: the lots a debit draws from; empty for a credit. Opposite in direction to `lot`. */
  readonly lots: readonly LotDraw[];
}

export const adjust: EntryKindSpec<AdjustEntry> = {
  fold(state, entry) {
    noteActivity(state, "adjust", Date.parse(entry.at));
    const t = totals(state, entry.wallet);
    const points = new Decimal(entry.points);
    t.adjusted = t.adjusted.plus(points);
    if (points.gt(0)) {
      assert(entry.lot !== null, `adjust ${entry.id}: a credit needs a lot`);
      const repaid = new Decimal(entry.debtRepaid);
      assert(repaid.gte(0) && repaid.lte(t.debt) && repaid.lte(points), `adjust ${entry.id}: debt repaid out of range`);
      t.debt = t.debt.minus(repaid);
      createLot(state, entry.id, entry.lot, points, points.minus(repaid), null, null);
    } else {
      const drawn = drawLots(state, entry.wallet, entry.lots);
      assert(drawn.eq(points.neg()), `adjust ${entry.id}: lots add up to ${drawn}, not ${points.neg()}`);
    }
  },
};
