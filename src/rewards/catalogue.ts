/**
 * The catalogue's decisions: what a reward costs a member, and whether the member may redeem it
 * now. Pure: the engine passes the stock it read from the store.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { CompiledReward, Program } from "../program/compile.js";
import type { Decimal } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { periodKey } from "../shared/periods.js";
import { brokenLimit, counterName, used } from "../ledger/limits.js";
import type { MemberView } from "../ledger/state.js";
import { segmentsOf } from "../accrual/segments.js";

/** The price of one unit for a member of `tier` (default: the member's tier now): the tier's price if the reward has one, else `price`. */
export function unitPrice(
  reward: CompiledReward,
  state: MemberView,
  tier: string | null = state.tier?.id ?? null,
): Decimal {
  return (tier === null ? undefined : reward.tierPrices.get(tier)) ?? reward.price;
}

/** Units the member may still redeem under the reward's tightest limit; null when it has none. */
export function unitsLeft(program: Program, reward: CompiledReward, state: MemberView, now: number): number | null {
  let left: number | null = null;
  for (const l of reward.limits) {
    const rest = Math.max(
      0,
      l.count -
        used(state, counterName.redeemed(reward.id), l.period, periodKey(now, program.timeZone, l.period)).toNumber(),
    );
    left = left === null ? rest : Math.min(left, rest);
  }
  return left;
}

/**
 * Why the member may not redeem `quantity` units now, or null if they may (points aside: the draw
 * checks those). In the order a member would want to hear them: offered at all, offered to them,
 * within their limits, in stock.
 */
export function refusal(
  program: Program,
  reward: CompiledReward,
  state: MemberView,
  now: number,
  quantity: number,
  stockLeft: number | null,
): LoyaltyError | null {
  const r = reward.id;
  if (!reward.enabled)
    return new LoyaltyError("REWARD_UNAVAILABLE", messages.rewardDisabled(r), { details: { rewardId: r } });
  if (reward.availableFrom !== null && now < reward.availableFrom)
    return new LoyaltyError("REWARD_UNAVAILABLE", messages.rewardNotYet(r, iso(reward.availableFrom)), {
      details: { rewardId: r, from: iso(reward.availableFrom) },
    });
  if (reward.availableUntil !== null && now >= reward.availableUntil)
    return new LoyaltyError("REWARD_UNAVAILABLE", messages.rewardEnded(r, iso(reward.availableUntil)), {
      details: { rewardId: r, until: iso(reward.availableUntil) },
    });
  const tier = state.tier?.id ?? null;
  if (reward.tiers !== null && (tier === null || !reward.tiers.has(tier))) {
    return new LoyaltyError("TIER_NOT_ELIGIBLE", messages.tierNotEligible(r, tier), {
      details: { rewardId: r, tier, tiers: [...reward.tiers] },
    });
  }
  if (reward.segments !== null) {
    const held = segmentsOf(program, state);
    if (!held.some((s) => reward.segments!.has(s)))
      return new LoyaltyError("SEGMENT_NOT_ELIGIBLE", messages.segmentNotEligible(r), {
        details: { rewardId: r, segments: [...reward.segments] },
      });
  }
  const limit = brokenLimit(state, counterName.redeemed(r), reward.limits, quantity, now, program.timeZone);
  if (limit !== null)
    return new LoyaltyError("LIMIT_REACHED", messages.rewardLimitReached(r, limit.period, limit.count), {
      details: { rewardId: r, period: limit.period, count: limit.count },
    });
  if (stockLeft !== null && stockLeft < quantity)
    return new LoyaltyError("OUT_OF_STOCK", messages.outOfStock(r, stockLeft, quantity), {
      details: { rewardId: r, left: stockLeft, requested: quantity },
    });
  return null;
}

/** Problems of a redeem command that the catalogue shows without loading the member: unknown reward, bad cause, bad quantity. */
export function redeemCommandIssues(
  program: Program,
  command: { rewardId: string; quantity?: number | undefined; cause?: string | undefined },
): { path: (string | number)[]; message: string }[] {
  const f = messages.field;
  const reward = program.rewards.get(command.rewardId);
  if (reward === undefined) return [{ path: ["rewardId"], message: f.unknownReward(command.rewardId) }];
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (reward.kind === "donation") {
    if (command.cause === undefined) issues.push({ path: ["cause"], message: f.causeRequired });
    else if (reward.causes !== null && !reward.causes.has(command.cause))
      issues.push({ path: ["cause"], message: f.unknownCause(command.cause) });
  } else if (command.cause !== undefined) {
    issues.push({ path: ["cause"], message: f.causeNotDonation });
  }
  return issues;
}
