/**
 * Checkout holds, the commands (docs/checkout.md): `hold` reserves points for an order, `captureHold`
 * spends them (all or part) when it is paid, `releaseHold` gives them back when it is not. A hold
 * past its expiry is released by the member's due work (due-work.ts).
 */
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { inactivityDeadline } from "../expiry/policy.js";
import { captureHold, placeHold, releaseHold } from "../rewards/holds.js";
import { Decimal, decimalPlaces } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { captureHoldSchema, holdSchema, releaseHoldSchema } from "./hold-schemas.js";
import { checkAgainstProgram, parse } from "./inputs.js";
import type { HoldResult, HoldSettlementResult } from "./results.js";
import { writeOne } from "./write-path.js";

const MINUTE = 60_000;

export function holdCommands(ctx: EngineContext): Pick<LoyaltyEngine, "hold" | "captureHold" | "releaseHold"> {
  const { program, fmt } = ctx;
  return {
    async hold(input) {
      const command = parse(holdSchema, input, "hold");
      const check = (at: number) => {
        checkAgainstProgram(ctx, at, "hold", { wallet: command.wallet, points: command.points }, true);
        const issues: FieldIssue[] = [];
        // A program that prices points at checkout checks every hold's share of its basket.
        if (command.orderAmount === undefined && program.checkout.pointValue !== null)
          issues.push({ path: ["orderAmount"], message: messages.field.required });
        if (command.orderAmount !== undefined && decimalPlaces(command.orderAmount) > program.currencyPlaces)
          issues.push({ path: ["orderAmount"], message: messages.field.tooPrecise(program.currencyPlaces) });
        if (issues.length > 0)
          throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("hold", issues.length), { issues });
      };
      return writeOne<HoldResult>(
        ctx,
        "hold",
        { raw: input, parsed: command },
        command.key,
        command.memberId,
        true,
        (w) => {
          const expiresAt = w.now + (command.expiresInMinutes ?? program.checkout.holdMinutes) * MINUTE;
          const points = new Decimal(command.points);
          placeHold(w, program, {
            holdId: command.holdId,
            wallet: command.wallet,
            points,
            orderAmount: command.orderAmount === undefined ? null : new Decimal(command.orderAmount),
            expiresAt,
            reference: command.reference ?? null,
            deadline: inactivityDeadline(program, w.state, command.wallet),
          });
          return {
            memberId: command.memberId,
            holdId: command.holdId,
            wallet: command.wallet,
            points: fmt(points),
            expiresAt: iso(expiresAt),
          };
        },
        { check },
      );
    },

    async captureHold(input) {
      const command = parse(captureHoldSchema, input, "captureHold");
      const check = (at: number) =>
        checkAgainstProgram(ctx, at, "captureHold", command.points === undefined ? {} : { points: command.points });
      return writeOne<HoldSettlementResult>(
        ctx,
        "captureHold",
        { raw: input, parsed: command },
        command.key,
        command.memberId,
        true,
        (w) => {
          const held = w.state.holds[command.holdId]?.points;
          const captured = captureHold(
            w,
            program,
            command.holdId,
            command.points === undefined ? null : new Decimal(command.points),
          );
          return settled(
            command.memberId,
            command.holdId,
            w.entries.find((e) => e.kind === "capture")!,
            held!,
            captured,
            fmt,
          );
        },
        { check },
      );
    },

    async releaseHold(input) {
      const command = parse(releaseHoldSchema, input, "releaseHold");
      return writeOne<HoldSettlementResult>(
        ctx,
        "releaseHold",
        { raw: input, parsed: command },
        command.key,
        command.memberId,
        true,
        (w) => {
          const hold = releaseHold(w, program, command.holdId);
          return settled(
            command.memberId,
            command.holdId,
            w.entries.find((e) => e.kind === "holdRelease" && e.holdId === command.holdId)!,
            hold.points,
            new Decimal(0),
            fmt,
          );
        },
      );
    },
  };
}

/** The result of closing a hold, from the entry that closed it. */
function settled(
  memberId: string,
  holdId: string,
  entry: { readonly kind: string; readonly wallet?: string | null; readonly forfeited?: string },
  held: Decimal,
  captured: Decimal,
  fmt: (points: Decimal) => string,
): Omit<HoldSettlementResult, "entries"> {
  const forfeited = new Decimal(entry.forfeited ?? "0");
  return {
    memberId,
    holdId,
    wallet: entry.wallet ?? "",
    captured: fmt(captured),
    returned: fmt(held.minus(captured).minus(forfeited)),
    forfeited: fmt(forfeited),
  };
}
