/**
 * Tier decisions, all pure: qualification over the window, promotion after a command, demotion at
 * once after a refund (program option), scheduled reviews (promotion, requalification, grace,
 * demotion by `recompute` or `oneDown`, the end of a manual floor), manual assignment, and the
 * instant a member's next review falls due (what the store's due index holds).
 *
 * Every decision appends `tier` entries to a LedgerWriter; the tier is therefore a fold of the
 * entries, and a review's outcome depends only on the entries and the review instant: a review is
 * evaluated at its scheduled instant, not at the time the sweep happens to run.
 */
import { awardTierBonus } from "../accrual/earn.js";
import type { CompiledTier, CompiledTiers, Program } from "../program/compile.js";
import { addDaysKey, addMonthsKey, dayStart, endOfPeriod } from "../shared/calendar.js";
import { addLocal, iso } from "../shared/time.js";
import type { TierReason, TierRecord } from "../ledger/entries.js";
import type { MemberState, TierState } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { metricValues, rollingFrom, windowAt, ALL_BUCKET } from "./window.js";
import type { Decimal } from "../shared/decimal.js";

/** Reviews processed for one member in one call at most (years of missed month-end reviews). */
const MAX_REVIEWS_PER_CALL = 1000;

/** The member's tier; a member with no tier entry yet holds the base tier since joining. */
export function currentTier(program: Program, state: MemberState): TierState {
  if (state.tier !== null) return state.tier;
  return {
    id: program.tiers!.levels[0]!.id,
    since: state.joinedAt,
    guaranteedUntil: null,
    graceUntil: null,
    floor: null,
    reviewedAt: null,
    basis: "base",
  };
}

const indexOf = (tiers: CompiledTiers, id: string) => tiers.byId.get(id)?.index ?? 0;

/** Whether metric values meet a tier's thresholds (the base tier has none: always). */
export function meets(tier: CompiledTier, values: Readonly<Record<string, Decimal>>): boolean {
  if (tier.thresholds.length === 0) return true;
  const ok = (t: CompiledTier["thresholds"][number]) => values[t.key] !== undefined && values[t.key]!.gte(t.min);
  return tier.match === "all" ? tier.thresholds.every(ok) : tier.thresholds.some(ok);
}

/** The highest tier whose thresholds the window at `at` meets (monotone in every metric). */
export function qualifiedIndex(program: Program, state: MemberState, at: number): number {
  const tiers = program.tiers!;
  const values = metricValues(program, state, at);
  for (let i = tiers.levels.length - 1; i > 0; i--) if (meets(tiers.levels[i]!, values)) return i;
  return 0;
}

// ---- Schedules ------------------------------------------------------------------------------

const nextMidnight = (program: Program, after: number) => endOfPeriod(after, program.timeZone, "day");

/** The first scheduled review strictly after `after` for a tier held since `since`. */
export function nextScheduled(program: Program, since: number, after: number): number {
  const s = program.tiers!.schedule;
  switch (s.kind) {
    case "periodEnd":
      return endOfPeriod(after, program.timeZone, s.period);
    case "daily":
      return nextMidnight(program, after);
    case "tierAnniversary": {
      // Start near the answer: each step is a zone-aware date computation.
      let years = Math.max(1, Math.floor((after - since) / (366 * 86_400_000)));
      while (addLocal(since, program.timeZone, { years }) <= after) years++;
      return addLocal(since, program.timeZone, { years });
    }
  }
}

/** The midnight (or later) at which a bucket day has left every window: rolling windows only. */
function exitOf(program: Program, day: string): number {
  const w = program.tiers!.window;
  if (w.kind !== "rolling") return Number.POSITIVE_INFINITY;
  // At the midnight that starts day D the window's last day is D - 1; find the first such D that excludes `day`.
  let d = addDaysKey(day, 1);
  if (w.months) d = addMonthsKey(d, w.months);
  if (w.days) d = addDaysKey(d, w.days);
  while (rollingFrom(w, addDaysKey(d, -1)) <= day) d = addDaysKey(d, 1);
  while (rollingFrom(w, addDaysKey(d, -2)) > day) d = addDaysKey(d, -1);
  return dayStart(d, program.timeZone);
}

