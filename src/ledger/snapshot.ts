/**
 * Member snapshots: the JSON form of member state a store keeps beside the entries so that loading a
 * member is one read, and its codec (toSnapshot, fromSnapshot); and the JSON form of purchase and
 * redemption records, which a store keeps in rows of their own (docs/ledger.md, "What a member's
 * state holds").
 */
import type { Scalar } from "../shared/scalar.js";
import { Decimal, ZERO } from "../shared/decimal.js";
import { frozen } from "../shared/frozen.js";
import { idKeyed } from "../shared/id-keyed.js";
import type { Period } from "../shared/periods.js";
import {
  dict,
  mapDict,
  type DeepReadonly,
  type Dict,
  type HoldRecord,
  type Lot,
  type MemberState,
  type MemberView,
  type PurchaseRecord,
  type RedemptionRecord,
  type TierState,
  type WalletTotals,
} from "./state.js";
import { decodeLines, encodeLines, type PurchaseLinesSnapshot } from "./purchase-lines.js";

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
  /** Units the redemption took from the reward's stock (see RedemptionRecord), not the stock left. */
  stock: number;
  limitKeys: Partial<Record<Period, string>>;
  cancelled: boolean;
  draws: { lot: Omit<LotSnapshot, "remaining">; points: string }[];
}
/** An open checkout hold (HoldRecord); its draws' lots as they were, as a redemption's. */
export interface HoldSnapshot {
  wallet: string;
  points: string;
  orderAmount: string | null;
  at: number;
  expiresAt: number;
  draws: { lot: Omit<LotSnapshot, "remaining">; points: string }[];
}
/**
 * A purchase's record, as its record row and the snapshot hold it. Written without `refunded` when
 * it is 0 and without `settled`, `reversed` and `expired` when they are empty (most purchases are
 * never refunded). Records that spell them out load the same; `lotIds`, which snapshots of early
 * versions hold, is ignored (a purchase's lots are those that name it).
 */
export interface PurchaseSnapshot {
  /** Money (the purchase's amount); `refunded` is money too; the dicts below are points per wallet. */
  amount: string;
  occurredAt: number;
  refunded?: string;
  earned: Record<string, string>;
  settled?: Record<string, string>;
  reversed?: Record<string, string>;
  expired?: Record<string, string>;
  lotIds?: string[];
  /** What each line earned, for refunds by line (./purchase-lines.ts); absent on purchases recorded without lines. */
  lines?: PurchaseLinesSnapshot;
  /** Money refunded by line (part of `refunded`); absent when 0. */
  lineRefunded?: string;
  /** Its automatic donation (docs/donations.md); absent: none, and in snapshots written before donations. */
  donation?: { cause: string; of: "points" | "money"; wallet: string | null; amount: string; returned?: string };
}

/**
 * 2: purchase records of closed purchases and all redemption records live in record rows, not in
 * the snapshot. Absent (1): every record is in the snapshot; the engine moves them to record rows
 * on the member's next write (see `isLegacySnapshot`).
 */
export const SNAPSHOT_FORMAT = 2;

export interface MemberSnapshot {
  /** See SNAPSHOT_FORMAT; absent in snapshots of format 1. */
  format?: number;
  memberId: string;
  joinedAt: number;
  birthday: string | null;
  attributes: Record<string, Scalar>;
  /** Explicit segments, sorted; absent when there are none (and in snapshots written before segments existed). */
  segments?: string[];
  lots: LotSnapshot[];
  /** transferredIn/Out are absent in snapshots written before transfers existed. */
  wallets: Record<
    string,
    Record<Exclude<keyof WalletTotals, "transferredIn" | "transferredOut">, string> & {
      transferredIn?: string;
      transferredOut?: string;
    }
  >;
  /** The records of purchases with a lot still open (format 1: of every purchase). */
  purchases: Record<string, PurchaseSnapshot>;
  caps: Record<string, Record<string, Partial<Record<Period, Record<string, string>>>>>;
  activity: Record<string, number>;
  /** Absent in snapshots written before tiers existed; `confirmed` absent before it existed. */
  tier?: (Omit<TierState, "confirmed"> & { confirmed?: TierState["confirmed"] }) | null;
  metrics?: Record<string, Record<string, string>>;
  /** Format 1 only (absent before rewards existed): every redemption's record. */
  redemptions?: Record<string, RedemptionSnapshot>;
  limits?: Record<string, Partial<Record<Period, Record<string, string>>>>;
  referredBy?: string | null;
  /** Open checkout holds, by hold id; absent when there are none (and in snapshots written before holds existed). */
  holds?: Record<string, HoldSnapshot>;
  lastAt?: number;
  lapsed?: Record<string, number>;
  lastSeq: number;
  /**
   * The member's purchase counters (MemberState `purchaseCount`, `categoriesBought`; null:
   * unknown). Absent when no purchase was recorded, and in snapshots written before they existed:
   * such a snapshot with a purchase's activity loads them as unknown.
   */
  purchaseCount?: number | null;
  categoriesBought?: string[] | null;
}

