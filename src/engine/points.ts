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
      const c = parse(schemas.adjustSchema, input, "adjust");
      checkAgainstProgram(ctx, "adjust", c);
      return writeOne<PointsResult>(ctx, "adjust", input, c.key, c.memberId, true, (w) => {
        decideAdjust(w, {
          wallet: c.wallet,
          points: new Decimal(c.points),
          reason: c.reason,
          reference: c.reference ?? null,
          creditLot: lotRecord(program, c.wallet, w.now, w.now),
          deadline: inactivityDeadline(program, w.state, c.wallet),
        });
        return { memberId: c.memberId, wallet: c.wallet, points: fmt(new Decimal(c.points)) };
      });
    },

    async spend(input) {
      const c = parse(schemas.spendSchema, input, "spend");
      checkAgainstProgram(ctx, "spend", c, true);
      return writeOne<PointsResult>(ctx, "spend", input, c.key, c.memberId, true, (w) => {
        decideSpend(
          w,
          c.wallet,
          new Decimal(c.points),
          c.reference ?? null,
          inactivityDeadline(program, w.state, c.wallet),
        );
        return { memberId: c.memberId, wallet: c.wallet, points: fmt(new Decimal(c.points)) };
      });
    },
  };
}
