/**
 * Member state: the fold of a member's entries. `MemberState` is the in-memory form (decimals,
 * epoch milliseconds); `MemberSnapshot` is the JSON form a store keeps beside the entries so that
 * loading a member is one read.
 */
import type { Scalar } from "../shared/scalar.js";
import { Decimal, ZERO } from "../shared/decimal.js";
import type { Period } from "../shared/periods.js";

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
  readonly amount: Decimal;
  readonly occurredAt: number;
  refunded: Decimal;
  /** Points earned per wallet. */
  earned: Dict<Decimal>;
  /** Points settled by refunds per wallet: reversed plus forgiven. Never above `earned`. */
  settled: Dict<Decimal>;
  /** Points actually taken back per wallet (from lots or as debt). */
  reversed: Dict<Decimal>;
  /** Points of this purchase's own lots that expired unused, per wallet: never taken back. */
  expired: Dict<Decimal>;
}
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
  /** Units taken from the reward's stock. */
  readonly stock: number;
  readonly limitKeys: Partial<Record<Period, string>>;
  cancelled: boolean;
  /** The lots drawn, as they were; emptied on cancellation (nothing is left to restore). */
  draws: readonly { readonly lot: LotShape; readonly points: Decimal }[];
}

/** Points a rule awarded into a wallet, per period key (2026-11, 2026-W48, ...). */
export type CapCounters = Partial<Record<Period, Dict<Decimal>>>;

/**
 * How many of the latest period keys a cap counter keeps: enough for purchases recorded late by
 * two months (62 days, 10 weeks, 13 months, 3 years). A purchase recorded later than that finds no
 * counter for its period and is capped as if the period were empty.
 */
export const CAP_KEYS_KEPT: Readonly<Record<Period, number>> = { day: 62, week: 10, month: 13, year: 3, lifetime: 1 };

/**
 * Period keys a limit counter keeps (redemptions, transfers, referrals happen now, never
 * backdated): the current period and the one before, in case two processes' clocks disagree.
 */
export const LIMIT_KEYS_KEPT = 2;

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
export function mapDict<A, B>(o: Readonly<Record<string, A>>, fn: (a: A) => B): Dict<B> {
  const out = dict<B>();
  for (const k of Object.keys(o)) out[k] = fn(o[k] as A);
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
}

export interface MemberState {
  readonly memberId: string;
  joinedAt: number;
  birthday: string | null;
  attributes: Dict<Scalar>;
  /** Lots with points left (fully used lots are dropped), in creation order. The fold replaces the array, never changes it. */
  lots: readonly Lot[];
  wallets: Dict<WalletTotals>;
  purchases: Dict<PurchaseRecord>;
  /** Per rule, per wallet, per capped period: points awarded per period key. */
  caps: Dict<Dict<CapCounters>>;
  /** Latest time of each kind of activity: purchase, spend, adjust, refund, event:<type>. */
  activity: Dict<number>;
  /** The member's tier; null in a program without tiers (or before the first tier entry). */
  tier: TierState | null;
  /** Tier qualification counters: per bucket (local date, or "all"), per metric key. */
  metrics: Dict<Dict<Decimal>>;
  /** Redemptions by id. */
  redemptions: Dict<RedemptionRecord>;
  /**
   * Counters of limited actions per period key: "reward:<id>" (units redeemed), "transfers:<wallet>"
   * (points sent), "referrals" (members referred).
   */
  limits: Dict<CapCounters>;
  /** The member who referred this one; null if none. */
  referredBy: string | null;
  /** The engine's clock at the latest entry (epoch ms): period-end work after it is still to do. */
  lastAt: number;
  /** Per wallet with inactivity expiry: the latest deadline at which its balance lapsed (epoch ms). */
  lapsed: Dict<number>;
  /** Seq of the last entry folded in. */
  lastSeq: number;
}

/**
 * `T` with every property read-only, all the way down (a Decimal is a value already). A type, not a
 * freeze: it makes the compiler refuse an assignment, at no cost at run time.
 */
export type DeepReadonly<T> = T extends Decimal | string | number | boolean | null | undefined
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : { readonly [K in keyof T]: DeepReadonly<T[K]> };

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
    lastAt: 0,
    lapsed: dict(),
    lastSeq: 0,
  };
}

const copyCounters = (c: CapCounters): CapCounters => {
  const out: CapCounters = {};
  for (const period of Object.keys(c) as Period[]) out[period] = mapDict(c[period]!, (d) => d);
  return out;
};

