/**
 * A fast check of the commands sent most (recordPurchase, enroll) in their usual shape, beside their
 * zod schemas (commands.ts): zod costs several microseconds a command, a few typeof tests and
 * regular expressions a fraction of that. It returns the command exactly as its schema parses it,
 * or null for anything it does not vouch for (an unusual field, a value it is not sure of, a bad
 * input): zod then parses it, and builds every error, so messages and paths come from one place.
 * test/engine/quick-inputs.test.ts holds both to the same answers on fuzzed inputs.
 */
import type * as z from "zod/mini";
import { isCurrency } from "../shared/currencies.js";
import { isStorableText } from "../shared/storable-text.js";
import { MAX_ID_LENGTH, isBirthday, parseInstant } from "../shared/validation.js";
import type { enrollSchema, purchaseSchema } from "./commands.js";

// The parsed forms (z.output), not commands.ts's public PurchaseCommand/EnrollCommand (z.input).
type ParsedPurchase = z.output<typeof purchaseSchema>;
type ParsedEnroll = z.output<typeof enrollSchema>;

/**
 * A positive amount within MAX_FIGURE (at most 15 integer digits, so below 10^15) with at most
 * MAX_FIGURE_PLACES (8) decimals, in DECIMAL_LITERAL's form. "0" and "0.00" match: `positive` tells.
 */
const PLAIN_AMOUNT = /^(?:0|[1-9]\d{0,14})(?:\.\d{1,8})?$/;
const positive = (text: string) => text.charCodeAt(0) !== 48 /* "0" */ || /[1-9]/.test(text);

const isId = (v: unknown): v is string =>
  typeof v === "string" && v.length >= 1 && v.length <= MAX_ID_LENGTH && isStorableText(v);
const isInstant = (v: unknown): v is string | Date =>
  typeof v === "string" ? parseInstant(v) !== null : v instanceof Date && Number.isFinite(v.getTime());

/** A plain object (an object literal, JSON.parse's), whose own keys are all in `allowed`. */
function plainKeys(input: unknown, allowed: ReadonlySet<string>): string[] | null {
  if (typeof input !== "object" || input === null) return null;
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return null;
  const keys = Object.keys(input);
  for (const k of keys) if (!allowed.has(k)) return null;
  return keys;
}

/** What each field must be; optional fields absent or present with a value (undefined goes to zod). */
type FieldChecks = Readonly<Record<string, (v: unknown) => boolean>>;

function quick<T>(input: unknown, fields: FieldChecks, allowed: ReadonlySet<string>, required: readonly string[]) {
  try {
    const keys = plainKeys(input, allowed);
    if (keys === null) return null;
    const record = input as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = record[k];
      if (!fields[k]!(v)) return null;
      out[k] = v;
    }
    for (const k of required) if (!(k in out)) return null;
    return out as T;
  } catch {
    // A getter or a proxy threw: zod reads it again and says so (INVALID_COMMAND).
    return null;
  }
}

const purchaseFields: FieldChecks = {
  key: isId,
  memberId: isId,
  purchaseId: isId,
  amount: (v) => typeof v === "string" && PLAIN_AMOUNT.test(v) && positive(v),
  currency: (v) => typeof v === "string" && isCurrency(v),
  occurredAt: isInstant,
};
const purchaseAllowed = new Set(Object.keys(purchaseFields));
const purchaseRequired = ["key", "memberId", "purchaseId", "amount", "currency"];

/** A recordPurchase input without lines or attributes, as purchaseSchema parses it; else null. */
export const quickPurchase = (input: unknown): ParsedPurchase | null =>
  quick<ParsedPurchase>(input, purchaseFields, purchaseAllowed, purchaseRequired);

const enrollFields: FieldChecks = {
  key: isId,
  memberId: isId,
  joinedAt: isInstant,
  birthday: (v) => typeof v === "string" && isBirthday(v),
};
const enrollAllowed = new Set(Object.keys(enrollFields));
const enrollRequired = ["key", "memberId"];

/** An enroll input without attributes, as enrollSchema parses it; else null. */
export const quickEnroll = (input: unknown): ParsedEnroll | null =>
  quick<ParsedEnroll>(input, enrollFields, enrollAllowed, enrollRequired);
