import { tzOffset } from "@date-fns/tz/tzOffset";

/*
 * Zone offsets are the slow part of local time: each one is an Intl.DateTimeFormat call (about
 * 2 µs), and a TZDate makes several per operation. So offsets are cached per zone and per UTC hour,
 * and local fields and calendar arithmetic are computed from them with UTC Date arithmetic, giving
 * exactly the values the Intl and TZDate computations give (test/shared/time.test.ts compares them
 * on random instants, zones and spans). Whatever the cache cannot vouch for goes a slower way:
 * - an hour in which the zone's offset changes is not cached: each instant in it asks Intl;
 * - a wall-clock time within a day of a transition (skipped, repeated, or merely close), an offset
 *   with seconds (local mean time before ~1900) and anything outside the years 1000 to 9000 is
 *   resolved step by step as TZDate would in a process running in UTC (`instantAtWall`), never
 *   through the process's own zone.
 * The one assumption: no zone changes its offset twice within a day, so an hour or a day whose
 * first and last millisecond have the same offset has it throughout. In the tz database (2025b)
 * the closest two offset changes of any zone are 95 hours apart.
 */
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const FAST_FROM = Date.UTC(1000, 0, 1);
const FAST_UNTIL = Date.UTC(9000, 0, 1);
/** Entries kept per zone and map before it is emptied: 100,000 hours is 11 years. */
const CACHE_LIMIT = 100_000;

interface ZoneCache {
  /** UTC hour -> the zone's offset in minutes through that hour, or NaN if it changes within it. */
  readonly hours: Map<number, number>;
  /** UTC day -> the zone's offset through that day, or NaN if it changes within it. */
  readonly days: Map<number, number>;
}
const zoneCaches = new Map<string, ZoneCache>();

function cacheFor(zone: string): ZoneCache {
  let cache = zoneCaches.get(zone);
  if (!cache) zoneCaches.set(zone, (cache = { hours: new Map(), days: new Map() }));
  return cache;
}

function remember(map: Map<number, number>, key: number, value: number): number {
  if (map.size >= CACHE_LIMIT) map.clear();
  map.set(key, value);
  return value;
}

/** Offset through a UTC hour (NaN if it changes within it, or the zone is unknown). */
function hourOffset(cache: ZoneCache, zone: string, hour: number): number {
  const known = cache.hours.get(hour);
  if (known !== undefined) return known;
  const start = hour * HOUR;
  const first = tzOffset(zone, new Date(start));
  return remember(cache.hours, hour, first === tzOffset(zone, new Date(start + HOUR - 1)) ? first : NaN);
}

/**
 * Offset through a UTC day (NaN if it changes within it): the same at its first and last
 * millisecond means the same throughout, as no zone changes its offset twice within a day (see
 * above). Two Intl calls, where asking each hour would take 48.
 */
function dayOffset(cache: ZoneCache, zone: string, day: number): number {
  const known = cache.days.get(day);
  if (known !== undefined) return known;
  const start = day * DAY;
  const first = tzOffset(zone, new Date(start));
  return remember(cache.days, day, first === tzOffset(zone, new Date(start + DAY - 1)) ? first : NaN);
}

/**
 * The UTC offset of `zone` at `ms`, in minutes, exactly as `tzOffset(zone, new Date(ms))` of
 * @date-fns/tz computes it (which TZDate uses), from the cache. `ms` must be a whole number.
 */
function offsetAt(zone: string, ms: number): number {
  const offset = hourOffset(cacheFor(zone), zone, Math.floor(ms / HOUR));
  return offset === offset ? offset : tzOffset(zone, new Date(ms));
}

/**
 * The one instant whose wall-clock time in `zone` is `wall` (wall-clock fields read as UTC), or
 * null when that is not certain from the cache. Certain when the offset is the same whole number
 * of minutes through the three UTC days around `wall`: any instant showing `wall` lies within a
 * day of it (offsets are under 24 hours), so it has that offset, and only one instant does.
 */
function instantOf(cache: ZoneCache, zone: string, wall: number): number | null {
  if (!(wall >= FAST_FROM && wall < FAST_UNTIL)) return null;
  const day = Math.floor(wall / DAY);
  const offset = dayOffset(cache, zone, day);
  if (
    !Number.isInteger(offset) ||
    dayOffset(cache, zone, day - 1) !== offset ||
    dayOffset(cache, zone, day + 1) !== offset
  )
    return null;
  return wall - offset * MINUTE;
}

const fastInstant = (ms: number) => Number.isInteger(ms) && ms >= FAST_FROM && ms < FAST_UNTIL;

/** A calendar span; months and years follow the calendar (31 Jan + 1 month = 28/29 Feb). */
export interface Duration {
  readonly years?: number;
  readonly months?: number;
  readonly days?: number;
}

/** Wall-clock fields of an instant in a time zone. `weekday` is 0 (Sunday) to 6. */
export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  /** Minutes since local midnight. */
  readonly minuteOfDay: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(zone, fmt);
  }
  return fmt;
}

/** Wall-clock fields of `ms` in `zone`: from the cached offset, else from one Intl formatter per zone. */
export function localParts(ms: number, zone: string): LocalParts {
  if (fastInstant(ms)) {
    const offset = offsetAt(zone, ms);
    if (Number.isInteger(offset)) {
      const wall = new Date(ms + offset * MINUTE);
      return {
        year: wall.getUTCFullYear(),
        month: wall.getUTCMonth() + 1,
        day: wall.getUTCDate(),
        weekday: wall.getUTCDay(),
        minuteOfDay: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
      };
    }
  }
  return intlParts(ms, zone);
}

