/**
 * Earning: enrolment, purchases, events and refunds, and the previews that evaluate a purchase or
 * an event without writing it.
 */
import { evaluateEvent, evaluatePurchase, recordEvent, recordPurchase } from "../accrual/earn.js";
import { refund as decideRefund } from "../accrual/refund.js";
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { enroll as decideEnroll } from "../ledger/operations.js";
import { Decimal } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { instantMs } from "../shared/validation.js";
import { awardLines } from "./award-lines.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { attrs, checkAgainstProgram, parse, toLines } from "./inputs.js";
import type { EarnResult, EnrollResult, RefundResult } from "./results.js";
import { loadKnown } from "./store-calls.js";
import { writeOne } from "./write-path.js";

const f = messages.field;

export function purchaseCommands(
  ctx: EngineContext,
): Pick<LoyaltyEngine, "enroll" | "recordPurchase" | "recordEvent" | "refund" | "previewPurchase" | "previewEvent"> {
  const { program, now, fmt } = ctx;
  return {
    async enroll(input) {
      const c = parse(schemas.enrollSchema, input, "enroll");
      if (c.joinedAt !== undefined && instantMs(c.joinedAt) > now())
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("enroll", 1), {
          issues: [{ path: ["joinedAt"], message: f.inFuture }],
        });
      return writeOne<EnrollResult>(ctx, "enroll", input, c.key, c.memberId, false, (w) => {
        decideEnroll(w, {
          joinedAt: c.joinedAt === undefined ? w.now : instantMs(c.joinedAt),
          birthday: c.birthday ?? null,
          attributes: attrs(c.attributes),
        });
        return { memberId: c.memberId };
      });
    },

    async recordPurchase(input) {
      const c = parse(schemas.purchaseSchema, input, "recordPurchase");
      checkAgainstProgram(ctx, "recordPurchase", c);
      return writeOne<EarnResult>(ctx, "purchase", input, c.key, c.memberId, true, (w) => {
        const occurredAt = c.occurredAt === undefined ? w.now : instantMs(c.occurredAt);
        const evaluation = recordPurchase(w, program, {
          purchaseId: c.purchaseId,
          amount: new Decimal(c.amount),
          occurredAt,
          lines: toLines(c.lines),
          attributes: attrs(c.attributes),
        });
        return {
          memberId: c.memberId,
          purchaseId: c.purchaseId,
          ...awardLines(ctx, evaluation),
          availableAt: evaluation.availableAt,
        };
      });
    },

    async recordEvent(input) {
      const c = parse(schemas.eventSchema, input, "recordEvent");
      checkAgainstProgram(ctx, "recordEvent", c);
      return writeOne<EarnResult>(ctx, "event", input, c.key, c.memberId, true, (w) => {
        const occurredAt = c.occurredAt === undefined ? w.now : instantMs(c.occurredAt);
        const evaluation = recordEvent(w, program, { type: c.type, occurredAt, attributes: attrs(c.attributes) });
        return {
          memberId: c.memberId,
          purchaseId: null,
          ...awardLines(ctx, evaluation),
          availableAt: evaluation.awards.length > 0 ? iso(occurredAt) : null,
        };
      });
    },

    async refund(input) {
      const c = parse(schemas.refundSchema, input, "refund");
      checkAgainstProgram(ctx, "refund", c);
      return writeOne<RefundResult>(ctx, "refund", input, c.key, c.memberId, true, (w) => {
        const reversals = decideRefund(w, program, { purchaseId: c.purchaseId ?? null, amount: new Decimal(c.amount) });
        return {
          memberId: c.memberId,
          purchaseId: c.purchaseId ?? null,
          reversed: reversals.map((r) => ({
            wallet: r.wallet,
            points: fmt(r.points),
            debt: fmt(r.debt),
            forgiven: fmt(r.forgiven),
          })),
        };
      });
    },

    async previewPurchase(input) {
      const c = parse(schemas.previewPurchaseSchema, input, "previewPurchase");
      checkAgainstProgram(ctx, "previewPurchase", c);
      const state = c.memberId === undefined ? null : await loadKnown(ctx, c.memberId);
      return awardLines(
        ctx,
        evaluatePurchase(program, state, {
          amount: new Decimal(c.amount),
          occurredAt: c.occurredAt === undefined ? now() : instantMs(c.occurredAt),
          lines: toLines(c.lines),
          attributes: attrs(c.attributes),
        }),
      );
    },

    async previewEvent(input) {
      const c = parse(schemas.previewEventSchema, input, "previewEvent");
      checkAgainstProgram(ctx, "previewEvent", c);
      const state = c.memberId === undefined ? null : await loadKnown(ctx, c.memberId);
      return awardLines(
        ctx,
        evaluateEvent(program, state, {
          type: c.type,
          occurredAt: c.occurredAt === undefined ? now() : instantMs(c.occurredAt),
          attributes: attrs(c.attributes),
        }),
      );
    },
  };
}
