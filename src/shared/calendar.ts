/**
 * Calendar arithmetic in one place: local dates (YYYY-MM-DD keys: no zone involved, a date is a
 * date), anniversaries, the first instant of a local date, and the end of a local period. Instant
 * arithmetic in a zone's wall-clock time (`addLocal`) and wall-clock fields stay in time.ts.
 */
import { TZDate } from "@date-fns/tz";
import { addDays, addMonths, addYears, startOfDay, startOfMonth, startOfQuarter, startOfYear } from "date-fns";
import type { CalendarUnit } from "./periods.js";
import { pad } from "./time.js";

/** Calendar arithmetic on local dates (no zone involved: a date is a date). */
function keyToUtc(key: string): Date {
  return new Date(Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10))));
}
function utcToKey(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}
export function addDaysKey(key: string, days: number): string {
  const d = keyToUtc(key);
  d.setUTCDate(d.getUTCDate() + days);
  return utcToKey(d);
}
/** Adds months to a local date, clamping to the month's end (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsKey(key: string, months: number): string {
  const y = Number(key.slice(0, 4)),
    m = Number(key.slice(5, 7)) - 1 + months,
    day = Number(key.slice(8, 10));
  const year = y + Math.floor(m / 12),
    month = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${pad(year, 4)}-${pad(month + 1)}-${pad(Math.min(day, last))}`;
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

/** The latest anniversary (local date) of `joinedKey` on or before `key`; 29 February falls on 28 February in common years. */
export function anniversaryOnOrBefore(joinedKey: string, key: string): string {
  const md = joinedKey.slice(5);
  const yearOf = Number(key.slice(0, 4));
  const month = Number(md.slice(0, 2)),
    day = Number(md.slice(3));
  const at = (y: number) =>
    `${pad(y, 4)}-${pad(month)}-${pad(Math.min(day, new Date(Date.UTC(y, month, 0)).getUTCDate()))}`;
  const candidate = at(yearOf);
  return candidate <= key ? candidate : at(yearOf - 1);
}

/** The first anniversary (local date) of `joinedKey` strictly after `key`, with the same 28 February clamp. */
export function anniversaryAfter(joinedKey: string, key: string): string {
  const month = Number(joinedKey.slice(5, 7)),
    day = Number(joinedKey.slice(8, 10));
  const yearOf = Number(key.slice(0, 4));
  const at = (y: number) =>
    `${pad(y, 4)}-${pad(month)}-${pad(Math.min(day, new Date(Date.UTC(y, month, 0)).getUTCDate()))}`;
  const candidate = at(yearOf);
  return candidate > key ? candidate : at(yearOf + 1);
}

function startOf(date: Date, unit: CalendarUnit): Date {
  switch (unit) {
    case "day":
      return startOfDay(date);
    case "month":
      return startOfMonth(date);
    case "quarter":
      return startOfQuarter(date);
    case "year":
      return startOfYear(date);
  }
}

function addUnits(date: Date, unit: CalendarUnit, n: number): Date {
  switch (unit) {
    case "day":
      return addDays(date, n);
    case "month":
      return addMonths(date, n);
    case "quarter":
      return addMonths(date, 3 * n);
    case "year":
      return addYears(date, n);
  }
}

/**
 * The end of the local period `periodsLater` periods after the one containing `ms` (0: its own end). */
export function endOfPeriod(ms: number, zone: string, unit: CalendarUnit, periodsLater = 0): number {
  return addUnits(startOf(new TZDate(ms, zone), unit), unit, periodsLater + 1).getTime();
}
