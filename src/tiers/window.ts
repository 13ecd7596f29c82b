/**
 * Qualification windows: which counter buckets a tier decision at instant T reads, all in the
 * program's zone. The window "at T" holds every local day that began before T: a command at noon
 * counts today, a review at local midnight counts the days that just ended. Buckets are local dates
 * (YYYY-MM-DD); lifetime and since-tier-change windows use one running bucket, "all".
 */
import type { Program } from "../program/compile.js";
import type { QualificationWindow } from "../program/schema.js";
import { ZERO, type Decimal } from "../shared/decimal.js";
import { addDaysKey, addMonthsKey, anniversaryAfter, anniversaryOnOrBefore, dayStart } from "../shared/calendar.js";
import { localDateKey } from "../shared/time.js";
import type { MemberView } from "../ledger/state.js";
import { walletBalanceAt } from "../ledger/lots.js";
import { inactivityDeadline } from "../expiry/policy.js";
import { dict, type Dict } from "../ledger/state.js";

export const ALL_BUCKET = "all";

/** The local date of an instant: the bucket a dated metric lands in. */
export const dayKey = (ms: number, zone: string) => localDateKey(ms, zone);

export interface WindowRange {
  /** First and last local dates counted; null for the running bucket ("all"). */
  readonly from: string | null;
  readonly to: string | null;
  /** When the window closes (its counters start again): calendar and membership years only. */
  readonly endsAt: number | null;
}

/** The length in months of each calendar window: a period starts on 1 January and every N months after. */
const CALENDAR_MONTHS = { calendarMonth: 1, calendarQuarter: 3, calendarHalfYear: 6, calendarYear: 12 } as const;

/** The first local date of the calendar period of `months` months that holds `day` (YYYY-MM-DD). */
function calendarPeriodStart(day: string, months: number): string {
  const month = Number(day.slice(5, 7));
  const first = Math.floor((month - 1) / months) * months + 1;
  return `${day.slice(0, 4)}-${String(first).padStart(2, "0")}-01`;
}

/** The window a decision at instant `at` reads. */
export function windowAt(program: Program, state: MemberView, at: number): WindowRange {
  const w = program.tiers!.window;
  const zone = program.timeZone;
  const last = dayKey(at - 1, zone);
  switch (w.kind) {
    case "lifetime":
    case "sinceTierChange":
      return { from: null, to: null, endsAt: null };
    case "rolling":
      return { from: rollingFrom(w, last), to: last, endsAt: null };
    case "calendarYear":
    case "calendarHalfYear":
    case "calendarQuarter":
    case "calendarMonth": {
      const months = CALENDAR_MONTHS[w.kind];
      const from = calendarPeriodStart(last, months);
      return { from, to: last, endsAt: dayStart(addMonthsKey(from, months), zone) };
    }
    case "membershipYear": {
      const joined = dayKey(state.joinedAt, zone);
      const from = anniversaryOnOrBefore(joined, last);
      // The year ends at the next anniversary: for a 29 February join, 28 February 2027 to 29 February 2028.
      return { from, to: last, endsAt: dayStart(anniversaryAfter(joined, from), zone) };
    }
  }
}

const BALANCE_PREFIX = "balance:";

/**
 * A wallet's available balance at `at` less its debt, as a balance threshold reads it, with the
 * points an open checkout hold keeps for an order (unexpired at `at`): they stay the member's until
 * captured, and a review must not demote a member for shopping across midnight, nor decide
 * differently whether its sweep ran before or after the hold was closed.
 */
function balanceOf(program: Program, state: MemberView, wallet: string, at: number): Decimal {
  const b = walletBalanceAt(state, wallet, at, inactivityDeadline(program, state, wallet));
  let held = ZERO;
  for (const h of Object.values(state.holds)) {
    if (h.wallet !== wallet) continue;
    for (const d of h.draws) if (d.lot.expiresAt === null || d.lot.expiresAt > at) held = held.plus(d.points);
  }
  return b.available.plus(held).minus(b.debt);
}

/** The first day of a rolling window whose last day is `last`: N days (or months) back, inclusive. */
export function rollingFrom(window: Extract<QualificationWindow, { kind: "rolling" }>, last: string): string {
  let from = last;
  if (window.months) from = addMonthsKey(from, -window.months);
  if (window.days) from = addDaysKey(from, -window.days);
  return addDaysKey(from, 1);
}

/**
 * Sums of every metric counter over the window at `at`. Never negative (a refund may outrun a pruned
 * day). Balance metrics (`balance:<wallet>`) are no sum: the wallet's available balance net of
 * debt at `balanceAt` (default `at`), never a past one, since the lots spent since are gone.
 */
export function metricValues(program: Program, state: MemberView, at: number, balanceAt = at): Dict<Decimal> {
  const range = windowAt(program, state, at);
  const out = dict<Decimal>();
  for (const bucket of Object.keys(state.metrics)) {
    const inWindow =
      range.from === null
        ? bucket === ALL_BUCKET
        : bucket !== ALL_BUCKET && bucket >= range.from && bucket <= range.to!;
    if (!inWindow) continue;
    const counters = state.metrics[bucket]!;
    for (const key of Object.keys(counters)) out[key] = (out[key] ?? ZERO).plus(counters[key]!);
  }
  for (const key of program.tiers!.metricKeys)
    if (key.startsWith(BALANCE_PREFIX))
      out[key] = balanceOf(program, state, key.slice(BALANCE_PREFIX.length), balanceAt);
  for (const key of Object.keys(out)) if (out[key]!.lt(0)) out[key] = ZERO;
  return out;
}

/**
 * The oldest dated bucket a decision may still need at `now`: the window of an instant a year
 * back (a review sweep may process a review instant that is long past), so counters older than
 * that are pruned. Null for the running-bucket windows.
 */
export function keepFrom(program: Program, state: MemberView, now: number): string | null {
  const w = program.tiers!.window;
  if (w.kind === "lifetime" || w.kind === "sinceTierChange") return null;
  const yearBack = dayStart(addMonthsKey(dayKey(now, program.timeZone), -12), program.timeZone);
  return windowAt(program, state, yearBack).from;
}
