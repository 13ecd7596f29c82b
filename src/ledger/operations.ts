/**
 * The ledger's own decisions: enrolling, spending and manual adjustments.
 * Each appends entries to a LedgerWriter or throws a LoyaltyError; none does I/O.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Scalar } from "../shared/scalar.js";
import { type Decimal, ZERO, min } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import type { LotDraw, LotRecord } from "./entries.js";
import { assertNothingDue, isPending, planDraws, spendableAt, walletBalanceAt } from "./lots.js";
import { sortedSegments } from "./kinds/profile.js";
import type { MemberView } from "./state.js";
import type { LedgerWriter } from "./writer.js";

export function enroll(
  writer: LedgerWriter,
  member: {
    joinedAt: number;
    birthday: string | null;
    attributes: Record<string, Scalar>;
    segments?: readonly string[];
  },
): void {
  writer.append({
    kind: "enroll",
    joinedAt: iso(member.joinedAt),
    birthday: member.birthday,
    attributes: member.attributes,
    // Only when there are some: an enrolment without segments is written as it was before they existed.
    ...(member.segments && member.segments.length > 0 ? { segments: sortedSegments(member.segments) } : {}),
  });
}

/** Debt is repaid by the next credit of the wallet, before anything becomes spendable. */
export function debtToRepay(writer: LedgerWriter, wallet: string, points: Decimal): Decimal {
  return min(writer.state.wallets[wallet]?.debt ?? ZERO, points);
}

/** Points of a wallet still pending at `at`, and when the first of them become available (null: none pending). */
export function pendingIn(
  state: MemberView,
  wallet: string,
  at: number,
  deadline: number | null,
): { readonly points: Decimal; readonly nextAt: number | null } {
  let points = ZERO,
    nextAt: number | null = null;
  for (const lot of state.lots) {
    if (lot.wallet !== wallet || !isPending(lot, at, deadline)) continue;
    points = points.plus(lot.remaining);
    if (nextAt === null || lot.availableAt < nextAt) nextAt = lot.availableAt;
  }
  return { points, nextAt };
}

/**
 * The refusal of a debit of `wanted` points from a wallet holding `available`; with what is
 * pending and when it arrives, so that the member can be told when to come back.
 */
export function insufficientPoints(
  wallet: string,
  available: Decimal,
  wanted: Decimal,
  pending: { readonly points: Decimal; readonly nextAt: number | null } = { points: ZERO, nextAt: null },
): LoyaltyError {
  const nextAt = pending.nextAt === null ? null : iso(pending.nextAt);
  return new LoyaltyError(
    "INSUFFICIENT_POINTS",
    messages.insufficientPoints(wallet, available.toString(), wanted.toString(), pending.points.toString(), nextAt),
    {
      details: {
        wallet,
        available: available.toString(),
        requested: wanted.toString(),
        pending: pending.points.toString(),
        nextAvailableAt: nextAt,
      },
    },
  );
}

/**
 * Plans a draw of available points, soonest expiring first, or refuses with INSUFFICIENT_POINTS.
 * `deadline`: the wallet's inactivity deadline, or null if it has none (the ledger knows no program,
 * so the caller computes it: src/expiry/policy.ts `inactivityDeadline`). The draw is at the
 * command's instant, after its due expiries were written off, which this asserts.
 */
export function drawAvailable(
  writer: LedgerWriter,
  wallet: string,
  points: Decimal,
  deadline: number | null,
): LotDraw[] {
  assertNothingDue(writer.state, wallet, writer.now, deadline);
  const plan = planDraws(spendableAt(writer.state, wallet, writer.now, deadline), points);
  if (plan.short.gt(0))
    throw insufficientPoints(
      wallet,
      walletBalanceAt(writer.state, wallet, writer.now, deadline).available,
      points,
      pendingIn(writer.state, wallet, writer.now, deadline),
    );
  return plan.draws;
}

/**
 * Spends points: soonest-expiring available lots first (invariant 4), or refuses with nothing
 * written. `deadline` as for `drawAvailable`.
 */
export function spend(
  writer: LedgerWriter,
  wallet: string,
  points: Decimal,
  reference: string | null,
  deadline: number | null,
): void {
  writer.append({
    kind: "spend",
    wallet,
    points: points.toString(),
    lots: drawAvailable(writer, wallet, points, deadline),
    reference,
  });
}

/**
 * A manual adjustment: a credit creates an available lot (repaying debt first) with the dates
 * `creditLot` gives it (the caller reads them off the program's expiry policy); a debit draws like
 * a spend and, like a spend, is refused if the available balance cannot cover it (`deadline`: the
 * wallet's inactivity deadline or null, as for `drawAvailable`).
 */
export function adjust(
  writer: LedgerWriter,
  adjustment: {
    wallet: string;
    points: Decimal;
    reason: string;
    reference: string | null;
    creditLot: LotRecord;
    deadline: number | null;
  },
): void {
  const a = adjustment;
  const base = {
    kind: "adjust",
    wallet: a.wallet,
    points: a.points.toString(),
    reason: a.reason,
    reference: a.reference,
  } as const;
  if (a.points.gt(0)) {
    writer.append({
      ...base,
      lot: a.creditLot,
      debtRepaid: debtToRepay(writer, a.wallet, a.points).toString(),
      lots: [],
    });
  } else {
    writer.append({
      ...base,
      lot: null,
      debtRepaid: "0",
      lots: drawAvailable(writer, a.wallet, a.points.neg(), a.deadline),
    });
  }
}
