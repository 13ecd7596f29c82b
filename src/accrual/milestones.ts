/**
 * Milestones (issue 17): counter units converted at their program's thresholds, in the command
 * that crosses them, and conversions undone when a refund takes back a unit already converted.
 *
 * Conversion: after a command's own entries, each milestone in cascade order (keys before key
 * chains) converts as many whole `every`s as the counter holds available, drawing its soonest-
 * expiring units first, into one new lot of the target; so 50 keys give a key chain at once, and
 * the 5,000th key gives the 100th key chain and with it the gold key chain, in one command.
 *
 * Undo: a refund that takes back units a counter no longer holds (they went into a key chain) first
 * undoes as few conversions as cover the shortfall: the key chain is drawn back and its 50 keys
 * returned, cascading (a gold key chain back into 100 key chains first when no key chain is left),
 * then the refund takes its key. A conversion whose units the member has already used (a free
 * coffee redeemed) cannot be undone: what the refund then cannot take is forgiven, so no counter
 * is ever negative and no member owes keys (README "Milestones").
 */
import type { CompiledMilestone, Program } from "../program/compile.js";
import { Decimal, ZERO } from "../shared/decimal.js";
import { inactivityDeadline, lotRecord } from "../expiry/policy.js";
import type { LotDraw } from "../ledger/entries.js";
import { planDraws, spendableAt } from "../ledger/lots.js";
import { debtToRepay } from "../ledger/operations.js";
import type { LedgerWriter } from "../ledger/writer.js";

function available(writer: LedgerWriter, program: Program, wallet: string) {
  const lots = spendableAt(writer.state, wallet, writer.now, inactivityDeadline(program, writer.state, wallet));
  return { lots, units: lots.reduce((sum, l) => sum.plus(l.remaining), ZERO) };
}

function write(
  writer: LedgerWriter,
  program: Program,
  m: CompiledMilestone,
  times: number,
  lots: LotDraw[],
  undo: boolean,
) {
  const credited = undo ? m.from : m.into;
  const units = new Decimal(undo ? m.every : m.units).times(times);
  writer.append({
    kind: "milestone",
    from: m.from,
    into: m.into,
    every: m.every,
    units: m.units,
    times,
    undo,
    lots,
    lot: lotRecord(program, credited, writer.now, writer.now),
    debtRepaid: debtToRepay(writer, credited, units).toString(),
  });
}

/** Converts every threshold the member's counters have crossed, in cascade order. */
export function convertMilestones(writer: LedgerWriter, program: Program): void {
  for (const m of program.milestones) {
    const held = available(writer, program, m.from);
    const times = held.units.divToInt(m.every).toNumber();
    if (times < 1) continue;
    write(writer, program, m, times, planDraws(held.lots, new Decimal(m.every).times(times)).draws, false);
  }
}

/**
 * Undoes as few conversions of `wallet`'s milestone as give it `short` more available units, in
 * cascade (the target's own milestone first when the target no longer holds what to give back).
 * Undoes fewer, or none, when the target's units were used.
 */
export function undoMilestones(writer: LedgerWriter, program: Program, wallet: string, short: Decimal): void {
  const m = program.milestones.find((x) => x.from === wallet);
  if (m === undefined || short.lte(0)) return;
  const wanted = short.div(m.every).ceil().toNumber();
  const need = new Decimal(m.units).times(wanted);
  const before = available(writer, program, m.into);
  if (before.units.lt(need)) undoMilestones(writer, program, m.into, need.minus(before.units));
  const held = available(writer, program, m.into);
  const times = Math.min(wanted, held.units.divToInt(m.units).toNumber());
  if (times < 1) return;
  write(writer, program, m, times, planDraws(held.lots, new Decimal(m.units).times(times)).draws, true);
}
