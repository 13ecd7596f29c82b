/**
 * Review schedules: when the next scheduled review falls, the midnight at which a rolling window
 * stops supporting a tier, and until when a tier reached (or kept) at an instant is guaranteed.
 */
import type { Program } from "../program/compile.js";
import { addDaysKey, addMonthsKey, dayStart, endOfPeriod } from "../shared/calendar.js";
import { addLocal } from "../shared/time.js";
import type { MemberView } from "../ledger/state.js";
import { rollingFrom, windowAt, ALL_BUCKET } from "./window.js";
import { qualifiedIndex } from "./qualify.js";
import { effectiveExpiry } from "../ledger/lots.js";
import { deadlines as inactivityDeadlines } from "../expiry/policy.js";

export const nextMidnight = (program: Program, after: number) => endOfPeriod(after, program.timeZone, "day");

const hasBalanceThreshold = (program: Program) =>
  program.tiers!.levels.some((level) => level.thresholds.some((t) => t.metric === "balance"));

/** The first scheduled review strictly after `after` for a tier held since `since`. */
export function nextScheduled(program: Program, since: number, after: number): number {
  const s = program.tiers!.schedule;
  switch (s.kind) {
    case "periodEnd":
      return endOfPeriod(after, program.timeZone, s.period);
    case "daily":
      return nextMidnight(program, after);
    case "tierAnniversary": {
      // Start near the answer: each step is a zone-aware date computation.
      let years = Math.max(1, Math.floor((after - since) / (366 * 86_400_000)));
      while (addLocal(since, program.timeZone, { years }) <= after) years++;
      return addLocal(since, program.timeZone, { years });
    }
  }
}

/** The midnight (or later) at which a bucket day has left every window: rolling windows only. */
function exitOf(program: Program, day: string): number {
  const w = program.tiers!.window;
  if (w.kind !== "rolling") return Number.POSITIVE_INFINITY;
  // At the midnight that starts day D the window's last day is D - 1; find the first such D that excludes `day`.
  let d = addDaysKey(day, 1);
  if (w.months) d = addMonthsKey(d, w.months);
  if (w.days) d = addDaysKey(d, w.days);
  while (rollingFrom(w, addDaysKey(d, -1)) <= day) d = addDaysKey(d, 1);
  while (rollingFrom(w, addDaysKey(d, -2)) > day) d = addDaysKey(d, -1);
  return dayStart(d, program.timeZone);
}

/**
 * The first local midnight at or after `from` at which the member's metric, without further
 * activity, no longer meets tier `index`; null if it never stops (lifetime windows). Used by the
 * daily (rolling) review schedule and as its guarantee.
 */
export function failsAt(program: Program, state: MemberView, index: number, from: number): number | null {
  const candidates = new Set<number>([from]);
  const range = windowAt(program, state, from);
  if (range.endsAt !== null) candidates.add(range.endsAt);
  for (const bucket of Object.keys(state.metrics))
    if (bucket !== ALL_BUCKET) {
      const x = exitOf(program, bucket);
      if (x > from && Number.isFinite(x)) candidates.add(x);
    }
  // A balance threshold falls when a lot expires: the first midnight at or after each expiry.
  if (hasBalanceThreshold(program)) {
    const deadlines = inactivityDeadlines(program, state);
    for (const lot of state.lots) {
      const expires = effectiveExpiry(lot, deadlines.get(lot.wallet) ?? null);
      if (expires === null) continue;
      const midnight = nextMidnight(program, expires - 1);
      if (midnight > from) candidates.add(midnight);
    }
  }
  for (const at of [...candidates].sort((a, b) => a - b)) if (qualifiedIndex(program, state, at) < index) return at;
  return null;
}
/** Until when a tier reached (or kept) at `at` is guaranteed; null for the base tier. */
export function guaranteeFrom(
  program: Program,
  state: MemberView,
  index: number,
  at: number,
  minimumStay: boolean,
): number | null {
  if (index === 0) return null;
  const tiers = program.tiers!;
  // Daily reviews guarantee a tier until its metric, left alone, would fail; a balance is not left
  // alone (any spend lowers it), so a ladder with balance thresholds is guaranteed to the next midnight
  // only, and the review is due at the first midnight its balance no longer supports (review.ts).
  let until =
    tiers.schedule.kind !== "daily"
      ? nextScheduled(program, at, at)
      : hasBalanceThreshold(program)
        ? nextMidnight(program, at)
        : (failsAt(program, state, index, nextMidnight(program, at)) ?? null);
  // A calendar period or membership year decides only when it closes: a review inside it (monthly
  // reviews of a calendar-year window) would read a partial year, so it may promote but not demote.
  const closes = windowAt(program, state, at + 1).endsAt;
  if (tiers.schedule.kind !== "daily" && closes !== null && until !== null && until < closes) {
    until = nextScheduled(program, at, closes - 1);
  }
  if (minimumStay && tiers.minimumStayMonths > 0) {
    const stay = addLocal(at, program.timeZone, { months: tiers.minimumStayMonths });
    if (until === null || until < stay) until = stay;
  }
  return until;
}
