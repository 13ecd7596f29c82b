/**
 * Expiry in a program definition: calendar spans, and the policies by which a wallet's points
 * expire (a term, a calendar period, inactivity, never).
 */
import * as z from "zod";
import { messages } from "../errors/messages.js";
import { CALENDAR_UNITS, PERIOD_END_UNITS } from "../shared/periods.js";
import { count } from "./schema-values.js";

const f = messages.field;

/** A calendar span with at least one part above zero. */
export const durationSchema = z
  .strictObject({
    years: count.optional().describe("Calendar years."),
    months: count.optional().describe("Calendar months."),
    days: count.optional().describe("Local days."),
  })
  .refine((d) => (d.years ?? 0) + (d.months ?? 0) + (d.days ?? 0) > 0, { error: f.notPositive });

/** Expiry that is a span after earning, optionally rounded up to the end of a local period. */
export const termPolicy = z.strictObject({
  kind: z.literal("term"),
  after: durationSchema.describe("The span after earning at which each lot expires."),
  /** Round the expiry up to the end of the local day, month, quarter or year it falls in. */
  roundUpTo: z
    .enum(CALENDAR_UNITS)
    .optional()
    .describe("Round the expiry up to the end of the local day, month, quarter or year it falls in."),
});

/**
 * The commands that count as activity for inactivity expiry: "purchase", "spend" (spends and
 * redemptions), "adjust", "refund", "transfer" (sending or receiving), "event" (any custom event) or
 * "event:<type>" (one kind of event).
 */
const activityName = z.string().regex(/^(purchase|spend|adjust|refund|transfer|event|event:.+)$/, {
  error: "An activity is purchase, spend, adjust, refund, transfer, event or event:<type>.",
});

/** How a wallet's points expire. */
export const expiryPolicySchema = z.discriminatedUnion("kind", [
  termPolicy,
  /** Points earned in a local period expire at the end of the period `after` periods later (after 1, year: end of next year). */
  z.strictObject({
    kind: z.literal("calendar"),
    period: z.enum(PERIOD_END_UNITS).describe("The local period points are grouped by."),
    after: z
      .number()
      .int()
      .min(0)
      .max(100)
      .describe("Points earned in a period expire at the end of the period this many periods later."),
  }),
  /** The whole balance expires `months` after the member's last qualifying activity (or joining). */
  z.strictObject({
    kind: z.literal("inactivity"),
    months: z
      .number()
      .int()
      .min(1)
      .max(1200)
      .describe("The whole balance expires this many months after the last activity (or joining)."),
    activity: z
      .array(activityName)
      .min(1)
      .optional()
      .describe(
        "What counts as activity: purchase, spend, adjust, refund, transfer, event, event:<type>. Default purchase, spend, event, transfer.",
      ),
  }),
  z.strictObject({ kind: z.literal("none") }),
]);

export type ExpiryPolicy = z.output<typeof expiryPolicySchema>;
