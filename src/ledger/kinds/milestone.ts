/**
 * The `milestone` entry: units of one wallet converted into units of another at a program's
 * milestone (50 keys into 1 key chain), or such a conversion undone by a refund (the key chain
 * back into 50 keys). Its wire form and how the fold applies it, asserting that the units are
 * conserved: exactly `times × every` units of `from` for exactly `times × units` units of `into`.
 */
import { Decimal } from "../../shared/decimal.js";
import type { EntryBase, LotDraw, LotRecord } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { createLot, drawLots, totals } from "./steps.js";

export interface MilestoneEntry extends EntryBase {
  readonly kind: "milestone";
  /** The milestone's counter (keys) and the wallet it converts into (key chains), whichever way this entry goes. */
  readonly from: string;
  readonly into: string;
  /** The milestone's figures when written: `every` units of `from` make `units` units of `into`. */
  readonly every: number;
  readonly units: number;
  /** How many conversions this entry makes (or undoes). */
  readonly times: number;
  /** false: `from` is drawn and `into` credited; true (a refund's undo): `into` is drawn and `from` credited. */
  readonly undo: boolean;
  /** Debit: the lots drawn (of `from`, or of `into` for an undo). Opposite in direction to `lot`. */
  readonly lots: readonly LotDraw[];
  /** Credit: the lot created (in `into`, or in `from` for an undo); its id is this entry's id. */
  readonly lot: LotRecord;
  /** Of the credit, what repaid the credited wallet's debt (a spendable target may owe points). */
  readonly debtRepaid: string;
}

/** The wallet an entry draws, the wallet it credits, and how many units each. */
export function milestoneSides(entry: MilestoneEntry) {
  const out = new Decimal(entry.every).times(entry.times);
  const credit = new Decimal(entry.units).times(entry.times);
  return entry.undo
    ? { drawn: entry.into, drawnUnits: credit, credited: entry.from, creditedUnits: out }
    : { drawn: entry.from, drawnUnits: out, credited: entry.into, creditedUnits: credit };
}

export const milestone: EntryKindSpec<MilestoneEntry> = {
  fold(state, entry) {
    const whole = (n: number) => Number.isSafeInteger(n) && n >= 1;
    assert(whole(entry.every) && whole(entry.units) && whole(entry.times), `milestone ${entry.id}: not whole units`);
    assert(entry.from !== entry.into, `milestone ${entry.id}: into its own wallet`);
    const s = milestoneSides(entry);
    assert(entry.lot.wallet === s.credited, `milestone ${entry.id}: credits lot of another wallet`);
    const drawn = drawLots(state, s.drawn, entry.lots);
    assert(drawn.eq(s.drawnUnits), `milestone ${entry.id}: lots add up to ${drawn}, not ${s.drawnUnits}`);
    // A conversion is the program adjusting both wallets by its own rule: the adjusted totals keep
    // invariant 3 (in less out equals held less debt) per wallet without a term of their own.
    const out = totals(state, s.drawn);
    out.adjusted = out.adjusted.minus(s.drawnUnits);
    const t = totals(state, s.credited);
    const repaid = new Decimal(entry.debtRepaid);
    assert(
      repaid.gte(0) && repaid.lte(t.debt) && repaid.lte(s.creditedUnits),
      `milestone ${entry.id}: debt repaid out of range`,
    );
    t.adjusted = t.adjusted.plus(s.creditedUnits);
    t.debt = t.debt.minus(repaid);
    createLot(state, entry.id, entry.lot, s.creditedUnits, s.creditedUnits.minus(repaid), null, null);
  },
};
