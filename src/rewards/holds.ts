/**
 * Checkout holds (docs/checkout.md): reserving points for an order, capturing them when it is paid,
 * releasing them when it is not, or by the clock when the hold expires. Pure decisions: each
 * appends entries to a LedgerWriter or throws a LoyaltyError, writing nothing.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { LotDraw } from "../ledger/entries.js";
import { drawAvailable } from "../ledger/operations.js";
import type { HoldRecord, MemberView } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import type { Program } from "../program/compile.js";
import { type Decimal, ZERO, min } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { reclaimForgiven } from "./cancel.js";

export interface HoldRequest {
  readonly holdId: string;
  readonly wallet: string;
  readonly points: Decimal;
  /** Money: the order's basket; null when the command named none. */
  readonly orderAmount: Decimal | null;
  readonly expiresAt: number;
  readonly reference: string | null;
  /** The wallet's inactivity deadline or null (expiry/policy.ts `inactivityDeadline`). */
  readonly deadline: number | null;
}

/**
 * Refuses points that would pay a share of the basket outside [minShare, maxShare]. Compared as
 * products, never divided: `points × pointValue` against `share × orderAmount`, exactly.
 */
export function checkShare(program: Program, points: Decimal, orderAmount: Decimal | null): void {
  const { pointValue, minShare, maxShare } = program.checkout;
  if (pointValue === null || orderAmount === null) return;
  const paid = points.times(pointValue);
  if (paid.lt(minShare.times(orderAmount)) || paid.gt(maxShare.times(orderAmount))) {
    const share = orderAmount.isZero() ? "all" : paid.div(orderAmount).toSignificantDigits(6).toString();
    throw new LoyaltyError(
      "SHARE_OUT_OF_BOUNDS",
      messages.shareOutOfBounds(share, minShare.toString(), maxShare.toString()),
      {
        details: {
          paid: paid.toString(),
          orderAmount: orderAmount.toString(),
          minShare: minShare.toString(),
          maxShare: maxShare.toString(),
        },
      },
    );
  }
}

/** Reserves points for an order: drawn at once, soonest-expiring first, so nothing else can spend them. */
export function placeHold(writer: LedgerWriter, program: Program, r: HoldRequest): void {
  if (writer.state.holds[r.holdId] !== undefined)
    throw new LoyaltyError("HOLD_EXISTS", messages.holdExists(r.holdId), { details: { holdId: r.holdId } });
  checkShare(program, r.points, r.orderAmount);
  writer.append({
    kind: "hold",
    holdId: r.holdId,
    wallet: r.wallet,
    points: r.points.toString(),
    lots: drawAvailable(writer, r.wallet, r.points, r.deadline),
    orderAmount: r.orderAmount === null ? null : r.orderAmount.toString(),
    expiresAt: iso(r.expiresAt),
    reference: r.reference,
  });
}

/** What closing a hold gives back: into its lots, forfeited, to the wallet's debt, and per purchase. */
export interface HoldSettlementPlan {
  readonly lots: LotDraw[];
  readonly forfeited: Decimal;
  readonly debtRepaid: Decimal;
  /** Points given back to the member (restored or repaying debt) per purchase whose lots they came from. */
  readonly returnedByPurchase: Map<string, Decimal>;
}

/**
 * What closing a hold that keeps `keep` points gives back: the hold's draws are in spend order, so
 * the kept points are the soonest-expiring ones and the rest go back to their lots, except points
 * whose lot expired by `at` (forfeited: written off, never reopened expired). Points that go back
 * repay the wallet's `debt` first, as any credit does (a redemption's cancellation too): a refund
 * that could not take points while they were held left debt that they must settle.
 */
