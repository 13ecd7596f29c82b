/**
 * The `spend` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import type { EntryBase, LotDraw } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { drawLots, noteActivity, totals } from "./steps.js";

export interface SpendEntry extends EntryBase {
  readonly kind: "spend";
  readonly wallet: string;
  readonly points: string;
  /** Debit: the lots this entry draws points out of (`lot`, where a kind has it, is a lot it creates). */
  readonly lots: readonly LotDraw[];
  readonly reference: string | null;
}

export const spend: EntryKindSpec<SpendEntry> = {
  fold(s, e) {
    noteActivity(s, "spend", Date.parse(e.at));
    const drawn = drawLots(s, e.wallet, e.lots);
    assert(drawn.eq(e.points), `spend ${e.id}: lots add up to ${drawn}, not ${e.points}`);
    const t = totals(s, e.wallet);
    t.spent = t.spent.plus(drawn);
  },
};
