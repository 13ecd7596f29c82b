/**
 * The member's profile: `updateMember` changes attributes, birthday and explicit segments (an entry
 * on the statement, read by conditions from then on); `eraseMember` removes what identifies the
 * person while the books stay exact (docs/members.md).
 */
import { updateProfile } from "../ledger/profile.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { parse } from "./inputs.js";
import type { MemberUpdateResult } from "./results.js";
import { writeOne } from "./write-path.js";

export function memberCommands(ctx: EngineContext): Pick<LoyaltyEngine, "updateMember"> {
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
      );
    },
  };
}
