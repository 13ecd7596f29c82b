/**
 * The program as data: the zod schema that validates a program definition at the boundary. The
 * types users write (`ProgramDefinition` and friends) are inferred from it, so they cannot drift.
 */
import { z } from "zod";
import { messages } from "../errors/messages.js";
import { ROUNDING_MODES, type RoundingMode } from "../shared/decimal.js";
import { currencyCode, decimalString, idString, instant, timeZone } from "../shared/validation.js";
import { validateCondition, validateLineFilter, type Condition, type LineFilter } from "./conditions.js";

const f = messages.field;
const roundingMode = z.enum(Object.keys(ROUNDING_MODES) as [RoundingMode, ...RoundingMode[]]);

const condition = z.custom<Condition>(() => true).superRefine((value, ctx) => {
  const issues: { path: (string | number)[]; message: string }[] = [];
  validateCondition(value, [], issues);
  for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
});

const lineFilter = z.custom<LineFilter>(() => true).superRefine((value, ctx) => {
  const issues: { path: (string | number)[]; message: string }[] = [];
  validateLineFilter(value, [], issues);
  for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
});

const count = z.number().int().min(0).max(100_000);
/** A calendar span with at least one part above zero. */
export const durationSchema = z
  .strictObject({ years: count.optional(), months: count.optional(), days: count.optional() })
  .refine((d) => (d.years ?? 0) + (d.months ?? 0) + (d.days ?? 0) > 0, { error: f.notPositive });

const points = decimalString({ sign: "positive" });

/** Expiry that is a span after earning, optionally rounded up to the end of a local period. */
const termPolicy = z.strictObject({
  kind: z.literal("term"),
  after: durationSchema,
  /** Round the expiry up to the end of the local day, month, quarter or year it falls in. */
  roundUpTo: z.enum(["day", "month", "quarter", "year"]).optional(),
});

/**
 * The commands that count as activity for inactivity expiry: "purchase", "spend", "adjust",
 * "refund", "event" (any custom event) or "event:<type>" (one kind of event).
 */
const activityName = z.string().regex(/^(purchase|spend|adjust|refund|event|event:.+)$/, { error: "An activity is purchase, spend, adjust, refund, event or event:<type>." });

/** How a wallet's points expire. */
export const expiryPolicySchema = z.discriminatedUnion("kind", [
  termPolicy,
  /** Points earned in a local period expire at the end of the period `after` periods later (after 1, year: end of next year). */
  z.strictObject({ kind: z.literal("calendar"), period: z.enum(["month", "quarter", "year"]), after: z.number().int().min(0).max(100) }),
  /** The whole balance expires `months` after the member's last qualifying activity (or joining). */
  z.strictObject({ kind: z.literal("inactivity"), months: z.number().int().min(1).max(1200), activity: z.array(activityName).min(1).optional() }),
  z.strictObject({ kind: z.literal("none") }),
]);

const awardSchema = z.discriminatedUnion("kind", [
  /** `points` per `per` units of money: 1 per 1 (Tesco), 2.5 per 1, 1 per 10. */
  z.strictObject({
    kind: z.literal("rate"),
    points,
    per: decimalString({ sign: "positive" }),
    wallet: idString,
    lines: lineFilter.optional(),
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
    rounding: roundingMode.optional(),
  }),
]);

const periodCap = z.strictObject({
  period: z.enum(["day", "week", "month", "year", "lifetime"]),
  points,
});

const ruleSchema = z.strictObject({
  id: idString,
  name: z.string().max(500).optional(),
  /** What triggers the rule: "purchase", or the type of a custom event ("signup", "review", ...). */
  on: idString,
  when: condition.optional(),
  awards: z.array(awardSchema).min(1),
  /** Caps bound the points the rule awards into each wallet: per command and per member per period. */
  caps: z.strictObject({ perCommand: points.optional(), perMember: z.array(periodCap).min(1).optional() }).optional(),
  /** Overrides the wallet's expiry for the points this rule awards (campaign points that last 30 days). */
  expiry: termPolicy.omit({ kind: true }).optional(),
  /** Campaign window: the rule applies to commands that occur in [from, until). */
  active: z.strictObject({ from: instant.optional(), until: instant.optional() }).optional(),
  /** Higher runs first; equal priorities keep the order of the list. */
  priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  /** When this rule matches, no later rule is evaluated for the command. */
  stopFurtherRules: z.boolean().optional(),
});

const walletSchema = z.strictObject({
  id: idString,
  name: z.string().max(500).optional(),
  /** spendable points are redeemed; qualifying points (tier credits) are never spent. */
  kind: z.enum(["spendable", "qualifying"]),
  /** Overrides the program's expiry for this wallet. */
  expiry: expiryPolicySchema.optional(),
  /** Shorthand for `expiry: { kind: "term", after }`; `null` for `{ kind: "none" }`. */
  expiresAfter: durationSchema.nullable().optional(),
});