/**
 * The first local midnight at or after `from` at which the member's metric, without further
 * activity, no longer meets tier `index`; null if it never stops (lifetime windows). Used by the
 * daily (rolling) review schedule and as its guarantee.
 */
export function failsAt(program: Program, state: MemberState, index: number, from: number): number | null {
  const candidates = new Set<number>([from]);
  const range = windowAt(program, state, from);
  if (range.endsAt !== null) candidates.add(range.endsAt);
  for (const bucket of Object.keys(state.metrics))
    if (bucket !== ALL_BUCKET) {
      const x = exitOf(program, bucket);
      if (x > from && Number.isFinite(x)) candidates.add(x);
    }
  for (const at of [...candidates].sort((a, b) => a - b)) if (qualifiedIndex(program, state, at) < index) return at;
  return null;
}

/** Until when a tier reached (or kept) at `at` is guaranteed; null for the base tier. */
function guaranteeFrom(
  program: Program,
  state: MemberState,
  index: number,
  at: number,
  minimumStay: boolean,
): number | null {
  if (index === 0) return null;
  const tiers = program.tiers!;
  let until =
    tiers.schedule.kind === "daily"
      ? (failsAt(program, state, index, nextMidnight(program, at)) ?? null)
      : nextScheduled(program, at, at);
  // A calendar or membership year decides only when it closes: a review inside it (monthly
  // reviews of a calendar-year window) would read a partial year, so it may promote but not demote.
  const closes = windowAt(program, state, at + 1).endsAt;
  if (tiers.schedule.kind !== "daily" && closes !== null && until !== null && until < closes) {
    until = nextScheduled(program, at, closes - 1);
  }
  if (minimumStay && tiers.minimumStayMonths > 0) {
    const stay = addLocal(at, program.timeZone, { months: tiers.minimumStayMonths });
    if (until === null || until < stay) until = stay;
  }
  return until;
}

/**
 * When the member's next review falls due, or null if no review can change anything: the end of
 * a grace period; for a tier above the base, the first scheduled review on or after the later of
 * its guarantee and the end of a manual floor holding it (daily schedule: the first midnight at
 * which the metric no longer meets the tier); with promotion at review, the first review after the latest activity if the metric then
 * qualifies for a higher tier.
 */
export function reviewDueAt(program: Program, state: MemberState): number | null {
  if (program.tiers === null) return null;
  // A decision asks again for the state it just checked (the sweep's loop, then the commit's due index).
  const memo = dueMemo.get(state);
  if (memo !== undefined && memo.program === program && memo.seq === state.lastSeq) return memo.due;
  const due = computeReviewDueAt(program, state);
  dueMemo.set(state, { program, seq: state.lastSeq, due });
  return due;
}

const dueMemo = new WeakMap<MemberState, { program: Program; seq: number; due: number | null }>();

