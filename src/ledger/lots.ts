/**
 * Pure queries and plans over lots: which lots are available, pending or expired at an instant
 * (`lotStatusAt`, the one rule), the order spending draws them in, and how points are drawn.
 */
import { type Decimal, ZERO, min } from "../shared/decimal.js";
import { invariant } from "../shared/invariant.js";
import type { LotDraw } from "./entries.js";
import type { Lot, MemberView } from "./state.js";

/**
 * Where a lot stands at an instant. This is the one rule of which points are spendable: every
 * balance, draw, conversion and expiry asks it (through the predicates below or `spendableAt`).
 */
export type LotStatus = "pending" | "available" | "expired";

/**
 * The status of `lot` at `at`. It has expired at its own expiresAt or at `deadline`, whichever
 * comes first; else it is pending until its availableAt, then available.
 *
 * `deadline` is the wallet's inactivity deadline (src/expiry/policy.ts `inactivityDeadline`), or
 * null when the wallet has none. It is required, never defaulted: a caller that forgot it would
 * count lapsed points as spendable, and nothing would say so. A caller in the ledger, which cannot
 * compute deadlines (it knows no program), takes it from its own caller.
 */
export function lotStatusAt(lot: Lot, at: number, deadline: number | null): LotStatus {
  const expiry = effectiveExpiry(lot, deadline);
  if (expiry !== null && at >= expiry) return "expired";
  return at < lot.availableAt ? "pending" : "available";
}

export const isExpired = (lot: Lot, at: number, deadline: number | null): boolean =>
  lotStatusAt(lot, at, deadline) === "expired";
export const isPending = (lot: Lot, at: number, deadline: number | null): boolean =>
  lotStatusAt(lot, at, deadline) === "pending";
export const isAvailable = (lot: Lot, at: number, deadline: number | null): boolean =>
  lotStatusAt(lot, at, deadline) === "available";

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

export function walletLots(state: MemberView, wallet: string): Lot[] {
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

/** Balances of a wallet at `at`; `deadline`: the wallet's inactivity deadline or null (see `lotStatusAt`). */
export function walletBalanceAt(state: MemberView, wallet: string, at: number, deadline: number | null): WalletBalance {
  let available = ZERO,
    pending = ZERO,
    expiredUnswept = ZERO;
  for (const lot of state.lots) {
    if (lot.wallet !== wallet) continue;
    const status = lotStatusAt(lot, at, deadline);
    if (status === "expired") expiredUnswept = expiredUnswept.plus(lot.remaining);
    else if (status === "pending") pending = pending.plus(lot.remaining);
    else available = available.plus(lot.remaining);
  }
  return { available, pending, expiredUnswept, debt: state.wallets[wallet]?.debt ?? ZERO };
}

/**
 * Balances of a wallet as of `now`: the public form of `walletBalanceAt`, kept with its optional
 * deadline so existing callers keep working. Without a deadline it judges lots by their own expiry
 * only, which is right for a wallet without inactivity expiry or a state whose due expiries have
 * been written off (a stored member after any write); the library itself always passes one.
 */
export function walletBalance(
  state: MemberView,
  wallet: string,
  now: number,
  deadline: number | null = null,
): WalletBalance {
  return walletBalanceAt(state, wallet, now, deadline);
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

/**
 * The lots of `wallet` a spend may draw from at `at` (available, not expired), in spending order.
 * `deadline`: the wallet's inactivity deadline or null (see `lotStatusAt`).
 */
export function spendableAt(state: MemberView, wallet: string, at: number, deadline: number | null): Lot[] {
  return state.lots.filter((l) => l.wallet === wallet && isAvailable(l, at, deadline)).sort(bySpendOrder);
}

/**
 * Asserts that the due expiries at `at` have been written off for `wallet`: no lot still holding
 * points is expired. A decision that draws at the command's own instant relies on it (the engine
 * runs expiry/due.ts `expireDue` before every decision): were it skipped, the write-off would be
 * recorded after the draw instead of before it, and the ledger would read differently on replay.
 */
export function assertNothingDue(state: MemberView, wallet: string, at: number, deadline: number | null): void {
  for (const lot of state.lots)
    invariant(
      lot.wallet !== wallet || lot.remaining.lte(0) || !isExpired(lot, at, deadline),
      () => `lot ${lot.id} of wallet ${wallet} is expired but not written off at ${at}: due work did not run first`,
    );
}

/**
 * The earliest instant at which a lot with points left expires, counting inactivity deadlines
 * (`deadlines` per wallet), or null: one piece of the member's due work (engine/due-work.ts
 * `dueAtOf` takes the earliest of all pieces for the store's due index).
 */
export function nextLotExpiryAt(state: MemberView, deadlines: ReadonlyMap<string, number>): number | null {
  let soonest: number | null = null;
  for (const lot of state.lots) {
    const at = effectiveExpiry(lot, deadlines.get(lot.wallet) ?? null);
    if (at !== null && (soonest === null || at < soonest)) soonest = at;
  }
  return soonest;
}