/** One threshold on a qualification metric, summed over the program's qualification window. */
const thresholdSchema = z.discriminatedUnion("metric", [
  /** Points earned into a wallet in the window (net of points taken back by refunds), not the balance. */
  z.strictObject({ metric: z.literal("points"), wallet: idString, min: points }),
  /** Money spent in the window, net of refunds. */
  z.strictObject({ metric: z.literal("spend"), min: decimalString({ sign: "positive" }) }),
  /** Purchases in the window; a purchase refunded in full no longer counts. */
  z.strictObject({ metric: z.literal("purchases"), min: z.number().int().min(1).max(1_000_000_000) }),
  /** Custom events of one type in the window (reviews, referrals, ...). */
  z.strictObject({ metric: z.literal("events"), type: idString, min: z.number().int().min(1).max(1_000_000_000) }),
]);

const tierLevelSchema = z.strictObject({
  id: idString,
  name: z.string().max(500).optional(),
  /** What reaching (and keeping) the tier takes; the first (base) tier has none, every other tier has some. */
  qualify: z.strictObject({
    /** "all": every threshold (5 purchases and £500); "any": one of them. Default all. */
    match: z.enum(["all", "any"]).optional(),
    thresholds: z.array(thresholdSchema).min(1).max(20),
  }).optional(),
});

/** The span the qualification metrics are summed over, local to the program's zone. */
const qualificationWindowSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("rolling"), days: count.optional(), months: count.optional() })
    .refine((w) => (w.days ?? 0) + (w.months ?? 0) > 0, { error: f.notPositive }),
  z.strictObject({ kind: z.literal("calendarYear") }),
  z.strictObject({ kind: z.literal("membershipYear") }),
  z.strictObject({ kind: z.literal("sinceTierChange") }),
  z.strictObject({ kind: z.literal("lifetime") }),
]);

const reviewScheduleSchema = z.discriminatedUnion("kind", [
  /** At the end of every local month, quarter or year. */
  z.strictObject({ kind: z.literal("periodEnd"), period: z.enum(["month", "quarter", "year"]) }),
  /** On each anniversary of the member's last tier change. */
  z.strictObject({ kind: z.literal("tierAnniversary") }),
  /** Rolling: at the first local midnight at which the member no longer meets the tier's thresholds. */
  z.strictObject({ kind: z.literal("daily") }),
]);

const tiersSchema = z.strictObject({
  /** The ladder, lowest first. The first tier is the base tier every member starts in. */
  levels: z.array(tierLevelSchema).min(1).max(50),
  window: qualificationWindowSchema,
  /** "immediate": as soon as a command lifts the metric over a threshold; "atReview": at the next review. */
  promotion: z.enum(["immediate", "atReview"]),
  review: z.strictObject({
    schedule: reviewScheduleSchema,
    /** "recompute": to whatever tier the metric supports; "oneDown": at most one level per review. */
    demotion: z.enum(["recompute", "oneDown"]),
    /** Months a tier is held after a review the member fails, before the demotion. Default 0. */
    graceMonths: z.number().int().min(0).max(120).optional(),
    /** Months a tier is held at least after it was reached, whatever the reviews say. Default 0. */
    minimumStayMonths: z.number().int().min(0).max(120).optional(),
  }),
  /** A refund that takes the metric back under the threshold of a tier reached by promotion: demote "atOnce" or "atReview". */
  refunds: z.enum(["atOnce", "atReview"]),
});

export const programSchema = z.strictObject({
  id: idString,
  version: z.number().int().min(1),
  name: z.string().max(500).optional(),
  currency: currencyCode,
  timeZone,
  points: z.strictObject({ scale: z.number().int().min(0).max(8), rounding: roundingMode }),
  wallets: z.array(walletSchema).min(1),
  /**
   * The default expiry of every wallet, in the program's time zone: a policy, or `{ after }` as
   * shorthand for a term. Omit for never.
   */
  expiry: z.union([z.strictObject({ after: durationSchema, roundUpTo: termPolicy.shape.roundUpTo }), expiryPolicySchema]).optional(),
  /** Purchase points become available this many days after the purchase (the return window). */
  pending: z.strictObject({ days: z.number().int().min(0).max(3650) }).optional(),
  refunds: z.strictObject({
    /** What a refund does when the purchase's points were already spent. */
    negativeBalance: z.enum(["only_pending", "within_balance", "allow_debt"]),
    /** The rate rule that prices a return with no receipt. */
    baseRule: idString.optional(),
  }),
  rules: z.array(ruleSchema),
  /** Member tiers: the ladder, qualification, promotion, reviews and demotion. Omit for none. */
  tiers: tiersSchema.optional(),
});

/** A program as its owner writes it (JSON). */
export type ProgramDefinition = z.input<typeof programSchema>;
export type RuleDefinition = z.output<typeof ruleSchema>;
export type AwardDefinition = z.output<typeof awardSchema>;
export type WalletDefinition = z.output<typeof walletSchema>;
export type ExpiryPolicy = z.output<typeof expiryPolicySchema>;
export type TiersDefinition = z.output<typeof tiersSchema>;
export type TierThreshold = z.output<typeof thresholdSchema>;
export type QualificationWindow = z.output<typeof qualificationWindowSchema>;
export type NegativeBalancePolicy = z.output<typeof programSchema>["refunds"]["negativeBalance"];
