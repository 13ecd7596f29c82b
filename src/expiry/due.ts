/**
 * Due expiries: writing off what has expired (invariant 5), and finding what expires soon. Pure:
 * the engine runs `expireDue` before every write and in sweeps.
 */
import type { Program } from "../program/compile.js";
import { type Decimal, ZERO, formatAmount } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import type { LotDraw } from "../ledger/entries.js";
import { bySpendOrder, effectiveExpiry, isExpired } from "../ledger/lots.js";
import type { MemberView } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { deadlines } from "./policy.js";

/**
 * Writes off every lot past its expiry, or past its wallet's inactivity deadline: one expire entry
 * per wallet, listing the lots. Writes nothing when nothing is due, so running it twice at one
 * instant expires each lot once.
 */
export function expireDue(writer: LedgerWriter, program: Program): void {
  const walletDeadlines = deadlines(program, writer.state);
  const byWallet = new Map<string, { draws: LotDraw[]; total: Decimal }>();
  // Filter first: this runs before every write, and usually nothing is due.
  const expired = writer.state.lots.filter(
    (lot) => lot.remaining.gt(0) && isExpired(lot, writer.now, walletDeadlines.get(lot.wallet) ?? null),
  );
  for (const lot of expired.sort(bySpendOrder)) {
    const group = byWallet.get(lot.wallet) ?? { draws: [], total: ZERO };
    group.draws.push({ lotId: lot.id, points: lot.remaining.toString() });
    group.total = group.total.plus(lot.remaining);
    byWallet.set(lot.wallet, group);
  }
  // A wallet whose inactivity deadline has passed lapses once per deadline, with or without lots
  // to write off: the record lets a cancellation know its points would have lapsed.
  for (const [wallet, deadline] of walletDeadlines) {
    if (deadline <= writer.now && writer.state.lapsed[wallet] !== deadline && !byWallet.has(wallet))
      byWallet.set(wallet, { draws: [], total: ZERO });
  }
  for (const [wallet, g] of byWallet) {
    const deadline = walletDeadlines.get(wallet);
    const lapsed = deadline !== undefined && deadline <= writer.now && writer.state.lapsed[wallet] !== deadline;
    writer.append({
      kind: "expire",
      wallet,
      points: g.total.toString(),
      lots: g.draws,
      ...(lapsed ? { lapsedAt: iso(deadline) } : {}),
    });
  }
}

/** Points of one wallet that expire at one instant. */
export interface ExpiringPoints {
  readonly wallet: string;
  readonly points: string;
  readonly at: string;
}

/**
 * The member's points that are still held (not expired at `from`) and expire in [from, to), by
 * wallet and instant, soonest first: what an "expiring soon" message lists.
 */
export function expiringBetween(program: Program, state: MemberView, from: number, to: number): ExpiringPoints[] {
  const walletDeadlines = deadlines(program, state);
  const sums = new Map<string, { wallet: string; at: number; points: Decimal }>();
  for (const lot of state.lots) {
    const at = effectiveExpiry(lot, walletDeadlines.get(lot.wallet) ?? null);
    if (at === null || at < from || at >= to || lot.remaining.lte(0)) continue;
    const key = `${lot.wallet}\u0000${at}`;
    const entry = sums.get(key) ?? { wallet: lot.wallet, at, points: ZERO };
    entry.points = entry.points.plus(lot.remaining);
    sums.set(key, entry);
  }
  return [...sums.values()]
    .sort((a, b) => a.at - b.at || (a.wallet < b.wallet ? -1 : a.wallet > b.wallet ? 1 : 0))
    .map((e) => ({ wallet: e.wallet, points: formatAmount(e.points, program.scale), at: iso(e.at) }));
}