function computeReviewDueAt(program: Program, state: MemberState): number | null {
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
 * inside a calendar or membership year (not at its close) would read a partial year, so it judges
 * demotion on the last complete year (the window that closed at the current one's start), and the
 * partial current year only counts where it supports more.
 */
function keepIndex(program: Program, state: MemberState, at: number, q: number): number {
  if (program.tiers!.schedule.kind === "daily") return q;
  const range = windowAt(program, state, at);
  if (range.endsAt === null || range.from === null || range.endsAt === at) return q;
  const closed = dayStart(range.from, program.timeZone);
  return closed < at ? Math.max(q, qualifiedIndex(program, state, closed)) : q;
}

// ---- Writing tier entries -------------------------------------------------------------------

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
function record(t: TierState): TierRecord {
  return {
    id: t.id,
    since: iso(t.since),
    guaranteedUntil: isoOrNull(t.guaranteedUntil),
    graceUntil: isoOrNull(t.graceUntil),
    floor: t.floor === null ? null : { tier: t.floor.tier, until: iso(t.floor.until) },
    reviewedAt: isoOrNull(t.reviewedAt),
    basis: t.basis,
  };
}

function writeTier(
  w: LedgerWriter,
  program: Program,
  from: string | null,
  next: TierState,
  reason: TierReason,
  note: string | null = null,
): void {
  const resetMetrics = program.tiers!.window.kind === "sinceTierChange" && from !== null && from !== next.id;
  w.append({ kind: "tier", from, to: next.id, reason, tier: record(next), resetMetrics, note });
}

/** Moves the member up to tier `to` at `at`, then awards the bonus rules of every tier passed (skipped ones included). */
function promote(w: LedgerWriter, program: Program, to: number, at: number, reviewedAt: number | null): void {
  const tiers = program.tiers!;
  const t = currentTier(program, w.state);
  const c = indexOf(tiers, t.id);
  const id = tiers.levels[to]!.id;
  writeTier(
    w,
    program,
    state0(w, t),
    {
      id,
      since: at,
      guaranteedUntil: guaranteeFrom(program, w.state, to, at, true),
      graceUntil: null,
      floor: t.floor !== null && t.floor.until > at ? t.floor : null,
      reviewedAt: reviewedAt ?? t.reviewedAt,
      basis: "promotion",
    },
    "promotion",
  );
  // Every tier crossed pays its bonus: reaching gold in one purchase pays what silver-then-gold would.
  for (let i = c + 1; i <= to; i++) awardTierBonus(w, program, tiers.levels[i]!.id, at);
}

/** The `from` of the next tier entry: null before the member's first tier entry. */
const state0 = (w: LedgerWriter, t: TierState) => (w.state.tier === null ? null : t.id);

/** Gives a member of a program with tiers its first tier entry (the base tier since joining). */
export function ensureTier(w: LedgerWriter, program: Program): void {
  if (program.tiers === null || w.state.tier !== null) return;
  writeTier(w, program, null, currentTier(program, w.state), "joined");
}

/**
 * After a command's own entries, in the same commit: immediate promotion (skipping levels where
 * earned, with each tier's bonus), requalification out of a grace period, and, when the program
 * says `refunds: "atOnce"`, the demotion of a tier reached by promotion that this refund's points
 * or money took back under its thresholds (or a cancellation's, reclaiming points a refund forgave).
 * `qualifiedBefore` is the level the member qualified for before the command (null: a new member),
 * after the due work (tier reviews, conversions, expiries) that the command's write did first: a
 * review that reset the metrics is not this command's doing.
 */
export function tiersAfterCommand(
  w: LedgerWriter,
  program: Program,
  qualifiedBefore: number | null,
  type: string,
): void {
  const tiers = program.tiers;
  if (tiers === null) return;
  ensureTier(w, program);
  const now = w.now;
  const t = currentTier(program, w.state);
  const c = indexOf(tiers, t.id);
  const q = qualifiedIndex(program, w.state, now);
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
    const to = Math.max(q, floor);
    if (to < c) {
      writeTier(
        w,
        program,
        t.id,
        {
          ...t,
          id: tiers.levels[to]!.id,
          since: now,
          guaranteedUntil: guaranteeFrom(program, w.state, to, now, false),
          graceUntil: null,
          basis: to === 0 ? "base" : "promotion",
        },
        "refund",
      );
    }
    return;
  }
  if (tiers.promotion !== "immediate") return;
  if (q > c) promote(w, program, q, now, null);
  else if (t.graceUntil !== null && q >= c) {
    writeTier(
      w,
      program,
      t.id,
      { ...t, graceUntil: null, guaranteedUntil: guaranteeFrom(program, w.state, c, now, false), basis: "review" },
      "requalified",
    );
  }
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
  const from = state0(w, t);
  const guaranteed = t.guaranteedUntil !== null && at < t.guaranteedUntil;
  if (q > c) return promote(w, program, q, at, at);
  // Promotion reads the current window; keeping the tier (or how far to demote) the last complete one too.
  const k = keepIndex(program, w.state, at, q);
  const floorEnded = t.floor !== null && !floorActive;
  if (guaranteed || (floorActive && floorIdx >= c)) {
    return writeTier(w, program, from, { ...t, floor, reviewedAt: at }, floorEnded ? "floor_ended" : "held");
  }
  if (k >= c || c === 0) {
    return writeTier(
      w,
      program,
      from,
      {
        ...t,
        floor,
        graceUntil: null,
        guaranteedUntil: guaranteeFrom(program, w.state, c, at, false),
        reviewedAt: at,
        basis: c === 0 ? "base" : "review",
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
      { ...t, floor, graceUntil, guaranteedUntil: graceUntil, reviewedAt: at },
      "grace_started",
    );
  }
  const target = Math.max(floorIdx, tiers.demotion === "oneDown" ? Math.max(k, c - 1) : k);
  // A demotion the ended floor would have stopped is the floor's end: the statement says so.
  const reason = floorEnded && indexOf(tiers, t.floor!.tier) > target ? "floor_ended" : "demotion";
  writeTier(
    w,
    program,
    from,
    {
      id: tiers.levels[target]!.id,
      since: at,
      guaranteedUntil: guaranteeFrom(program, w.state, target, at, false),
      graceUntil: null,
      floor,
      reviewedAt: at,
      basis: target === 0 ? "base" : "review",
    },
    reason,
  );
}

/**
 * Processes every review of the member due by `w.now`, each at its own scheduled instant, oldest
 * first. Writes nothing when none is due, so a second review at the same instant changes nothing.
 * Returns the changes of tier it made, in order: the tier each later instant of this write finds.
 */
export function reviewTier(w: LedgerWriter, program: Program): TierChange[] {
  if (program.tiers === null) return [];
  const mark = w.entries.length;
  for (let i = 0; i < MAX_REVIEWS_PER_CALL; i++) {
    const due = reviewDueAt(program, w.state);
    if (due === null || due > w.now) break;
    ensureTier(w, program);
    reviewAt(w, program, due);
  }
  return w.entries
    .slice(mark)
    .flatMap((e) => (e.kind === "tier" && e.from !== e.to ? [{ since: Date.parse(e.tier.since), to: e.to }] : []));
}

/** A change of tier a review made: the member holds `to` from `since` (epoch ms). */
export interface TierChange {
  readonly since: number;
  readonly to: string;
}

/**
 * A manual assignment (customer service, a status match): the member holds `tier` from now; with
 * `until`, the tier is also a floor the member cannot drop below before that instant, and is
 * guaranteed until then (or to the end of the minimum stay, if later); the first scheduled review
 * at or after `until` decides. No tier bonus is paid for a manual assignment.
 */
export function assignTier(
  w: LedgerWriter,
  program: Program,
  a: { tier: string; until: number | null; note: string | null },
): void {
  const tiers = program.tiers!;
  ensureTier(w, program);
  const t = currentTier(program, w.state);
  const to = indexOf(tiers, a.tier);
  // A tier assigned by hand is held at least minimumStayMonths, as one reached by promotion; with
  // `until`, to the later of `until` and the end of the stay.
  const stay =
    tiers.minimumStayMonths > 0 ? addLocal(w.now, program.timeZone, { months: tiers.minimumStayMonths }) : null;
  const guaranteed =
    a.until === null
      ? guaranteeFrom(program, w.state, to, w.now, true)
      : stay !== null && stay > a.until
        ? stay
        : a.until;
  writeTier(
    w,
    program,
    t.id,
    {
      id: a.tier,
      since: t.id === a.tier ? t.since : w.now,
      guaranteedUntil: to === 0 ? a.until : guaranteed,
      graceUntil: null,
      floor: a.until === null ? null : { tier: a.tier, until: a.until },
      reviewedAt: t.reviewedAt,
      basis: "manual",
    },
    "manual",
    a.note,
  );
}
