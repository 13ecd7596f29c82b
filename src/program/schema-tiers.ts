/**
 * Tiers in a program definition: the ladder and its thresholds, the qualification window, the
 * review schedule, promotion, demotion, grace and minimum stay.
 */
import * as z from "zod";
import { messages } from "../errors/messages.js";
import { PERIOD_END_UNITS } from "../shared/periods.js";
import { decimalString, idString } from "../shared/validation.js";
import { count, points } from "./schema-values.js";

const f = messages.field;

/** One threshold on a qualification metric, summed over the program's qualification window. */
const thresholdSchema = z.discriminatedUnion("metric", [
  /** Points earned into a wallet in the window (net of points taken back by refunds), not the balance. */
  z.strictObject({
    metric: z.literal("points"),
    wallet: idString.describe("The wallet whose earned points count."),
    min: points.describe("Points earned in the window that reach the tier."),
  }),
  /** Money spent in the window, net of refunds. */
  z.strictObject({
    metric: z.literal("spend"),
    min: decimalString({ sign: "positive" }).describe("Money spent in the window, net of refunds."),
  }),
  /** Purchases in the window; a purchase refunded in full no longer counts. */
  z.strictObject({
    metric: z.literal("purchases"),
    min: z.number().int().min(1).max(1_000_000_000).describe("Purchases in the window."),
  }),
  /** Custom events of one type in the window (reviews, referrals, ...). */
  z.strictObject({
    metric: z.literal("events"),
    type: idString.describe("The custom event type counted."),
    min: z.number().int().min(1).max(1_000_000_000).describe("Events of that type in the window."),
  }),
]);

const tierLevelSchema = z.strictObject({
  id: idString.describe("The tier's id, named by conditions, rewards and assignTier."),
  name: z.string().max(500).optional().describe("A name to show members."),
  /** What reaching (and keeping) the tier takes; the first (base) tier has none, every other tier has some. */
  qualify: z
    .strictObject({
      /** "all": every threshold (5 purchases and £500); "any": one of them. Default all. */
      match: z
        .enum(["all", "any"])
        .optional()
        .describe("all: every threshold must be met; any: one of them. Default all."),
      thresholds: z
        .array(thresholdSchema)
        .min(1)
        .max(20)
        .describe("Thresholds on points earned, spend, purchases or events, summed over the window."),
    })
    .optional()
    .describe("What reaching and keeping the tier takes; the base tier has none, every other tier has some."),
});

/** The span the qualification metrics are summed over, local to the program's zone. */
const qualificationWindowSchema = z.discriminatedUnion("kind", [
  z
    .strictObject({
      kind: z.literal("rolling"),
      days: count.optional().describe("The last N local days, today included."),
      months: count.optional().describe("The last N months, today included."),
    })
    .refine((w) => (w.days ?? 0) + (w.months ?? 0) > 0, { error: f.notPositive }),
  z.strictObject({ kind: z.literal("calendarYear") }),
  z.strictObject({ kind: z.literal("membershipYear") }),
  z.strictObject({ kind: z.literal("sinceTierChange") }),
  z.strictObject({ kind: z.literal("lifetime") }),
]);

const reviewScheduleSchema = z.discriminatedUnion("kind", [
  /** At the end of every local month, quarter or year. */
  z.strictObject({
    kind: z.literal("periodEnd"),
    period: z.enum(PERIOD_END_UNITS).describe("Reviews at the end of every local month, quarter or year."),
  }),
  /** On each anniversary of the member's last tier change. */
  z.strictObject({ kind: z.literal("tierAnniversary") }),
  /** Rolling: at the first local midnight at which the member no longer meets the tier's thresholds. */
  z.strictObject({ kind: z.literal("daily") }),
]);

export const tiersSchema = z.strictObject({
  /** The ladder, lowest first. The first tier is the base tier every member starts in. */
  levels: z
    .array(tierLevelSchema)
    .min(1)
    .max(50)
    .describe("The ladder, lowest first; the first is the base tier every member starts in."),
  window: qualificationWindowSchema.describe(
    "The span the metrics are summed over: rolling, calendarYear, membershipYear, sinceTierChange or lifetime.",
  ),
  /** "immediate": as soon as a command lifts the metric over a threshold; "atReview": at the next review. */
  promotion: z
    .enum(["immediate", "atReview"])
    .describe("immediate: in the commit that lifts the metric over a threshold; atReview: at the next review."),
  review: z
    .strictObject({
      schedule: reviewScheduleSchema.describe("When reviews happen: periodEnd, tierAnniversary or daily."),
      /** "recompute": to whatever tier the metric supports; "oneDown": at most one level per review. */
      demotion: z
        .enum(["recompute", "oneDown"])
        .describe("recompute: to whatever tier the window supports; oneDown: at most one level per review."),
      /** Months a tier is held after a review the member fails, before the demotion. Default 0. */
      graceMonths: z
        .number()
        .int()
        .min(0)
        .max(120)
        .optional()
        .describe("Months a tier is held after a failed review, before the demotion. Default 0."),
      /** Months a tier is held at least after it was reached, whatever the reviews say. Default 0. */
      minimumStayMonths: z
        .number()
        .int()
        .min(0)
        .max(120)
        .optional()
        .describe("Months a tier is held at least after it was reached, whatever the reviews say. Default 0."),
    })
    .describe("Tier reviews: their schedule and what they do to a member who no longer qualifies."),
  /** A refund that takes the metric back under the threshold of a tier reached by promotion: demote "atOnce" or "atReview". */
  refunds: z
    .enum(["atOnce", "atReview"])
    .describe(
      "A refund that takes the metric under the threshold of a tier reached by promotion demotes atOnce or atReview.",
    ),
});

/** @interface */
export type TiersDefinition = z.output<typeof tiersSchema>;
export type TierThreshold = z.output<typeof thresholdSchema>;
export type QualificationWindow = z.output<typeof qualificationWindowSchema>;
