/**
 * Member state: the fold of a member's entries, in its in-memory form (decimals, epoch
 * milliseconds). Its JSON form, the snapshot a store keeps, is in ./snapshot.ts.
 */
import type { Scalar } from "../shared/scalar.js";
import { ZERO, type Decimal } from "../shared/decimal.js";
import type { Period, PeriodCounters } from "../shared/periods.js";
import type { DeepReadonly } from "../shared/frozen.js";

/**
 * A lot is a value: the fold never changes one in place but puts a new one (with its new
 * `remaining`) in its place, so a lot a decision holds stays as it was read.
 */
export interface Lot {
  readonly id: string;
  readonly wallet: string;
  readonly amount: Decimal;
  readonly remaining: Decimal;
  readonly earnedAt: number;
  readonly availableAt: number;
  /** null: never expires. */
  readonly expiresAt: number | null;
  /** The rule that earned it, or null for a manual credit. */
  readonly ruleId: string | null;
  readonly purchaseId: string | null;
}

/** Running totals of one wallet: in less out equals held less debt (docs/architecture.md, invariant 3). */
export interface WalletTotals {
  earned: Decimal;
  spent: Decimal;
  expired: Decimal;
  reversed: Decimal;
  /** Signed sum of manual adjustments. */
  adjusted: Decimal;
  /** Points received from and sent to other members. */
  transferredIn: Decimal;
  transferredOut: Decimal;
  debt: Decimal;
}

export interface PurchaseRecord {
  readonly id: string;
  /** Money: the purchase's amount in the program's currency (not points). */
  readonly amount: Decimal;
  readonly occurredAt: number;
  /** Money refunded against the purchase so far. */
  readonly refunded: Decimal;
  /** Points earned per wallet. */
  readonly earned: Readonly<Dict<Decimal>>;
  /** Points settled by refunds per wallet: reversed plus forgiven. Never above `earned`. */
  readonly settled: Readonly<Dict<Decimal>>;
  /** Points actually taken back per wallet (from lots or as debt). */
  readonly reversed: Readonly<Dict<Decimal>>;
  /** Points of this purchase's own lots that expired unused, per wallet: never taken back. */
  readonly expired: Readonly<Dict<Decimal>>;
  /**
   * What each line earned, by SKU (lines of one SKU merged), for refunds by line. Absent: the
   * purchase was recorded without lines, or before refunds by line existed (such a purchase is
   * refunded in proportion only).
   */
  readonly lines?: Readonly<Dict<PurchaseLineRecord>>;
  /** Money refunded by refunds that named lines (part of `refunded`); absent: none. */
  readonly lineRefunded?: Decimal;
  /** The automatic donation it gave (docs/donations.md); absent: none. */
  readonly donation?: PurchaseDonation;
}

/** A purchase's donation to the member's cause: what was given and what refunds took back. */
export interface PurchaseDonation {
  readonly cause: string;
  readonly of: "points" | "money";
  readonly wallet: string | null;
  readonly amount: Decimal;
  /** Taken back by refunds so far; never above `amount`. */
  readonly returned: Decimal;
}

/** One SKU of a purchase, as refunds by line need it (accrual/refund-lines.ts). */
export interface PurchaseLineRecord {
  /** Units bought. */
  readonly quantity: number;
  /** Points the line's units earned per wallet, at the program's scale (wallets with none left out). */
  readonly earned: Readonly<Dict<Decimal>>;
  /** Units returned so far; never above `quantity`. */
  readonly returned: number;
}
// Purchase and redemption records are values, like lots: the fold puts a new record in place of
// the old (steps.ts `updatePurchase`, `updateRedemption`), so the engine tells the records a
// command changed, which it writes to the store's record rows, by identity.
// The purchase's own lots are the lots whose `purchaseId` names it: only an earn entry of the
// purchase creates such a lot (a lot reopened on cancellation keeps its id and purchaseId).

/** A lot as it was when a redemption drew from it: enough to open it again on cancellation. */
export type LotShape = Omit<Lot, "remaining">;

