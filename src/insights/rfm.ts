/**
 * Recency, frequency, monetary value and tenure per member, and the program's repeat purchase rate:
 * the core loyalty measures, read straight off the history on a given day. Counts are purchase days;
 * money stays exact (decimal strings).
 */
import { formatAmount, roundTo, sum } from "../shared/decimal.js";
import { countUpTo, dayParameter } from "./calibration.js";
import type { PurchaseHistory } from "./history.js";

export interface Rfm {
  readonly member: string;
  /** Days since the last purchase day. */
  readonly recencyDays: number;
  /** Purchase days up to now. */
  readonly frequency: number;
  /** Mean spend per purchase day, rounded half-up to `scale` places. */
  readonly monetary: string;
  /** Total spend up to now (gross of returns), exact. */
  readonly totalSpend: string;
  /** Days since the first purchase day. */
  readonly tenureDays: number;
}

/** RFM and tenure on `now` (YYYY-MM-DD) for every member who had bought by then. */
export function rfm(history: PurchaseHistory, now: string, scale = 2): Rfm[] {
  const today = dayParameter(now, "now");
  const result: Rfm[] = [];
  for (const member of history.members) {
    const count = countUpTo(member.days, today);
    if (count === 0) continue;
    const total = sum(member.spend.slice(0, count));
    result.push({
      member: member.member,
      recencyDays: today - member.days[count - 1]!,
      frequency: count,
      monetary: formatAmount(roundTo(total.dividedBy(count), scale, "half_up"), scale),
      totalSpend: total.toFixed(),
      tenureDays: today - member.days[0]!,
    });
  }
  return result;
}

export interface RepeatPurchaseRate {
  /** Members who had bought by then. */
  readonly members: number;
  /** Of them, those with two purchase days or more. */
  readonly repeaters: number;
  /** repeaters / members (0 with no members). */
  readonly rate: number;
}

/** The share of members who came back: bought on a second day by `now`. */
export function repeatPurchaseRate(history: PurchaseHistory, now: string): RepeatPurchaseRate {
  const today = dayParameter(now, "now");
  let members = 0;
  let repeaters = 0;
  for (const member of history.members) {
    const count = countUpTo(member.days, today);
    if (count > 0) members++;
    if (count > 1) repeaters++;
  }
  return { members, repeaters, rate: members === 0 ? 0 : repeaters / members };
}
