/**
 * Transfers between members: the sender's points leave from the soonest-expiring lots (like a
 * spend), and arrive in the receiver's wallet as lots that keep those expiry dates, so a transfer
 * can never extend the life of a point. Both sides are decided here and committed together.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Program } from "../program/compile.js";
import { Decimal, ZERO } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { drawAvailable, debtToRepay } from "../ledger/operations.js";
import { effectiveExpiry } from "../ledger/lots.js";
import { countsAsActivity, inactivityDeadline } from "../expiry/policy.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { brokenLimit, counterName, limitKeys } from "../ledger/limits.js";

export interface TransferRequest {
  readonly transferId: string;
  readonly wallet: string;
  readonly points: Decimal;
  readonly reference: string | null;
}

/** Checks that need only the program: the wallet may be transferred, the figure is big enough. */
export function transferCommandIssues(
  program: Program,
  command: { wallet: string; points: string },
): { path: (string | number)[]; message: string }[] {
  const t = program.transfers;
  if (t === null || !t.wallets.has(command.wallet))
    return [{ path: ["wallet"], message: messages.field.transfersNotAllowed(command.wallet) }];
  if (t.minPoints !== null && new Decimal(command.points).lt(t.minPoints))
    return [{ path: ["points"], message: messages.field.belowMinimum(t.minPoints.toString()) }];
  return [];
}

/**
 * Moves points from `from` to `to`; refuses with RECIPIENT_INACTIVE, LIMIT_REACHED or
 * INSUFFICIENT_POINTS, writing nothing. Both writers have run their due work at this instant: a
 * receiver whose wallet lapsed for inactivity has had their own points written off.
 */
export function transfer(from: LedgerWriter, to: LedgerWriter, program: Program, req: TransferRequest): void {
  // Receiving is activity where the program counts transfers (the default): the receiver's deadline
  // moves on and the points arrive alive. Where it does not, the points would arrive past the
  // receiver's deadline, expired at once: the sender would lose them and nobody would ever hold them.
  const receiverDeadline = inactivityDeadline(program, to.state, req.wallet);
  if (receiverDeadline !== null && receiverDeadline <= to.now && !countsAsActivity(program, req.wallet, "transfer")) {
    const text = messages.recipientInactive(to.state.memberId, req.wallet, iso(receiverDeadline));
    throw new LoyaltyError("RECIPIENT_INACTIVE", text, {
      issues: [{ path: ["toMemberId"], message: text }],
      details: { toMemberId: to.state.memberId, wallet: req.wallet, lapsedAt: iso(receiverDeadline) },
    });
  }
  const counter = counterName.transferred(req.wallet);
  const l = brokenLimit(from.state, counter, program.transfers?.limits ?? [], req.points, from.now, program.timeZone);
  if (l !== null)
    throw new LoyaltyError("LIMIT_REACHED", messages.transferLimitReached(l.period, l.points.toString()), {
      details: { wallet: req.wallet, period: l.period, points: l.points.toString() },
    });
  const deadline = inactivityDeadline(program, from.state, req.wallet);
  const draws = drawAvailable(from, req.wallet, req.points, deadline);
  // The receiver's lots, one per distinct expiry of the lots drawn, soonest first.
  // Each point keeps the date it would have expired with the sender: its lot's own, or the
  // sender's inactivity deadline if sooner.
  const byExpiry = new Map<number | null, Decimal>();
  for (const d of draws) {
    const at = effectiveExpiry(
      from.state.lots.find((l) => l.id === d.lotId)!,
      deadline,
    );
    byExpiry.set(at, (byExpiry.get(at) ?? ZERO).plus(d.points));
  }
  from.append({
    kind: "transfer",
    direction: "out",
    transferId: req.transferId,
    counterpartyId: to.state.memberId,
    wallet: req.wallet,
    points: req.points.toString(),
    lots: draws,
    lot: null,
    debtRepaid: "0",
    limitKeys: limitKeys(program.transfers?.limits ?? [], from.now, program.timeZone),
    reference: req.reference,
  });
  for (const [expiresAt, points] of byExpiry) {
    to.append({
      kind: "transfer",
      direction: "in",
      transferId: req.transferId,
      counterpartyId: from.state.memberId,
      wallet: req.wallet,
      points: points.toString(),
      lots: [],
      lot: {
        wallet: req.wallet,
        earnedAt: iso(to.now),
        availableAt: iso(to.now),
        expiresAt: expiresAt === null ? null : iso(expiresAt),
      },
      debtRepaid: debtToRepay(to, req.wallet, points).toString(),
      limitKeys: {},
      reference: req.reference,
    });
  }
}
