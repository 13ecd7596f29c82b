/**
 * The member summary: balances as of an instant, pending points by date, points expiring soon.
 * A read model beside the engine: it reads the ledger's state through the program's tiers and
 * expiry policies, so it lives above both (the ledger knows no program).
 */
import type { Program } from "../program/compile.js";
import { Decimal, ZERO, formatAmount } from "../shared/decimal.js";
import { addLocal, iso } from "../shared/time.js";
import { deadlines } from "../expiry/policy.js";
import { effectiveExpiry, isExpired, walletBalanceAt } from "../ledger/lots.js";
import type { MemberView } from "../ledger/state.js";
import type { CompiledTier } from "../program/compile.js";
import { currentTier, meets, nextScheduled, reviewDueAt } from "../tiers/review.js";
import { metricValues, windowAt } from "../tiers/window.js";
import { segmentsOf } from "../accrual/segments.js";
import { heldIn } from "../rewards/holds.js";
import type { Scalar } from "../shared/scalar.js";

export interface DatedPoints {
  readonly points: string;
  readonly at: string;
}

export interface WalletSummary {
  readonly kind: "spendable" | "qualifying" | "counter";
  /** Spendable now. */
  readonly available: string;
  readonly pending: string;
  /**
   * Reserved by open checkout holds (docs/checkout.md): out of `available`, counted in
   * `lifetime.spent` until a release gives them back.
   */
  readonly held: string;
  /** When pending points become available, soonest first. */
  readonly pendingUntil: readonly DatedPoints[];
  readonly debt: string;
  /** When the whole balance expires for inactivity unless the member is active first; null if the wallet has no such policy. */
  readonly inactivityDeadline: string | null;
  /**
   * Points past their expiry that no expire entry has written off yet (the member's next write, or
   * a sweep, will). Never spendable; shown so that the figures add up:
   * lifetime earned - spent - expired - reversed + adjusted + transferredIn - transferredOut
   * = available + pending + expiredUnswept - debt. (spent counts redemptions net of cancellations,
   * and held points until a hold's release gives them back.)
   */
  readonly expiredUnswept: string;
  /** Available or pending points whose lots expire within the window, soonest first. */
  readonly expiringSoon: readonly DatedPoints[];
  readonly expiringSoonTotal: string;
  readonly lifetime: {
    readonly earned: string;
    readonly spent: string;
    readonly expired: string;
    readonly reversed: string;
    readonly adjusted: string;
    readonly transferredIn: string;
    readonly transferredOut: string;
  };
}

export interface MemberSummary {
  readonly memberId: string;
  readonly asOf: string;
  readonly joinedAt: string;
  readonly birthday: string | null;
  /** The member's attributes as the profile holds them now (enroll, updateMember). */
  readonly attributes: Readonly<Record<string, Scalar>>;
  /** The segments the member is in now: explicit and derived, sorted (docs/members.md). */
  readonly segments: readonly string[];
  readonly wallets: Readonly<Record<string, WalletSummary>>;
  /** The member's tier and progress; null in a program without tiers. */
  readonly tier: TierSummary | null;
  /** The member who referred this one; null if none. */
  readonly referredBy: string | null;
  /** Redemptions not cancelled, newest first (at most 50). */
  readonly redemptions: readonly {
    readonly redemptionId: string;
    readonly rewardId: string;
    readonly points: string;
    readonly quantity: number;
    readonly at: string;
  }[];
}

/** One threshold's progress: what the window holds and what is still missing. */
export interface ThresholdProgress {
  readonly metric: "points" | "balance" | "spend" | "purchases" | "events";
  readonly wallet?: string;
  readonly type?: string;
  readonly required: string;
  readonly current: string;
  /** required - current, never below zero. */
  readonly missing: string;
}

export interface TierGoal {
  readonly tier: string;
  /** "all": every threshold is needed; "any": one is enough. */
  readonly match: "all" | "any";
  readonly thresholds: readonly ThresholdProgress[];
  /** When the metric must be met: the next review (or the window's end); null: any time (rolling or lifetime windows with immediate promotion). */
  readonly by: string | null;
  /** Whether the window already meets it. */
  readonly met: boolean;
}

export interface TierSummary {
  readonly id: string;
  readonly name: string | null;
  /** Position on the ladder, 0 for the base tier. */
  readonly level: number;
  readonly since: string;
  /** No demotion before this instant; null when nothing is promised (base tier). */
  readonly guaranteedUntil: string | null;
  /** In a grace period after a failed review: demoted at this instant unless requalified. */
  readonly graceUntil: string | null;
  readonly floor: { readonly tier: string; readonly until: string } | null;
  /** When the member's next review falls due (null: none can change anything yet). */
  readonly nextReviewAt: string | null;
  /** The qualification window as of now (local dates; null for lifetime and since-tier-change windows). */
  readonly window: { readonly from: string | null; readonly to: string | null; readonly endsAt: string | null };
  /** Every metric the ladder reads, summed over the window. */
  readonly metrics: Readonly<Record<string, string>>;
  /** What the next tier up takes; null at the top. */
  readonly next: TierGoal | null;
  /** What keeping the current tier takes at its next review; null for the base tier. */
  readonly keep: TierGoal | null;
}

function grouped(items: { at: number; points: Decimal }[], scale: number): DatedPoints[] {
  const byAt = new Map<number, Decimal>();
  for (const i of items) byAt.set(i.at, (byAt.get(i.at) ?? ZERO).plus(i.points));
  return [...byAt.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([at, points]) => ({ at: iso(at), points: formatAmount(points, scale) }));
}