const str = (d: Decimal) => d.toString();

/**
 * `mapDict` for the JSON form: an ordinary object rather than a prototype-less one. A snapshot is
 * kept (the memory store keeps thousands), frozen and walked on every commit, and V8 keeps an
 * object without a prototype as a hash table, several times the size of an ordinary object and
 * slower to walk. Ids come from users, so a "__proto__" key is defined as an own property (an
 * assignment would set the prototype); the JSON text is the same either way. Readers of the JSON
 * form go by own keys (Object.keys), as the decoder does.
 */
function mapJson<A, B>(byKey: Readonly<Record<string, A>>, fn: (value: A) => B): Record<string, B> {
  const out: Record<string, B> = {};
  for (const k of Object.keys(byKey)) setJson(out, k, fn(byKey[k] as A));
  return out;
}

/** `out[k] = value` on an ordinary object, "__proto__" included (defined as an own property). */
function setJson<B>(out: Record<string, B>, k: string, value: B): void {
  if (k === "__proto__") Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  else out[k] = value;
}
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
/**
 * Lots, purchase records and metric buckets are values: the fold never changes one, it puts a new
 * one in its place. So each keeps its JSON form once made, frozen, and a frozen JSON form (what the
 * memory store hands back) its decoded value: encoding and decoding a member then cost what
 * changed since, not every open lot again. Weak: a value no state holds any more is let go.
 */
function valueCodec<V extends object, J extends object>(
  encode: (value: V) => J,
  decode: (json: J, key: string) => V,
  keyOf: (value: V) => string = () => "",
) {
  const jsonOf = new WeakMap<V, J>();
  const valueOf = new WeakMap<J, V>();
  return {
    encode(value: V): J {
      let json = jsonOf.get(value);
      if (json === undefined) {
        json = frozen(encode(value));
        jsonOf.set(value, json);
        valueOf.set(json, value);
      }
      return json;
    },
    /** `key`: what the value is known by beside its JSON form (a purchase record's id). */
    decode(json: J, key = ""): V {
      const known = valueOf.get(json);
      if (known !== undefined && keyOf(known) === key) return known;
      const value = decode(json, key);
      // Only a frozen form is known never to change under the cache.
      if (Object.isFrozen(json)) {
        valueOf.set(json, value);
        jsonOf.set(value, json);
      }
      return value;
    },
  };
}

const lots = valueCodec<Lot, LotSnapshot>(
  (l) => ({ ...l, amount: str(l.amount), remaining: str(l.remaining) }),
  (l) => ({ ...l, amount: dec(l.amount), remaining: dec(l.remaining) }),
);
const buckets = valueCodec<Readonly<Dict<Decimal>>, Record<string, string>>(
  (m) => mapJson(m, str),
  (m) => mapDict(m, dec),
);

const countersTo = <A, B>(
  c: Partial<Record<Period, Record<string, A>>>,
  fn: (a: A) => B,
  map: (byKey: Readonly<Record<string, A>>, fn: (a: A) => B) => Record<string, B> = mapDict,
): Partial<Record<Period, Dict<B>>> => {
  const out: Partial<Record<Period, Dict<B>>> = {};
  for (const period of Object.keys(c) as Period[]) out[period] = map(c[period]!, fn);
  return out;
};

export function purchaseSnapshot(p: DeepReadonly<PurchaseRecord>): PurchaseSnapshot {
  return purchases.encode(p as PurchaseRecord);
}

function encodePurchase(p: PurchaseRecord): PurchaseSnapshot {
  const out: PurchaseSnapshot = {
    amount: str(p.amount),
    occurredAt: p.occurredAt,
    earned: mapJson(p.earned, str),
  };
  if (!p.refunded.isZero()) out.refunded = str(p.refunded);
  if (Object.keys(p.settled).length > 0) out.settled = mapJson(p.settled, str);
  if (Object.keys(p.reversed).length > 0) out.reversed = mapJson(p.reversed, str);
  if (Object.keys(p.expired).length > 0) out.expired = mapJson(p.expired, str);
  if (p.lines !== undefined) out.lines = encodeLines(p.lines);
  if (p.lineRefunded !== undefined && !p.lineRefunded.isZero()) out.lineRefunded = str(p.lineRefunded);
  if (p.donation !== undefined) {
    const { returned, amount, ...rest } = p.donation;
    out.donation = { ...rest, amount: str(amount), ...(returned.isZero() ? {} : { returned: str(returned) }) };
  }
  return out;
}

