/**
 * Segments: cross-reference checks (unique ids, a derived segment's `when` reading the profile only,
 * every segment a rule condition or a reward names declared) and their compiled form.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { compileCondition } from "./compile-conditions.js";
import type { CompiledSegments, ValidDefinition } from "./compiled.js";
import { validateCondition, type Condition } from "./conditions.js";
import { isObj, list, text } from "./raw-input.js";
import { memberOnlyIssues } from "./schema-segments.js";

const f = messages.field;

/** Segment ids named by `{ segments: [...] }` anywhere in a (raw) condition, with their paths. */
function namedIn(condition: unknown, path: (string | number)[], out: [string, (string | number)[]][], depth = 0) {
  if (!isObj(condition) || depth > 32) return;
  for (const key of ["all", "any"] as const)
    list(condition[key]).forEach((c, i) => namedIn(c, [...path, key, i], out, depth + 1));
  if (condition.not !== undefined) namedIn(condition.not, [...path, "not"], out, depth + 1);
  list(condition.segments).forEach((id, i) => {
    if (typeof id === "string") out.push([id, [...path, "segments", i]]);
  });
}

export function segmentIssues(input: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const ids = new Set<string>();
  list(input.segments).forEach((segment, i) => {
    if (!isObj(segment)) return;
    const id = text(segment.id);
    if (id !== undefined && ids.has(id)) issues.push({ path: ["segments", i, "id"], message: f.duplicateId(id) });
    if (id !== undefined) ids.add(id);
    if (segment.when === undefined) return;
    const invalid: FieldIssue[] = [];
    validateCondition(segment.when, [], invalid);
    // A malformed condition is the schema's to report; a valid one may still read too much.
    if (invalid.length === 0) memberOnlyIssues(segment.when as Condition, ["segments", i, "when"], issues);
  });
  const named: [string, (string | number)[]][] = [];
  list(input.rules).forEach((rule, i) => {
    if (isObj(rule)) namedIn(rule.when, ["rules", i, "when"], named);
  });
  list(input.rewards).forEach((reward, i) => {
    if (isObj(reward))
      list(reward.segments).forEach((id, k) => {
        if (typeof id === "string") named.push([id, ["rewards", i, "segments", k]]);
      });
  });
  for (const [id, path] of named) if (!ids.has(id)) issues.push({ path, message: f.unknownSegment(id) });
  return issues;
}

export function compileSegments(def: ValidDefinition): CompiledSegments {
  const segments = def.segments ?? [];
  return {
    ids: new Set(segments.map((s) => s.id)),
    derived: segments.flatMap((s) => (s.when === undefined ? [] : [{ id: s.id, when: compileCondition(s.when) }])),
  };
}