/** Deep copy: a state of the caller's own that no writer's fold reaches. */
export function cloneState(s: MemberView): MemberState {
  return {
    ...s,
    attributes: mapDict(s.attributes, (v) => v),
    lots: s.lots.map((l) => ({ ...l })),
    wallets: mapDict(s.wallets, (t) => ({ ...t })),
    purchases: mapDict(s.purchases, (p) => ({
      ...p,
      earned: mapDict(p.earned, (d) => d),
      settled: mapDict(p.settled, (d) => d),
      reversed: mapDict(p.reversed, (d) => d),
      expired: mapDict(p.expired, (d) => d),
    })),
    caps: mapDict(s.caps, (byWallet) => mapDict(byWallet, copyCounters)),
    activity: mapDict(s.activity, (t) => t),
    tier: s.tier === null ? null : { ...s.tier, floor: s.tier.floor === null ? null : { ...s.tier.floor } },
    metrics: mapDict(s.metrics, (m) => mapDict(m, (d) => d)),
    redemptions: mapDict(s.redemptions, (r) => ({ ...r, limitKeys: { ...r.limitKeys }, draws: [...r.draws] })),
    limits: mapDict(s.limits, copyCounters),
    lapsed: mapDict(s.lapsed, (t) => t),
  };
}

// ---- Snapshot: the JSON form -----------------------------------------------------------------

export interface LotSnapshot {
  id: string;
  wallet: string;
  amount: string;
  remaining: string;
  earnedAt: number;
  availableAt: number;
  expiresAt: number | null;
  ruleId: string | null;
  purchaseId: string | null;
}
export interface RedemptionSnapshot {
  rewardId: string;
  wallet: string;
  points: string;
  quantity: number;
  at: number;
  stock: number;
  limitKeys: Partial<Record<Period, string>>;
  cancelled: boolean;
  draws: { lot: Omit<LotSnapshot, "remaining">; points: string }[];
}
export interface MemberSnapshot {
  memberId: string;
  joinedAt: number;
  birthday: string | null;
  attributes: Record<string, Scalar>;
  lots: LotSnapshot[];
  /** transferredIn/Out are absent in snapshots written before transfers existed. */
  wallets: Record<
    string,
    Record<Exclude<keyof WalletTotals, "transferredIn" | "transferredOut">, string> & {
      transferredIn?: string;
      transferredOut?: string;
    }
  >;
  /**
   * Written without `refunded` when it is 0 and without `settled`, `reversed` and `expired` when
   * they are empty (most purchases are never refunded): every command of the member reads and
   * writes them all. Snapshots that spell them out load the same; `lotIds`, which snapshots of
   * earlier versions hold, is ignored (a purchase's lots are those that name it).
   */
  purchases: Record<
    string,
    {
      amount: string;
      occurredAt: number;
      refunded?: string;
      earned: Record<string, string>;
      settled?: Record<string, string>;
      reversed?: Record<string, string>;
      expired?: Record<string, string>;
      lotIds?: string[];
    }
  >;
  caps: Record<string, Record<string, Partial<Record<Period, Record<string, string>>>>>;
  activity: Record<string, number>;
  /** Absent in snapshots written before tiers existed. */
  tier?: TierState | null;
  metrics?: Record<string, Record<string, string>>;
  /** Absent in snapshots written before rewards existed. */
  redemptions?: Record<string, RedemptionSnapshot>;
  limits?: Record<string, Partial<Record<Period, Record<string, string>>>>;
  referredBy?: string | null;
  lastAt?: number;
  lapsed?: Record<string, number>;
  lastSeq: number;
}

const str = (d: Decimal) => d.toString();
/**
 * Decoded amounts by their text. A snapshot repeats few distinct values ("0", the points of a
 * typical purchase), and parsing a decimal string is most of what decoding a snapshot costs; a
 * Decimal never changes once made (every operation returns a new one), so one instance serves every
 * occurrence. Bounded: emptied when it reaches 4,096 texts.
 */
const decoded = new Map<string, Decimal>();
const dec = (s: string): Decimal => {
  let d = decoded.get(s);
  if (d === undefined) {
    if (decoded.size >= 4_096) decoded.clear();
    decoded.set(s, (d = new Decimal(s)));
  }
  return d;
};
const countersTo = <A, B>(
  c: Partial<Record<Period, Record<string, A>>>,
  fn: (a: A) => B,
): Partial<Record<Period, Dict<B>>> => {
  const out: Partial<Record<Period, Dict<B>>> = {};
  for (const period of Object.keys(c) as Period[]) out[period] = mapDict(c[period]!, fn);
  return out;
};

function purchaseSnapshot(p: PurchaseRecord): MemberSnapshot["purchases"][string] {
  const out: MemberSnapshot["purchases"][string] = {
    amount: str(p.amount),
    occurredAt: p.occurredAt,
    earned: mapDict(p.earned, str),
  };
  if (!p.refunded.isZero()) out.refunded = str(p.refunded);
  if (Object.keys(p.settled).length > 0) out.settled = mapDict(p.settled, str);
  if (Object.keys(p.reversed).length > 0) out.reversed = mapDict(p.reversed, str);
  if (Object.keys(p.expired).length > 0) out.expired = mapDict(p.expired, str);
  return out;
}