/**
 * Ids of the purchases with a lot still open, then those whose lot an open hold emptied (a release
 * reopens it, and a later expiry or refund of it reads the record): the purchase records a snapshot holds.
 */
export function openPurchaseIds(state: MemberView): Set<string> {
  const ids = new Set<string>();
  for (const lot of state.lots) if (lot.purchaseId !== null) ids.add(lot.purchaseId);
  for (const h of Object.values(state.holds))
    for (const d of h.draws) if (d.lot.purchaseId !== null) ids.add(d.lot.purchaseId);
  return ids;
}

/** A snapshot of format 1, whose records must move to record rows on the member's next write. */
export const isLegacySnapshot = (snapshot: MemberSnapshot): boolean => snapshot.format === undefined;

export function toSnapshot(state: MemberView): MemberSnapshot {
  // Keyed by purchase ids, which no two members share: a prototype-less object (a hash table in
  // V8), since an ordinary one would make a hidden class per member (see shared/id-keyed.ts).
  const purchases = idKeyed<PurchaseSnapshot>();
  for (const id of openPurchaseIds(state)) {
    const p = state.purchases[id];
    if (p !== undefined) purchases[id] = purchaseSnapshot(p);
  }
  return {
    format: SNAPSHOT_FORMAT,
    memberId: state.memberId,
    joinedAt: state.joinedAt,
    birthday: state.birthday,
    attributes: mapJson(state.attributes, (v) => v),
    ...(state.segments.length > 0 ? { segments: [...state.segments] } : {}),
    lots: state.lots.map((l) => lots.encode(l)),
    wallets: mapJson(state.wallets, (t) => ({
      earned: str(t.earned),
      spent: str(t.spent),
      expired: str(t.expired),
      reversed: str(t.reversed),
      adjusted: str(t.adjusted),
      transferredIn: str(t.transferredIn),
      transferredOut: str(t.transferredOut),
      debt: str(t.debt),
    })),
    purchases,
    caps: mapJson(state.caps, (byWallet) => mapJson(byWallet, (c) => countersTo(c, str, mapJson))),
    activity: mapJson(state.activity, (t) => t),
    tier:
      state.tier === null ? null : { ...state.tier, floor: state.tier.floor === null ? null : { ...state.tier.floor } },
    metrics: mapJson(state.metrics, (m) => buckets.encode(m)),
    limits: mapJson(state.limits, (c) => countersTo(c, str, mapJson)),
    referredBy: state.referredBy,
    ...(Object.keys(state.holds).length > 0 ? { holds: mapJson(state.holds, holdSnapshot) } : {}),
    lastAt: state.lastAt,
    lapsed: mapJson(state.lapsed, (t) => t),
    lastSeq: state.lastSeq,
    ...(state.purchaseCount === 0 && state.categoriesBought?.length === 0
      ? {}
      : {
          purchaseCount: state.purchaseCount,
          categoriesBought: state.categoriesBought === null ? null : [...state.categoriesBought],
        }),
  };
}

export function purchaseFromSnapshot(id: string, p: PurchaseSnapshot): PurchaseRecord {
  return purchases.decode(p, id);
}

function decodePurchase(p: PurchaseSnapshot, id: string): PurchaseRecord {
  return {
    id,
    amount: dec(p.amount),
    occurredAt: p.occurredAt,
    refunded: p.refunded === undefined ? ZERO : dec(p.refunded),
    earned: mapDict(p.earned, dec),
    settled: mapDict(p.settled ?? {}, dec),
    reversed: mapDict(p.reversed ?? {}, dec),
    expired: mapDict(p.expired ?? {}, dec),
    ...(p.lines === undefined ? {} : { lines: decodeLines(p.lines, dec) }),
    ...(p.lineRefunded === undefined ? {} : { lineRefunded: dec(p.lineRefunded) }),
    ...(p.donation === undefined
      ? {}
      : {
          donation: {
            ...p.donation,
            amount: dec(p.donation.amount),
            returned: p.donation.returned === undefined ? ZERO : dec(p.donation.returned),
          },
        }),
  };
}

