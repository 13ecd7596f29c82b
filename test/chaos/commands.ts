/**
 * The deterministic command lists of the chaos audit: 25 lists of 20 mixed commands (purchases,
 * refunds, spends, redemptions, cancellations, transfers, adjustments) over the 20 members, each
 * with a fixed idempotency key. Built from a seeded generator, so that the chaos run and the three
 * replaying processes deliver exactly the same payloads under the same keys.
 */
import { members, rewardIds } from "./program.js";
import { mulberry32 } from "../support/mulberry32.js";

export type ChaosCommand =
  | {
      readonly op: "purchase";
      readonly input: { key: string; memberId: string; purchaseId: string; amount: string; currency: "GBP" };
    }
  | {
      readonly op: "refund";
      readonly input: { key: string; memberId: string; purchaseId: string; amount: string; currency: "GBP" };
    }
  | { readonly op: "spend"; readonly input: { key: string; memberId: string; wallet: "points"; points: string } }
  | { readonly op: "redeem"; readonly input: { key: string; memberId: string; rewardId: string } }
  | { readonly op: "cancel"; readonly input: { key: string; memberId: string; redemptionId: string } }
  | {
      readonly op: "transfer";
      readonly input: { key: string; fromMemberId: string; toMemberId: string; wallet: "points"; points: string };
    }
  | {
      readonly op: "adjust";
      readonly input: { key: string; memberId: string; wallet: "points"; points: string; reason: string };
    };

export const LISTS = 25;
export const COMMANDS_PER_LIST = 20;

/** The list with this index: the same commands, keys and payloads on every call. */
export function commandList(list: number): ChaosCommand[] {
  // Seeded, so that the lists are the same in every process and every run.
  const random = mulberry32(19_000 + list);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const purchases: { memberId: string; purchaseId: string }[] = [];
  const redemptions: { memberId: string; redemptionId: string }[] = [];
  const out: ChaosCommand[] = [];
  for (let i = 0; i < COMMANDS_PER_LIST; i++) {
    const key = `chaos-${list}-${i}`;
    const memberId = pick(members);
    const roll = random();
    if (roll < 0.1 && purchases.length > 0) {
      // A partial refund of one of this list's purchases (some exceed what is left: a typed refusal).
      const p = pick(purchases);
      out.push({ op: "refund", input: { key, ...p, amount: `${int(1, 40)}.00`, currency: "GBP" } });
    } else if (roll < 0.18 && redemptions.length > 0) {
      out.push({ op: "cancel", input: { key, ...pick(redemptions) } });
    } else if (roll < 0.4) {
      const purchaseId = `o-${list}-${i}`;
      purchases.push({ memberId, purchaseId });
      out.push({
        op: "purchase",
        input: { key, memberId, purchaseId, amount: `${int(5, 90)}.${int(10, 99)}`, currency: "GBP" },
      });
    } else if (roll < 0.55) {
      out.push({ op: "spend", input: { key, memberId, wallet: "points", points: String(int(5, 70)) } });
    } else if (roll < 0.72) {
      // The redemption id defaults to the key: what a later cancellation names.
      redemptions.push({ memberId, redemptionId: key });
      out.push({ op: "redeem", input: { key, memberId, rewardId: pick(rewardIds) } });
    } else if (roll < 0.88) {
      const toMemberId = pick(members.filter((m) => m !== memberId));
      out.push({
        op: "transfer",
        input: { key, fromMemberId: memberId, toMemberId, wallet: "points", points: String(int(5, 50)) },
      });
    } else {
      const points = String(int(5, 60) * (random() < 0.5 ? -1 : 1));
      out.push({ op: "adjust", input: { key, memberId, wallet: "points", points, reason: "chaos" } });
    }
  }
  return out;
}
