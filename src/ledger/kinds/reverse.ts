/**
 * The `reverse` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { EntryBase, LotDraw } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { drawLots, totals, updatePurchase, withFigure } from "./steps.js";

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
      const wallet = entry.wallet;
      updatePurchase(state, entry.purchaseId, `reverse ${entry.id}`, (p) => {
        const settled = (p.settled[wallet] ?? ZERO).plus(entry.points).plus(entry.forgiven);
        const reversed = (p.reversed[wallet] ?? ZERO).plus(entry.points);
        assert(
          settled.lte(p.earned[wallet] ?? ZERO),
          `reverse ${entry.id}: reverses more than purchase ${entry.purchaseId} earned`,
        );
        assert(
          reversed.plus(p.expired[wallet] ?? ZERO).lte(p.earned[wallet] ?? ZERO),
          `reverse ${entry.id}: takes back points of purchase ${entry.purchaseId} that expired`,
        );
        return {
          ...p,
          settled: withFigure(p.settled, wallet, settled),
          reversed: withFigure(p.reversed, wallet, reversed),
        };
      });
    }
  },
};
