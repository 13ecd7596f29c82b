/**
 * Member state: the fold of a member's entries. `MemberState` is the in-memory form (decimals,
 * epoch milliseconds); `MemberSnapshot` is the JSON form a store keeps beside the entries so that
 * loading a member is one read.
 */
import type { Scalar } from "../program/conditions.js";
import { Decimal, ZERO } from "../shared/decimal.js";
import type { Period } from "../shared/time.js";

export interface Lot {
  readonly id: string;
  readonly wallet: string;
  readonly amount: Decimal;
  remaining: Decimal;
  readonly earnedAt: number;
  readonly availableAt: number;
  /** null: never expires. */
  readonly expiresAt: number | null;
  /** The rule that earned it, or null for a manual credit. */
  readonly ruleId: string | null;
  readonly purchaseId: string | null;
}

/** Running totals of one wallet; conservation holds them to the lots (see DESIGN.md, invariant 3). */
export interface WalletTotals {
  earned: Decimal;
  spent: Decimal;
  expired: Decimal;
  reversed: Decimal;
  /** Signed sum of manual adjustments. */
  adjusted: Decimal;
  debt: Decimal;
}

export interface PurchaseRecord {
  readonly id: string;
  readonly amount: Decimal;
  readonly occurredAt: number;
  refunded: Decimal;
  /** Points earned per wallet. */
  earned: Record<string, Decimal>;
  /** Points settled by refunds per wallet: reversed plus forgiven. Never above `earned`. */
  settled: Record<string, Decimal>;
  /** Lots this purchase created, in order. */
  lotIds: string[];
}

export interface CapCounter {
  key: string;
  used: Decimal;
}

export interface MemberState {
  readonly memberId: string;
  joinedAt: number;
  birthday: string | null;
  attributes: Record<string, Scalar>;
  /** Lots with points left (fully used lots are dropped), in creation order. */
  lots: Lot[];
  wallets: Record<string, WalletTotals>;
  purchases: Record<string, PurchaseRecord>;
  /** Per `ruleId/wallet`, per capped period: the period's key and the points awarded in it. */
  caps: Record<string, Partial<Record<Period, CapCounter>>>;
  /** Seq of the last entry folded in. */
  lastSeq: number;
}

export function emptyTotals(): WalletTotals {
  return { earned: ZERO, spent: ZERO, expired: ZERO, reversed: ZERO, adjusted: ZERO, debt: ZERO };
}

export function emptyState(memberId: string): MemberState {
  return { memberId, joinedAt: 0, birthday: null, attributes: {}, lots: [], wallets: {}, purchases: {}, caps: {}, lastSeq: 0 };
}

/** Deep copy, so a decision can never alias the state it was given. */
export function cloneState(s: MemberState): MemberState {
  const purchases: Record<string, PurchaseRecord> = {};
  for (const [id, p] of Object.entries(s.purchases)) purchases[id] = { ...p, earned: { ...p.earned }, settled: { ...p.settled }, lotIds: [...p.lotIds] };
  const caps: MemberState["caps"] = {};
  for (const [k, periods] of Object.entries(s.caps)) {
    const copy: Partial<Record<Period, CapCounter>> = {};
    for (const [period, c] of Object.entries(periods) as [Period, CapCounter][]) copy[period] = { ...c };
    caps[k] = copy;
  }
  const wallets: Record<string, WalletTotals> = {};
  for (const [w, t] of Object.entries(s.wallets)) wallets[w] = { ...t };
  return { ...s, attributes: { ...s.attributes }, lots: s.lots.map((l) => ({ ...l })), wallets, purchases, caps };
}

// ---- Snapshot: the JSON form -----------------------------------------------------------------

export interface LotSnapshot {
  id: string; wallet: string; amount: string; remaining: string; earnedAt: number; availableAt: number;
  expiresAt: number | null; ruleId: string | null; purchaseId: string | null;
}
export interface MemberSnapshot {
  memberId: string;
  joinedAt: number;
  birthday: string | null;
  attributes: Record<string, Scalar>;
  lots: LotSnapshot[];
  wallets: Record<string, Record<keyof WalletTotals, string>>;
  purchases: Record<string, { amount: string; occurredAt: number; refunded: string; earned: Record<string, string>; settled: Record<string, string>; lotIds: string[] }>;
  caps: Record<string, Partial<Record<Period, { key: string; used: string }>>>;
  lastSeq: number;
}

const mapValues = <A, B>(o: Record<string, A>, fn: (a: A) => B): Record<string, B> => {
  const out: Record<string, B> = {};
  for (const k in o) out[k] = fn(o[k]!);
  return out;
};
const str = (d: Decimal) => d.toString();
const dec = (s: string) => new Decimal(s);

export function toSnapshot(s: MemberState): MemberSnapshot {
  return {
    memberId: s.memberId,
    joinedAt: s.joinedAt,
    birthday: s.birthday,
    attributes: { ...s.attributes },
    lots: s.lots.map((l) => ({ ...l, amount: str(l.amount), remaining: str(l.remaining) })),
    wallets: mapValues(s.wallets, (t) => ({ earned: str(t.earned), spent: str(t.spent), expired: str(t.expired), reversed: str(t.reversed), adjusted: str(t.adjusted), debt: str(t.debt) })),
    purchases: mapValues(s.purchases, (p) => ({ amount: str(p.amount), occurredAt: p.occurredAt, refunded: str(p.refunded), earned: mapValues(p.earned, str), settled: mapValues(p.settled, str), lotIds: [...p.lotIds] })),
    caps: mapValues(s.caps, (periods) => mapValues(periods as Record<string, CapCounter>, (c) => ({ key: c.key, used: str(c.used) }))),
    lastSeq: s.lastSeq,
  };
}

export function fromSnapshot(s: MemberSnapshot): MemberState {
  return {
    memberId: s.memberId,
    joinedAt: s.joinedAt,
    birthday: s.birthday,
    attributes: { ...s.attributes },
    lots: s.lots.map((l) => ({ ...l, amount: dec(l.amount), remaining: dec(l.remaining) })),
    wallets: mapValues(s.wallets, (t) => ({ earned: dec(t.earned), spent: dec(t.spent), expired: dec(t.expired), reversed: dec(t.reversed), adjusted: dec(t.adjusted), debt: dec(t.debt) })),
    purchases: Object.fromEntries(Object.entries(s.purchases).map(([id, p]) => [id, { id, amount: dec(p.amount), occurredAt: p.occurredAt, refunded: dec(p.refunded), earned: mapValues(p.earned, dec), settled: mapValues(p.settled, dec), lotIds: [...p.lotIds] }])),
    caps: mapValues(s.caps, (periods) => mapValues(periods as Record<string, { key: string; used: string }>, (c) => ({ key: c.key, used: dec(c.used) }))),
    lastSeq: s.lastSeq,
  };
}
