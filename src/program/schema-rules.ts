/**
 * Earning rules in a program definition: what triggers a rule, its conditions, its awards (rate,
 * fixed, multiplier), its caps, its expiry override and its campaign window.
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
    points: points.describe("Points per `per` units of money."),
    per: decimalString({ sign: "positive" }).describe("The money `points` are awarded per."),
    wallet: idString.describe("The wallet the points go into."),
    lines: lineFilterSchema.optional().describe("Only the lines this filter selects count. Default: the whole amount."),
    rounding: roundingMode.optional().describe("Rounds this award instead of the program's rounding."),
  }),
  /** A fixed number of points each time the rule matches. */
  z.strictObject({
    kind: z.literal("fixed"),
    points: points.describe("Points each time the rule matches."),
    wallet: idString.describe("The wallet the points go into."),
  }),
  /**
   * Multiplies the points that earlier rules awarded into `wallet` in the same command: factor 2
   * adds as many again ("double points"). `rules` limits which rules count; default all earlier.
   */
  z.strictObject({
    kind: z.literal("multiplier"),
    factor: decimalString({ sign: "positive", max: undefined }).describe(
      "Adds factor - 1 times the points earlier rules awarded into the wallet in the command: 2 doubles them.",
    ),
    wallet: idString.describe("The wallet whose points are multiplied, and where the extra points go."),
    rules: z.array(idString).min(1).optional().describe("The earlier rules that count. Default: all earlier rules."),
    rounding: roundingMode.optional().describe("Rounds this award instead of the program's rounding."),
  }),
]);

const periodCap = z.strictObject({
  period: z.enum(COUNTING_PERIODS).describe("The local period: day, week (ISO), month, year or lifetime."),
  points: points.describe("Points the rule may award a member per period."),
});

export const ruleSchema = z.strictObject({
  id: idString.describe("The rule's id, named by multipliers and statements."),
  name: z.string().max(500).optional().describe("A name to show members on statements."),
  /** What triggers the rule: "purchase", or the type of a custom event ("signup", "review", ...). */
  on: idString.describe('What triggers the rule: "purchase", a custom event type ("signup", "review"), or tier:<id>.'),
  when: conditionSchema.optional().describe("A condition the command must meet. Default: always."),
  awards: z.array(awardSchema).min(1).describe("What the rule awards: rate, fixed or multiplier awards."),
  /** Caps bound the points the rule awards into each wallet: per command and per member per period. */
  caps: z
    .strictObject({
      perCommand: points.optional().describe("The most points the rule awards per wallet in one command."),
      perMember: z
        .array(periodCap)
        .min(1)
        .optional()
        .describe("The most points the rule awards a member per wallet per local period."),
    })
    .optional()
    .describe("Bounds on the points the rule awards into each wallet. Default: none."),
  /** Overrides the wallet's expiry for the points this rule awards (campaign points that last 30 days). */
  expiry: z
    .strictObject(termFields)
    .refine(...oneRounding)
    .optional()
    .describe("A term for this rule's points instead of the wallet's expiry (campaign points)."),
  /** Campaign window: the rule applies to commands that occur in [from, until). */
  active: z
    .strictObject({
      from: instant.optional().describe("The first instant the rule applies."),
      until: instant.optional().describe("The instant the rule stops applying (exclusive)."),
    })
    .optional()
    .describe("Campaign window: the rule applies to commands that occur in [from, until). Default: always."),
  /** Higher runs first; equal priorities keep the order of the list. */
  priority: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .optional()
    .describe("Higher runs first; equal priorities keep list order. Default 0."),
  /** When this rule matches, no later rule is evaluated for the command. */
  stopFurtherRules: z
    .boolean()
    .optional()
    .describe("When the rule matches, no later rule is evaluated for the command. Default false."),
});

/** @interface */
export type RuleDefinition = z.output<typeof ruleSchema>;
export type AwardDefinition = z.output<typeof awardSchema>;
