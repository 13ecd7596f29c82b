/**
 * Migration in and out: `importMember` brings a member in from another loyalty system with their
 * opening state, in one `import` entry (docs/migrating.md); `exportMember` writes a member of this
 * engine as that command, to move them to another store or program deployment.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { exportCommand } from "./export-member.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { openingState } from "./import-check.js";
import { importMemberSchema } from "./import-schema.js";
import { parse } from "./inputs.js";
import { loadKnown } from "./store-calls.js";
import type { ImportResult } from "./results.js";
import { writeOne } from "./write-path.js";
import { enrollSchema } from "./commands.js";

export function importCommands(ctx: EngineContext): Pick<LoyaltyEngine, "importMember" | "exportMember"> {
  const { program } = ctx;
  return {
    async importMember(input) {
      const command = parse(importMemberSchema, input, "importMember");
      return writeOne<ImportResult>(
        ctx,
        "import",
        { raw: input, parsed: command },
        command.key,
        command.memberId,
        false,
        (w) => {
          const opening = openingState(program, command, w.now);
          if (!opening.ok) {
            const { issues } = opening;
            if (opening.currencyOnly) throw new LoyaltyError("CURRENCY_MISMATCH", issues[0]!.message, { issues });
            throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("importMember", issues.length), {
              issues,
            });
          }
          w.append(opening.body);
          return { memberId: command.memberId };
        },
      );
    },

    async exportMember(memberId, options = {}) {
      const id = parse(enrollSchema.pick({ memberId: true }), { memberId }, "exportMember").memberId;
      return exportCommand(await loadKnown(ctx, id), options.key ?? `import:${id}`);
    },
  };
}
