/**
 * Profile decisions: a change to a member's attributes, birthday and explicit segments, checked
 * against what the member holds (the limits `enroll` sets apply to the profile that results).
 * Pure: appends a `profile` entry to the writer or throws a LoyaltyError, nothing else.
 */
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Scalar } from "../shared/scalar.js";
import { MAX_ATTRIBUTES, MAX_SEGMENTS, sortedSegments } from "./kinds/profile.js";
import type { LedgerWriter } from "./writer.js";

export interface ProfileChange {
  /** A value sets or replaces an attribute, null removes it. */
  readonly attributes: Readonly<Record<string, Scalar | null>>;
  /** undefined: unchanged; null: cleared. */
  readonly birthday: string | null | undefined;
  readonly addSegments: readonly string[];
  readonly removeSegments: readonly string[];
}

export function updateProfile(writer: LedgerWriter, change: ProfileChange): void {
  const state = writer.state;
  const names = new Set(Object.keys(state.attributes));
  for (const [name, value] of Object.entries(change.attributes)) {
    if (value === null) names.delete(name);
    else names.add(name);
  }
  const removed = new Set(change.removeSegments);
  const segments = sortedSegments([...state.segments, ...change.addSegments].filter((s) => !removed.has(s)));
  const issues: FieldIssue[] = [];
  if (names.size > MAX_ATTRIBUTES)
    issues.push({ path: ["attributes"], message: messages.field.tooManyAfterUpdate(MAX_ATTRIBUTES, "attributes") });
  if (segments.length > MAX_SEGMENTS)
    issues.push({ path: ["segments", "add"], message: messages.field.tooManyAfterUpdate(MAX_SEGMENTS, "segments") });
  if (issues.length > 0)
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("updateMember", issues.length), { issues });
  writer.append({
    kind: "profile",
    attributes: change.attributes,
    ...(change.birthday === undefined ? {} : { birthday: change.birthday }),
    segments: { add: sortedSegments(change.addSegments), remove: sortedSegments(change.removeSegments) },
  });
}
