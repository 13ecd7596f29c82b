/**
 * Earning: enrolment, purchases, events and refunds, and the previews that evaluate a purchase or
 * an event without writing it.
 */
import { evaluateEvent, evaluatePurchase, recordEvent, recordPurchase } from "../accrual/earn.js";
import { refund as decideRefund } from "../accrual/refund.js";
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { enroll as decideEnroll } from "../ledger/operations.js";
import { moneyPaid } from "../accrual/paid-with-points.js";
import { Decimal, decimalPlaces } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { instantMs } from "../shared/validation.js";
import { awardLines } from "./award-lines.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { attrs, checkAgainstProgram, checkCause, parse, toLines } from "./inputs.js";
import { quickEnroll, quickPurchase } from "./quick-inputs.js";
import type { EarnResult, EnrollResult, RefundResult } from "./results.js";
import { guard, loadKnown } from "./store-calls.js";
import { write, writeOne } from "./write-path.js";
import { budgetChanges, budgetLines, readBudgets } from "./budgets.js";

/** The record a command names: a purchase whose duplicate it checks, or that it refunds. */
const purchaseRecord = (purchaseId: string) => ({ purchases: [purchaseId], redemptions: [] });

const f = messages.field;

export function purchaseCommands(
  ctx: EngineContext,
): Pick<LoyaltyEngine, "enroll" | "recordPurchase" | "recordEvent" | "refund" | "previewPurchase" | "previewEvent"> {
  const { program, now, fmt } = ctx;
  return {
    async enroll(input) {
      const command = quickEnroll(input) ?? parse(schemas.enrollSchema, input, "enroll");
      const check = (at: number) => {
        if (command.joinedAt !== undefined && instantMs(command.joinedAt) > at)
          throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("enroll", 1), {
            issues: [{ path: ["joinedAt"], message: f.inFuture }],
          });
        checkCause(ctx, "enroll", command.attributes);
      };
      const payload = { raw: input, parsed: command };
      return writeOne<EnrollResult>(
        ctx,
        "enroll",
        payload,
        command.key,
        command.memberId,
        false,
        (w) => {
          decideEnroll(w, {
            joinedAt: command.joinedAt === undefined ? w.now : instantMs(command.joinedAt),
            birthday: command.birthday ?? null,
            attributes: attrs(command.attributes),
            segments: command.segments ?? [],
          });
          return { memberId: command.memberId };
        },
        { check },
      );
    },

    async recordPurchase(input) {
      const command = quickPurchase(input) ?? parse(schemas.purchaseSchema, input, "recordPurchase");
      const { memberId, purchaseId } = command;
      return write<EarnResult>(
        ctx,
        "purchase",
        { raw: input, parsed: command },
        command.key,
        [{ id: memberId, mustExist: true, records: purchaseRecord(purchaseId) }],
        async ([w]) => {
          const occurredAt = command.occurredAt === undefined ? w!.now : instantMs(command.occurredAt);
          const budgets = await readBudgets(ctx, "purchase", occurredAt);
          const evaluation = recordPurchase(
            w!,
            program,
            { purchaseId, ...earningMoney(ctx, command), occurredAt, attributes: attrs(command.attributes) },
            budgets,
          );
          const result = {
            memberId,
            purchaseId,
            ...awardLines(ctx, evaluation),
            availableAt: evaluation.availableAt,
            ...budgetLines(ctx, evaluation),
          };
          const stock = budgetChanges(ctx, evaluation, occurredAt);
          if (!program.uniquePurchaseIds) return stock.length === 0 ? { result } : { result, stock };
          // Another member's claim refuses it; a claim that lands first while this one commits
          // makes the commit conflict, and the decision runs again and finds it here.
          await refuseOtherOwner(ctx, memberId, purchaseId);
          return { result, purchaseClaims: [{ purchaseId, memberId }], ...(stock.length === 0 ? {} : { stock }) };
        },
        (at) => {
          checkAgainstProgram(ctx, at, "recordPurchase", command);
          checkPaidWithPoints(ctx, "recordPurchase", command);
        },
      );
    },

    async recordEvent(input) {
      const command = parse(schemas.eventSchema, input, "recordEvent");
      const payload = { raw: input, parsed: command };
      const check = (at: number) => checkAgainstProgram(ctx, at, "recordEvent", command);
      return write<EarnResult>(
        ctx,
        "event",
        payload,
        command.key,
        [{ id: command.memberId, mustExist: true }],
        async ([w]) => {
          const occurredAt = command.occurredAt === undefined ? w!.now : instantMs(command.occurredAt);
          const budgets = await readBudgets(ctx, command.type, occurredAt);
          const evaluation = recordEvent(
            w!,
            program,
            { type: command.type, occurredAt, attributes: attrs(command.attributes) },
            budgets,
          );
          const result = {
            memberId: command.memberId,
            purchaseId: null,
            ...awardLines(ctx, evaluation),
            availableAt: evaluation.awards.length > 0 ? iso(occurredAt) : null,
            ...budgetLines(ctx, evaluation),
          };
          const stock = budgetChanges(ctx, evaluation, occurredAt);
          return stock.length === 0 ? { result } : { result, stock };
        },
        check,
      );
    },

    async refund(input) {
      const command = parse(schemas.refundSchema, input, "refund");
      return writeOne<RefundResult>(
        ctx,
        "refund",
        { raw: input, parsed: command },
        command.key,
        command.memberId,
        true,
        (w) => {
          const reversals = decideRefund(w, program, {
            purchaseId: command.purchaseId ?? null,
            amount: new Decimal(command.amount),
            lines: command.lines ?? null,
          });
          return {
            memberId: command.memberId,
            purchaseId: command.purchaseId ?? null,
            reversed: reversals.map((r) => ({
              wallet: r.wallet,
              points: fmt(r.points),
              debt: fmt(r.debt),
              forgiven: fmt(r.forgiven),
            })),
          };
        },
        {
          records: command.purchaseId === undefined ? undefined : purchaseRecord(command.purchaseId),
          // Only the money is checked here: returned lines carry units, and the purchase checks them.
          check: (at) => checkAgainstProgram(ctx, at, "refund", { currency: command.currency, amount: command.amount }),
        },
      );
    },

    async previewPurchase(input) {
      const command = parse(schemas.previewPurchaseSchema, input, "previewPurchase");
      checkAgainstProgram(ctx, now(), "previewPurchase", command);
      checkPaidWithPoints(ctx, "previewPurchase", command);
      const state = command.memberId === undefined ? null : await loadKnown(ctx, command.memberId);
      const occurredAt = command.occurredAt === undefined ? now() : instantMs(command.occurredAt);
      const evaluation = evaluatePurchase(
        program,
        state,
        { ...earningMoney(ctx, command), occurredAt, attributes: attrs(command.attributes) },
        await readBudgets(ctx, "purchase", occurredAt),
      );
      return { ...awardLines(ctx, evaluation), ...budgetLines(ctx, evaluation) };
    },

    async previewEvent(input) {
      const command = parse(schemas.previewEventSchema, input, "previewEvent");
      checkAgainstProgram(ctx, now(), "previewEvent", command);
      const state = command.memberId === undefined ? null : await loadKnown(ctx, command.memberId);
      const occurredAt = command.occurredAt === undefined ? now() : instantMs(command.occurredAt);
      const evaluation = evaluateEvent(
        program,
        state,
        { type: command.type, occurredAt, attributes: attrs(command.attributes) },
        await readBudgets(ctx, command.type, occurredAt),
      );
      return { ...awardLines(ctx, evaluation), ...budgetLines(ctx, evaluation) };
    },
  };
}

