/**
 * Refund decisions (invariant 7). Points of the purchase that expired unused are never taken back
 * (the member never had them to spend), under any policy. A refund with a receipt takes back the purchase's points in
 * proportion to the money refunded, computed on the running total so that rounding never lets
 * partial refunds together take back more than the purchase earned; a refund that names the
 * returned lines takes back what those lines earned (refund-lines.ts). A return without a receipt is
 * priced at the base rule's rate. Points come back from pending lots first, then available lots,
 * each soonest-expiring first, and what is left follows the program's negative-balance policy:
 * - `only_pending`: only points still pending are taken back; the rest is forgiven.
 * - `within_balance`: pending, then available points; the rest is forgiven.
 * - `allow_debt`: pending, available, then any other pending points; the rest becomes debt,
 *   repaid by the member's next credits.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Program } from "../program/compile.js";
import { Decimal, ZERO, formatAmount } from "../shared/decimal.js";
import { boundedAward } from "../shared/figures.js";
import { iso } from "../shared/time.js";
import { inactivityDeadline, refundWindowClosesAt } from "../expiry/policy.js";
import type { LotDraw } from "../ledger/entries.js";
import { assertNothingDue, bySpendOrder, isAvailable, isPending, planDraws } from "../ledger/lots.js";
import type { DeepReadonly, Lot, PurchaseRecord } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { donationTakenBack, returnDonation } from "./donation.js";
import { rateAwardPoints } from "./evaluate.js";
import { undoMilestones } from "./milestones.js";
import { refundedAfter, returnedUnits, settledTarget, type RefundedSoFar, type ReturnedLine } from "./refund-lines.js";

export interface RefundFacts {
  /** null: a return with no receipt. */
  readonly purchaseId: string | null;
  readonly amount: Decimal;
  /** The returned lines (refund-lines.ts); null: a refund in proportion to the money. */
  readonly lines: readonly ReturnedLine[] | null;
}

export interface Reversal {
  readonly wallet: string;
  /** Points taken back (from lots, plus debt). */
  readonly points: Decimal;
  readonly debt: Decimal;
  readonly forgiven: Decimal;
}

/**
 * Settles `wanted` points of `wallet`, taking back at most `claimable` of them (the rest of a
 * purchase's points expired unused: the member never had the benefit, so they are forgiven).
 * `ownIds` are the refunded purchase's lots (empty for a receipt-less return), tried first.
 */
function reverse(
  w: LedgerWriter,
  program: Program,
  wallet: string,
  wanted: Decimal,
  claimable: Decimal,
  ownIds: ReadonlySet<string>,
  purchaseId: string | null,
): Reversal | null {
  if (wanted.lte(0)) return null;
  const now = w.now;
  // Reversals draw at the command's instant, after its due expiries were written off.
  const deadline = inactivityDeadline(program, w.state, wallet);
  assertNothingDue(w.state, wallet, now, deadline);
  const claim = Decimal.max(ZERO, Decimal.min(wanted, claimable));
  // A counter is never in debt nor negative: it gives back what it holds, after undoing the
  // conversions that took the units the refund wants (milestones.ts), and forgives the rest.
  const counter = program.wallets.get(wallet)?.kind === "counter";
  if (counter) {
    const held = w.state.lots.reduce((s, l) => (l.wallet === wallet ? s.plus(l.remaining) : s), ZERO);
    undoMilestones(w, program, wallet, claim.minus(held));
  }
  const lots = w.state.lots.filter((l) => l.wallet === wallet);
  const own = lots.filter((l) => ownIds.has(l.id));
  const others = lots.filter((l) => !ownIds.has(l.id));
  const policy = counter ? "within_balance" : program.negativeBalance;

  // Stage order: this purchase's pending points, (receipt-less: any pending points), then available
  // points (this purchase's own first), then, with allow_debt, any other pending points. Within a
  // stage, soonest-expiring first (ties: oldest earned), as spends draw: a receipt-less return names
  // no purchase, so it takes the points worth least to the member, those with the least life left,
  // rather than guessing that the newest purchase is the one coming back.
  const pending = (l: Lot) => isPending(l, now, deadline);
  const available = (l: Lot) => isAvailable(l, now, deadline);
  const stages: Lot[][] = [own.filter(pending).sort(bySpendOrder)];
  if (purchaseId === null) stages.push(others.filter(pending).sort(bySpendOrder));
  if (policy !== "only_pending") {
    stages.push(own.filter(available).sort(bySpendOrder));
    stages.push(others.filter(available).sort(bySpendOrder));
  }
  if (policy === "allow_debt" && purchaseId !== null) stages.push(others.filter(pending).sort(bySpendOrder));

  const draws: LotDraw[] = [];
  let left = claim;
  for (const stage of stages) {
    const plan = planDraws(stage, left);
    draws.push(...plan.draws);
    left = plan.short;
    if (left.lte(0)) break;
  }
  const debt = policy === "allow_debt" ? left : ZERO;
  const forgiven = wanted.minus(claim).plus(policy === "allow_debt" ? ZERO : left);
  const points = wanted.minus(forgiven);
  w.append({
    kind: "reverse",
    wallet,
    points: points.toString(),
    lots: draws,
    debt: debt.toString(),
    forgiven: forgiven.toString(),
    purchaseId,
  });
  return { wallet, points, debt, forgiven };
}

