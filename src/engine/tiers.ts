/**
 * Tiers by hand: assigning a tier, optionally as a floor until a date. Reviews run as due work
 * and as a sweep (sweeps.ts).
 */
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { instantMs } from "../shared/validation.js";
import { assignTier as decideAssignTier } from "../tiers/review.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { parse } from "./inputs.js";
import type { TierResult } from "./results.js";
import { writeOne } from "./write-path.js";

const f = messages.field;

export function tierCommands(ctx: EngineContext): Pick<LoyaltyEngine, "assignTier"> {
  const { program } = ctx;
  return {
    async assignTier(input) {
      const command = parse(schemas.assignTierSchema, input, "assignTier");
      const check = (at: number) => {
        const issues: FieldIssue[] = [];
        if (program.tiers === null) issues.push({ path: ["tier"], message: f.noTiers });
        else if (!program.tiers.byId.has(command.tier))
          issues.push({ path: ["tier"], message: f.unknownTier(command.tier) });
        if (command.until !== undefined && instantMs(command.until) <= at)
          issues.push({ path: ["until"], message: f.tierFloorUntilPast });
        if (issues.length > 0)
          throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("assignTier", issues.length), { issues });
      };
      const payload = { raw: input, parsed: command };
      return writeOne<TierResult>(
        ctx,
        "assignTier",
        payload,
        command.key,
        command.memberId,
        true,
        (w) => {
          decideAssignTier(w, program, {
            tier: command.tier,
            until: command.until === undefined ? null : instantMs(command.until),
            note: command.note ?? null,
          });
          return { memberId: command.memberId, tier: command.tier };
        },
        { check },
      );
    },
  };
}
