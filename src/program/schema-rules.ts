/**
 * Earning rules in a program definition: what triggers a rule, its conditions, its awards (rate,
 * fixed, multiplier, per unit), its caps, its expiry override and its campaign window.
 */
import * as z from "zod/mini";
import { decimalString, idString, instant } from "../shared/validation.js";
import { COUNTING_PERIODS } from "../shared/periods.js";
import { validateCondition, validateLineFilter, type Condition, type LineFilter } from "./conditions.js";
import { oneRounding, termFields } from "./schema-expiry.js";
import { points, roundingMode } from "./schema-values.js";

export const conditionSchema = z
  .custom<Condition>(() => true)
  .check(
    z.superRefine((value, ctx) => {
      const issues: { path: (string | number)[]; message: string }[] = [];
      validateCondition(value, [], issues);
      for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    }),
  );

export const lineFilterSchema = z
  .custom<LineFilter>(() => true)
  .check(
    z.superRefine((value, ctx) => {
      const issues: { path: (string | number)[]; message: string }[] = [];
      validateLineFilter(value, [], issues);
      for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    }),
  );

const awardSchema = z.discriminatedUnion("kind", [
  /** `points` per `per` units of money: 1 per 1 (Tesco), 2.5 per 1, 1 per 10. */
  z.strictObject({
    kind: z.literal("rate"),
    points,
    per: decimalString({ sign: "positive" }),
    wallet: idString,
    lines: z.optional(lineFilterSchema),
    rounding: z.optional(roundingMode),
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
    rules: z.optional(z.array(idString).check(z.minLength(1))),
    /** Only the points earlier rules earned on the lines this filter selects are multiplied (×3 on one SKU). */
    lines: z.optional(lineFilterSchema),
    rounding: z.optional(roundingMode),
  }),
  /** `points` for every unit (line quantity) of the lines a filter selects, or of every line. */
  z.strictObject({ kind: z.literal("perUnit"), points, wallet: idString, lines: z.optional(lineFilterSchema) }),
]);

const periodCap = z.strictObject({
  period: z.enum(COUNTING_PERIODS),
  points,
});

export const ruleSchema = z.strictObject({
  id: idString,
  name: z.optional(z.string().check(z.maxLength(500))),
  /** What triggers the rule: "purchase", or the type of a custom event ("signup", "review", ...). */
  on: idString,
  when: z.optional(conditionSchema),
  awards: z.array(awardSchema).check(z.minLength(1)),
  /** Caps bound the points the rule awards into each wallet: per command and per member per period. */
  caps: z.optional(
    z.strictObject({ perCommand: z.optional(points), perMember: z.optional(z.array(periodCap).check(z.minLength(1))) }),
  ),
  /**
   * A campaign budget: the points the rule may award across all members, in total or per local
   * period, taken in the same commit as each award (like reward stock). Spent, the rule awards
   * nothing more until the next period; refunds do not give points back to it.
   */
  budget: z.optional(z.strictObject({ points, period: z.optional(z.enum(COUNTING_PERIODS)) })),
  /** Overrides the wallet's expiry for the points this rule awards (campaign points that last 30 days). */
  expiry: z.optional(z.strictObject(termFields).check(z.refine(...oneRounding))),
  /** Campaign window: the rule applies to commands that occur in [from, until). */
  active: z.optional(z.strictObject({ from: z.optional(instant), until: z.optional(instant) })),
  /** Higher runs first; equal priorities keep the order of the list. */
  priority: z.optional(z.number().check(z.int(), z.minimum(-1_000_000), z.maximum(1_000_000))),
  /** When this rule matches, no later rule is evaluated for the command. */
  stopFurtherRules: z.optional(z.boolean()),
});

/** @interface */
export type RuleDefinition = z.output<typeof ruleSchema>;
export type AwardDefinition = z.output<typeof awardSchema>;
