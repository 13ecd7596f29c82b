/**
 * Named segments in a program definition: explicit ones (declared by id, set on members by enroll
 * and updateMember) and derived ones (a `when` on the member's profile). Apart from schema.ts so
 * that the rule of what a segment's condition may read lives beside its schema.
 */
import * as z from "zod/mini";
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { idString } from "../shared/validation.js";
import type { Condition } from "./conditions.js";
import { conditionSchema } from "./schema-rules.js";

export const segmentSchema = z.strictObject({
  id: idString,
  name: z.optional(z.string().check(z.maxLength(500))),
  /** Derived: the member is in the segment while this holds on their profile. Omit for an explicit segment. */
  when: z.optional(conditionSchema),
});

/** Fields a segment's `when` may read: the member's profile, never the command or the clock. */
const MEMBER_FIELD = /^(member\.tier|member\.attributes\.[A-Za-z0-9_.-]+)$/;

/**
 * Issues of a segment's `when` that reads more than the profile: a segment is a property of the
 * member, the same for every command, so it reads member attributes and the tier only (combined
 * with all, any, not); a birthday, a date or the command's fields would make it change with time.
 */
export function memberOnlyIssues(condition: Condition, path: (string | number)[], out: FieldIssue[]): void {
  if ("all" in condition) condition.all.forEach((c, i) => memberOnlyIssues(c, [...path, "all", i], out));
  else if ("any" in condition) condition.any.forEach((c, i) => memberOnlyIssues(c, [...path, "any", i], out));
  else if ("not" in condition) memberOnlyIssues(condition.not, [...path, "not"], out);
  else if ("field" in condition) {
    if (!MEMBER_FIELD.test(condition.field))
      out.push({ path: [...path, "field"], message: messages.field.segmentReadsMember });
  } else if (!("tier" in condition)) out.push({ path, message: messages.field.segmentReadsMember });
}
