/**
 * Where random scripts of operations (src/testing/arbitraries.ts) run against the example program:
 * member "m", spending and refunding in pounds, redeeming among the example's rewards.
 */
import type { LoyaltyEngine } from "../../src/index.js";
import type { ScriptTarget } from "../../src/testing/index.js";

export const EXAMPLE_REWARDS = ["voucher-5", "tote-bag", "school", "clubcard"] as const;

export function exampleTarget(engine: LoyaltyEngine, advance: (ms: number) => void): ScriptTarget {
  return { engine, memberId: "m", currency: "GBP", spendWallet: "points", advance, rewards: EXAMPLE_REWARDS };
}