/** A redemption the member made: what a cancellation needs, and what limits count. */
export interface RedemptionRecord {
  readonly id: string;
  readonly rewardId: string;
  readonly wallet: string;
  readonly points: Decimal;
  readonly quantity: number;
  readonly at: number;
  /** Units this redemption took from the reward's stock (its redeem entry's `stock`), not the stock left. */
  readonly stock: number;
  readonly limitKeys: Partial<Record<Period, string>>;
  readonly cancelled: boolean;
  /** The lots drawn, as they were; emptied on cancellation (nothing is left to restore). */
  readonly draws: readonly { readonly lot: LotShape; readonly points: Decimal }[];
}

/**
 * Points reserved at checkout (engine.hold): drawn out of their lots, counted in the wallet's `spent`
 * until a capture keeps them or a release (on request, or by the clock at `expiresAt`) gives them
 * back to the lots they came from. Open holds live in the snapshot; a closed one only in its entries.
 */
export interface HoldRecord {
  readonly id: string;
  readonly wallet: string;
  readonly points: Decimal;
  /** Money: the basket the hold pays part of, when the hold named one; null otherwise. */
  readonly orderAmount: Decimal | null;
  readonly at: number;
  readonly expiresAt: number;
  /** The lots drawn, as they were, soonest-expiring first: a capture keeps the first, a release reopens the rest. */
  readonly draws: readonly { readonly lot: LotShape; readonly points: Decimal }[];
}

/**
 * Points a rule awarded into a wallet (or, in `limits`, units or points a member used), per period
 * key (2026-11, 2026-W48, ...): the periods module's counters, moved only by `countInPeriods`.
 */
export type CapCounters = PeriodCounters;

// How many period keys each kind of counter keeps, beside the update that keeps them to it.
export { CAP_KEYS_KEPT, LIMIT_KEYS_KEPT } from "../shared/periods.js";

/**
 * A record keyed by ids that come from users (purchase ids, wallet ids, attribute names). It has no
 * prototype, so an id such as "constructor" or "__proto__" is an ordinary key.
 */
export type Dict<T> = Record<string, T>;
export function dict<T>(entries?: Iterable<readonly [string, T]>): Dict<T> {
  const out = Object.create(null) as Dict<T>;
  if (entries) for (const [k, v] of entries) out[k] = v;
  return out;
}
export function mapDict<A, B>(byKey: Readonly<Record<string, A>>, fn: (value: A) => B): Dict<B> {
  const out = dict<B>();
  for (const k of Object.keys(byKey)) out[k] = fn(byKey[k] as A);
  return out;
}

/** The member's tier, in memory (epoch ms). See TierRecord in entries.ts for the fields. */
export interface TierState {
  id: string;
  since: number;
  guaranteedUntil: number | null;
  graceUntil: number | null;
  floor: { tier: string; until: number } | null;
  reviewedAt: number | null;
  basis: "base" | "promotion" | "review" | "manual";
  confirmed: TierHold | null;
}

/** The tier the last review left the member in, and until when that review holds it (TierRecord.confirmed). */
export interface TierHold {
  readonly tier: string;
  readonly until: number;
  readonly grace: boolean;
}