/** Per wallet of a purchase: the points a refund bringing its refunds to `after` settles, and how many may be taken back. */
function settlementTargets(
  program: Program,
  purchase: DeepReadonly<PurchaseRecord>,
  after: RefundedSoFar,
): { wallet: string; wanted: Decimal; claimable: Decimal }[] {
  return Object.entries(purchase.earned).map(([wallet, earned]) => {
    // Cumulative target: after all refunds so far, this much of the wallet's points is settled.
    // A counter's units go back whole: in proportion to the money, rounded down, and every unit
    // once the purchase is refunded in full (the key of a $38 purchase goes with its last dollar).
    const exact = settledTarget(program, purchase, wallet, after);
    const target = program.wallets.get(wallet)?.kind === "counter" ? exact.floor() : exact;
    const claimable = earned.minus(purchase.expired[wallet] ?? ZERO).minus(purchase.reversed[wallet] ?? ZERO);
    return { wallet, wanted: Decimal.max(ZERO, target.minus(purchase.settled[wallet] ?? ZERO)), claimable };
  });
}

export function refund(writer: LedgerWriter, program: Program, request: RefundFacts): Reversal[] {
  const reversals: Reversal[] = [];
  if (request.purchaseId === null) {
    if (request.lines !== null) {
      throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("refund", 1), {
        issues: [{ path: ["lines"], message: messages.linesWithoutPurchase }],
      });
    }
    const base = program.baseRule;
    writer.append({ kind: "refund", purchaseId: null, amount: formatAmount(request.amount, program.currencyPlaces) });
    if (base === null) return reversals;
    for (const award of base.awards) {
      if (award.kind !== "rate") continue;
      const points = boundedAward(rateAwardPoints(program, award, request.amount), "refund", ["amount"]);
      const done = reverse(writer, program, award.wallet, points, points, new Set(), null);
      if (done) reversals.push(done);
    }
    return reversals;
  }

  const purchase = writer.state.purchases[request.purchaseId];
  if (purchase === undefined) {
    throw new LoyaltyError("PURCHASE_NOT_FOUND", messages.purchaseNotFound(writer.state.memberId, request.purchaseId), {
      issues: [{ path: ["purchaseId"], message: messages.purchaseNotFound(writer.state.memberId, request.purchaseId) }],
    });
  }
  const closesAt = refundWindowClosesAt(program, purchase);
  if (closesAt !== null && writer.now >= closesAt) {
    const text = messages.refundWindowClosed(request.purchaseId, iso(closesAt));
    throw new LoyaltyError("REFUND_WINDOW_CLOSED", text, {
      issues: [{ path: ["purchaseId"], message: text }],
      details: { closedAt: iso(closesAt) },
    });
  }
  const refundable = purchase.amount.minus(purchase.refunded);
  if (request.amount.gt(refundable)) {
    const text = messages.refundExceedsPurchase(request.purchaseId, refundable.toString());
    throw new LoyaltyError("REFUND_EXCEEDS_PURCHASE", text, {
      issues: [{ path: ["amount"], message: text }],
      details: { refundable: refundable.toString() },
    });
  }
  const units = request.lines === null ? null : returnedUnits(purchase, request.lines);
  const purchaseId = request.purchaseId;
  const ownIds = new Set(writer.state.lots.filter((l) => l.purchaseId === purchaseId).map((l) => l.id));
  // Every figure read off the purchase before the first append: appending the refund entry changes
  // the record (its refunded total), and each reversal its settled and reversed totals.
  const targets = settlementTargets(program, purchase, refundedAfter(purchase, request.amount, units));
  const donationBack = donationTakenBack(program, purchase, purchase.refunded.plus(request.amount));
  writer.append({
    kind: "refund",
    purchaseId: request.purchaseId,
    amount: formatAmount(request.amount, program.currencyPlaces),
    ...(units === null ? {} : { lines: units }),
  });
  for (const t of targets) {
    const done = reverse(writer, program, t.wallet, t.wanted, t.claimable, ownIds, purchaseId);
    if (done) reversals.push(done);
  }
  returnDonation(writer, program, purchase, donationBack);
  return reversals;
}
