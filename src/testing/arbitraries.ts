/**
 * fast-check arbitraries for loyalty programs: random money amounts and random operation scripts
 * that a test can run through any engine. The property tests of this library use them; so can a
 * program owner, to check a program of their own against the invariants.
 */
import fc from "fast-check";
import type { LoyaltyEngine } from "../engine/engine.js";
import { isLoyaltyError } from "../errors/loyalty-error.js";

/** A money amount as a decimal string with `places` decimals, from one minor unit to `maxUnits`. */
export function moneyArb(places = 2, maxUnits = 50_000): fc.Arbitrary<string> {
  return fc.integer({ min: 1, max: maxUnits }).map((units) => unitsToDecimal(units, places));
}

/** Formats an integer count of minor units as a decimal string (no float on the way). */
export function unitsToDecimal(units: number, places: number): string {
  if (places === 0) return String(units);
  const text = String(units).padStart(places + 1, "0");
  return `${text.slice(0, -places)}.${text.slice(-places)}`;
}

/** One step of a random member history. */
export type Operation =
  | { readonly op: "purchase"; readonly units: number }
  | { readonly op: "refund"; readonly purchase: number; readonly units: number }
  | { readonly op: "return"; readonly units: number }
  | { readonly op: "spend"; readonly points: number }
  | { readonly op: "adjust"; readonly points: number }
  | { readonly op: "event"; readonly type: string }
  | { readonly op: "advance"; readonly ms: number }
  /** Redeems the target's `rewards[reward % length]` (skipped when the target names none). */
  | { readonly op: "redeem"; readonly reward: number; readonly quantity: number }
  /** Cancels the target's `redemption % count`-th redemption so far (skipped when there is none). */
  | { readonly op: "cancel"; readonly redemption: number };

const DAY = 86_400_000;

/** Operations; with `rewards: true`, redemptions and cancellations too (run them on a target with `rewards`). */
export function operationArb(
  eventTypes: readonly string[] = ["signup", "review"],
  options: { rewards?: boolean } = {},
): fc.Arbitrary<Operation> {
  const rewardOps = options.rewards
    ? [
        {
          weight: 2,
          arbitrary: fc.record({
            op: fc.constant("redeem" as const),
            reward: fc.nat(),
            quantity: fc.integer({ min: 1, max: 3 }),
          }),
        },
        { weight: 1, arbitrary: fc.record({ op: fc.constant("cancel" as const), redemption: fc.nat() }) },
      ]
    : [];
  return fc.oneof(
    ...rewardOps,
    {
      weight: 4,
      arbitrary: fc.record({ op: fc.constant("purchase" as const), units: fc.integer({ min: 1, max: 40_000 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant("refund" as const),
        purchase: fc.nat(),
        units: fc.integer({ min: 1, max: 20_000 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant("return" as const), units: fc.integer({ min: 1, max: 10_000 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant("spend" as const), points: fc.integer({ min: 1, max: 400 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("adjust" as const),
        points: fc.integer({ min: -200, max: 300 }).filter((p) => p !== 0),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("event" as const), type: fc.constantFrom(...eventTypes) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant("advance" as const),
        ms: fc.oneof(fc.integer({ min: 0, max: 60 * DAY }), fc.constantFrom(1, DAY, 14 * DAY)),
      }),
    },
  );
}

export interface ScriptTarget {
  readonly engine: LoyaltyEngine;
  readonly memberId: string;
  readonly currency: string;
  readonly spendWallet: string;
  readonly advance: (ms: number) => void;
  /** Prefix of the idempotency keys, so that two runs of one script can share a store or not. */
  readonly keyPrefix?: string;
  /** Rewards that "redeem" operations pick from (donations need a cause: "cause-1" is given). */
  readonly rewards?: readonly string[];
}

/** Refusals a random script meets in the normal course of things; anything else is a failure. */
const EXPECTED_REFUSALS = [
  "INSUFFICIENT_POINTS",
  "REFUND_EXCEEDS_PURCHASE",
  "REFUND_WINDOW_CLOSED",
  "OUT_OF_STOCK",
  "LIMIT_REACHED",
  "REWARD_UNAVAILABLE",
  "TIER_NOT_ELIGIBLE",
  "SEGMENT_NOT_ELIGIBLE",
  "REDEMPTION_CANCELLED",
];

/**
 * Runs a script of operations against an engine, one command each (time steps only move the
 * clock). Business refusals (not enough points, refund too large) are expected and counted; any
 * other error is rethrown. `afterEach` runs after every step (to check invariants as it goes).
 * Returns the refusal codes in order.
 */
export async function runOperations(
  target: ScriptTarget,
  operations: readonly Operation[],
  afterEach?: (op: Operation) => Promise<void>,
): Promise<string[]> {
  const { engine, memberId, currency } = target;
  const refusals: string[] = [];
  const purchases: string[] = [];
  const redemptions: string[] = [];
  let n = 0;
  const key = () => `${target.keyPrefix ?? "op"}-${++n}`;
  for (const o of operations) {
    const k = key();
    try {
      switch (o.op) {
        case "purchase":
          await engine.recordPurchase({
            key: k,
            memberId,
            purchaseId: k,
            amount: unitsToDecimal(o.units, 2),
            currency,
          });
          purchases.push(k);
          break;
        case "refund":
          if (purchases.length === 0) break;
          await engine.refund({
            key: k,
            memberId,
            purchaseId: purchases[o.purchase % purchases.length]!,
            amount: unitsToDecimal(o.units, 2),
            currency,
          });
          break;
        case "return":
          await engine.refund({ key: k, memberId, amount: unitsToDecimal(o.units, 2), currency });
          break;
        case "spend":
          await engine.spend({ key: k, memberId, wallet: target.spendWallet, points: String(o.points) });
          break;
        case "adjust":
          await engine.adjust({
            key: k,
            memberId,
            wallet: target.spendWallet,
            points: String(o.points),
            reason: "test",
          });
          break;
        case "event":
          await engine.recordEvent({ key: k, memberId, type: o.type });
          break;
        case "advance":
          target.advance(o.ms);
          break;
        case "redeem": {
          const rewards = target.rewards ?? [];
          if (rewards.length === 0) break;
          const rewardId = rewards[o.reward % rewards.length]!;
          const reward = engine.program.rewards.get(rewardId);
          await engine.redeem({
            key: k,
            memberId,
            rewardId,
            quantity: o.quantity,
            ...(reward?.kind === "donation" ? { cause: "cause-1" } : {}),
          });
          redemptions.push(k);
          break;
        }
        case "cancel":
          if (redemptions.length === 0) break;
          await engine.cancelRedemption({
            key: k,
            memberId,
            redemptionId: redemptions[o.redemption % redemptions.length]!,
          });
          break;
      }
    } catch (error) {
      if (isLoyaltyError(error) && EXPECTED_REFUSALS.includes(error.code)) refusals.push(error.code);
      else throw error;
    }
    await afterEach?.(o);
  }
  return refusals;
}
