/**
 * Tiers in a program definition: the ladder and its thresholds, the qualification window, the
 * review schedule, promotion, demotion, grace and minimum stay.
 */
import * as z from "zod/mini";
import { messages } from "../errors/messages.js";
import { PERIOD_END_UNITS } from "../shared/periods.js";
import { decimalString, idString } from "../shared/validation.js";
import { count, points } from "./schema-values.js";

const f = messages.field;

/** One threshold on a qualification metric, summed over the program's qualification window. */
const thresholdSchema = z.discriminatedUnion("metric", [
  /** Points earned into a wallet in the window (net of points taken back by refunds), not the balance. */
  z.strictObject({ metric: z.literal("points"), wallet: idString, min: points }),
  /** Money spent in the window, net of refunds. */
  z.strictObject({ metric: z.literal("spend"), min: decimalString({ sign: "positive" }) }),
  /** Purchases in the window; a purchase refunded in full no longer counts. */
  z.strictObject({
    metric: z.literal("purchases"),
    min: z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000_000)),
  }),
  /** Custom events of one type in the window (reviews, referrals, ...). */
  z.strictObject({
    metric: z.literal("events"),
    type: idString,
    min: z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000_000)),
  }),
  /**
   * The wallet's available balance (net of debt) at the decision's own instant: not a window sum,
   * so the window does not apply to it (Voucherify's balance qualification).
   */
  z.strictObject({ metric: z.literal("balance"), wallet: idString, min: points }),
]);

const tierLevelSchema = z.strictObject({
  id: idString,
  name: z.optional(z.string().check(z.maxLength(500))),
  /** What reaching (and keeping) the tier takes; the first (base) tier has none, every other tier has some. */
  qualify: z.optional(
    z.strictObject({
      /** "all": every threshold (5 purchases and £500); "any": one of them. Default all. */
      match: z.optional(z.enum(["all", "any"])),
      thresholds: z.array(thresholdSchema).check(z.minLength(1), z.maxLength(20)),
    }),
  ),
});

/** The span the qualification metrics are summed over, local to the program's zone. */
const qualificationWindowSchema = z.discriminatedUnion("kind", [
  z
    .strictObject({ kind: z.literal("rolling"), days: z.optional(count), months: z.optional(count) })
    .check(z.refine((w) => (w.days ?? 0) + (w.months ?? 0) > 0, { error: f.notPositive })),
  z.strictObject({ kind: z.literal("calendarYear") }),
  z.strictObject({ kind: z.literal("calendarHalfYear") }),
  z.strictObject({ kind: z.literal("calendarQuarter") }),
  z.strictObject({ kind: z.literal("calendarMonth") }),
  z.strictObject({ kind: z.literal("membershipYear") }),
  z.strictObject({ kind: z.literal("sinceTierChange") }),
  z.strictObject({ kind: z.literal("lifetime") }),
]);

const reviewScheduleSchema = z.discriminatedUnion("kind", [
  /** At the end of every local month, quarter or year. */
  z.strictObject({ kind: z.literal("periodEnd"), period: z.enum(PERIOD_END_UNITS) }),
  /** On each anniversary of the member's last tier change. */
  z.strictObject({ kind: z.literal("tierAnniversary") }),
  /** Rolling: at the first local midnight at which the member no longer meets the tier's thresholds. */
  z.strictObject({ kind: z.literal("daily") }),
]);

export const tiersSchema = z.strictObject({
  /** The ladder, lowest first. The first tier is the base tier every member starts in. */
  levels: z.array(tierLevelSchema).check(z.minLength(1), z.maxLength(50)),
  window: qualificationWindowSchema,
  /** "immediate": as soon as a command lifts the metric over a threshold; "atReview": at the next review. */
  promotion: z.enum(["immediate", "atReview"]),
  review: z.strictObject({
    schedule: reviewScheduleSchema,
    /** "recompute": to whatever tier the metric supports; "oneDown": at most one level per review. */
    demotion: z.enum(["recompute", "oneDown"]),
    /** Months a tier is held after a review the member fails, before the demotion. Default 0. */
    graceMonths: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(120))),
    /** Months a tier is held at least after it was reached, whatever the reviews say. Default 0. */
    minimumStayMonths: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(120))),
  }),
  /** A refund that takes the metric back under the threshold of a tier reached by promotion: demote "atOnce" or "atReview". */
  refunds: z.enum(["atOnce", "atReview"]),
});

/** @interface */
export type TiersDefinition = z.output<typeof tiersSchema>;
export type TierThreshold = z.output<typeof thresholdSchema>;
export type QualificationWindow = z.output<typeof qualificationWindowSchema>;