export function settlement(hold: HoldRecord, keep: Decimal, at: number, debt: Decimal = ZERO): HoldSettlementPlan {
  let toKeep = keep,
    forfeited = ZERO,
    owed = debt,
    debtRepaid = ZERO;
  const lots: LotDraw[] = [];
  const returnedByPurchase = new Map<string, Decimal>();
  for (const d of hold.draws) {
    const kept = min(toKeep, d.points);
    toKeep = toKeep.minus(kept);
    let back = d.points.minus(kept);
    if (back.isZero()) continue;
    if (d.lot.expiresAt !== null && d.lot.expiresAt <= at) {
      forfeited = forfeited.plus(back);
      continue;
    }
    if (d.lot.purchaseId !== null)
      returnedByPurchase.set(d.lot.purchaseId, (returnedByPurchase.get(d.lot.purchaseId) ?? ZERO).plus(back));
    const repay = min(owed, back);
    owed = owed.minus(repay);
    debtRepaid = debtRepaid.plus(repay);
    back = back.minus(repay);
    if (!back.isZero()) lots.push({ lotId: d.lot.id, points: back.toString() });
  }
  return { lots, forfeited, debtRepaid, returnedByPurchase };
}

function openHold(state: MemberView, holdId: string): HoldRecord {
  const hold = state.holds[holdId];
  if (hold === undefined)
    throw new LoyaltyError("HOLD_NOT_FOUND", messages.holdNotFound(state.memberId, holdId), { details: { holdId } });
  return hold as HoldRecord;
}

/**
 * Appends the entry closing `hold` (a capture keeping `keep`, or a release), then, under
 * `within_balance`, takes back the points a refund forgave because they were held (a refund cannot
 * take held points; once back, the member would keep what the refund meant to take), as a
 * redemption's cancellation does (cancel.ts `reclaimForgiven`).
 */
function close(
  writer: LedgerWriter,
  program: Program,
  hold: HoldRecord,
  keep: Decimal,
  at: number,
  entry: { readonly kind: "capture" } | { readonly kind: "holdRelease"; readonly expired: boolean },
): HoldSettlementPlan {
  const plan = settlement(hold, keep, at, writer.state.wallets[hold.wallet]?.debt ?? ZERO);
  writer.append({
    ...entry,
    holdId: hold.id,
    wallet: hold.wallet,
    points: (entry.kind === "capture" ? keep : hold.points).toString(),
    lots: plan.lots,
    forfeited: plan.forfeited.toString(),
    ...(plan.debtRepaid.isZero() ? {} : { debtRepaid: plan.debtRepaid.toString() }),
  });
  if (program.negativeBalance === "within_balance") reclaimForgiven(writer, hold.wallet, plan.returnedByPurchase, null);
  return plan;
}

/** Spends `points` of the hold (all when null) and gives the rest back. Returns the points captured. */
export function captureHold(writer: LedgerWriter, program: Program, holdId: string, points: Decimal | null): Decimal {
  const hold = openHold(writer.state, holdId);
  const keep = points ?? hold.points;
  if (keep.gt(hold.points)) {
    const issues = [{ path: ["points"], message: messages.field.captureExceedsHold(hold.points.toString()) }];
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("captureHold", 1), { issues });
  }
  close(writer, program, hold, keep, writer.now, { kind: "capture" });
  return keep;
}

/** Gives every point of the hold back (`expired`: by the clock, at the hold's own expiry). */
export function releaseHold(writer: LedgerWriter, program: Program, holdId: string, expired = false): HoldRecord {
  const hold = openHold(writer.state, holdId);
  close(writer, program, hold, ZERO, expired ? hold.expiresAt : writer.now, { kind: "holdRelease", expired });
  return hold;
}

/**
 * Due work: releases every hold whose expiry has passed, soonest first. Before expiries are written
 * off, so a lot that expired after the hold did comes back and is written off by the same write.
 */
export function releaseExpiredHolds(writer: LedgerWriter, program: Program): void {
  const due = Object.values(writer.state.holds)
    .filter((h) => h.expiresAt <= writer.now)
    .sort((a, b) => a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : 1));
  for (const h of due) releaseHold(writer, program, h.id, true);
}

/** When the member's next hold expires; null: none open. */
export function nextHoldExpiryAt(state: MemberView): number | null {
  let at: number | null = null;
  for (const h of Object.values(state.holds)) if (at === null || h.expiresAt < at) at = h.expiresAt;
  return at;
}

/** Points held per wallet by open holds. */
export function heldIn(state: MemberView, wallet: string): Decimal {
  let held = ZERO;
  for (const h of Object.values(state.holds)) if (h.wallet === wallet) held = held.plus(h.points);
  return held;
}