function intlParts(ms: number, zone: string): LocalParts {
  let year = 0,
    month = 0,
    day = 0,
    weekday = 0,
    hour = 0,
    minute = 0;
  for (const part of formatterFor(zone).formatToParts(ms)) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "weekday":
        weekday = WEEKDAYS[part.value] ?? 0;
        break;
      case "hour":
        hour = Number(part.value);
        break;
      case "minute":
        minute = Number(part.value);
        break;
    }
  }
  return { year, month, day, weekday, minuteOfDay: hour * 60 + minute };
}

/** `n` zero-padded to `width` digits, as dates are written in keys. */
export const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** A local date as its key, YYYY-MM-DD (`month` 1 to 12). */
export function dateKey(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The local calendar date of `ms` in `zone`, as YYYY-MM-DD. */
export function localDateKey(ms: number, zone: string): string {
  const p = localParts(ms, zone);
  return dateKey(p.year, p.month, p.day);
}

/**
 * Adds a calendar span in the zone's wall-clock time: a purchase at 14:00 plus 30 days is available
 * at 14:00 local time, across a DST change (so the span is 30 × 24 h ± 1 h in real time). Years and
 * months as date-fns's addYears / addMonths (31 January plus a month ends on the last day of
 * February), each step on wall-clock fields and resolved to an instant by `instantAtWall`: the
 * results TZDate with date-fns gives in a process running in UTC, whatever the process's own zone.
 */
export function addLocal(ms: number, zone: string, span: Duration): number {
  // As on a Date: the instant is truncated to a whole millisecond; a falsy amount (0, undefined,
  // NaN) is skipped; a fractional one is truncated with the field it is added to.
  let at = new Date(ms).getTime();
  for (const amount of [span.years ? span.years * 12 : 0, span.months ?? 0]) {
    if (!amount) continue;
    const wall = new Date(wallAt(zone, at));
    const end = new Date(wall);
    end.setUTCMonth(wall.getUTCMonth() + amount + 1, 0);
    const endAt = instantAtWall(zone, end.getTime());
    const landed = new Date(wallAt(zone, endAt));
    if (wall.getUTCDate() >= landed.getUTCDate()) {
      at = endAt;
      continue;
    }
    wall.setUTCFullYear(landed.getUTCFullYear(), landed.getUTCMonth(), wall.getUTCDate());
    at = instantAtWall(zone, wall.getTime());
  }
  if (span.days) {
    const wall = new Date(wallAt(zone, at));
    wall.setUTCDate(wall.getUTCDate() + span.days);
    at = instantAtWall(zone, wall.getTime());
  }
  return at;
}

/** The zone's offset at `at` in minutes, with seconds as a fraction (local mean time), or NaN. */
function offsetWithSeconds(zone: string, at: number): number {
  if (Number.isNaN(at)) return NaN;
  return fastInstant(at) ? offsetAt(zone, at) : tzOffset(zone, new Date(at));
}

/** The wall-clock time of `at` in `zone`, its fields read as UTC (offset seconds included). */
function wallAt(zone: string, at: number): number {
  return at - Math.round(-offsetWithSeconds(zone, at) * 60) * 1000;
}

/** The offset in whole minutes, its seconds cut off towards zero, as TZDate uses it. */
function offsetMinutes(zone: string, at: number): number {
  const offset = offsetWithSeconds(zone, at);
  return offset > 0 ? Math.floor(offset) : Math.ceil(offset);
}

/**
 * The instant whose wall-clock time in `zone` is `wall` (fields read as UTC). Where the cache
 * vouches for a single instant, that one. Otherwise (near an offset change, local mean time, far
 * dates) it follows a TZDate setter step by step as it runs in a process whose zone is UTC: guess
 * with the offset at the instant that reads like `wall`, then correct across the change (a skipped
 * time moves forward; a repeated time keeps the guess's side). TZDate itself corrects through the
 * process's own zone, and in a process running in New York lands an hour off near New York's own
 * changes: a server's zone would decide when a lot expires. Here only the program's zone does.
 */
function instantAtWall(zone: string, wall: number): number {
  if (Number.isNaN(wall)) return NaN;
  if (Number.isInteger(wall)) {
    const certain = instantOf(cacheFor(zone), zone, wall);
    if (certain !== null) return certain;
  }
  // Every step clips as a Date's setters do: past the years ±275,760 it is NaN.
  const clip = (t: number) => new Date(t).getTime();
  const offset = offsetMinutes(zone, wall);
  let at = clip(wall - offset * MINUTE);
  const seconds = Math.round(-offsetWithSeconds(zone, at) * 60) % 60;
  if (seconds) at = clip(at + seconds * 1000);
  const post = offsetMinutes(zone, at);
  const shift = post - offset;
  const skipped =
    shift > 0 && wallAt(zone, at) - wall === shift * MINUTE && wallAt(zone, wall - post * MINUTE) !== wall;
  if (shift && !skipped) {
    at = clip(at - shift * MINUTE);
    const change = post - offsetMinutes(zone, at);
    if (change && shift > 0) at = clip(at + change * MINUTE);
  }
  const drift = wall + seconds * 1000 - wallAt(zone, at);
  if (drift && Math.abs(drift) < 30 * MINUTE) at = clip(at + drift);
  return at;
}

let lastIsoMs = NaN;
let lastIso = "";

/**
 * `new Date(ms).toISOString()`. A command formats the same instant several times in a row (its
 * time, the lots' dates, the commit time), so the last result is kept.
 */
export function iso(ms: number): string {
  if (ms === lastIsoMs) return lastIso;
  const text = new Date(ms).toISOString();
  lastIsoMs = ms;
  lastIso = text;
  return text;
}
