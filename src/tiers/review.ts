/**
 * Tier reviews, all pure: the instant a member's next review falls due (what the store's due index
 * holds), and the scheduled reviews themselves (promotion, requalification, grace, demotion by
 * `recompute` or `oneDown`, the end of a manual floor). Qualification is in qualify.ts, schedules
 * in schedule.ts, tier entries in write-tier.ts, the tiers after a command in after-command.ts and
 * manual assignment in assign.ts.
 *
 * Every decision appends `tier` entries to a LedgerWriter; the tier is therefore a fold of the
 * entries, and a review's outcome depends only on the entries and the review instant: a review is
 * evaluated at its scheduled instant, not at the time the sweep happens to run.
 */
import type { Program } from "../program/compile.js";
import { dayStart } from "../shared/calendar.js";
import { addLocal } from "../shared/time.js";
import type { MemberState, MemberView } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { windowAt, ALL_BUCKET } from "./window.js";
import { currentTier, indexOf, qualifiedIndex } from "./qualify.js";
import { failsAt, guaranteeFrom, nextMidnight, nextScheduled } from "./schedule.js";
import { ensureTier, promote, reviewHold, tierEntryFrom, writeTier } from "./write-tier.js";

// The tier decisions that used to live here, still reachable from this path.
export { currentTier, meets, qualifiedIndex } from "./qualify.js";
export { nextScheduled } from "./schedule.js";
export { tiersAfterCommand } from "./after-command.js";
export { assignTier } from "./assign.js";

/** Reviews processed for one member in one call at most (years of missed month-end reviews). */
const MAX_REVIEWS_PER_CALL = 1000;

/**
 * When the member's next review falls due, or null if no review can change anything: the end of
 * a grace period; for a tier above the base, the first scheduled review on or after the later of
 * its guarantee and the end of a manual floor holding it (daily schedule: the first midnight at
 * which the metric no longer meets the tier); with promotion at review, the first review after the latest activity if the metric then
 * qualifies for a higher tier.
 */
export function reviewDueAt(program: Program, state: MemberView): number | null {
  if (program.tiers === null) return null;
  // A decision asks again for the state it just checked (the sweep's loop, then the commit's due index).
  const memo = dueMemo.get(state);
  if (memo !== undefined && memo.program === program && memo.seq === state.lastSeq) return memo.due;
  const due = computeReviewDueAt(program, state);
  dueMemo.set(state, { program, seq: state.lastSeq, due });
  return due;
}

const dueMemo = new WeakMap<MemberState, { program: Program; seq: number; due: number | null }>();

function computeReviewDueAt(program: Program, state: MemberView): number | null {
  const tiers = program.tiers!;
  const t = currentTier(program, state);
  const c = indexOf(tiers, t.id);
  const last = Math.max(t.since, t.reviewedAt ?? t.since);
  let due: number | null = null;
  const consider = (at: number | null) => {
    if (at !== null && (due === null || at < due)) due = at;
  };
  if (t.graceUntil !== null) consider(t.graceUntil);
  else if (c > 0) {
    // A manual floor holding this tier ends at a scheduled review, like a guarantee: the first
    // review at or after its `until` decides (never `until` itself, which may fall inside a window).
    const held = t.floor !== null && indexOf(tiers, t.floor.tier) >= c ? t.floor.until : Number.NEGATIVE_INFINITY;
    const floor = Math.max(t.guaranteedUntil ?? Number.NEGATIVE_INFINITY, held);
    if (tiers.schedule.kind === "daily") {
      const from = Math.max(
        nextMidnight(program, last),
        floor === Number.NEGATIVE_INFINITY ? 0 : nextMidnight(program, floor - 1),
      );
      consider(failsAt(program, state, c, from));
    } else {
      let at = nextScheduled(program, t.since, last);
      for (let i = 0; at < floor && i < MAX_REVIEWS_PER_CALL; i++) at = nextScheduled(program, t.since, at);
      consider(at);
    }
  }
  if (tiers.promotion === "atReview" && c < tiers.levels.length - 1) {
    const dated = Object.keys(state.metrics)
      .filter((b) => b !== ALL_BUCKET)
      .sort();
    const latest = dated.length > 0 ? dayStart(dated.at(-1)!, program.timeZone) : last;
    const at = nextScheduled(program, t.since, Math.max(last, latest));
    if (qualifiedIndex(program, state, at) > c) consider(at);
  }
  return due;
}