export interface MemberState {
  readonly memberId: string;
  joinedAt: number;
  birthday: string | null;
  attributes: Dict<Scalar>;
  /** Segments set on the member (enroll, updateMember), sorted; those a program derives are not here (program/segments.ts). */
  segments: readonly string[];
  /** Lots with points left (fully used lots are dropped), in creation order. The fold replaces the array, never changes it. */
  lots: readonly Lot[];
  wallets: Dict<WalletTotals>;
  /**
   * Purchase records this state holds: every purchase with a lot still open (what expiries and
   * refunds of open lots need), plus any record the command read from the store's record rows
   * (a refund's, a duplicate check's). A purchase whose lots have all closed retires from the
   * snapshot to its record row (docs/ledger.md, "What a member's state holds").
   */
  purchases: Dict<PurchaseRecord>;
  /** Per rule, per wallet, per capped period: points awarded per period key. */
  caps: Dict<Dict<CapCounters>>;
  /** Latest time of each kind of activity: purchase, spend, adjust, refund, event:<type>. */
  activity: Dict<number>;
  /** The member's tier; null in a program without tiers (or before the first tier entry). */
  tier: TierState | null;
  /**
   * Tier qualification counters: per bucket (local date, or "all"), per metric key. A bucket is a
   * value: the fold puts a new one in place of the old.
   */
  metrics: Dict<Readonly<Dict<Decimal>>>;
  /**
   * Redemption records this state holds: those the command read from the store's record rows (a
   * cancellation's, a duplicate check's) or made. Never kept in the snapshot: only a cancellation
   * reads one again.
   */
  redemptions: Dict<RedemptionRecord>;
  /**
   * Counters of limited actions per period key, by counter name: see `counterName` in ./limits.ts
   * for the counters there are (units redeemed, points sent, members referred).
   */
  limits: Dict<CapCounters>;
  /** The member who referred this one; null if none. */
  referredBy: string | null;
  /** Open checkout holds, by hold id. */
  holds: Dict<HoldRecord>;
  /** The engine's clock at the latest entry (epoch ms): period-end work after it is still to do. */
  lastAt: number;
  /** Per wallet with inactivity expiry: the latest deadline at which its balance lapsed (epoch ms). */
  lapsed: Dict<number>;
  /** Seq of the last entry folded in. */
  lastSeq: number;
  /**
   * Purchases the member recorded (refunds never uncount one), what rule conditions read as
   * `member.purchases`; null: unknown (a member whose purchases were recorded before this counter
   * existed, or imported with purchase activity). The last purchase's instant is `activity.purchase`.
   */
  purchaseCount: number | null;
  /**
   * Categories of the lines the member bought, sorted (`firstInCategory` conditions); null:
   * unknown (as `purchaseCount`), or more than CATEGORIES_KEPT of them.
   */
  categoriesBought: readonly string[] | null;
}

/** At most this many categories are kept per member; past it the set becomes unknown (null). */
export const CATEGORIES_KEPT = 200;

export type { DeepReadonly } from "../shared/frozen.js";

/**
 * The member state as a decision sees it (LedgerWriter.state): read-only, because only the fold
 * changes state, and only state its writer owns. A decision that needs a figure after it appends
 * an entry reads it again, or copies it first: what it read may change under it.
 */
export type MemberView = DeepReadonly<MemberState>;

export function emptyTotals(): WalletTotals {
  return {
    earned: ZERO,
    spent: ZERO,
    expired: ZERO,
    reversed: ZERO,
    adjusted: ZERO,
    transferredIn: ZERO,
    transferredOut: ZERO,
    debt: ZERO,
  };
}

export function emptyState(memberId: string): MemberState {
  return {
    memberId,
    joinedAt: 0,
    birthday: null,
    attributes: dict(),
    segments: [],
    lots: [],
    wallets: dict(),
    purchases: dict(),
    caps: dict(),
    activity: dict(),
    tier: null,
    metrics: dict(),
    redemptions: dict(),
    limits: dict(),
    referredBy: null,
    holds: dict(),
    lastAt: 0,
    lapsed: dict(),
    lastSeq: 0,
    purchaseCount: 0,
    categoriesBought: [],
  };
}

const copyCounters = (c: CapCounters): CapCounters => {
  const out: CapCounters = {};
  for (const period of Object.keys(c) as Period[]) out[period] = mapDict(c[period]!, (d) => d);
  return out;
};

/** Deep copy: a state of the caller's own that no writer's fold reaches. */
export function cloneState(state: MemberView): MemberState {
  return {
    ...state,
    attributes: mapDict(state.attributes, (v) => v),
    lots: state.lots.map((l) => ({ ...l })),
    wallets: mapDict(state.wallets, (t) => ({ ...t })),
    // Records are values (never changed in place): the copy shares them.
    purchases: mapDict(state.purchases, (p) => p),
    caps: mapDict(state.caps, (byWallet) => mapDict(byWallet, copyCounters)),
    activity: mapDict(state.activity, (t) => t),
    // The tier's hold (`confirmed`) is read-only: the copy shares it.
    tier:
      state.tier === null ? null : { ...state.tier, floor: state.tier.floor === null ? null : { ...state.tier.floor } },
    metrics: mapDict(state.metrics, (m) => m),
    redemptions: mapDict(state.redemptions, (r) => r),
    limits: mapDict(state.limits, copyCounters),
    lapsed: mapDict(state.lapsed, (t) => t),
    // Hold records are values: the fold puts a new one in place, or deletes it.
    holds: mapDict(state.holds, (h) => h),
  };
}
