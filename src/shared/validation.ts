import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages, type ErrorCode } from "../errors/messages.js";
import { DECIMAL_LITERAL, Decimal, decimalPlaces } from "./decimal.js";
import { MAX_FIGURE, MAX_FIGURE_PLACES } from "./figures.js";
import { isStorableText } from "./storable-text.js";
import { isCurrency } from "./currencies.js";
import { isTimeZone } from "./zones.js";

/** Longest id or idempotency key accepted anywhere: long enough for a UUID with a prefix or a hash. */
export const MAX_ID_LENGTH = 200;

const f = messages.field;

/** Maps zod's issues to our texts; zod's own text is the fallback for codes we do not expect. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return f.required;
      return f.expectedType(issue.expected === "string" ? "a string" : `a value of type ${issue.expected}`);
    case "too_big":
      return issue.origin === "string" ? f.tooLong(Number(issue.maximum)) : f.tooLarge(String(issue.maximum));
    case "too_small":
      return issue.origin === "string" || issue.origin === "array" ? f.empty : f.negative;
    default:
      return undefined;
  }
};

/** Flattens zod issues to field issues: one per unknown key, one per branch of a failed union. */
export function toFieldIssues(error: z.core.$ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  const walk = (issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]) => {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path].map((p) => (typeof p === "number" ? p : String(p)));
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) out.push({ path: [...path, key], message: f.unknownField(key) });
      } else if (issue.code === "invalid_union" && issue.errors.length > 0 && issue.discriminator === undefined) {
        // Report the branch that got furthest: the one with the fewest issues.
        const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
        walk(best, path);
      } else {
        out.push({ path, message: issue.message });
      }
    }
  };
  walk(error.issues, []);
  return out;
}

/**
 * zod's English texts for the issue codes errorMap leaves to zod (an enum's options, a bad
 * discriminator). zod's classic API registers them when its first schema is built; zod/mini does not,
 * so we do, before a parse, and only when no locale is set: a user's
 * `z.config(z.locales.fr())` on the shared configuration stays theirs.
 */
function ensureEnglish(): void {
  if (!z.config().localeError) z.config(en());
}

/**
 * Parses `input` with `schema`: the value, or every bad field as a field issue. `once` is for a
 * schema parsed about once per process (the program): it skips zod's compiled fast path for objects,
 * whose code generation costs more than it saves on a single parse (~12 ms of a cold compile, issue
 * 12). Per parse, so a user's own zod keeps its global configuration.
 */
export function safeParse<S extends z.core.$ZodType>(
  schema: S,
  input: unknown,
  { once = false }: { once?: boolean } = {},
): { success: true; data: z.output<S> } | { success: false; issues: FieldIssue[] } {
  ensureEnglish();
  let result: ReturnType<typeof z.safeParse<S>>;
  try {
    result = z.safeParse(schema, input, { error: errorMap, jitless: once });
  } catch (error) {
    // A getter or a proxy of the input threw while zod read it.
    const detail = error instanceof Error ? error.message : "it threw";
    return { success: false, issues: [{ path: [], message: messages.field.unreadable(detail) }] };
  }
  return result.success
    ? { success: true, data: result.data }
    : { success: false, issues: toFieldIssues(result.error) };
}

/** Parses `input` with `schema`, or throws a LoyaltyError listing every bad field. */
export function parseOrThrow<S extends z.core.$ZodType>(
  schema: S,
  input: unknown,
  code: ErrorCode,
  describe: (count: number) => string,
): z.output<S> {
  const result = safeParse(schema, input);
  if (result.success) return result.data;
  throw new LoyaltyError(code, describe(result.issues.length), { issues: result.issues });
}

/** Whether year-month-day is a real calendar date (years 0-99 too, which Date.UTC would shift). */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const probe = new Date(0);
  probe.setUTCFullYear(year, month - 1, day);
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

