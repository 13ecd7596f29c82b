import { TZDate } from "@date-fns/tz";
import { addDays, addMonths, addYears, getISOWeek, getISOWeekYear } from "date-fns";

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
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", weekday: "short",
    });
    formatters.set(zone, fmt);
  }
  return fmt;
}

/** Wall-clock fields of `ms` in `zone`. One cached Intl formatter per zone. */
export function localParts(ms: number, zone: string): LocalParts {
  let year = 0, month = 0, day = 0, weekday = 0, hour = 0, minute = 0;
  for (const part of formatterFor(zone).formatToParts(ms)) {
    switch (part.type) {
      case "year": year = Number(part.value); break;
      case "month": month = Number(part.value); break;
      case "day": day = Number(part.value); break;
      case "weekday": weekday = WEEKDAYS[part.value] ?? 0; break;
      case "hour": hour = Number(part.value); break;
      case "minute": minute = Number(part.value); break;
    }
  }
  return { year, month, day, weekday, minuteOfDay: hour * 60 + minute };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The local calendar date of `ms` in `zone`, as YYYY-MM-DD. */
export function localDateKey(ms: number, zone: string): string {
  const p = localParts(ms, zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/**
 * Adds a calendar span in the zone's wall-clock time: a purchase at 14:00 plus 30 days is available
 * at 14:00 local time, across a DST change (so the span is 30 × 24 h ± 1 h in real time).
 */
export function addLocal(ms: number, zone: string, span: Duration): number {
  let date: Date = new TZDate(ms, zone);
  if (span.years) date = addYears(date, span.years);
  if (span.months) date = addMonths(date, span.months);
  if (span.days) date = addDays(date, span.days);
  return date.getTime();
}

export type Period = "day" | "week" | "month" | "year" | "lifetime";

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
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