/** How many redemptions a summary lists, newest first. */
export const SUMMARY_REDEMPTIONS = 50;

export function summarize(program: Program, state: MemberView, now: number, expiringWithinDays: number): MemberSummary {
  const horizon = addLocal(now, program.timeZone, { days: expiringWithinDays });
  const wallets: Record<string, WalletSummary> = {};
  const fmt = (d: Decimal) => formatAmount(d, program.scale);
  const walletDeadlines = deadlines(program, state);
  for (const [id, wallet] of program.wallets) {
    const deadline = walletDeadlines.get(id) ?? null;
    const b = walletBalanceAt(state, id, now, deadline);
    const lots = state.lots.filter((l) => l.wallet === id && !isExpired(l, now, deadline));
    const expiring = lots
      .map((l) => ({ at: effectiveExpiry(l, deadline), points: l.remaining }))
      .filter((e): e is { at: number; points: Decimal } => e.at !== null && e.at <= horizon);
    const t = state.wallets[id];
    wallets[id] = {
      kind: wallet.kind,
      available: fmt(b.available),
      pending: fmt(b.pending),
      held: fmt(heldIn(state, id)),
      pendingUntil: grouped(
        lots.filter((l) => now < l.availableAt).map((l) => ({ at: l.availableAt, points: l.remaining })),
        program.scale,
      ),
      debt: fmt(b.debt),
      inactivityDeadline: deadline === null ? null : iso(deadline),
      expiredUnswept: fmt(b.expiredUnswept),
      expiringSoon: grouped(expiring, program.scale),
      expiringSoonTotal: fmt(expiring.reduce((s, e) => s.plus(e.points), ZERO)),
      lifetime: {
        earned: fmt(t?.earned ?? ZERO),
        spent: fmt(t?.spent ?? ZERO),
        expired: fmt(t?.expired ?? ZERO),
        reversed: fmt(t?.reversed ?? ZERO),
        adjusted: fmt(t?.adjusted ?? ZERO),
        transferredIn: fmt(t?.transferredIn ?? ZERO),
        transferredOut: fmt(t?.transferredOut ?? ZERO),
      },
    };
  }
  return {
    memberId: state.memberId,
    asOf: iso(now),
    joinedAt: iso(state.joinedAt),
    birthday: state.birthday,
    attributes: { ...state.attributes },
    segments: [...segmentsOf(program, state)],
    wallets,
    tier: tierSummary(program, state, now),
    referredBy: state.referredBy,
    redemptions: Object.values(state.redemptions)
      .filter((r) => !r.cancelled)
      .sort((a, b) => b.at - a.at)
      .slice(0, SUMMARY_REDEMPTIONS)
      .map((r) => ({
        redemptionId: r.id,
        rewardId: r.rewardId,
        points: fmt(r.points),
        quantity: r.quantity,
        at: iso(r.at),
      })),
  };
}

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function tierSummary(program: Program, state: MemberView, now: number): TierSummary | null {
  const tiers = program.tiers;
  if (tiers === null) return null;
  const t = currentTier(program, state);
  const level = tiers.byId.get(t.id)?.index ?? 0;
  const values = metricValues(program, state, now);
  const range = windowAt(program, state, now);
  const nextReviewAt = reviewDueAt(program, state);
  const places = (metric: string) =>
    metric === "points" || metric === "balance" ? program.scale : metric === "spend" ? program.currencyPlaces : 0;
  const goal = (tier: CompiledTier, by: number | null): TierGoal => ({
    tier: tier.id,
    match: tier.match,
    thresholds: tier.thresholds.map((th) => {
      const current = values[th.key] ?? ZERO;
      const missing = Decimal.max(ZERO, th.min.minus(current));
      return {
        metric: th.metric,
        ...(th.wallet === undefined ? {} : { wallet: th.wallet }),
        ...(th.type === undefined ? {} : { type: th.type }),
        required: formatAmount(th.min, places(th.metric)),
        current: formatAmount(current, places(th.metric)),
        missing: formatAmount(missing, places(th.metric)),
      };
    }),
    by: isoOrNull(by),
    met: meets(tier, values),
  });
  const up = tiers.levels[level + 1];
  const promotionBy =
    tiers.promotion === "atReview"
      ? nextScheduled(program, t.since, Math.max(now, t.reviewedAt ?? t.since))
      : range.endsAt;
  const metrics: Record<string, string> = {};
  for (const key of [...tiers.metricKeys].sort())
    metrics[key] = formatAmount(values[key] ?? ZERO, places(key.split(":")[0]!));
  return {
    id: t.id,
    name: tiers.byId.get(t.id)?.name ?? null,
    level,
    since: iso(t.since),
    // Daily (rolling) reviews: later activity pushes the guarantee out to the next failing midnight.
    guaranteedUntil: isoOrNull(
      tiers.schedule.kind === "daily" &&
        level > 0 &&
        t.graceUntil === null &&
        nextReviewAt !== null &&
        (t.guaranteedUntil === null || nextReviewAt > t.guaranteedUntil)
        ? nextReviewAt
        : t.guaranteedUntil,
    ),
    graceUntil: isoOrNull(t.graceUntil),
    floor: t.floor === null ? null : { tier: t.floor.tier, until: iso(t.floor.until) },
    nextReviewAt: isoOrNull(nextReviewAt),
    window: { from: range.from, to: range.to, endsAt: isoOrNull(range.endsAt) },
    metrics,
    next: up === undefined ? null : goal(up, promotionBy),
    keep: level === 0 ? null : goal(tiers.levels[level]!, nextReviewAt ?? t.guaranteedUntil),
  };
}
