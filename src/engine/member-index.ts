/**
 * The member index: what listings and the win-back query filter on, written with every commit
 * beside the snapshot (`MemberWrite.index`), so that a store can answer them through its own
 * indexes instead of loading members one by one.
 *
 * Tier, joined and last-purchase instants come from the member's state. The spend series cannot:
 * a purchase whose lots have closed retires from the state (docs/ledger.md), so the series is
 * carried forward from the index the member was read with, plus what the command's new entries
 * add. Folding the whole ledger from an empty index gives the same series
 * (`memberIndexOf(program, state, null, allEntries)`), which is also how a store backfills members
 * written before it kept an index (docs/upgrading.md).
 */
import { segmentsOf } from "../accrual/segments.js";
import type { Entry } from "../ledger/entries.js";
import type { MemberView } from "../ledger/state.js";
import type { Program } from "../program/compile.js";
import { addMonthsKey } from "../shared/calendar.js";
import { Decimal } from "../shared/decimal.js";
import { periodKey } from "../shared/periods.js";
import type { MemberIndex } from "../store/port.js";

/**
 * Months the spend series keeps: the month of the member's latest purchase and the 24 before it.
 * Enough for the win-back comparison of two windows of up to 12 complete months each, read in the
 * month of the latest purchase or any later one.
 */
export const SPEND_MONTHS = 25;

/** The longest window `lapsing` compares (two of them must fit in the series' complete months). */
export const LAPSING_MAX_MONTHS = 12;

/** The local month (YYYY-MM) of an instant in the program's zone. */
export const monthOf = (program: Program, ms: number): string => periodKey(ms, program.timeZone, "month");

/** `YYYY-MM` plus `months` (negative: back). */
export const addMonths = (month: string, months: number): string => addMonthsKey(`${month}-01`, months).slice(0, 7);

/**
 * The index of `state` after a command: `previous` is the index the member was read with (null for
 * a new member, or one written before its store kept an index), `entries` the command's new ones.
 *
 * Spend is the purchases' money by the local month they occurred in, less refunds of those
 * purchases (in the purchase's month, as the tier metrics count them); a return with no receipt
 * names no month and is not counted. Months older than the series keeps are dropped, and a refund
 * of a purchase in a dropped month changes nothing.
 */
export function memberIndexOf(
  program: Program,
  state: MemberView,
  previous: MemberIndex | null,
  entries: readonly Entry[],
): MemberIndex {
  // Only the months the entries touch are parsed and written again: most commands touch none or one.
  const spend: Record<string, string> = { ...previous?.spendByMonth };
  const add = (month: string, amount: Decimal) => (spend[month] = amount.plus(spend[month] ?? 0).toFixed());
  let changed = false;
  // A refund names its purchase: found among the new entries (a rebuild from the whole ledger),
  // else in the state (a refund reads its purchase's record before it decides).
  const occurred = new Map<string, number>();
  for (const e of entries) {
    if (e.kind === "purchase") {
      const at = Date.parse(e.occurredAt);
      occurred.set(e.purchaseId, at);
      add(monthOf(program, at), new Decimal(e.amount));
      changed = true;
    } else if (e.kind === "refund" && e.purchaseId !== null) {
      const at = occurred.get(e.purchaseId) ?? state.purchases[e.purchaseId]?.occurredAt;
      if (at === undefined) continue;
      const month = monthOf(program, at);
      if (spend[month] === undefined) continue;
      add(month, new Decimal(e.amount).neg());
      changed = true;
    }
  }
  const lastPurchaseAt = state.activity["purchase"];
  return {
    tier: state.tier?.id ?? null,
    // Explicit and derived (the program's `segments`), sorted and without repeats.
    segments: [...segmentsOf(program, state)],
    joinedAt: state.joinedAt,
    lastPurchaseAt: lastPurchaseAt ?? null,
    spendByMonth: changed ? kept(spend) : (previous?.spendByMonth ?? {}),
  };
}

/**
 * The series as stored: the latest month and the SPEND_MONTHS - 1 before it, ascending. Keeping
 * what lies within a span of the latest month (rather than the latest N keys) makes the result
 * the same whatever order the purchases were recorded in.
 */
function kept(spend: Record<string, string>): Record<string, string> {
  const months = Object.keys(spend).sort();
  const from = months.length === 0 ? "" : addMonths(months.at(-1)!, -(SPEND_MONTHS - 1));
  const out: Record<string, string> = {};
  for (const m of months) if (m >= from) out[m] = spend[m]!;
  return out;
}

/** Spend over the months [from, to], inclusive, from an index's series (exact decimals). */
export function spendBetween(index: MemberIndex, from: string, to: string): Decimal {
  let total = new Decimal(0);
  for (const [month, amount] of Object.entries(index.spendByMonth))
    if (month >= from && month <= to) total = total.plus(amount);
  return total;
}