export function redemptionSnapshot(r: DeepReadonly<RedemptionRecord>): RedemptionSnapshot {
  return {
    rewardId: r.rewardId,
    wallet: r.wallet,
    points: str(r.points),
    quantity: r.quantity,
    at: r.at,
    stock: r.stock,
    limitKeys: { ...r.limitKeys },
    cancelled: r.cancelled,
    draws: r.draws.map((d) => ({ lot: { ...d.lot, amount: str(d.lot.amount) }, points: str(d.points) })),
  };
}

export function redemptionFromSnapshot(id: string, r: RedemptionSnapshot): RedemptionRecord {
  return {
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

function holdSnapshot(h: DeepReadonly<HoldRecord>): HoldSnapshot {
  return {
    wallet: h.wallet,
    points: str(h.points),
    orderAmount: h.orderAmount === null ? null : str(h.orderAmount),
    at: h.at,
    expiresAt: h.expiresAt,
    draws: h.draws.map((d) => ({ lot: { ...d.lot, amount: str(d.lot.amount) }, points: str(d.points) })),
  };
}

function holdsFromSnapshot(holds: Record<string, HoldSnapshot>): Dict<HoldRecord> {
  const out = dict<HoldRecord>();
  for (const id of Object.keys(holds)) {
    const h = holds[id]!;
    out[id] = {
      id,
      wallet: h.wallet,
      points: dec(h.points),
      orderAmount: h.orderAmount === null ? null : dec(h.orderAmount),
      at: h.at,
      expiresAt: h.expiresAt,
      draws: h.draws.map((d) => ({ lot: { ...d.lot, amount: dec(d.lot.amount) }, points: dec(d.points) })),
    };
  }
  return out;
}

export function fromSnapshot(snapshot: MemberSnapshot): MemberState {
  const purchases = dict<PurchaseRecord>();
  for (const id of Object.keys(snapshot.purchases)) purchases[id] = purchaseFromSnapshot(id, snapshot.purchases[id]!);
  const redemptions = dict<RedemptionRecord>();
  for (const [id, r] of Object.entries(snapshot.redemptions ?? {})) redemptions[id] = redemptionFromSnapshot(id, r);
  return {
    memberId: snapshot.memberId,
    joinedAt: snapshot.joinedAt,
    birthday: snapshot.birthday,
    attributes: mapDict(snapshot.attributes, (v) => v),
    segments: snapshot.segments ?? [],
    lots: snapshot.lots.map((l) => lots.decode(l)),
    wallets: mapDict(snapshot.wallets, (t) => ({
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
    caps: mapDict(snapshot.caps, (byWallet) => mapDict(byWallet, (c) => countersTo(c, dec))),
    activity: mapDict(snapshot.activity ?? {}, (t) => t),
    tier: snapshot.tier
      ? {
          ...snapshot.tier,
          floor: snapshot.tier.floor ? { ...snapshot.tier.floor } : null,
          confirmed: snapshot.tier.confirmed ?? null,
        }
      : null,
    metrics: mapDict(snapshot.metrics ?? {}, (m) => buckets.decode(m)),
    redemptions,
    limits: mapDict(snapshot.limits ?? {}, (c) => countersTo(c, dec)),
    referredBy: snapshot.referredBy ?? null,
    holds: holdsFromSnapshot(snapshot.holds ?? {}),
    lastAt: snapshot.lastAt ?? 0,
    lapsed: mapDict(snapshot.lapsed ?? {}, (t) => t),
    lastSeq: snapshot.lastSeq,
    ...purchaseCounters(snapshot),
  };
}

/** The purchase counters a snapshot holds; absent: none recorded, or unknown if the member has purchased. */
function purchaseCounters(snapshot: MemberSnapshot): Pick<MemberState, "purchaseCount" | "categoriesBought"> {
  if (snapshot.purchaseCount !== undefined)
    return {
      purchaseCount: snapshot.purchaseCount,
      categoriesBought:
        snapshot.categoriesBought === undefined || snapshot.categoriesBought === null
          ? null
          : [...snapshot.categoriesBought],
    };
  const purchased = snapshot.activity !== undefined && Object.hasOwn(snapshot.activity, "purchase");
  return purchased ? { purchaseCount: null, categoriesBought: null } : { purchaseCount: 0, categoriesBought: [] };
}

const purchases = valueCodec<PurchaseRecord, PurchaseSnapshot>(encodePurchase, decodePurchase, (p) => p.id);
