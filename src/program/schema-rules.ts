/**
 * Earning rules in a program definition: what triggers a rule, its conditions, its awards (rate,
 * fixed, multiplier, per unit), its caps, its expiry override and its campaign window.
 */
import * as z from "zod";
import { decimalString, idString, instant } from "../shared/validation.js";
import { COUNTING_PERIODS } from "../shared/periods.js";
import { validateCondition, validateLineFilter, type Condition, type LineFilter } from "./conditions.js";
import { oneRounding, termFields } from "./schema-expiry.js";
import { points, roundingMode } from "./schema-values.js";

export const conditionSchema = z
  .custom<Condition>(() => true)
  .superRefine((value, ctx) => {
    const issues: { path: (string | number)[]; message: string }[] = [];
    validateCondition(value, [], issues);
    for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  });

export const lineFilterSchema = z
  .custom<LineFilter>(() => true)
  .superRefine((value, ctx) => {
    const issues: { path: (string | number)[]; message: string }[] = [];
    validateLineFilter(value, [], issues);
    for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  });

const awardSchema = z.discriminatedUnion("kind", [
  /** `points` per `per` units of money: 1 per 1 (Tesco), 2.5 per 1, 1 per 10. */
  z.strictObject({
    kind: z.literal("rate"),
    points,
    per: decimalString({ sign: "positive" }),
    wallet: idString,
    lines: lineFilterSchema.optional(),
    rounding: roundingMode.optional(),
  }),
  /** A fixed number of points each time the rule matches. */
  z.strictObject({ kind: z.literal("fixed"), points, wallet: idString }),
  /**
   * Multiplies the points that earlier rules awarded into `wallet` in the same command: factor 2
   * adds as many again ("double points"). `rules` limits which rules count; default all earlier.
   */
  z.strictObject({
    kind: z.literal("multiplier"),
    factor: decimalString({ sign: "positive", max: undefined }),
    wallet: idString,
    rules: z.array(idString).min(1).optional(),
    /** Only the points earlier rules earned on the lines this filter selects are multiplied (×3 on one SKU). */
    lines: lineFilterSchema.optional(),
    rounding: roundingMode.optional(),
  }),
  /** `points` for every unit (line quantity) of the lines a filter selects, or of every line. */
  z.strictObject({ kind: z.literal("perUnit"), points, wallet: idString, lines: lineFilterSchema.optional() }),
]);

const periodCap = z.strictObject({
  period: z.enum(COUNTING_PERIODS),
  points,
});

export const ruleSchema = z.strictObject({
  id: idString,
  name: z.string().max(500).optional(),
  /** What triggers the rule: "purchase", or the type of a custom event ("signup", "review", ...). */
  on: idString,
  when: conditionSchema.optional(),
  awards: z.array(awardSchema).min(1),
  /** Caps bound the points the rule awards into each wallet: per command and per member per period. */
  caps: z.strictObject({ perCommand: points.optional(), perMember: z.array(periodCap).min(1).optional() }).optional(),
  /**
   * A campaign budget: the points the rule may award across all members, in total or per local
   * period, taken in the same commit as each award (like reward stock). Spent, the rule awards
   * nothing more until the next period; refunds do not give points back to it.
   */
  budget: z.strictObject({ points, period: z.enum(COUNTING_PERIODS).optional() }).optional(),
  /** Overrides the wallet's expiry for the points this rule awards (campaign points that last 30 days). */
  expiry: z
    .strictObject(termFields)
    .refine(...oneRounding)
    .optional(),
  /** Campaign window: the rule applies to commands that occur in [from, until). */
  active: z.strictObject({ from: instant.optional(), until: instant.optional() }).optional(),
  /** Higher runs first; equal priorities keep the order of the list. */
  priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  /** When this rule matches, no later rule is evaluated for the command. */
  stopFurtherRules: z.boolean().optional(),
});

/** @interface */
export type RuleDefinition = z.output<typeof ruleSchema>;
export type AwardDefinition = z.output<typeof awardSchema>;
