/**
 * The segments a member is in: the explicit ones set on them (enroll, updateMember) and those the
 * program derives from their profile (a segment's `when` on attributes and tier), sorted. Pure and
 * of the state alone (a segment reads no clock), so a listing can index it and a condition or a
 * reward reads the same answer for the same state.
 */
import { accrualContext, type Program } from "../program/compile.js";
import { ZERO } from "../shared/decimal.js";
import type { MemberView } from "../ledger/state.js";

const NONE: readonly string[] = Object.freeze([]);

export function segmentsOf(program: Program, state: MemberView): readonly string[] {
  const derived = program.segments.derived;
  if (derived.length === 0) return state.segments.length === 0 ? NONE : state.segments;
  // A segment's `when` reads the member's profile only (program/schema-segments.ts), never the command.
  const ctx = accrualContext(program, {
    trigger: "",
    amount: ZERO,
    lines: null,
    attributes: {},
    occurredAt: state.lastAt,
    member: { attributes: state.attributes, birthday: null, tier: state.tier?.id ?? null },
  });
  const held = new Set(state.segments);
  for (const segment of derived) if (segment.when(ctx)) held.add(segment.id);
  return [...held].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
