/**
 * Qualification: the tier a member holds, whether metric values meet a tier's thresholds, and the
 * highest tier the window at an instant supports.
 */
import type { CompiledTier, CompiledTiers, Program } from "../program/compile.js";
import type { Decimal } from "../shared/decimal.js";
import type { MemberView, TierState } from "../ledger/state.js";
import { metricValues } from "./window.js";

/** The member's tier; a member with no tier entry yet holds the base tier since joining. */
export function currentTier(program: Program, state: MemberView): TierState {
  if (state.tier !== null) return state.tier;
  return {
    id: program.tiers!.levels[0]!.id,
    since: state.joinedAt,
    guaranteedUntil: null,
    graceUntil: null,
    floor: null,
    reviewedAt: null,
    basis: "base",
    confirmed: null,
  };
}

/** A tier's place on the ladder (0: the base tier). */
export const indexOf = (tiers: CompiledTiers, id: string) => tiers.byId.get(id)?.index ?? 0;

/** Whether metric values meet a tier's thresholds (the base tier has none: always). */
export function meets(tier: CompiledTier, values: Readonly<Record<string, Decimal>>): boolean {
  if (tier.thresholds.length === 0) return true;
  const ok = (t: CompiledTier["thresholds"][number]) => values[t.key] !== undefined && values[t.key]!.gte(t.min);
  return tier.match === "all" ? tier.thresholds.every(ok) : tier.thresholds.some(ok);
}

/**
 * The highest tier whose thresholds the window at `at` meets (monotone in every metric); balance
 * thresholds read the balance at `balanceAt` (window.ts, metricValues).
 */
export function qualifiedIndex(program: Program, state: MemberView, at: number, balanceAt = at): number {
  const tiers = program.tiers!;
  const values = metricValues(program, state, at, balanceAt);
  for (let i = tiers.levels.length - 1; i > 0; i--) if (meets(tiers.levels[i]!, values)) return i;
  return 0;
}