/**
 * The tier a review at `at` may keep or demote to: the highest the window supports. A review
 * inside a calendar period or membership year (not at its close) would read a partial one, so it judges
 * demotion on the last complete year (the window that closed at the current one's start), and the
 * partial current year only counts where it supports more.
 */
export function keepIndex(program: Program, state: MemberView, at: number, q: number): number {
  if (program.tiers!.schedule.kind === "daily") return q;
  const range = windowAt(program, state, at);
  if (range.endsAt === null || range.from === null || range.endsAt === at) return q;
  const closed = dayStart(range.from, program.timeZone);
  // The closed window's counters, but today's balance: a balance is never read in the past.
  return closed < at ? Math.max(q, qualifiedIndex(program, state, closed, at)) : q;
}
/** One review of one member at its scheduled instant `at`. Always writes one tier entry (at least `reviewedAt` moves on). */
function reviewAt(w: LedgerWriter, program: Program, at: number): void {
  const tiers = program.tiers!;
  const t = currentTier(program, w.state);
  const c = indexOf(tiers, t.id);
  const floorActive = t.floor !== null && t.floor.until > at;
  const floorIdx = floorActive ? indexOf(tiers, t.floor!.tier) : 0;
  const floor = floorActive ? t.floor : null;
  const q = qualifiedIndex(program, w.state, at);
  const from = tierEntryFrom(w, t);
  const guaranteed = t.guaranteedUntil !== null && at < t.guaranteedUntil;
  if (q > c) return promote(w, program, q, at, at);
  // Promotion reads the current window; keeping the tier (or how far to demote) the last complete one too.
  const k = keepIndex(program, w.state, at, q);
  const floorEnded = t.floor !== null && !floorActive;
  if (guaranteed || (floorActive && floorIdx >= c)) {
    return writeTier(w, program, from, { ...t, floor, reviewedAt: at }, floorEnded ? "floor_ended" : "held");
  }
  if (k >= c || c === 0) {
    const guaranteedUntil = guaranteeFrom(program, w.state, c, at, false);
    return writeTier(
      w,
      program,
      from,
      {
        ...t,
        floor,
        graceUntil: null,
        guaranteedUntil,
        reviewedAt: at,
        basis: c === 0 ? "base" : "review",
        confirmed: reviewHold(program, c, guaranteedUntil),
      },
      floorEnded ? "floor_ended" : "requalified",
    );
  }
  if (tiers.graceMonths > 0 && t.graceUntil === null) {
    const graceUntil = addLocal(at, program.timeZone, { months: tiers.graceMonths });
    return writeTier(
      w,
      program,
      from,
      {
        ...t,
        floor,
        graceUntil,
        guaranteedUntil: graceUntil,
        reviewedAt: at,
        confirmed: reviewHold(program, c, graceUntil, true),
      },
      "grace_started",
    );
  }
  const target = Math.max(floorIdx, tiers.demotion === "oneDown" ? Math.max(k, c - 1) : k);
  // A demotion the ended floor would have stopped is the floor's end: the statement says so.
  const reason = floorEnded && indexOf(tiers, t.floor!.tier) > target ? "floor_ended" : "demotion";
  const guaranteedUntil = guaranteeFrom(program, w.state, target, at, false);
  writeTier(
    w,
    program,
    from,
    {
      id: tiers.levels[target]!.id,
      since: at,
      guaranteedUntil,
      graceUntil: null,
      floor,
      reviewedAt: at,
      basis: target === 0 ? "base" : "review",
      confirmed: reviewHold(program, target, guaranteedUntil),
    },
    reason,
  );
}

/**
 * Processes every review of the member due by `w.now`, each at its own scheduled instant, oldest
 * first. Writes nothing when none is due, so a second review at the same instant changes nothing.
 * Returns the changes of tier it made, in order: the tier each later instant of this write finds.
 */
export function reviewTier(writer: LedgerWriter, program: Program): TierChange[] {
  if (program.tiers === null) return [];
  const mark = writer.entries.length;
  for (let i = 0; i < MAX_REVIEWS_PER_CALL; i++) {
    const due = reviewDueAt(program, writer.state);
    if (due === null || due > writer.now) break;
    ensureTier(writer, program);
    reviewAt(writer, program, due);
  }
  return writer.entries
    .slice(mark)
    .flatMap((e) => (e.kind === "tier" && e.from !== e.to ? [{ since: Date.parse(e.tier.since), to: e.to }] : []));
}

/** A change of tier a review made: the member holds `to` from `since` (epoch ms). */
export interface TierChange {
  readonly since: number;
  readonly to: string;
}
