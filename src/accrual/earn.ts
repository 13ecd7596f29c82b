/**
 * Earning decisions: a purchase or a custom event is evaluated against the rules, and each award
 * becomes an earn entry with its own lot. Purchase points wait out the return window (pending).
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { accrualContext, type Program, type PurchaseLine } from "../program/compile.js";
import type { Scalar } from "../shared/scalar.js";
import { ZERO, formatAmount, type Decimal } from "../shared/decimal.js";
import { addLocal, iso } from "../shared/time.js";
import type { MemberState } from "../ledger/state.js";
import { debtToRepay } from "../ledger/operations.js";
import { lotRecord } from "../expiry/policy.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { evaluateRules, type Evaluation } from "./evaluate.js";

export interface PurchaseFacts {
  readonly purchaseId: string;
  readonly amount: Decimal;
  readonly occurredAt: number;
  readonly lines: readonly PurchaseLine[] | null;
  readonly attributes: Readonly<Record<string, Scalar>>;
}

export interface EventFacts {
  readonly type: string;
  readonly occurredAt: number;
  readonly attributes: Readonly<Record<string, Scalar>>;
}

function memberView(state: MemberState | null) {
  return state
    ? {
        attributes: state.attributes,
        birthday: state.birthday === null ? null : state.birthday.slice(-5),
        tier: state.tier?.id ?? null,
      }
    : null;
}

/** Evaluates a purchase without writing anything: what a checkout page shows. */
export function evaluatePurchase(
  program: Program,
  state: MemberState | null,
  p: Omit<PurchaseFacts, "purchaseId">,
): Evaluation {
  const ctx = accrualContext(program, {
    trigger: "purchase",
    amount: p.amount,
    lines: p.lines,
    attributes: p.attributes,
    occurredAt: p.occurredAt,
    member: memberView(state),
  });
  return evaluateRules(program, ctx, state);
}

export function evaluateEvent(program: Program, state: MemberState | null, e: EventFacts): Evaluation {
  const ctx = accrualContext(program, {
    trigger: e.type,
    amount: ZERO,
    lines: null,
    attributes: e.attributes,
    occurredAt: e.occurredAt,
    member: memberView(state),
  });
  return evaluateRules(program, ctx, state);
}

export function writeAwards(
  w: LedgerWriter,
  program: Program,
  evaluation: Evaluation,
  earnedAt: number,
  availableAt: number,
  purchaseId: string | null,
) {
  for (const award of evaluation.awards) {
    w.append({
      kind: "earn",
      wallet: award.wallet,
      points: award.points.toString(),
      ruleId: award.ruleId,
      purchaseId,
      lot: lotRecord(program, award.wallet, earnedAt, availableAt, award.ruleId),
      debtRepaid: debtToRepay(w, award.wallet, award.points).toString(),
      capKeys: award.capKeys,
    });
  }
}

/** A recorded purchase: what its rules awarded, and when those points become available. */
export interface PurchaseOutcome extends Evaluation {
  /** When the purchase's points become spendable (the end of the return window); null: it earned nothing. */
  readonly availableAt: string | null;
}

export function recordPurchase(w: LedgerWriter, program: Program, p: PurchaseFacts): PurchaseOutcome {
  if (w.state.purchases[p.purchaseId] !== undefined) {
    throw new LoyaltyError("DUPLICATE_PURCHASE", messages.duplicatePurchase(p.purchaseId), {
      issues: [{ path: ["purchaseId"], message: messages.duplicatePurchase(p.purchaseId) }],
    });
  }
  const evaluation = evaluatePurchase(program, w.state, p);
  w.append({
    kind: "purchase",
    purchaseId: p.purchaseId,
    amount: formatAmount(p.amount, program.currencyPlaces),
    occurredAt: iso(p.occurredAt),
  });
  const availableAt =
    program.pendingDays > 0 ? addLocal(p.occurredAt, program.timeZone, { days: program.pendingDays }) : p.occurredAt;
  writeAwards(w, program, evaluation, p.occurredAt, availableAt, p.purchaseId);
  // Each award's lot is dated so (lotRecord): the instant the earn entries record.
  return { ...evaluation, availableAt: evaluation.awards.length > 0 ? iso(availableAt) : null };
}

/** Custom events (signup, review, referral...) earn at once: there is nothing to return. */
export function recordEvent(w: LedgerWriter, program: Program, e: EventFacts): Evaluation {
  const evaluation = evaluateEvent(program, w.state, e);
  w.append({ kind: "event", type: e.type, occurredAt: iso(e.occurredAt) });
  writeAwards(w, program, evaluation, e.occurredAt, e.occurredAt, null);
  return evaluation;
}

/**
 * Bonus points on reaching a tier: the rules whose trigger is `tier:<id>` run once, in the commit
 * that promotes the member into that tier (after the tier entry, so they see the new tier). Their
 * points are available at once and never count towards tier qualification.
 */
export function awardTierBonus(w: LedgerWriter, program: Program, tierId: string, at: number = w.now): Evaluation {
  // Dated at the promotion (a review's own instant), not at the write that processed it: the lot's
  // dates, and what a conversion at a later period end finds, never depend on when a sweep ran.
  const ctx = accrualContext(program, {
    trigger: `tier:${tierId}`,
    amount: ZERO,
    lines: null,
    attributes: {},
    occurredAt: at,
    member: memberView(w.state),
  });
  const evaluation = evaluateRules(program, ctx, w.state);
  writeAwards(w, program, evaluation, at, at, null);
  return evaluation;
}
