/**
 * Tiers after a command, in the same commit: immediate promotion, and the demotion at once of a
 * tier a refund took back (program option `refunds: "atOnce"`). Requalifying is a review's step:
 * nothing here writes `requalified`.
 */
import type { Program } from "../program/compile.js";
import type { TierState } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { currentTier, indexOf, qualifiedIndex } from "./qualify.js";
import { guaranteeFrom } from "./schedule.js";
import { ensureTier, promote, writeTier } from "./write-tier.js";

/**
 * After a command's own entries, in the same commit: immediate promotion (skipping levels where
 * earned, with each tier's bonus) and, when the program says `refunds: "atOnce"`, the demotion of
 * a tier reached by promotion that this refund's points or money took back under its thresholds
 * (or a cancellation's, reclaiming points a refund forgave), never below the tier the last review
 * confirmed while that review's hold lasts.
 * `qualifiedBefore` is the level the member qualified for before the command (null: a new member),
 * after the due work (tier reviews, conversions, expiries) that the command's write did first: a
 * review that reset the metrics is not this command's doing.
 */
export function tiersAfterCommand(
  writer: LedgerWriter,
  program: Program,
  qualifiedBefore: number | null,
  type: string,
): void {
  const tiers = program.tiers;
  if (tiers === null) return;
  ensureTier(writer, program);
  const now = writer.now;
  const t = currentTier(program, writer.state);
  const c = indexOf(tiers, t.id);
  const q = qualifiedIndex(program, writer.state, now);
  // A cancellation's reclaim (under within_balance) is the rest of an earlier refund's take-back.
  const takesBack = type === "refund" || type === "cancelRedemption";
  if (
    takesBack &&
    tiers.refunds === "atOnce" &&
    qualifiedBefore !== null &&
    t.basis === "promotion" &&
    q < c &&
    qualifiedBefore >= c
  ) {
    const floor = t.floor !== null && t.floor.until > now ? indexOf(tiers, t.floor.tier) : 0;
    // The tier the last review confirmed (or holds through a grace period) stays guaranteed until
    // that hold ends: a refund takes a promotion back to it at most, never below.
    const hold = t.confirmed !== null && t.confirmed.until > now ? t.confirmed : null;
    const held = hold === null ? 0 : indexOf(tiers, hold.tier);
    const to = Math.max(q, floor, held);
    if (to < c) {
      const next: TierState =
        hold !== null && to === held
          ? {
              ...t,
              id: hold.tier,
              since: now,
              guaranteedUntil: hold.until,
              graceUntil: hold.grace ? hold.until : null,
              basis: "review",
            }
          : {
              ...t,
              id: tiers.levels[to]!.id,
              since: now,
              guaranteedUntil: guaranteeFrom(program, writer.state, to, now, false),
              graceUntil: null,
              basis: to === 0 ? "base" : "promotion",
            };
      writeTier(writer, program, t.id, next, "refund");
    }
    return;
  }
  // Only promotion happens between reviews: a member in a grace period whose window meets the tier
  // again stays in grace, and the review at its end requalifies (dated when its window meets it).
  if (tiers.promotion === "immediate" && q > c) promote(writer, program, q, now, null);
}
