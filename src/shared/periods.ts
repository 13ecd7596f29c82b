/**
 * Periods: the local calendar periods that caps and limits count in, and the key of the period an
 * instant falls in.
 */
import { TZDate } from "@date-fns/tz";
import { getISOWeek, getISOWeekYear } from "date-fns";
import { localParts, pad } from "./time.js";

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