/** Refuses a purchase id another member claimed (`purchases.uniqueAcrossMembers`): DUPLICATE_PURCHASE. */
async function refuseOtherOwner(ctx: EngineContext, memberId: string, purchaseId: string): Promise<void> {
  const owner = await guard(() => ctx.store.findPurchaseOwner!(ctx.program.id, purchaseId));
  if (owner === null || owner === memberId) return;
  const message = messages.purchaseOfAnotherMember(purchaseId);
  throw new LoyaltyError("DUPLICATE_PURCHASE", message, { issues: [{ path: ["purchaseId"], message }] });
}

/** What a purchase earns on: its money less the part paid with points, lines in proportion. */
function earningMoney(
  ctx: EngineContext,
  command: { amount: string; paidWithPoints?: string | undefined; lines?: Parameters<typeof toLines>[0] },
) {
  const withPoints = new Decimal(command.paidWithPoints ?? 0);
  const paid = moneyPaid(new Decimal(command.amount), toLines(command.lines), withPoints, ctx.program.currencyPlaces);
  return { amount: paid.amount, lines: paid.lines, paidWithPoints: withPoints };
}

/** `paidWithPoints` at the currency's precision and at most the purchase's amount. */
function checkPaidWithPoints(
  ctx: EngineContext,
  name: string,
  command: { amount: string; paidWithPoints?: string | undefined },
) {
  const p = command.paidWithPoints;
  if (p === undefined) return;
  const message =
    decimalPlaces(p) > ctx.program.currencyPlaces
      ? f.tooPrecise(ctx.program.currencyPlaces)
      : new Decimal(p).gt(command.amount)
        ? f.paidWithPointsExceedsAmount
        : null;
  if (message !== null)
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand(name, 1), {
      issues: [{ path: ["paidWithPoints"], message }],
    });
}
