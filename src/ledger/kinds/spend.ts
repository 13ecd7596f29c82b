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
  fold(state, entry) {
    noteActivity(state, "spend", Date.parse(entry.at));
    const drawn = drawLots(state, entry.wallet, entry.lots);
    assert(drawn.eq(entry.points), `spend ${entry.id}: lots add up to ${drawn}, not ${entry.points}`);
    const t = totals(state, entry.wallet);
    t.spent = t.spent.plus(drawn);
  },
};
