/**
 * Earning decisions: a purchase or a custom event is evaluated against the rules, and each award
 * becomes an earn entry with its own lot. Purchase points wait out the return window (pending).
 */
import { donate } from "./donation.js";
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { accrualContext, type Program, type PurchaseLine } from "../program/compile.js";
import type { Scalar } from "../shared/scalar.js";
import { ZERO, formatAmount, type Decimal } from "../shared/decimal.js";
import { endOfPeriod } from "../shared/calendar.js";
import { addLocal, iso } from "../shared/time.js";
import type { MemberView } from "../ledger/state.js";
import { debtToRepay } from "../ledger/operations.js";
import { lotRecord } from "../expiry/policy.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { evaluateRules, type Evaluation } from "./evaluate.js";
import type { BudgetsLeft } from "./budgets.js";
import { segmentsOf } from "./segments.js";
import { lineFigures } from "./line-figures.js";

export interface PurchaseFacts {
  readonly purchaseId: string;
  readonly amount: Decimal;
  readonly occurredAt: number;
  readonly lines: readonly PurchaseLine[] | null;
  readonly attributes: Readonly<Record<string, Scalar>>;
  /**
   * Money of the order paid with points, recorded on the purchase entry; `amount` and `lines` are
   * the money paid already (./paid-with-points.ts). Absent or 0: none.
   */
  readonly paidWithPoints?: Decimal;
}

export interface EventFacts {
  readonly type: string;
  readonly occurredAt: number;
  readonly attributes: Readonly<Record<string, Scalar>>;
}

function memberView(program: Program, state: MemberView | null) {
  return state
    ? {
        attributes: state.attributes,
        birthday: state.birthday === null ? null : state.birthday.slice(-5),
        tier: state.tier?.id ?? null,
        segments: segmentsOf(program, state),
        joinedAt: state.joinedAt,
        purchases: state.purchaseCount,
        lastPurchaseAt: state.activity.purchase ?? null,
        categoriesBought: state.categoriesBought,
      }
    : null;
}

/** Evaluates a purchase without writing anything: what a checkout page shows. */
export function evaluatePurchase(
  program: Program,
  state: MemberView | null,
  purchase: Omit<PurchaseFacts, "purchaseId">,
  budgets?: BudgetsLeft,
  keepShares = false,
): Evaluation {
  const ctx = accrualContext(program, {
    trigger: "purchase",
    amount: purchase.amount,
    lines: purchase.lines,
    attributes: purchase.attributes,
    occurredAt: purchase.occurredAt,
    member: memberView(program, state),
  });
  return evaluateRules(program, ctx, state, budgets, keepShares);
}

export function evaluateEvent(
  program: Program,
  state: MemberView | null,
  event: EventFacts,
  budgets?: BudgetsLeft,
): Evaluation {
  const ctx = accrualContext(program, {
    trigger: event.type,
    amount: ZERO,
    lines: null,
    attributes: event.attributes,
    occurredAt: event.occurredAt,
    member: memberView(program, state),
  });
  return evaluateRules(program, ctx, state, budgets);
}

export function writeAwards(
  writer: LedgerWriter,
  program: Program,
  evaluation: Evaluation,
  earnedAt: number,
  availableAt: number,
  purchaseId: string | null,
) {
  for (const award of evaluation.awards) {
    writer.append({
      kind: "earn",
      wallet: award.wallet,
      points: award.points.toString(),
      ruleId: award.ruleId,
      purchaseId,
      // A counter's units count at once, return window or not: a refund takes them back (and
      // undoes their conversions), so a milestone never waits for pending keys.
      lot: lotRecord(
        program,
        award.wallet,
        earnedAt,
        program.wallets.get(award.wallet)?.kind === "counter" ? earnedAt : availableAt,
        award.ruleId,
      ),
      debtRepaid: debtToRepay(writer, award.wallet, award.points).toString(),
      capKeys: award.capKeys,
    });
  }
}

/** A recorded purchase: what its rules awarded, and when those points become available. */
export interface PurchaseOutcome extends Evaluation {
  /** When the purchase's points become spendable (the end of the return window); null: it earned nothing. */
  readonly availableAt: string | null;
}

/**
 * A purchase or event dated before the member joined is refused: no program earns for a time the
 * member was not in it, and a date a century back is a mistake, not history. (A member brought in
 * from another system is enrolled with their original `joinedAt`.)
 */
