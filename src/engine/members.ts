/**
 * The member's profile: `updateMember` changes attributes, birthday and explicit segments (an entry
 * on the statement, read by conditions from then on); `eraseMember` removes what identifies the
 * person while the books stay exact (docs/members.md).
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { updateProfile } from "../ledger/profile.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import { erasureOf } from "./erasure.js";
import type { LoyaltyEngine } from "./facade.js";
import { checkCause, parse } from "./inputs.js";
import type { MemberErasureResult, MemberUpdateResult } from "./results.js";
import { write, writeOne } from "./write-path.js";

export function memberCommands(ctx: EngineContext): Pick<LoyaltyEngine, "updateMember" | "eraseMember"> {
  return {
    async updateMember(input) {
      const command = parse(schemas.updateMemberSchema, input, "updateMember");
      return writeOne<MemberUpdateResult>(
        ctx,
        "updateMember",
        { raw: input, parsed: command },
        command.key,
        command.memberId,
        true,
        (w) => {
          updateProfile(w, {
            attributes: command.attributes ?? {},
            birthday: command.birthday,
            addSegments: command.segments?.add ?? [],
            removeSegments: command.segments?.remove ?? [],
          });
          return { memberId: command.memberId };
        },
        { check: () => checkCause(ctx, "updateMember", command.attributes) },
      );
    },

    async eraseMember(input) {
      const command = parse(schemas.eraseMemberSchema, input, "eraseMember");
      // A store that cannot rewrite its entries would keep the personal data: refuse, writing nothing.
      if (ctx.store.capabilities.erasure !== true)
        throw new LoyaltyError(
          "STORE_FAILURE",
          messages.storeFailure("This store does not offer erasure (capabilities.erasure)."),
        );
      return write<MemberErasureResult>(
        ctx,
        "eraseMember",
        { raw: input, parsed: command },
        command.key,
        [{ id: command.memberId, mustExist: true }],
        async ([w]) => {
          const erasure = await erasureOf(ctx, w!);
          w!.append({ kind: "erasure", redacted: erasure.entries.length });
          return { result: { memberId: command.memberId, redacted: erasure.entries.length }, erasure };
        },
      );
    },
  };
}
