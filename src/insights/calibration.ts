/**
 * Each member's history as the customer-base models read it, over a calibration period that ends
 * on a given day: x, the number of repeat purchase days (purchase days after the first); tₓ, the time
 * of the last purchase day; T, the time the member has been watched; all measured from the first
 * purchase's date, in units of `timeUnitDays` days (a week by default, as in the papers).
 *
 * T ends at the start of the calibration's last day, the convention of Fader, Hardie & Lee's CDNOW
 * analysis (a 1 January 1997 buyer watched to 30 September 1997 has T = 272 / 7 = 38.86 weeks),
 * though purchases on that last day count. The spend per repeat purchase day is where money becomes
 * a plain number: it is averaged exactly with decimal.js, then converted once, on purpose.
 */
import { LoyaltyError } from "../errors/index.js";
import { invalidCommandText, notLocalDateText, notPositiveText } from "../errors/messages.js";
import { sum } from "../shared/decimal.js";
import { parseDay } from "./dates.js";
import type { PurchaseHistory } from "./history.js";

export interface CalibrationOptions {
  /** The last day of the calibration period, YYYY-MM-DD: later purchases are left out. */
  readonly calibrationEnd: string;
  /** Days per model time unit (default 7: weeks). */
  readonly timeUnitDays?: number;
}

/** One member's calibration summary: the model's (x, tₓ, T) and the mean spend per repeat purchase day. */
export interface MemberSummary {
  readonly member: string;
  /** Repeat purchase days in the calibration period. */
  readonly x: number;
  /** Time from the first purchase day to the last, in time units (0 when x = 0). */
  readonly tx: number;
  /** Time from the first purchase day to the calibration's last day, in time units. */
  readonly T: number;
  /** Mean spend per repeat purchase day (the Gamma-Gamma model's m̄ₓ); 0 when x = 0. */
  readonly meanRepeatSpend: number;
}

/** Members who made their first purchase by the calibration's end, summarised; the rest are left out. */
export function summarizeHistory(history: PurchaseHistory, options: CalibrationOptions): MemberSummary[] {
  const end = dayParameter(options.calibrationEnd, "calibrationEnd");
  const unit = timeUnitOf(options.timeUnitDays);
  const summaries: MemberSummary[] = [];
  for (const member of history.members) {
    const first = member.days[0]!;
    if (first > end) continue;
    const inside = countUpTo(member.days, end);
    const x = inside - 1;
    const repeatSpend = member.spend.slice(1, inside);
    summaries.push({
      member: member.member,
      x,
      tx: (member.days[inside - 1]! - first) / unit,
      T: (end - first) / unit,
      meanRepeatSpend: x === 0 ? 0 : sum(repeatSpend).dividedBy(x).toNumber(),
    });
  }
  return summaries;
}

/** Each member's purchase days from `from` to `to` (both YYYY-MM-DD, inclusive): a holdout period's actuals. */
export function purchaseDaysBetween(history: PurchaseHistory, from: string, to: string): Map<string, number> {
  const start = dayParameter(from, "from");
  const end = dayParameter(to, "to");
  const counts = new Map<string, number>();
  for (const member of history.members)
    counts.set(member.member, countUpTo(member.days, end) - countUpTo(member.days, start - 1));
  return counts;
}

/** How many of the ascending `days` are on or before `end`. */
export function countUpTo(days: readonly number[], end: number): number {
  let low = 0;
  let high = days.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (days[mid]! <= end) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A YYYY-MM-DD parameter as a day number; INVALID_COMMAND naming the parameter otherwise. */
export function dayParameter(text: string, name: string): number {
  const day = typeof text === "string" && text.length === 10 ? parseDay(text, "ymd") : null;
  if (day !== null) return day;
  const issues = [{ path: [name], message: notLocalDateText }];
  throw new LoyaltyError("INVALID_COMMAND", invalidCommandText("insights", 1), { issues });
}

function timeUnitOf(days: number | undefined): number {
  if (days === undefined) return 7;
  if (Number.isFinite(days) && days > 0) return days;
  const issues = [{ path: ["timeUnitDays"], message: notPositiveText }];
  throw new LoyaltyError("INVALID_COMMAND", invalidCommandText("insights", 1), { issues });
}
