/**
 * The program as data: the zod schema that validates a program definition at the boundary. The
 * types users write (`ProgramDefinition` and friends) are inferred from it, so they cannot drift.
 */
import { z } from "zod";
import { messages } from "../errors/messages.js";
import { Decimal, ROUNDING_MODES, type RoundingMode } from "../shared/decimal.js";
import { CALENDAR_UNITS, COUNTING_PERIODS, PERIOD_END_UNITS } from "../shared/periods.js";
import { currencyCode, decimalString, idString, instant, timeZone } from "../shared/validation.js";
import { validateCondition, validateLineFilter, type Condition, type LineFilter } from "./conditions.js";

const f = messages.field;
const roundingMode = z.enum(Object.keys(ROUNDING_MODES) as [RoundingMode, ...RoundingMode[]]);

const condition = z
  .custom<Condition>(() => true)
  .superRefine((value, ctx) => {
    const issues: { path: (string | number)[]; message: string }[] = [];
    validateCondition(value, [], issues);
    for (const issue of issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  });

const lineFilter = z
  .custom<LineFilter>(() => true)
  .superRefine((value, ctx) => {
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
  roundUpTo: z.enum(CALENDAR_UNITS).optional(),
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
    period: z.enum(PERIOD_END_UNITS),
    after: z.number().int().min(0).max(100),
  }),
  /** The whole balance expires `months` after the member's last qualifying activity (or joining). */
  z.strictObject({
    kind: z.literal("inactivity"),
    months: z.number().int().min(1).max(1200),
    activity: z.array(activityName).min(1).optional(),
  }),
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
  period: z.enum(COUNTING_PERIODS),
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
  qualify: z
    .strictObject({
      /** "all": every threshold (5 purchases and £500); "any": one of them. Default all. */
      match: z.enum(["all", "any"]).optional(),
      thresholds: z.array(thresholdSchema).min(1).max(20),
    })
    .optional(),
});

/** The span the qualification metrics are summed over, local to the program's zone. */
const qualificationWindowSchema = z.discriminatedUnion("kind", [
  z
    .strictObject({ kind: z.literal("rolling"), days: count.optional(), months: count.optional() })
    .refine((w) => (w.days ?? 0) + (w.months ?? 0) > 0, { error: f.notPositive }),
  z.strictObject({ kind: z.literal("calendarYear") }),
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

/** A per-member count limit over a local period: 1 a day, 3 a month, 1 for life. */
const countLimitSchema = z.strictObject({
  period: z.enum(COUNTING_PERIODS),
  count: z.number().int().min(1).max(1_000_000),
});

/** Money in the program's currency (a voucher's face value, a conversion's value per step). */
const money = decimalString({ sign: "positive" });

/** What every reward has: its price in points of a wallet, when and to whom it is offered, limits, stock. */
const rewardFields = {
  id: idString,
  name: z.string().max(500).optional(),
  /** The spendable wallet its price is paid from. */
  wallet: idString,
  /** Points per unit (a conversion: points per step). */
  price: points,
  /** Prices for members of some tiers ({ "gold": "400" }); other tiers pay `price`. */
  tierPrices: z.record(idString, points).optional(),
  /** Offered to redemptions in [from, until); omit either end for open. */
  available: z.strictObject({ from: instant.optional(), until: instant.optional() }).optional(),
  /** false withdraws the reward without removing it (cancellations still work). Default true. */
  enabled: z.boolean().optional(),
  /** Only members holding one of these tiers may redeem it. */
  tiers: z.array(idString).min(1).optional(),
  /** Units a member may redeem per local period (cancelled redemptions give their units back). */
  limits: z.array(countLimitSchema).min(1).optional(),
  /**
   * Global stock: the units on hand when the reward is first redeemed. From then on the store keeps
   * the count (redemptions take, cancellations give back, `engine.restock` adds). Omit for unlimited.
   */
  stock: z.number().int().min(0).max(1_000_000_000).optional(),
};

/** The reward catalogue: what members redeem points for. */
export const rewardSchema = z.discriminatedUnion("kind", [
  /** A voucher or coupon: each unit gets a code from the generator the engine is given (`codes`). */
  z.strictObject({ kind: z.literal("voucher"), ...rewardFields, value: money.optional() }),
  /** A product: a gift, a free coffee. */
  z.strictObject({ kind: z.literal("product"), ...rewardFields, sku: idString.optional() }),
  /** A discount on a next order: a percentage or an amount off. */
  z.strictObject({
    kind: z.literal("discount"),
    ...rewardFields,
    discount: z.union([
      z.strictObject({ percent: decimalString({ sign: "positive", max: new Decimal(100) }) }),
      z.strictObject({ amount: money }),
    ]),
  }),
  /** Points given to a cause the member names (a school, a charity): `causes` lists the allowed ones; omit for any. */
  z.strictObject({ kind: z.literal("donation"), ...rewardFields, causes: z.array(idString).min(1).optional() }),
  /**
   * Points converted into a money voucher, `value` per `price` points (Tesco: 150 points become
   * £1.50). On request, or with `automatic` at the end of every local period, for every whole step
   * the member holds.
   */
  z.strictObject({
    kind: z.literal("conversion"),
    ...rewardFields,
    value: money,
    automatic: z.strictObject({ period: z.enum(PERIOD_END_UNITS) }).optional(),
  }),
]);

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
  expiry: z
    .union([z.strictObject({ after: durationSchema, roundUpTo: termPolicy.shape.roundUpTo }), expiryPolicySchema])
    .optional(),
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
  /** The reward catalogue. */
  rewards: z.array(rewardSchema).max(10_000).optional(),
  /**
   * What cancelling a redemption does with points whose original lot expired in the meantime: they
   * come back as a new lot that expires `graceDays` local days after the cancellation (default 30);
   * 0 forfeits them (written off as expired at once).
   */
  cancellation: z.strictObject({ graceDays: z.number().int().min(0).max(3650) }).optional(),
  /** Transfers of points between members: allowed only from and to the wallets listed here. Omit to allow none. */
  transfers: z
    .strictObject({
      wallets: z.array(idString).min(1),
      /** The smallest transfer. */
      minPoints: points.optional(),
      /** Points a member may send per local period. */
      limits: z
        .array(z.strictObject({ period: z.enum(COUNTING_PERIODS), points }))
        .min(1)
        .optional(),
    })
    .optional(),
  /**
   * Referrals: `engine.refer` records an event of type `referrerEvent` (default "referral") on the
   * referrer and `referredEvent` (default "referred") on the referred member, in one commit; event
   * rules on those types award the points (their caps apply per member, so per referrer).
   */
  referrals: z
    .strictObject({
      referrerEvent: idString.optional(),
      referredEvent: idString.optional(),
      /** Referrals a referrer may make per local period; more are refused with LIMIT_REACHED. */
      limits: z.array(countLimitSchema).min(1).optional(),
      /** The referred member must have joined at most this many days before the referral. */
      withinDays: z.number().int().min(0).max(3650).optional(),
    })
    .optional(),
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
export type RewardDefinition = z.output<typeof rewardSchema>;
export type NegativeBalancePolicy = z.output<typeof programSchema>["refunds"]["negativeBalance"];