export function toSnapshot(s: MemberState): MemberSnapshot {
  return {
    memberId: s.memberId,
    joinedAt: s.joinedAt,
    birthday: s.birthday,
    attributes: mapDict(s.attributes, (v) => v),
    lots: s.lots.map((l) => ({ ...l, amount: str(l.amount), remaining: str(l.remaining) })),
    wallets: mapDict(s.wallets, (t) => ({
      earned: str(t.earned),
      spent: str(t.spent),
      expired: str(t.expired),
      reversed: str(t.reversed),
      adjusted: str(t.adjusted),
      transferredIn: str(t.transferredIn),
      transferredOut: str(t.transferredOut),
      debt: str(t.debt),
    })),
    purchases: mapDict(s.purchases, purchaseSnapshot),
    caps: mapDict(s.caps, (byWallet) => mapDict(byWallet, (c) => countersTo(c, str))),
    activity: mapDict(s.activity, (t) => t),
    tier: s.tier === null ? null : { ...s.tier, floor: s.tier.floor === null ? null : { ...s.tier.floor } },
    metrics: mapDict(s.metrics, (m) => mapDict(m, str)),
    redemptions: mapDict(s.redemptions, (r) => ({
      rewardId: r.rewardId,
      wallet: r.wallet,
      points: str(r.points),
      quantity: r.quantity,
      at: r.at,
      stock: r.stock,
      limitKeys: { ...r.limitKeys },
      cancelled: r.cancelled,
      draws: r.draws.map((d) => ({ lot: { ...d.lot, amount: str(d.lot.amount) }, points: str(d.points) })),
    })),
    limits: mapDict(s.limits, (c) => countersTo(c, str)),
    referredBy: s.referredBy,
    lastAt: s.lastAt,
    lapsed: mapDict(s.lapsed, (t) => t),
    lastSeq: s.lastSeq,
  };
}

export function fromSnapshot(s: MemberSnapshot): MemberState {
  const purchases = dict<PurchaseRecord>();
  for (const id of Object.keys(s.purchases)) {
    const p = s.purchases[id]!;
    purchases[id] = {
      id,
      amount: dec(p.amount),
      occurredAt: p.occurredAt,
      refunded: p.refunded === undefined ? ZERO : dec(p.refunded),
      earned: mapDict(p.earned, dec),
      settled: mapDict(p.settled ?? {}, dec),
      reversed: mapDict(p.reversed ?? {}, dec),
      expired: mapDict(p.expired ?? {}, dec),
    };
  }
  return {
    memberId: s.memberId,
    joinedAt: s.joinedAt,
    birthday: s.birthday,
    attributes: mapDict(s.attributes, (v) => v),
    lots: s.lots.map((l) => ({ ...l, amount: dec(l.amount), remaining: dec(l.remaining) })),
    wallets: mapDict(s.wallets, (t) => ({
      earned: dec(t.earned),
      spent: dec(t.spent),
      expired: dec(t.expired),
      reversed: dec(t.reversed),
      adjusted: dec(t.adjusted),
      transferredIn: dec(t.transferredIn ?? "0"),
      transferredOut: dec(t.transferredOut ?? "0"),
      debt: dec(t.debt),
    })),
    purchases,
    caps: mapDict(s.caps, (byWallet) => mapDict(byWallet, (c) => countersTo(c, dec))),
    activity: mapDict(s.activity ?? {}, (t) => t),
    tier: s.tier ? { ...s.tier, floor: s.tier.floor ? { ...s.tier.floor } : null } : null,
    metrics: mapDict(s.metrics ?? {}, (m) => mapDict(m, dec)),
    redemptions: redemptionsFrom(s.redemptions ?? {}),
    limits: mapDict(s.limits ?? {}, (c) => countersTo(c, dec)),
    referredBy: s.referredBy ?? null,
    lastAt: s.lastAt ?? 0,
    lapsed: mapDict(s.lapsed ?? {}, (t) => t),
    lastSeq: s.lastSeq,
  };
}

function redemptionsFrom(snapshots: Record<string, RedemptionSnapshot>): Dict<RedemptionRecord> {
  const out = dict<RedemptionRecord>();
  for (const id of Object.keys(snapshots)) {
    const r = snapshots[id]!;
    out[id] = {
      id,
      rewardId: r.rewardId,
      wallet: r.wallet,
      points: dec(r.points),
      quantity: r.quantity,
      at: r.at,
      stock: r.stock,
      limitKeys: { ...r.limitKeys },
      cancelled: r.cancelled,
      draws: r.draws.map((d) => ({ lot: { ...d.lot, amount: dec(d.lot.amount) }, points: dec(d.points) })),
    };
  }
  return out;
}