function refuseBeforeJoining(writer: LedgerWriter, occurredAt: number, command: string): void {
  if (occurredAt >= writer.state.joinedAt) return;
  const text = messages.field.beforeJoining(iso(writer.state.joinedAt));
  throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand(command, 1), {
    issues: [{ path: ["occurredAt"], message: text }],
    details: { joinedAt: iso(writer.state.joinedAt) },
  });
}

export function recordPurchase(
  writer: LedgerWriter,
  program: Program,
  purchase: PurchaseFacts,
  budgets?: BudgetsLeft,
): PurchaseOutcome {
  refuseBeforeJoining(writer, purchase.occurredAt, "recordPurchase");
  if (writer.state.purchases[purchase.purchaseId] !== undefined) {
    throw new LoyaltyError("DUPLICATE_PURCHASE", messages.duplicatePurchase(purchase.purchaseId), {
      issues: [{ path: ["purchaseId"], message: messages.duplicatePurchase(purchase.purchaseId) }],
    });
  }
  // Line shares kept: the purchase entry records what each line earned, for refunds by line.
  const evaluation = evaluatePurchase(program, writer.state, purchase, budgets, true);
  writer.append({
    kind: "purchase",
    purchaseId: purchase.purchaseId,
    amount: formatAmount(purchase.amount, program.currencyPlaces),
    ...(purchase.paidWithPoints === undefined || purchase.paidWithPoints.isZero()
      ? {}
      : { paidWithPoints: formatAmount(purchase.paidWithPoints, program.currencyPlaces) }),
    occurredAt: iso(purchase.occurredAt),
    ...(purchase.lines === null ? {} : { lines: lineFigures(program, purchase.lines, evaluation.awards) }),
    ...categoriesOf(purchase.lines),
    counted: true,
  });
  const availableAt = pendingUntil(program, purchase.occurredAt);
  writeAwards(writer, program, evaluation, purchase.occurredAt, availableAt, purchase.purchaseId);
  donate(writer, program, purchase.purchaseId);
  // Each award's lot is dated so (lotRecord): the instant the earn entries record.
  return { ...evaluation, availableAt: evaluation.awards.length > 0 ? iso(availableAt) : null };
}

/** The distinct categories of a purchase's lines, sorted, for the member's counters; none: omitted. */
function categoriesOf(lines: readonly PurchaseLine[] | null): { categories?: string[] } {
  const set = new Set<string>();
  for (const l of lines ?? []) if (l.category !== undefined) set.add(l.category);
  return set.size === 0 ? {} : { categories: [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/**
 * When a purchase's points become available: `pending.days` local days after it, then, with
 * `pending.roundUpTo: "day"`, at the end of that local day (the next local midnight), so points are
 * released in the morning rather than at the purchase's time of day.
 */
export function pendingUntil(program: Program, occurredAt: number): number {
  const days = program.pendingDays;
  const at = days > 0 ? addLocal(occurredAt, program.timeZone, { days }) : occurredAt;
  return program.pendingRoundUpTo === null ? at : endOfPeriod(at, program.timeZone, program.pendingRoundUpTo);
}

/** Custom events (signup, review, referral...) earn at once: there is nothing to return. */
export function recordEvent(
  writer: LedgerWriter,
  program: Program,
  event: EventFacts,
  budgets?: BudgetsLeft,
): Evaluation {
  refuseBeforeJoining(writer, event.occurredAt, "recordEvent");
  const evaluation = evaluateEvent(program, writer.state, event, budgets);
  writer.append({ kind: "event", type: event.type, occurredAt: iso(event.occurredAt) });
  writeAwards(writer, program, evaluation, event.occurredAt, event.occurredAt, null);
  return evaluation;
}

/**
 * Bonus points on reaching a tier: the rules whose trigger is `tier:<id>` run once, in the commit
 * that promotes the member into that tier (after the tier entry, so they see the new tier). Their
 * points are available at once and never count towards tier qualification.
 */
export function awardTierBonus(
  writer: LedgerWriter,
  program: Program,
  tierId: string,
  at: number = writer.now,
): Evaluation {
  // Dated at the promotion (a review's own instant), not at the write that processed it: the lot's
  // dates, and what a conversion at a later period end finds, never depend on when a sweep ran.
  const ctx = accrualContext(program, {
    trigger: `tier:${tierId}`,
    amount: ZERO,
    lines: null,
    attributes: {},
    occurredAt: at,
    member: memberView(program, writer.state),
  });
  const evaluation = evaluateRules(program, ctx, writer.state);
  writeAwards(writer, program, evaluation, at, at, null);
  return evaluation;
}
