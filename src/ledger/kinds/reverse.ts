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
  fold(s, e) {
    const drawn = drawLots(s, e.wallet, e.lots);
    const debt = new Decimal(e.debt);
    assert(
      drawn.plus(debt).eq(e.points),
      `reverse ${e.id}: lots plus debt add up to ${drawn.plus(debt)}, not ${e.points}`,
    );
    const t = totals(s, e.wallet);
    t.reversed = t.reversed.plus(e.points);
    t.debt = t.debt.plus(debt);
    if (e.purchaseId !== null) {
      const p = s.purchases[e.purchaseId];
      assert(p !== undefined, `reverse ${e.id} names unknown purchase ${e.purchaseId}`);
      const settled = (p.settled[e.wallet] ?? ZERO).plus(e.points).plus(e.forgiven);
      const reversed = (p.reversed[e.wallet] ?? ZERO).plus(e.points);
      assert(
        settled.lte(p.earned[e.wallet] ?? ZERO),
        `reverse ${e.id}: reverses more than purchase ${e.purchaseId} earned`,
      );
      assert(
        reversed.plus(p.expired[e.wallet] ?? ZERO).lte(p.earned[e.wallet] ?? ZERO),
        `reverse ${e.id}: takes back points of purchase ${e.purchaseId} that expired`,
      );
      p.settled[e.wallet] = settled;
      p.reversed[e.wallet] = reversed;
    }
  },
};
