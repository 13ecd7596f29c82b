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

export const milestone: EntryKindSpec<MilestoneEntry> = {
  fold(state, entry) {
    const { from, into, every, units, times, undo } = entry;
    const whole = (n: number) => Number.isSafeInteger(n) && n > 0;
    assert(whole(every) && whole(units) && whole(times) && from !== into, `milestone ${entry.id}: malformed`);
    // Conservation: exactly times × every units of `from` for exactly times × units of `into`.
    const outOfFrom = new Decimal(every).times(times);
    const intoInto = new Decimal(units).times(times);
    const [drawnWallet, taken, creditedWallet, given] = undo
      ? [into, intoInto, from, outOfFrom]
      : [from, outOfFrom, into, intoInto];
    assert(entry.lot.wallet === creditedWallet, `milestone ${entry.id}: lot of another wallet`);
    const drawn = drawLots(state, drawnWallet, entry.lots);
    assert(drawn.eq(taken), `milestone ${entry.id}: lots add up to ${drawn}, not ${taken}`);
    // A conversion is the program adjusting both wallets by its own rule: the adjusted totals keep
    // invariant 3 (in less out equals held less debt) per wallet without a term of their own.
    const out = totals(state, drawnWallet);
    out.adjusted = out.adjusted.minus(taken);
    const t = totals(state, creditedWallet);
    const repaid = new Decimal(entry.debtRepaid);
    assert(repaid.gte(0) && repaid.lte(t.debt) && repaid.lte(given), `milestone ${entry.id}: debt repaid out of range`);
    t.adjusted = t.adjusted.plus(given);
    t.debt = t.debt.minus(repaid);
    createLot(state, entry.id, entry.lot, given, given.minus(repaid), null, null);
  },
};
