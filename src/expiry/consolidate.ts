/**
 * Consolidation: merging lots that no later command can tell apart into one, so that a member's
 * state holds what is open rather than one lot per purchase of their whole history (a wallet that
 * never expires would otherwise keep every lot it was ever credited). Pure: the engine runs it in
 * every write's due work, after expiries.
 *
 * When a merge changes nothing: lots of one wallet with one expiry instant (or none) are drawn in
 * order of age (invariant 4) and expire together, so merging the oldest of them, all available,
 * changes neither a balance nor an expiry nor what any spend takes from the rest. What a merge
 * loses is which purchase a point came from, which only a refund of that purchase (its own lots
 * first, its points that expired) and a cancellation (taking back what a refund forgave) read. So a
 * lot from a purchase merges only once the purchase's refund window has closed (`refunds.windowDays`;
 * without one, never) and nothing of it was forgiven; a lot from no purchase (an event, an
 * adjustment, a transfer) merges at once.
 */
import type { Program } from "../program/compile.js";
import { ZERO } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { bySpendOrder, isAvailable } from "../ledger/lots.js";
import type { Lot, MemberView } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { inactivityDeadline, refundWindowClosesAt } from "./policy.js";

/**
 * How many lots a member's mergeable lots must outnumber their merged form by before a merge is
 * written: a consolidate entry per few commands, not one per command, and at most this many lots
 * (besides those still open to a refund, or pending) held for nothing.
 */
export const CONSOLIDATE_AT = 8;

/** Whether a purchase's points may lose their purchase: its refund window has closed and no refund forgave any. */
function purchaseSettled(program: Program, state: MemberView, purchaseId: string, now: number): boolean {
  const record = state.purchases[purchaseId];
  if (record === undefined) return false;
  const closesAt = refundWindowClosesAt(program, record);
  if (closesAt === null || now < closesAt) return false;
  return Object.entries(record.settled).every(([wallet, settled]) => settled.eq(record.reversed[wallet] ?? ZERO));
}

/** Per wallet and expiry instant, the oldest lots that may merge (in spending order), where there are two or more. */
export function mergeableGroups(program: Program, state: MemberView, now: number): Lot[][] {
  // By wallet, then by expiry instant (null: never); no string keys, as this runs on every write.
  const groups = new Map<string, Map<number | null, Lot[]>>();
  for (const lot of state.lots) {
    let byExpiry = groups.get(lot.wallet);
    if (!byExpiry) groups.set(lot.wallet, (byExpiry = new Map()));
    const group = byExpiry.get(lot.expiresAt);
    if (group) group.push(lot);
    else byExpiry.set(lot.expiresAt, [lot]);
  }
  const out: Lot[][] = [];
  for (const [wallet, byExpiry] of groups) {
    const deadline = inactivityDeadline(program, state, wallet);
    for (const group of byExpiry.values()) {
      if (group.length < 2) continue;
      const prefix: Lot[] = [];
      // Sorting is stable: lots of equal age keep their order in the state, as spending sees them.
      for (const lot of group.sort(bySpendOrder)) {
        const mergeable =
          isAvailable(lot, now, deadline) &&
          (lot.purchaseId === null || purchaseSettled(program, state, lot.purchaseId, now));
        if (!mergeable) break;
        prefix.push(lot);
      }
      if (prefix.length >= 2) out.push(prefix);
    }
  }
  return out;
}

/**
 * Merges the mergeable lots, one consolidate entry per wallet and expiry instant, once merging
 * would remove `threshold` lots or more (default CONSOLIDATE_AT; Infinity: never).
 */
export function consolidateLots(writer: LedgerWriter, program: Program, threshold = CONSOLIDATE_AT): void {
  // Merging n lots removes at most n - 1: with too few lots (or an Infinity threshold) there is
  // nothing to look at, and most writes stop here.
  if (writer.state.lots.length - 1 < threshold) return;
  const groups = mergeableGroups(program, writer.state, writer.now);
  const removable = groups.reduce((n, g) => n + g.length - 1, 0);
  if (removable < threshold) return;
  for (const lots of groups) {
    const first = lots[0]!;
    writer.append({
      kind: "consolidate",
      wallet: first.wallet,
      points: lots.reduce((sum, l) => sum.plus(l.remaining), ZERO).toString(),
      lots: lots.map((l) => ({ lotId: l.id, points: l.remaining.toString() })),
      lot: {
        wallet: first.wallet,
        earnedAt: iso(first.earnedAt),
        availableAt: iso(Math.max(...lots.map((l) => l.availableAt))),
        expiresAt: first.expiresAt === null ? null : iso(first.expiresAt),
      },
    });
  }
}
