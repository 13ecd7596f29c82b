/**
 * Points by hand: an adjustment (a credit or a debit with a reason) and a spend.
 */
import { inactivityDeadline, lotRecord } from "../expiry/policy.js";
import { adjust as decideAdjust, spend as decideSpend } from "../ledger/operations.js";
import { Decimal } from "../shared/decimal.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { checkAgainstProgram, parse } from "./inputs.js";
import type { PointsResult } from "./results.js";
import { writeOne } from "./write-path.js";

export function pointCommands(ctx: EngineContext): Pick<LoyaltyEngine, "adjust" | "spend"> {
  const { program, fmt } = ctx;
  return {
    async adjust(input) {
      const command = parse(schemas.adjustSchema, input, "adjust");
      const payload = { raw: input, parsed: command };
      const check = (at: number) => checkAgainstProgram(ctx, at, "adjust", command);
      return writeOne<PointsResult>(
        ctx,
        "adjust",
        payload,
        command.key,
        command.memberId,
        true,
        (w) => {
          decideAdjust(w, {
            wallet: command.wallet,
            points: new Decimal(command.points),
            reason: command.reason,
            reference: command.reference ?? null,
            creditLot: lotRecord(program, command.wallet, w.now, w.now),
            deadline: inactivityDeadline(program, w.state, command.wallet),
          });
          return { memberId: command.memberId, wallet: command.wallet, points: fmt(new Decimal(command.points)) };
        },
        { check },
      );
    },

    async spend(input) {
      const command = parse(schemas.spendSchema, input, "spend");
      const payload = { raw: input, parsed: command };
      const check = (at: number) => checkAgainstProgram(ctx, at, "spend", command, true);
      return writeOne<PointsResult>(
        ctx,
        "spend",
        payload,
        command.key,
        command.memberId,
        true,
        (w) => {
          decideSpend(
            w,
            command.wallet,
            new Decimal(command.points),
            command.reference ?? null,
            inactivityDeadline(program, w.state, command.wallet),
          );
          return { memberId: command.memberId, wallet: command.wallet, points: fmt(new Decimal(command.points)) };
        },
        { check },
      );
    },
  };
}
