/**
 * The `earn` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal } from "../../shared/decimal.js";
import { countInPeriods } from "../../shared/periods.js";
import type { EntryBase, LotRecord, PeriodKeys } from "../entry-base.js";
import { assert } from "../invariant.js";
import { CAP_KEYS_KEPT, dict } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { createLot, plusIn, totals, updatePurchase } from "./steps.js";

export interface EarnEntry extends EntryBase {
  readonly kind: "earn";
  readonly wallet: string;
  /** Points awarded, before debt repayment: the new lot holds `points - debtRepaid`. */
  readonly points: string;
  readonly ruleId: string;
  readonly purchaseId: string | null;
  /** Credit: the new lot this entry creates (its id is this entry's id). Not `lots`, the debit form. */
  readonly lot: LotRecord;
  /** Part of `points` that went to repay debt (so the lot holds `points - debtRepaid`). */
  readonly debtRepaid: string;
  /** Period keys (local to the program) that this award counts towards, for the rule's caps. */
  readonly capKeys: PeriodKeys;
}

export const earn: EntryKindSpec<EarnEntry> = {
  fold(state, entry) {
    const t = totals(state, entry.wallet);
    const points = new Decimal(entry.points),
      repaid = new Decimal(entry.debtRepaid);
    assert(repaid.gte(0) && repaid.lte(t.debt) && repaid.lte(points), `earn ${entry.id}: debt repaid out of range`);
    t.earned = t.earned.plus(points);
    t.debt = t.debt.minus(repaid);
    createLot(state, entry.id, entry.lot, points, points.minus(repaid), entry.ruleId, entry.purchaseId);
    if (entry.purchaseId !== null)
      updatePurchase(state, entry.purchaseId, `earn ${entry.id}`, (p) => ({
        ...p,
        earned: plusIn(p.earned, entry.wallet, points),
      }));
    // Keep the latest keys only; see CAP_KEYS_KEPT.
    countInPeriods(
      ((state.caps[entry.ruleId] ??= dict())[entry.wallet] ??= {}),
      entry.capKeys,
      points,
      (p) => CAP_KEYS_KEPT[p],
    );
  },
};
