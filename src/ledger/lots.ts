/**
 * Pure queries and plans over lots: which lots are available, pending or expired at an instant,
 * the order spending draws them in, and how a given number of points is drawn.
 */
import { type Decimal, ZERO, min } from "../shared/decimal.js";
import type { LotDraw } from "./entries.js";
import type { Lot, MemberState } from "./state.js";

/**
 * Whether a lot has expired at `now`: at its own expiresAt, or at `deadline`, the wallet's
 * inactivity deadline (src/expiry/policy.ts), whichever comes first.
 */
export const isExpired = (lot: Lot, now: number, deadline: number | null = null) =>
  (lot.expiresAt !== null && now >= lot.expiresAt) || (deadline !== null && now >= deadline);
export const isPending = (lot: Lot, now: number, deadline: number | null = null) =>
  !isExpired(lot, now, deadline) && now < lot.availableAt;
export const isAvailable = (lot: Lot, now: number, deadline: number | null = null) =>
  !isExpired(lot, now, deadline) && now >= lot.availableAt;

/** When a lot expires, counting the wallet's inactivity deadline; null: never. */
export function effectiveExpiry(lot: Lot, deadline: number | null): number | null {
  if (deadline === null) return lot.expiresAt;
  return lot.expiresAt === null ? deadline : Math.min(lot.expiresAt, deadline);
}

/** Spending order (invariant 4): soonest expiry first, never-expiring last; ties by oldest earned. */
export function bySpendOrder(a: Lot, b: Lot): number {
  const ea = a.expiresAt ?? Number.POSITIVE_INFINITY,
    eb = b.expiresAt ?? Number.POSITIVE_INFINITY;
  if (ea !== eb) return ea < eb ? -1 : 1;
  return a.earnedAt - b.earnedAt;
}

export function walletLots(state: MemberState, wallet: string): Lot[] {
  return state.lots.filter((l) => l.wallet === wallet);
}

export interface WalletBalance {
  /** Spendable now: available, unexpired lots. */
  readonly available: Decimal;
  /** Not yet available (inside the return window). */
  readonly pending: Decimal;
  /** Past expiresAt but not yet written off by an expire entry. Never spendable. */
  readonly expiredUnswept: Decimal;
  readonly debt: Decimal;
}

/** Balances of a wallet as of `now`; pass the wallet's inactivity deadline if it has one. */
export function walletBalance(
  state: MemberState,
  wallet: string,
  now: number,
  deadline: number | null = null,
): WalletBalance {
  let available = ZERO,
    pending = ZERO,
    expiredUnswept = ZERO;
  for (const lot of state.lots) {
    if (lot.wallet !== wallet) continue;
    if (isExpired(lot, now, deadline)) expiredUnswept = expiredUnswept.plus(lot.remaining);
    else if (now < lot.availableAt) pending = pending.plus(lot.remaining);
    else available = available.plus(lot.remaining);
  }
  return { available, pending, expiredUnswept, debt: state.wallets[wallet]?.debt ?? ZERO };
}

/**
 * Draws up to `wanted` points from `lots` in the order given. Returns the draws and what is left
 * undrawn; the lots themselves are not touched (apply does that).
 */
export function planDraws(lots: readonly Lot[], wanted: Decimal): { draws: LotDraw[]; drawn: Decimal; short: Decimal } {
  const draws: LotDraw[] = [];
  let left = wanted;
  for (const lot of lots) {
    if (left.lte(0)) break;
    const take = min(lot.remaining, left);
    if (take.lte(0)) continue;
    draws.push({ lotId: lot.id, points: take.toString() });
    left = left.minus(take);
  }
  return { draws, drawn: wanted.minus(left), short: left };
}

/** The lots a spend of this wallet may draw from now, in spending order. */
export function spendableLots(state: MemberState, wallet: string, now: number): Lot[] {
  return state.lots.filter((l) => l.wallet === wallet && isAvailable(l, now)).sort(bySpendOrder);
}

/**
 * The earliest instant at which a lot with points left expires, counting inactivity deadlines
 * (`deadlines` per wallet), or null: what a store indexes as the member's due work.
 */
export function nextDueAt(state: MemberState, deadlines: ReadonlyMap<string, number> = new Map()): number | null {
  let due: number | null = null;
  for (const lot of state.lots) {
    const at = effectiveExpiry(lot, deadlines.get(lot.wallet) ?? null);
    if (at !== null && (due === null || at < due)) due = at;
  }
  return due;
}
