/**
 * The `reverse` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { EntryBase, LotDraw } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { drawLots, totals } from "./steps.js";

export interface ReverseEntry extends EntryBase {
  readonly kind: "reverse";
  readonly wallet: string;
  /** Points taken back: drawn from lots plus added to debt. */
  readonly points: string;
  /** Debit: the lots this entry draws points out of (`lot`, where a kind has it, is a lot it creates). */
  readonly lots: readonly LotDraw[];
  readonly debt: string;
  /** Points the policy let the member keep; counted as settled against the purchase. */
  readonly forgiven: string;
  readonly purchaseId: string | null;
}

export const reverse: EntryKindSpec<ReverseEntry> = {
  fold(state, entry) {
    const drawn = drawLots(state, entry.wallet, entry.lots);
    const debt = new Decimal(entry.debt);
    assert(
      drawn.plus(debt).eq(entry.points),
      `reverse ${entry.id}: lots plus debt add up to ${drawn.plus(debt)}, not ${entry.points}`,
    );
    const t = totals(state, entry.wallet);
    t.reversed = t.reversed.plus(entry.points);
    t.debt = t.debt.plus(debt);
    if (entry.purchaseId !== null) {
      const p = state.purchases[entry.purchaseId];
      assert(p !== undefined, `reverse ${entry.id} names unknown purchase ${entry.purchaseId}`);
      const settled = (p.settled[entry.wallet] ?? ZERO).plus(entry.points).plus(entry.forgiven);
      const reversed = (p.reversed[entry.wallet] ?? ZERO).plus(entry.points);
      assert(
        settled.lte(p.earned[entry.wallet] ?? ZERO),
        `reverse ${entry.id}: reverses more than purchase ${entry.purchaseId} earned`,
      );
      assert(
        reversed.plus(p.expired[entry.wallet] ?? ZERO).lte(p.earned[entry.wallet] ?? ZERO),
        `reverse ${entry.id}: takes back points of purchase ${entry.purchaseId} that expired`,
      );
      p.settled[entry.wallet] = settled;
      p.reversed[entry.wallet] = reversed;
    }
  },
};
