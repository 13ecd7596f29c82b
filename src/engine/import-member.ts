/**
 * Migration in and out: `importMember` brings a member in from another loyalty system with their
 * opening state, in one `import` entry (docs/migrating.md); `exportMember` writes a member of this
 * engine as that command, to move them to another store or program deployment.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { exportCommand } from "./export-member.js";
import { closedPurchases } from "./export-purchases.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { openingState } from "./import-check.js";
import { importMemberSchema } from "./import-schema.js";
import { parse } from "./inputs.js";
import { guard, loadKnown } from "./store-calls.js";
import type { ImportResult } from "./results.js";
import { write } from "./write-path.js";
import * as z from "zod/mini";
import { enrollSchema } from "./commands.js";

export function importCommands(ctx: EngineContext): Pick<LoyaltyEngine, "importMember" | "exportMember"> {
  const { program } = ctx;
  return {
    async importMember(input) {
      const command = parse(importMemberSchema, input, "importMember");
      const { memberId } = command;
      return write<ImportResult>(
        ctx,
        "import",
        { raw: input, parsed: command },
        command.key,
        [{ id: memberId, mustExist: false }],
        async ([w]) => {
          const opening = openingState(program, command, w!.now);
          if (!opening.ok) {
            const { issues } = opening;
            if (opening.currencyOnly) throw new LoyaltyError("CURRENCY_MISMATCH", issues[0]!.message, { issues });
            throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("importMember", issues.length), {
              issues,
            });
          }
          w!.append(opening.body);
          if (!program.uniquePurchaseIds) return { result: { memberId } };
          // Purchase ids once across members (purchases.uniqueAcrossMembers): the imported purchases
          // are claimed as recordPurchase claims them, so no other member can record them later.
          const ids = opening.body.purchases.map((p) => p.purchaseId);
          await refuseClaimed(ctx, memberId, ids);
          return { result: { memberId }, purchaseClaims: ids.map((purchaseId) => ({ purchaseId, memberId })) };
        },
      );
    },

    async exportMember(memberId, options = {}) {
      const id = parse(z.pick(enrollSchema, { memberId: true }), { memberId }, "exportMember").memberId;
      const state = await loadKnown(ctx, id);
      return exportCommand(state, options.key ?? `import:${id}`, await closedPurchases(ctx, state, ctx.now()));
    },
  };
}

/** Refuses purchase ids another member claimed: DUPLICATE_PURCHASE, at each one's path. */
async function refuseClaimed(ctx: EngineContext, memberId: string, purchaseIds: readonly string[]): Promise<void> {
  const issues = [];
  for (const [i, purchaseId] of purchaseIds.entries()) {
    const owner = await guard(() => ctx.store.findPurchaseOwner!(ctx.program.id, purchaseId));
    if (owner !== null && owner !== memberId)
      issues.push({ path: ["purchases", i, "purchaseId"], message: messages.purchaseOfAnotherMember(purchaseId) });
  }
  if (issues.length > 0) throw new LoyaltyError("DUPLICATE_PURCHASE", issues[0]!.message, { issues });
}
