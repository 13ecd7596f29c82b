/**
 * Cancelling a redemption: the points go back where they came from (or to a grace lot when their
 * lot has expired since by its own date; forfeited when the wallet lapsed since), debt is repaid first, and points a refund had forgiven are taken back.
 * A pure decision over a LedgerWriter; the stock it gives back is returned for the engine to commit.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Program } from "../program/compile.js";
import { ZERO, min, type Decimal } from "../shared/decimal.js";
import { addLocal, iso } from "../shared/time.js";
import { inactivityDeadline } from "../expiry/policy.js";
import type { LotDraw } from "../ledger/entries.js";
import { bySpendOrder, isExpired, planDraws } from "../ledger/lots.js";
import type { LedgerWriter } from "../ledger/writer.js";

export interface CancelOutcome {
  /** Points put back into their lots (before any reclaimed by a refund, below). */
  readonly restored: Decimal;
  readonly regranted: Decimal;
  readonly forfeited: Decimal;
  readonly debtRepaid: Decimal;
  /** Points a refund of their purchase had forgiven (they were spent), taken back now that the spend is undone. */
  readonly reclaimed: Decimal;
  /** Units given back to the reward's stock. */
  readonly stockDelta: number;
  readonly rewardId: string;
  /** The wallet the points came back to (the redemption's). */
  readonly wallet: string;
}

/**
 * Cancels a redemption: its points go back to the lots they came from, in spending order, except
 * those whose lot has expired since by its own date: they come back as one new lot that expires
 * `program.cancellationGraceDays` local days from now, or are forfeited when that is 0. If the
 * wallet lapsed for inactivity after the redemption, every point is forfeited (counted as expired).
 * Debt is repaid first, from the returned points in spending order.
 */
export function cancelRedemption(
  writer: LedgerWriter,
  program: Program,
  request: { redemptionId: string; reason: string | null },
): CancelOutcome {
  const record = writer.state.redemptions[request.redemptionId];
  if (record === undefined) {
    throw new LoyaltyError(
      "REDEMPTION_NOT_FOUND",
      messages.redemptionNotFound(writer.state.memberId, request.redemptionId),
      {
        issues: [
          { path: ["redemptionId"], message: messages.redemptionNotFound(writer.state.memberId, request.redemptionId) },
        ],
      },
    );
  }
  if (record.cancelled)
    throw new LoyaltyError("REDEMPTION_CANCELLED", messages.redemptionCancelled(request.redemptionId), {
      details: { redemptionId: request.redemptionId },
    });
  // The figures this decision needs, copied: appending the cancel entry changes the record (it is
  // marked cancelled and its draws emptied).
  const r = {
    id: record.id,
    rewardId: record.rewardId,
    wallet: record.wallet,
    points: record.points,
    stock: record.stock,
    at: record.at,
    draws: [...record.draws],
  };
  const deadline = inactivityDeadline(program, writer.state, r.wallet);
  // Had the points not been redeemed, a lapse of the wallet for inactivity after the redemption
  // would have taken them: they are forfeited, whatever activity has moved the deadline since (the
  // cancellation is activity too, but it comes after the lapse and revives nothing). The lapse is
  // the one due work recorded, or a deadline that has passed without due work having run.
  const lapsedAt = Math.max(
    writer.state.lapsed[r.wallet] ?? -Infinity,
    deadline !== null && deadline <= writer.now ? deadline : -Infinity,
  );
  const lapsedSince = lapsedAt > r.at;
  let debt = writer.state.wallets[r.wallet]?.debt ?? ZERO;
  let debtRepaid = ZERO,
    regranted = ZERO,
    forfeited = ZERO,
    restored = ZERO;
  const lots: LotDraw[] = [];
  // Points returned to the member per purchase whose lots they came from (restored or regranted).
  const returnedByPurchase = new Map<string, Decimal>();
  const portions = [...r.draws].sort((a, b) =>
    bySpendOrder({ ...a.lot, remaining: a.points }, { ...b.lot, remaining: b.points }),
  );
  for (const d of portions) {
    const repay = min(debt, d.points);
    debt = debt.minus(repay);
    debtRepaid = debtRepaid.plus(repay);
    const back = d.points.minus(repay);
    if (back.isZero()) continue;
    if (lapsedSince) {
      forfeited = forfeited.plus(back);
      continue;
    }
    if (isExpired({ ...d.lot, remaining: back }, writer.now, deadline)) {
      // Expired by the lot's own date: a grace lot, so a late cancellation is not a loss.
      if (program.cancellationGraceDays === 0) {
        forfeited = forfeited.plus(back);
        continue;
      }
      regranted = regranted.plus(back);
    } else {
      lots.push({ lotId: d.lot.id, points: back.toString() });
      restored = restored.plus(back);
    }
    if (d.lot.purchaseId !== null)
      returnedByPurchase.set(d.lot.purchaseId, (returnedByPurchase.get(d.lot.purchaseId) ?? ZERO).plus(back));
  }
  const lot = regranted.gt(0)
    ? {
        wallet: r.wallet,
        earnedAt: iso(writer.now),
        availableAt: iso(writer.now),
        expiresAt: iso(addLocal(writer.now, program.timeZone, { days: program.cancellationGraceDays })),
      }
    : null;
  const cancel = writer.append({
    kind: "cancel",
    redemptionId: r.id,
    rewardId: r.rewardId,
    wallet: r.wallet,
    points: r.points.toString(),
    lots,
    lot,
    regranted: regranted.toString(),
    forfeited: forfeited.toString(),
    debtRepaid: debtRepaid.toString(),
    stock: r.stock,
    reason: request.reason,
  });
  // Only within_balance forgives points because they were spent, and would have taken them had they
  // been there; only_pending forgives every available point anyway; allow_debt forgives none.
  const reclaimed =
    program.negativeBalance === "within_balance"
      ? reclaimForgiven(writer, r.wallet, returnedByPurchase, lot === null ? null : cancel.id)
      : ZERO;
  return {
    restored,
    regranted,
    forfeited,
    debtRepaid,
    reclaimed,
    stockDelta: r.stock,
    rewardId: r.rewardId,
    wallet: r.wallet,
  };
}