export interface DecimalRule {
  /** Most decimals allowed; MAX_FIGURE_PLACES (8) unless given (src/shared/figures.ts). */
  readonly places?: number;
  /** "positive": > 0; "nonNegative": >= 0; "any": signed, but never zero. */
  readonly sign: "positive" | "nonNegative" | "nonZero" | "any";
  readonly max?: Decimal;
}

/** A decimal amount written as a string. Numbers are refused: they would have passed through float. */
export function decimalString(rule: DecimalRule) {
  return z
    .string({
      error: (iss) =>
        iss.input === undefined
          ? f.required
          : typeof iss.input === "number"
            ? f.amountNotString
            : f.expectedType("a decimal string"),
    })
    .check(
      z.superRefine((text, ctx) => {
        if (!DECIMAL_LITERAL.test(text)) return void ctx.addIssue({ code: "custom", message: f.notDecimal });
        const places = rule.places ?? MAX_FIGURE_PLACES;
        if (decimalPlaces(text) > places) return void ctx.addIssue({ code: "custom", message: f.tooPrecise(places) });
        const value = new Decimal(text);
        if (rule.sign === "positive" && !value.gt(0)) ctx.addIssue({ code: "custom", message: f.notPositive });
        if (rule.sign === "nonNegative" && value.isNeg() && !value.isZero())
          ctx.addIssue({ code: "custom", message: f.negative });
        if (rule.sign === "nonZero" && value.isZero()) ctx.addIssue({ code: "custom", message: f.notPositive });
        const max = rule.max ?? MAX_FIGURE;
        if (value.abs().gt(max)) ctx.addIssue({ code: "custom", message: f.tooLarge(max.toString()) });
      }),
    );
}

/** Text a store can keep: `min` to `max` characters, no NUL, no lone surrogate. */
export function storableText(min: number, max: number) {
  return z.string().check(z.minLength(min), z.maxLength(max), z.refine(isStorableText, { error: f.unstorableText }));
}

/** An id or idempotency key: 1 to 200 characters of storable text. */
export const idString = storableText(1, MAX_ID_LENGTH);

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch of an ISO 8601 timestamp with an offset, or null if it is not one. */
export function parseInstant(text: string): number | null {
  const m = INSTANT.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "0"] = m;
  const year = Number(y),
    month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi),
    second = Number(s);
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const offH = m[9] === undefined ? 0 : Number(m[9]);
  const offM = m[10] === undefined ? 0 : Number(m[10]);
  if (offH > 23 || offM > 59) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** An instant: an ISO 8601 string with an offset, or a valid Date. */
export const instant = z
  .custom<string | Date>((v) => typeof v === "string" || v instanceof Date, {
    error: (iss) => (iss.input === undefined ? f.required : f.notInstant),
  })
  .check(
    z.superRefine((v, ctx) => {
      const ok = v instanceof Date ? Number.isFinite(v.getTime()) : parseInstant(v) !== null;
      if (!ok) ctx.addIssue({ code: "custom", message: f.notInstant });
    }),
  );

export function instantMs(value: string | Date): number {
  return value instanceof Date ? value.getTime() : (parseInstant(value) as number);
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export function isLocalDate(text: string): boolean {
  const m = LOCAL_DATE.exec(text);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}
export const localDate = z.string().check(z.refine(isLocalDate, { error: f.notLocalDate }));

/** Whether `s` is a birthday: MM-DD or YYYY-MM-DD (29 February allowed). */
export const isBirthday = (s: string): boolean =>
  isLocalDate(s) || (/^\d{2}-\d{2}$/.test(s) && isLocalDate(`2000-${s}`));

/** A birthday: MM-DD or YYYY-MM-DD (29 February allowed). */
export const birthday = z.string().check(z.refine(isBirthday, { error: f.notBirthday }));

export const timeOfDay = z.string().check(z.refine((s) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s), { error: f.notTime }));

export const currencyCode = z.string().check(z.refine(isCurrency, { error: f.notCurrency }));

export const timeZone = z.string().check(z.refine(isTimeZone, { error: f.notTimeZone }));
