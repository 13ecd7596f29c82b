/**
 * Calendar arithmetic in one place: local dates (YYYY-MM-DD keys: no zone involved, a date is a
 * date), anniversaries, the first instant of a local date, and the end of a local period. Instant
 * arithmetic in a zone's wall-clock time (`addLocal`) and wall-clock fields stay in time.ts.
 */
import { TZDate } from "@date-fns/tz/date";
import { addDays } from "date-fns/addDays";
import { addMonths } from "date-fns/addMonths";
import { addYears } from "date-fns/addYears";
import { addWeeks } from "date-fns/addWeeks";
import { startOfDay } from "date-fns/startOfDay";
import { startOfMonth } from "date-fns/startOfMonth";
import { startOfQuarter } from "date-fns/startOfQuarter";
import { startOfWeek } from "date-fns/startOfWeek";
import { startOfYear } from "date-fns/startOfYear";
import type { CalendarUnit } from "./periods.js";
import { dateKey } from "./time.js";

export { dateKey };

/** The number of days in `month` (1 to 12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The day of `month` in `year` on which an anniversary of day `day` of that month falls: the day
 * itself, or the month's last day if it is shorter (29 February falls on 28 February in common
 * years). The one 29 February rule: membership years and birthdays both follow it.
 */
export function anniversaryDay(year: number, month: number, day: number): number {
  return Math.min(day, daysInMonth(year, month));
}

function keyToUtc(key: string): Date {
  return new Date(Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10))));
}

export function addDaysKey(key: string, days: number): string {
  const d = keyToUtc(key);
  d.setUTCDate(d.getUTCDate() + days);
  return dateKey(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Adds months to a local date, clamping to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsKey(key: string, months: number): string {
  const y = Number(key.slice(0, 4)),
    m = Number(key.slice(5, 7)) - 1 + months,
    day = Number(key.slice(8, 10));
  const year = y + Math.floor(m / 12),
    month = ((m % 12) + 12) % 12;
  return dateKey(year, month + 1, anniversaryDay(year, month + 1, day));
}

/** Local midnights already computed: zone offsets are the slow part of TZDate, and few dates recur. */
const starts = new Map<string, number>();

/** The first instant of a local date in the zone. */
export function dayStart(key: string, zone: string): number {
  const cacheKey = `${zone} ${key}`;
  let at = starts.get(cacheKey);
  if (at === undefined) {
    at = new TZDate(
      Number(key.slice(0, 4)),
      Number(key.slice(5, 7)) - 1,
      Number(key.slice(8, 10)),
      0,
      0,
      0,
      0,
      zone,
    ).getTime();
    if (starts.size >= 20_000) starts.clear();
    starts.set(cacheKey, at);
  }
  return at;
}

/** The anniversary in `year` of the local date `key` (see `anniversaryDay`). */
function anniversaryIn(year: number, key: string): string {
  const month = Number(key.slice(5, 7)),
    day = Number(key.slice(8, 10));
  return dateKey(year, month, anniversaryDay(year, month, day));
}

/** The latest anniversary (local date) of `joinedKey` on or before `key`. */
export function anniversaryOnOrBefore(joinedKey: string, key: string): string {
  const yearOf = Number(key.slice(0, 4));
  const candidate = anniversaryIn(yearOf, joinedKey);
  return candidate <= key ? candidate : anniversaryIn(yearOf - 1, joinedKey);
}

/** The first anniversary (local date) of `joinedKey` strictly after `key`. */
export function anniversaryAfter(joinedKey: string, key: string): string {
  const yearOf = Number(key.slice(0, 4));
  const candidate = anniversaryIn(yearOf, joinedKey);
  return candidate > key ? candidate : anniversaryIn(yearOf + 1, joinedKey);
}

function startOf(date: Date, unit: CalendarUnit): Date {
  switch (unit) {
    case "day":
      return startOfDay(date);
    case "week":
      return startOfWeek(date, { weekStartsOn: 1 });
    case "month":
      return startOfMonth(date);
    case "quarter":
      return startOfQuarter(date);
    case "halfYear":
      return date.getMonth() < 6 ? startOfYear(date) : addMonths(startOfYear(date), 6);
    case "year":
      return startOfYear(date);
  }
}

function addUnits(date: Date, unit: CalendarUnit, n: number): Date {
  switch (unit) {
    case "day":
      return addDays(date, n);
    case "week":
      return addWeeks(date, n);
    case "month":
      return addMonths(date, n);
    case "quarter":
      return addMonths(date, 3 * n);
    case "halfYear":
      return addMonths(date, 6 * n);
    case "year":
      return addYears(date, n);
  }
}

/** The first instant of the local period that contains `ms` (the local midnight, for a day). */
export function startOfPeriod(ms: number, zone: string, unit: CalendarUnit): number {
  return startOf(new TZDate(ms, zone), unit).getTime();
}

/** The end of the local period `periodsLater` periods after the one containing `ms` (0: its own end). */
export function endOfPeriod(ms: number, zone: string, unit: CalendarUnit, periodsLater = 0): number {
  return addUnits(startOf(new TZDate(ms, zone), unit), unit, periodsLater + 1).getTime();
}
