/**
 * Pending points becoming spendable (issues 14 and 17). A lot earned pending (a return window) is
 * spendable from its `availableAt` by the clock alone; the ledger records the moment with a
 * `release` entry, so that the outbox tells it once per lot (`points.available`) and a statement
 * shows it. Pure: the engine runs `releaseDue` in every write's due work and `releasePending` for
 * the command of that name.
 *
 * Which lots are still to be released needs no marker of its own: a lot pending when the member's
 * last write was made (`availableAt` after the state's `lastAt`) has not been released, and one
 * whose `availableAt` is at or before it has (that write's due work released it, or it was never
 * pending). So the due work of a write at `now` releases the lots whose `availableAt` falls in
 * (lastAt, now], and the due index wakes at the earliest `availableAt` after lastAt.
 */
import type { Program } from "../program/compile.js";
import { formatAmount } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import type { ReleaseEntry } from "../ledger/entries.js";
import { lotStatusAt } from "../ledger/lots.js";
import type { Lot, MemberView } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { deadlines } from "../expiry/policy.js";

/** One lot a release made spendable, as a command's result lists it. */
export interface ReleasedLot {
  readonly lotId: string;
  readonly wallet: string;
  readonly points: string;
  readonly purchaseId: string | null;
  /** When the points would have become spendable by the clock (ISO). */
  readonly scheduledAt: string;
}

/**
 * Whether a lot still holding points reaches its release: it is not expired (by its own date or its
 * wallet's inactivity deadline) at its `availableAt`. A lot that expires first is written off pending.
 */
const reachesRelease = (lot: Lot, walletDeadlines: ReadonlyMap<string, number>): boolean =>
  lot.remaining.gt(0) && lotStatusAt(lot, lot.availableAt, walletDeadlines.get(lot.wallet) ?? null) === "available";

function append(writer: LedgerWriter, program: Program, lot: Lot, availableAt: number, early: boolean): ReleaseEntry {
  const points = formatAmount(lot.remaining, program.scale);
  return writer.append({
    kind: "release",
    wallet: lot.wallet,
    lotId: lot.id,
    points,
    lots: early ? [{ lotId: lot.id, points }] : [],
    lot: early
      ? {
          wallet: lot.wallet,
          earnedAt: iso(lot.earnedAt),
          availableAt: iso(availableAt),
          expiresAt: lot.expiresAt === null ? null : iso(lot.expiresAt),
        }
      : null,
    ruleId: lot.ruleId,
    purchaseId: lot.purchaseId,
    availableAt: iso(availableAt),
    expiresAt: lot.expiresAt === null ? null : iso(lot.expiresAt),
    early,
  }) as ReleaseEntry;
}

/**
 * Records the release of every lot whose `availableAt` falls after `lastWrite` (the member's last
 * write before this one) and at or before now, soonest first: one `release` entry per lot. Run
 * first in due work, before anything this write credits (whose lots are not pending past releases)
 * or draws (a conversion at a period end may spend a released lot whole).
 */
export function releaseDue(writer: LedgerWriter, program: Program, lastWrite: number): void {
  const now = writer.now;
  // Filter first: this runs before every write, and usually nothing is due.
  const due = writer.state.lots.filter((l) => l.availableAt > lastWrite && l.availableAt <= now);
  if (due.length === 0) return;
  const walletDeadlines = deadlines(program, writer.state);
  const released = due.filter((l) => reachesRelease(l, walletDeadlines));
  // Stable: lots released at one instant keep their creation order.
  released.sort((a, b) => a.availableAt - b.availableAt);
  for (const lot of released) append(writer, program, lot, lot.availableAt, false);
}

/**
 * The next instant a lot still to be released becomes spendable (after the state's last write), or
 * null: a piece of the member's due work (engine/due-work.ts `dueAtOf`), so that a sweep writes the
 * release of a member who sends no command.
 */
export function nextReleaseAt(state: MemberView, walletDeadlines: ReadonlyMap<string, number>): number | null {
  let next: number | null = null;
  for (const lot of state.lots)
    if (
      lot.availableAt > state.lastAt &&
      (next === null || lot.availableAt < next) &&
      reachesRelease(lot, walletDeadlines)
    )
      next = lot.availableAt;
  return next;
}

/**
 * Makes the member's pending points spendable now (`purchaseId`: only that purchase's lots): one
 * early `release` entry per pending lot, which puts a lot available from now in its place
 * (ledger/kinds/release.ts), so that no later due work releases it again. Returns what it released (nothing: nothing was pending).
 */
export function releasePending(writer: LedgerWriter, program: Program, purchaseId: string | null): ReleasedLot[] {
  const now = writer.now;
  const walletDeadlines = deadlines(program, writer.state);
  const pending = writer.state.lots.filter(
    (l) =>
      l.remaining.gt(0) &&
      (purchaseId === null || l.purchaseId === purchaseId) &&
      lotStatusAt(l, now, walletDeadlines.get(l.wallet) ?? null) === "pending",
  );
  return pending.map((lot) => {
    const entry = append(writer, program, lot, now, true);
    return {
      lotId: lot.id,
      wallet: lot.wallet,
      points: entry.points,
      purchaseId: lot.purchaseId,
      scheduledAt: iso(lot.availableAt),
    };
  });
}
