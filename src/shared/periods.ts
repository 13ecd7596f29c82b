/**
 * Periods: the one source of the period words a program may use (each list feeds the zod schema
 * and the type), the key of the local period an instant falls in, and the bounded update of a
 * counter kept per period key.
 */
import { TZDate } from "@date-fns/tz/date";
import { getISOWeek } from "date-fns/getISOWeek";
import { getISOWeekYear } from "date-fns/getISOWeekYear";
import { ZERO, type Decimal } from "./decimal.js";
import { invariant } from "./invariant.js";
import { dateKey, localParts, pad } from "./time.js";

/** The periods caps and limits count in ("lifetime": one period for ever). */
export const COUNTING_PERIODS = ["day", "week", "month", "year", "lifetime"] as const;
export type Period = (typeof COUNTING_PERIODS)[number];

/**
 * Calendar units an instant rounds up to the end of (a term expiry's `roundUpTo`). Weeks are ISO
 * weeks (Monday first): neither Talon.One nor Voucherify states another first day. Half-years end
 * at the end of June and of December (Voucherify).
 */
export const CALENDAR_UNITS = ["day", "week", "month", "quarter", "halfYear", "year"] as const;
export type CalendarUnit = (typeof CALENDAR_UNITS)[number];

/** Periods at whose ends things happen: calendar expiry, tier reviews, automatic conversions. */
export const PERIOD_END_UNITS = ["month", "quarter", "year"] as const satisfies readonly CalendarUnit[];
export type PeriodEndUnit = (typeof PERIOD_END_UNITS)[number];

/** The key of each period an action counts in, e.g. { month: "2026-11", lifetime: "all" }. */
export type PeriodKeys = Readonly<Partial<Record<Period, string>>>;

/** Amounts counted per period, per period key. */
export type PeriodCounters = Partial<Record<Period, Record<string, Decimal>>>;

/**
 * How many of the latest period keys a cap counter keeps: enough for purchases recorded late by
 * two months (62 days, 10 weeks, 13 months, 3 years). A purchase recorded later than that finds no
 * counter for its period and is capped as if the period were empty.
 */
export const CAP_KEYS_KEPT: Readonly<Record<Period, number>> = { day: 62, week: 10, month: 13, year: 3, lifetime: 1 };

/**
 * Period keys a limit counter keeps (redemptions, transfers, referrals happen now, never
 * backdated): the current period and the one before, in case two processes' clocks disagree.
 */
export const LIMIT_KEYS_KEPT = 2;

/** The key of the local period that contains `ms`: 2026-11-23, 2026-W48, 2026-11, 2026 or "all". */
export function periodKey(ms: number, zone: string, period: Period): string {
  if (period === "lifetime") return "all";
  if (period === "week") {
    const d = new TZDate(ms, zone);
    return `${getISOWeekYear(d)}-W${pad(getISOWeek(d))}`;
  }
  const p = localParts(ms, zone);
  if (period === "year") return pad(p.year, 4);
  if (period === "month") return `${pad(p.year, 4)}-${pad(p.month)}`;
  return dateKey(p.year, p.month, p.day);
}

/**
 * Adds `delta` to `counters` under each of `keys`, then keeps only the latest `kept(period)` keys of
 * each period (keys sort in time order), so a counter never grows with a member's history. A
 * negative `delta` (an action undone) never takes a count below zero and leaves a key that is gone
 * gone: the period has already been forgotten, so there is nothing to give back.
 */
export function countInPeriods(
  counters: PeriodCounters,
  keys: PeriodKeys,
  delta: Decimal,
  kept: (period: Period) => number,
): void {
  for (const [period, key] of Object.entries(keys) as [Period, string][]) {
    const byKey = (counters[period] ??= Object.create(null) as Record<string, Decimal>);
    if (delta.isNeg() && byKey[key] === undefined) continue;
    const next = (byKey[key] ?? ZERO).plus(delta);
    byKey[key] = next.isNeg() ? ZERO : next;
    const bound = kept(period);
    const all = Object.keys(byKey);
    const pruned = all.length > bound ? all.sort().slice(0, all.length - bound) : [];
    for (const old of pruned) delete byKey[old];
    const left = all.length - pruned.length;
    invariant(left <= bound, () => `counter for period ${period} keeps ${left} keys, more than ${bound}`);
  }
}
