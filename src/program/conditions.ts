/**
 * The JSON condition language of earning rules, and its validation. Conditions are data so that a
 * program can be stored, diffed and simulated; `compileCondition` (compile-conditions.ts) turns one into a
 * closure once, so evaluating a purchase never walks JSON.
 */
import type { Scalar } from "../shared/scalar.js";
import { messages } from "../errors/messages.js";
import type { FieldIssue } from "../errors/loyalty-error.js";
import { DECIMAL_LITERAL } from "../shared/decimal.js";
import { isLocalDate } from "../shared/validation.js";

/** Weekday names in the order of Date#getUTCDay (0 = Sunday): the one list the type and the check read. */
export const WEEKDAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAY_NAMES)[number];

/** Which lines of a purchase an award or a condition looks at. Excludes win over includes. */
export interface LineFilter {
  readonly skus?: readonly string[];
  readonly categories?: readonly string[];
  readonly excludeSkus?: readonly string[];
  readonly excludeCategories?: readonly string[];
}

export type ComparisonOp = "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "in" | "nin" | "exists";

/**
 * A condition on the command being evaluated.
 * - `{ all: [...] }`, `{ any: [...] }`, `{ not: c }` combine conditions.
 * - `{ field, op, value }` compares a field: `amount`, `attributes.<name>` (the command's),
 *   `member.attributes.<name>`, `lines.count`, `lines.quantity`. Ordered comparisons on decimals.
 * - `{ dayOfWeek: ["sat", "sun"] }`, `{ dateRange: { from, to } }` (inclusive local dates) and
 *   `{ timeOfDay: { from: "18:00", to: "22:00" } }` read the command's time in the program's zone.
 * - `{ birthday: "day" | "month" }`: the command falls on the member's birthday, or in its month.
 * - `{ lines: filter, minQuantity?, minAmount? }`: the purchase has matching lines.
 * - `{ tier: ["gold", "platinum"] }`: the member holds one of these tiers when the command happens
 *   (also readable as the field `member.tier`).
 * - `{ segments: ["students", "vip"] }`: the member is in one of these segments of the program
 *   (explicit, or derived from the profile: program `segments`, docs/members.md).
 * - The member's own history, from bounded counters in their state (never the purchase history):
 *   the fields `member.purchases` (purchases recorded before this command: 0 on the first
 *   purchase, 4 on the 5th), `member.daysSinceLastPurchase` (local calendar days since the latest
 *   earlier purchase; absent when there is none) and `member.daysSinceJoining`; and
 *   `{ firstInCategory: ["B"] }`: the purchase has a line of one of these categories and the
 *   member never bought one before. A counter the member's state does not know (purchases
 *   recorded before it existed) makes its condition false.
 */
export type Condition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition }
  | { readonly field: string; readonly op: ComparisonOp; readonly value?: Scalar | readonly Scalar[] }
  | { readonly dayOfWeek: readonly Weekday[] }
  | { readonly dateRange: { readonly from?: string; readonly to?: string } }
  | { readonly timeOfDay: { readonly from: string; readonly to: string } }
  | { readonly birthday: "day" | "month" }
  | { readonly tier: readonly string[] }
  | { readonly segments: readonly string[] }
  | { readonly lines: LineFilter; readonly minQuantity?: number; readonly minAmount?: string }
  | { readonly firstInCategory: readonly string[] };

const FIELD =
  /^(amount|lines\.count|lines\.quantity|member\.tier|member\.purchases|member\.daysSinceLastPurchase|member\.daysSinceJoining|attributes\.[A-Za-z0-9_.-]+|member\.attributes\.[A-Za-z0-9_.-]+)$/;
const OPS: readonly ComparisonOp[] = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "exists"];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const MAX_DEPTH = 32;
const f = messages.field;

type Path = (string | number)[];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], path: Path, out: FieldIssue[]) {
  for (const key of Object.keys(obj))
    if (!allowed.includes(key)) out.push({ path: [...path, key], message: f.unknownField(key) });
}

function stringList(v: unknown, path: Path, out: FieldIssue[]) {
  if (!Array.isArray(v) || v.length === 0)
    return void out.push({ path, message: f.expectedType("a non-empty list of strings") });
  v.forEach((s, i) => {
    if (typeof s !== "string" || s.length === 0)
      out.push({ path: [...path, i], message: f.expectedType("a non-empty string") });
  });
}

/** Validates a line filter, appending one issue per bad field. */
export function validateLineFilter(value: unknown, path: Path, out: FieldIssue[]): void {
  if (!isObject(value)) return void out.push({ path, message: f.expectedType("a line filter object") });
  onlyKeys(value, ["skus", "categories", "excludeSkus", "excludeCategories"], path, out);
  for (const key of ["skus", "categories", "excludeSkus", "excludeCategories"])
    if (value[key] !== undefined) stringList(value[key], [...path, key], out);
}

