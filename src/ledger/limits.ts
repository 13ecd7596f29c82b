/**
 * Per-member limit counters: how many units (or points) a member used of a counter in a local
 * period, and which limit one more use would break. Counters are ledger state (`state.limits`);
 * the fold moves them (through shared/periods.ts `countInPeriods`), these functions only read them.
 */
import { ZERO, type Decimal } from "../shared/decimal.js";
import { periodKey, type Period, type PeriodKeys } from "../shared/periods.js";
import type { MemberView } from "./state.js";

/** The name of a limit counter, as `state.limits` keys it. Make one with `counterName`. */
export type CounterName = `reward:${string}` | `transfers:${string}` | "referrals";

/** The counters there are: the only way to spell a counter's name. */
export const counterName = {
  /** Units of a reward redeemed. */
  redeemed: (rewardId: string): CounterName => `reward:${rewardId}`,
  /** Points sent from a wallet by transfer. */
  transferred: (wallet: string): CounterName => `transfers:${wallet}`,
  /** Members referred. */
  referrals: (): CounterName => "referrals",
} as const;

/** A per-member limit over a local period: at most `count` uses, or at most `points` points. */
export type Limit = { readonly period: Period } & ({ readonly count: number } | { readonly points: Decimal });

/** The local period keys (in `zone`) that `limits` count in at `now`. */
export function limitKeys(limits: readonly { readonly period: Period }[], now: number, zone: string): PeriodKeys {
  const keys: Partial<Record<Period, string>> = {};
  for (const l of limits) keys[l.period] = periodKey(now, zone, l.period);
  return keys;
}

/** How much of `counter` the member used in the period of `key`. */
export function used(state: MemberView, counter: CounterName, period: Period, key: string): Decimal {
  return state.limits[counter]?.[period]?.[key] ?? ZERO;
}

/**
 * The first of `limits` that using `more` (units or points) of `counter` at `now` would break
 * (periods local to `zone`), or null: the one limit check, for count limits and points limits.
 */
export function brokenLimit<L extends Limit>(
  state: MemberView,
  counter: CounterName,
  limits: readonly L[],
  more: Decimal | number,
  now: number,
  zone: string,
): L | null {
  for (const l of limits) {
    const bound = "count" in l ? l.count : l.points;
    if (
      used(state, counter, l.period, periodKey(now, zone, l.period))
        .plus(more)
        .gt(bound)
    )
      return l;
  }
  return null;
}
