/**
 * Per-member limit counters: how many units (or points) a member used of a counter in a local
 * period, and which limit one more use would break. Counters are ledger state (`state.limits`);
 * the fold moves them, these functions only read them. Counter names: `reward:<id>`, `referrals`,
 * `transfers:<wallet>`.
 */
import { ZERO, type Decimal } from "../shared/decimal.js";
import { periodKey, type Period } from "../shared/periods.js";
import type { PeriodKeys } from "./entries.js";
import type { MemberState } from "./state.js";

/** The local period keys (in `zone`) that `limits` count in at `now`. */
export function limitKeys(limits: readonly { readonly period: Period }[], now: number, zone: string): PeriodKeys {
  const keys: Partial<Record<Period, string>> = {};
  for (const l of limits) keys[l.period] = periodKey(now, zone, l.period);
  return keys;
}

/** How much of `counter` the member used in the period of `key`. */
export function used(state: MemberState, counter: string, period: Period, key: string): Decimal {
  return state.limits[counter]?.[period]?.[key] ?? ZERO;
}

/** The first count limit that `more` units would break at `now` (periods local to `zone`), or null. */
export function brokenLimit<L extends { readonly period: Period; readonly count: number }>(
  state: MemberState,
  counter: string,
  limits: readonly L[],
  more: number,
  now: number,
  zone: string,
): L | null {
  for (const l of limits) {
    if (
      used(state, counter, l.period, periodKey(now, zone, l.period))
        .plus(more)
        .gt(l.count)
    )
      return l;
  }
  return null;
}
