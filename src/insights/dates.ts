/**
 * Purchase dates as written in a history file, read as calendar days. A history records the day of
 * each purchase in the shop's own time; the models count days, so a time of day, when present, is
 * read and dropped, and no time zone is applied. Days are numbered from 1970-01-01 (day 0).
 */

/** How a history writes its dates: `ymd` 2026-03-01, `compact` 20260301, `mdy` 3/1/2026, `dmy` 1/3/2026. */
export type DateFormat = "ymd" | "compact" | "mdy" | "dmy";
export const DATE_FORMATS: readonly DateFormat[] = ["ymd", "compact", "mdy", "dmy"];

const MS_PER_DAY = 86_400_000;
// An optional time of day after the date: " 8:26", "T08:26:00Z", " 08:26:00".
const TIME = String.raw`(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;
const PATTERNS: Record<DateFormat, RegExp> = {
  ymd: new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})${TIME}$`),
  compact: /^(\d{4})(\d{2})(\d{2})$/,
  mdy: new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`),
  dmy: new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`),
};

/** The day number of a date written in `format`, or null when it is not a real date in that format. */
export function parseDay(text: string, format: DateFormat): number | null {
  const match = PATTERNS[format].exec(text.trim());
  if (match === null) return null;
  const [a, b, c] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [year, month, day] = format === "mdy" ? [c, a, b] : format === "dmy" ? [c, b, a] : [a, b, c];
  return dayNumber(year, month, day);
}

/** The day number of a calendar date, or null when the date does not exist (2026-02-30). */
function dayNumber(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1) return null;
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return Math.round(ms / MS_PER_DAY);
}

/** A day number as YYYY-MM-DD. */
export function dayKey(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** A day number's month as YYYY-MM, the name of a joining cohort. */
export function monthKey(day: number): string {
  return dayKey(day).slice(0, 7);
}

/** Months from the month of day `from` to the month of day `to` (0 when the same month). */
export function monthsBetween(from: number, to: number): number {
  const a = new Date(from * MS_PER_DAY);
  const b = new Date(to * MS_PER_DAY);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
}
