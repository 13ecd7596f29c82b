/**
 * The steps entry kinds share when folded: noting activity, a wallet's totals, creating, drawing
 * and reopening lots, moving a limit counter. Each asserts what it needs (LedgerInvariantError).
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import { countInPeriods } from "../../shared/periods.js";
import type { CounterName } from "../limits.js";
import type { LotDraw, LotRecord, PeriodKeys } from "../entry-base.js";
import { assert } from "../invariant.js";
import {
  LIMIT_KEYS_KEPT,
  dict,
  emptyTotals,
  type Dict,
  type Lot,
  type LotShape,
  type MemberState,
  type PurchaseRecord,
  type RedemptionRecord,
  type WalletTotals,
} from "../state.js";

/** Activity keeps the latest time per kind: a backdated command never moves it back. */
export function noteActivity(state: MemberState, name: string, at: number) {
  const previous = state.activity[name];
  if (previous === undefined || at > previous) state.activity[name] = at;
}

export function totals(state: MemberState, wallet: string): WalletTotals {
  return (state.wallets[wallet] ??= emptyTotals());
}

export function createLot(
  state: MemberState,
  id: string,
  record: LotRecord,
  amount: Decimal,
  remaining: Decimal,
  ruleId: string | null,
  purchaseId: string | null,
) {
  assert(remaining.gte(0) && remaining.lte(amount), `lot ${id}: remaining outside [0, amount]`);
  if (remaining.isZero()) return;
  // A new array rather than a push: a decision holding the old one keeps what it read.
  state.lots = [
    ...state.lots,
    {
      id,
      wallet: record.wallet,
      amount,
      remaining,
      earnedAt: Date.parse(record.earnedAt),
      availableAt: Date.parse(record.availableAt),
      expiresAt: record.expiresAt === null ? null : Date.parse(record.expiresAt),
      ruleId,
      purchaseId,
    },
  ];
}

export function drawLots(
  state: MemberState,
  wallet: string,
  draws: readonly LotDraw[],
  each?: (lot: Lot, points: Decimal) => void,
): Decimal {
  let total = ZERO;
  // Lots are values: each drawn lot is replaced by one holding less, in a new array.
  const lots = [...state.lots];
  for (const draw of draws) {
    const index = lots.findIndex((l) => l.id === draw.lotId);
    const lot = lots[index];
    assert(lot !== undefined, `draw from unknown or empty lot ${draw.lotId}`);
    assert(lot.wallet === wallet, `draw from lot ${draw.lotId} of another wallet`);
    const points = new Decimal(draw.points);
    assert(
      points.gt(0) && points.lte(lot.remaining),
      `draw of ${draw.points} from lot ${draw.lotId} holding ${lot.remaining}`,
    );
    const drawn: Lot = { ...lot, remaining: lot.remaining.minus(points) };
    lots[index] = drawn;
    total = total.plus(points);
    each?.(drawn, points);
  }
  state.lots = lots.filter((l: Lot) => !l.remaining.isZero());
  return total;
}

/** Puts `lot` in place of the lot with its id (lots are values: never changed in place). */
export function replaceLot(state: MemberState, lot: Lot) {
  state.lots = state.lots.map((l) => (l.id === lot.id ? lot : l));
}

/** Adds `delta` to a limit counter for each of `keys`, keeping the latest LIMIT_KEYS_KEPT keys per period. */
export function countLimit(state: MemberState, name: CounterName, keys: PeriodKeys, delta: Decimal) {
  countInPeriods((state.limits[name] ??= {}), keys, delta, () => LIMIT_KEYS_KEPT);
}

/** Opens a lot again with `points` (a cancelled redemption's), from its shape as it was drawn. */
export function reopenLot(state: MemberState, shape: LotShape, points: Decimal) {
  assert(points.gt(0) && points.lte(shape.amount), `reopen lot ${shape.id}: ${points} of ${shape.amount}`);
  // Back where creation order put it, as near as the earned time tells.
  const at = state.lots.findIndex((l) => l.earnedAt > shape.earnedAt);
  const lot: Lot = { ...shape, remaining: points };
  state.lots = at < 0 ? [...state.lots, lot] : [...state.lots.slice(0, at), lot, ...state.lots.slice(at)];
}

/** `byWallet` with `wallet`'s figure set to `value`, as a new dict (records are values). */
export function withFigure(byWallet: Readonly<Dict<Decimal>>, wallet: string, value: Decimal): Dict<Decimal> {
  const out = dict<Decimal>(Object.entries(byWallet));
  out[wallet] = value;
  return out;
}

/** `byWallet` with `points` added to `wallet`'s figure, as a new dict (records are values). */
export function plusIn(byWallet: Readonly<Dict<Decimal>>, wallet: string, points: Decimal | string): Dict<Decimal> {
  return withFigure(byWallet, wallet, (byWallet[wallet] ?? ZERO).plus(points));
}

/**
 * Puts `change(record)` in place of purchase `id`'s record, asserting the state holds it (the
 * engine reads a purchase's record row before any command that names it). `what` names the entry.
 */
export function updatePurchase(
  state: MemberState,
  id: string,
  what: string,
  change: (record: PurchaseRecord) => PurchaseRecord,
): PurchaseRecord {
  const record = state.purchases[id];
  assert(record !== undefined, `${what} names unknown purchase ${id}`);
  return (state.purchases[id] = change(record));
}

/** Puts `change(record)` in place of redemption `id`'s record (see `updatePurchase`). */
export function updateRedemption(
  state: MemberState,
  id: string,
  what: string,
  change: (record: RedemptionRecord) => RedemptionRecord,
): RedemptionRecord {
  const record = state.redemptions[id];
  assert(record !== undefined, `${what} names unknown redemption ${id}`);
  return (state.redemptions[id] = change(record));
}
