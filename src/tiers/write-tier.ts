/**
 * Writing tier entries: the record a tier entry carries, the append itself (with the metric reset
 * of a `sinceTierChange` window), promotion with its tier bonuses, and a member's first tier entry.
 */
import { awardTierBonus } from "../accrual/earn.js";
import type { Program } from "../program/compile.js";
import { iso } from "../shared/time.js";
import type { TierReason, TierRecord } from "../ledger/entries.js";
import type { TierState } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { currentTier, indexOf } from "./qualify.js";
import { guaranteeFrom } from "./schedule.js";

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
/** A tier as its entries (and an import record) write it: instants as ISO text. */
export function tierRecord(t: TierState): TierRecord {
  return {
    id: t.id,
    since: iso(t.since),
    guaranteedUntil: isoOrNull(t.guaranteedUntil),
    graceUntil: isoOrNull(t.graceUntil),
    floor: t.floor === null ? null : { tier: t.floor.tier, until: iso(t.floor.until) },
    reviewedAt: isoOrNull(t.reviewedAt),
    basis: t.basis,
    confirmed: t.confirmed === null ? null : { ...t.confirmed, until: iso(t.confirmed.until) },
  };
}

export function writeTier(
  writer: LedgerWriter,
  program: Program,
  from: string | null,
  next: TierState,
  reason: TierReason,
  note: string | null = null,
): void {
  const resetMetrics = program.tiers!.window.kind === "sinceTierChange" && from !== null && from !== next.id;
  writer.append({ kind: "tier", from, to: next.id, reason, tier: tierRecord(next), resetMetrics, note });
}

/** Moves the member up to tier `to` at `at`, then awards the bonus rules of every tier passed (skipped ones included). */
export function promote(
  writer: LedgerWriter,
  program: Program,
  to: number,
  at: number,
  reviewedAt: number | null,
): void {
  const tiers = program.tiers!;
  const t = currentTier(program, writer.state);
  const c = indexOf(tiers, t.id);
  const id = tiers.levels[to]!.id;
  writeTier(
    writer,
    program,
    tierEntryFrom(writer, t),
    {
      id,
      since: at,
      guaranteedUntil: guaranteeFrom(program, writer.state, to, at, true),
      graceUntil: null,
      floor: t.floor !== null && t.floor.until > at ? t.floor : null,
      reviewedAt: reviewedAt ?? t.reviewedAt,
      basis: "promotion",
      // A promotion leaves the last review's hold in place: a refund may take the member back to it, no lower.
      confirmed: t.confirmed !== null && t.confirmed.until > at ? t.confirmed : null,
    },
    "promotion",
  );
  // Every tier crossed pays its bonus: reaching gold in one purchase pays what silver-then-gold would.
  for (let i = c + 1; i <= to; i++) awardTierBonus(writer, program, tiers.levels[i]!.id, at);
}

/**
 * What a review that leaves the member in tier `index` holds until `until` (its guarantee, or the
 * end of the grace period it starts): null for the base tier or a tier held without end.
 */
export function reviewHold(
  program: Program,
  index: number,
  until: number | null,
  grace = false,
): TierState["confirmed"] {
  return index === 0 || until === null ? null : { tier: program.tiers!.levels[index]!.id, until, grace };
}

/** The `from` of the next tier entry: null before the member's first tier entry. */
export const tierEntryFrom = (writer: LedgerWriter, current: TierState) =>
  writer.state.tier === null ? null : current.id;

/** Gives a member of a program with tiers its first tier entry (the base tier since joining). */
export function ensureTier(writer: LedgerWriter, program: Program): void {
  if (program.tiers === null || writer.state.tier !== null) return;
  writeTier(writer, program, null, currentTier(program, writer.state), "joined");
}
