/**
 * Retention by joining cohort: members grouped by the month of their first purchase, and for each
 * month since, the share of the cohort who bought in it. Loyalty as how long the relationship lasts,
 * read as a table (cohort × month) rather than through a model.
 */
import { countUpTo, dayParameter } from "./calibration.js";
import { monthKey, monthsBetween } from "./dates.js";
import type { PurchaseHistory } from "./history.js";

export interface CohortRow {
  /** The joining month, YYYY-MM. */
  readonly cohort: string;
  readonly members: number;
  /** active[k]: members of the cohort who bought in the k-th month after joining (k = 0 is the joining month). */
  readonly active: readonly number[];
  /** retention[k] = active[k] / members. */
  readonly retention: readonly number[];
}

/** The cohort × month table of purchases up to `now` (YYYY-MM-DD), cohorts in time order. */
export function retentionByCohort(history: PurchaseHistory, now: string): CohortRow[] {
  const today = dayParameter(now, "now");
  const cohorts = new Map<string, { members: number; active: number[] }>();
  for (const member of history.members) {
    const count = countUpTo(member.days, today);
    if (count === 0) continue;
    const first = member.days[0]!;
    const key = monthKey(first);
    let row = cohorts.get(key);
    if (row === undefined) {
      row = { members: 0, active: new Array<number>(monthsBetween(first, today) + 1).fill(0) };
      cohorts.set(key, row);
    }
    row.members++;
    let lastMonth = -1;
    for (const day of member.days.slice(0, count)) {
      const month = monthsBetween(first, day);
      if (month !== lastMonth) row.active[month]!++;
      lastMonth = month;
    }
  }
  return [...cohorts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([cohort, row]) => ({ cohort, ...row, retention: row.active.map((n) => n / row.members) }));
}