/**
 * Under within_balance a refund forgives the points of a purchase that were already spent. When the
 * spend is a redemption that is then cancelled, those points come back (into the purchase's lots,
 * or the grace lot if their lot has expired since): a reverse entry takes them now, as the refund
 * would have, with `forgiven` negative so that the purchase's settled total stays as it was, and
 * its reversed total records them (a later cancellation cannot take them twice). Points the refund
 * forgave because they had expired are not counted (the bound errs towards the member).
 */
export function reclaimForgiven(
  w: LedgerWriter,
  wallet: string,
  returnedByPurchase: ReadonlyMap<string, Decimal>,
  graceLotId: string | null,
): Decimal {
  let total = ZERO;
  for (const [purchaseId, returned] of returnedByPurchase) {
    const p = w.state.purchases[purchaseId];
    if (p === undefined) continue;
    const forgivenSpent = (p.settled[wallet] ?? ZERO)
      .minus(p.reversed[wallet] ?? ZERO)
      .minus(p.expired[wallet] ?? ZERO);
    const take = min(returned, forgivenSpent);
    if (take.lte(0)) continue;
    // From the purchase's own lots (restored into), then the grace lot (points whose lot had expired).
    const from = w.state.lots.filter(
      (l) => l.purchaseId === purchaseId && l.wallet === wallet && !l.remaining.isZero(),
    );
    const grace = graceLotId === null ? undefined : w.state.lots.find((l) => l.id === graceLotId);
    const plan = planDraws(grace ? [...from, grace] : from, take);
    if (plan.drawn.lte(0)) continue;
    w.append({
      kind: "reverse",
      wallet,
      points: plan.drawn.toString(),
      lots: plan.draws,
      debt: "0",
      forgiven: plan.drawn.neg().toString(),
      purchaseId,
    });
    total = total.plus(plan.drawn);
  }
  return total;
}