/** Validates a condition tree, appending one issue per bad field (all of them, not the first). */
export function validateCondition(condition: unknown, path: Path, out: FieldIssue[], depth = 0): void {
  if (depth > MAX_DEPTH) return void out.push({ path, message: f.tooLarge(`${MAX_DEPTH} levels of nesting`) });
  if (!isObject(condition)) return void out.push({ path, message: f.expectedType("a condition object") });
  const has = (k: string) => Object.prototype.hasOwnProperty.call(condition, k);
  if (has("all") || has("any")) {
    const key = has("all") ? "all" : "any";
    onlyKeys(condition, [key], path, out);
    const list = condition[key];
    if (!Array.isArray(list) || list.length === 0)
      return void out.push({ path: [...path, key], message: f.expectedType("a non-empty list of conditions") });
    list.forEach((c, i) => validateCondition(c, [...path, key, i], out, depth + 1));
  } else if (has("not")) {
    onlyKeys(condition, ["not"], path, out);
    validateCondition(condition.not, [...path, "not"], out, depth + 1);
  } else if (has("field")) {
    onlyKeys(condition, ["field", "op", "value"], path, out);
    if (typeof condition.field !== "string" || !FIELD.test(condition.field)) {
      out.push({
        path: [...path, "field"],
        message: f.expectedType(
          "amount, lines.count, lines.quantity, member.tier, member.purchases, member.daysSinceLastPurchase, member.daysSinceJoining, attributes.<name> or member.attributes.<name>",
        ),
      });
    }
    if (!OPS.includes(condition.op as ComparisonOp))
      return void out.push({ path: [...path, "op"], message: f.expectedType(`one of ${OPS.join(", ")}`) });
    const op = condition.op as ComparisonOp;
    if (op === "exists") {
      if (condition.value !== undefined) out.push({ path: [...path, "value"], message: f.unknownField("value") });
    } else if (op === "in" || op === "nin") {
      if (!Array.isArray(condition.value) || condition.value.length === 0 || !condition.value.every(isScalar))
        out.push({
          path: [...path, "value"],
          message: f.expectedType("a non-empty list of strings, numbers or booleans"),
        });
    } else if (op === "eq" || op === "ne") {
      if (!isScalar(condition.value))
        out.push({ path: [...path, "value"], message: f.expectedType("a string, number or boolean") });
    } else {
      const ok =
        (typeof condition.value === "string" && DECIMAL_LITERAL.test(condition.value)) ||
        (typeof condition.value === "number" && Number.isSafeInteger(condition.value));
      if (!ok) out.push({ path: [...path, "value"], message: f.expectedType("a decimal string or a whole number") });
    }
  } else if (has("dayOfWeek")) {
    onlyKeys(condition, ["dayOfWeek"], path, out);
    const days = condition.dayOfWeek;
    if (!Array.isArray(days) || days.length === 0 || !days.every((d) => WEEKDAY_NAMES.includes(d as Weekday))) {
      out.push({
        path: [...path, "dayOfWeek"],
        message: f.expectedType(`a non-empty list of ${WEEKDAY_NAMES.join(", ")}`),
      });
    }
  } else if (has("dateRange")) {
    onlyKeys(condition, ["dateRange"], path, out);
    const r = condition.dateRange;
    if (!isObject(r) || (r.from === undefined && r.to === undefined))
      return void out.push({
        path: [...path, "dateRange"],
        message: f.expectedType("{ from?: YYYY-MM-DD, to?: YYYY-MM-DD } with at least one end"),
      });
    onlyKeys(r, ["from", "to"], [...path, "dateRange"], out);
    for (const end of ["from", "to"] as const) {
      if (r[end] !== undefined && (typeof r[end] !== "string" || !isLocalDate(r[end] as string)))
        out.push({ path: [...path, "dateRange", end], message: f.notLocalDate });
    }
    if (typeof r.from === "string" && typeof r.to === "string" && r.to < r.from)
      out.push({ path: [...path, "dateRange", "to"], message: f.rangeReversed });
  } else if (has("timeOfDay")) {
    onlyKeys(condition, ["timeOfDay"], path, out);
    const r = condition.timeOfDay;
    if (!isObject(r))
      return void out.push({ path: [...path, "timeOfDay"], message: f.expectedType("{ from: HH:MM, to: HH:MM }") });
    onlyKeys(r, ["from", "to"], [...path, "timeOfDay"], out);
    for (const end of ["from", "to"] as const)
      if (typeof r[end] !== "string" || !TIME.test(r[end] as string))
        out.push({ path: [...path, "timeOfDay", end], message: f.notTime });
  } else if (has("birthday")) {
    onlyKeys(condition, ["birthday"], path, out);
    if (condition.birthday !== "day" && condition.birthday !== "month")
      out.push({ path: [...path, "birthday"], message: f.expectedType('"day" or "month"') });
  } else if (has("tier")) {
    onlyKeys(condition, ["tier"], path, out);
    stringList(condition.tier, [...path, "tier"], out);
  } else if (has("segments")) {
    onlyKeys(condition, ["segments"], path, out);
    stringList(condition.segments, [...path, "segments"], out);
  } else if (has("firstInCategory")) {
    onlyKeys(condition, ["firstInCategory"], path, out);
    stringList(condition.firstInCategory, [...path, "firstInCategory"], out);
  } else if (has("lines")) {
    onlyKeys(condition, ["lines", "minQuantity", "minAmount"], path, out);
    validateLineFilter(condition.lines, [...path, "lines"], out);
    if (
      condition.minQuantity !== undefined &&
      !(Number.isSafeInteger(condition.minQuantity) && (condition.minQuantity as number) > 0)
    )
      out.push({ path: [...path, "minQuantity"], message: f.expectedType("a whole number above zero") });
    if (
      condition.minAmount !== undefined &&
      !(typeof condition.minAmount === "string" && DECIMAL_LITERAL.test(condition.minAmount))
    )
      out.push({ path: [...path, "minAmount"], message: f.notDecimal });
  } else {
    out.push({
      path,
      message: f.expectedType(
        "a condition: all, any, not, field, dayOfWeek, dateRange, timeOfDay, birthday, tier, segments, lines or firstInCategory",
      ),
    });
  }
}
