/**
 * Expiry in a program definition: calendar spans, and the policies by which a wallet's points
 * expire (a term, a calendar period, inactivity, never).
 */
import * as z from "zod/mini";
import { messages } from "../errors/messages.js";
import { CALENDAR_UNITS, PERIOD_END_UNITS } from "../shared/periods.js";
import { count } from "./schema-values.js";

const f = messages.field;

/** A calendar span with at least one part above zero. */
export const durationSchema = z
  .strictObject({ years: z.optional(count), months: z.optional(count), days: z.optional(count) })
  .check(z.refine((d) => (d.years ?? 0) + (d.months ?? 0) + (d.days ?? 0) > 0, { error: f.notPositive }));

/**
 * Where a term's expiry is rounded up to: the end of the local day, ISO week (Monday first), month,
 * quarter, half-year (end of June or December) or year it falls in, or `{ month }`: the end of the
 * first such month on or after it (Voucherify's "particular month": `{ month: 3 }`, the next March).
 */
const roundUpTo = z.optional(
  z.union([
    z.enum(CALENDAR_UNITS),
    z.strictObject({
      month: z.number().check(z.int(), z.minimum(1), z.maximum(12)),
    }),
  ]),
);

/** Round the expiry down to the start of the local day it falls in (Talon.One's `_D`). */
const roundDownTo = z.optional(z.enum(["day"]));

/** The fields of a term: a span after earning, optionally rounded (up or down, not both). */
export const termFields = {
  after: durationSchema,
  roundUpTo,
  roundDownTo,
};

/** A term rounds one way only: both directions at once has no meaning. */
export const oneRounding: [
  (t: { roundUpTo?: unknown; roundDownTo?: unknown }) => boolean,
  { path: PropertyKey[]; error: string },
] = [
  (t) => t.roundUpTo === undefined || t.roundDownTo === undefined,
  { path: ["roundDownTo"], error: "A term rounds up or down, not both." },
];

/** Expiry that is a span after earning, optionally rounded to a local calendar boundary. */
export const termPolicy = z.strictObject({ kind: z.literal("term"), ...termFields }).check(z.refine(...oneRounding));

/**
 * The commands that count as activity for inactivity expiry: "purchase", "spend" (spends and
 * redemptions), "adjust", "refund", "transfer" (sending or receiving), "event" (any custom event) or
 * "event:<type>" (one kind of event).
 */
const activityName = z.string().check(
  z.regex(/^(purchase|spend|adjust|refund|transfer|event|event:.+)$/, {
    error: "An activity is purchase, spend, adjust, refund, transfer, event or event:<type>.",
  }),
);

/** How a wallet's points expire. */
export const expiryPolicySchema = z.discriminatedUnion("kind", [
  termPolicy,
  /** Points earned in a local period expire at the end of the period `after` periods later (after 1, year: end of next year). */
  z.strictObject({
    kind: z.literal("calendar"),
    period: z.enum(PERIOD_END_UNITS),
    after: z.number().check(z.int(), z.minimum(0), z.maximum(100)),
  }),
  /** The whole balance expires `months` after the member's last qualifying activity (or joining). */
  z.strictObject({
    kind: z.literal("inactivity"),
    months: z.number().check(z.int(), z.minimum(1), z.maximum(1200)),
    activity: z.optional(z.array(activityName).check(z.minLength(1))),
  }),
  z.strictObject({ kind: z.literal("none") }),
]);

export type ExpiryPolicy = z.output<typeof expiryPolicySchema>;
