/**
 * The program as data: the zod schema that validates a program definition at the boundary. The
 * types users write (`ProgramDefinition` and friends) are inferred from it, so they cannot drift.
 * Each section's schema has its own module (schema-expiry, schema-rules, schema-tiers,
 * schema-rewards); this one assembles them with wallets, refunds, transfers and referrals.
 */
import * as z from "zod";
import { COUNTING_PERIODS } from "../shared/periods.js";
import { currencyCode, idString, timeZone } from "../shared/validation.js";
import { durationSchema, expiryPolicySchema, oneRounding, termFields } from "./schema-expiry.js";
import { countLimitSchema, rewardSchema } from "./schema-rewards.js";
import { ruleSchema } from "./schema-rules.js";
import { tiersSchema } from "./schema-tiers.js";
import { points, roundingMode } from "./schema-values.js";

export type { ExpiryPolicy } from "./schema-expiry.js";
export type { RuleDefinition, AwardDefinition } from "./schema-rules.js";
export type { TiersDefinition, TierThreshold, QualificationWindow } from "./schema-tiers.js";
export type { RewardDefinition } from "./schema-rewards.js";

const walletSchema = z.strictObject({
  id: idString.describe("The wallet's id, named by rules, rewards and commands."),
  name: z.string().max(500).optional().describe("A name to show members."),
  /** spendable points are redeemed; qualifying points (tier credits) are never spent. */
  kind: z
    .enum(["spendable", "qualifying"])
    .describe("spendable: points members redeem; qualifying: tier credits, never spent."),
  /** Overrides the program's expiry for this wallet. */
  expiry: expiryPolicySchema.optional().describe("This wallet's expiry policy, instead of the program's `expiry`."),
  /** Shorthand for `expiry: { kind: "term", after }`; `null` for `{ kind: "none" }`. */
  expiresAfter: durationSchema
    .nullable()
    .optional()
    .describe('Shorthand for `expiry: { kind: "term", after }`; null for `{ kind: "none" }` (never).'),
});

export const programSchema = z.strictObject({
  /** Where an editor finds the program file's JSON Schema (program.schema.json in the package); ignored here. */
  $schema: z.string().optional().describe("Where an editor finds this JSON Schema; ignored by the engine."),
  id: idString.describe("The program's id; idempotency keys are unique per program id."),
  version: z.number().int().min(1).describe("The program's version, for your own records of changes."),
  name: z.string().max(500).optional().describe("A name to show members."),
  currency: currencyCode.describe(
    "ISO 4217 code; amounts with more decimals than the currency's minor unit are refused.",
  ),
  timeZone: timeZone.describe(
    "IANA time zone; days of week, date ranges, periods, pending and expiry dates are local to it.",
  ),
  points: z
    .strictObject({
      scale: z.number().int().min(0).max(8).describe("Decimal places of a point (0: whole points)."),
      rounding: roundingMode.describe("How every award is rounded to the scale, once."),
    })
    .describe("The precision of points and how awards round to it."),
  wallets: z
    .array(walletSchema)
    .min(1)
    .describe("At least one spendable wallet and one qualifying wallet (tier credits, never spent)."),
  /**
   * The default expiry of every wallet, in the program's time zone: a policy, or `{ after }` as
   * shorthand for a term. Omit for never.
   */
  expiry: z
    .union([
      z
        .strictObject(termFields)
        .refine(...oneRounding)
        .describe("Shorthand for a term: `{ after: { months: 12 } }`."),
      expiryPolicySchema,
    ])
    .optional()
    .describe("The default expiry policy of every wallet (a term, calendar, inactivity or none). Default: never."),
  /**
   * Purchases across members. `uniqueAcrossMembers: true` refuses a purchase id another member
   * already recorded (a shared receipt) with DUPLICATE_PURCHASE; it needs a store that claims
   * purchase ids (`capabilities.purchaseClaims`). Default false: ids are unique per member only.
   */
  purchases: z
    .strictObject({
      uniqueAcrossMembers: z
        .boolean()
        .optional()
        .describe(
          "true: a purchase id another member already recorded (a shared receipt) is refused with DUPLICATE_PURCHASE; needs a store with purchaseClaims. Default false.",
        ),
    })
    .optional()
    .describe("How purchase ids are checked across members."),
  /**
   * Purchase points become available this many days after the purchase (the return window),
   * optionally at the next local midnight after that (`roundUpTo: "day"`).
   */
  pending: z
    .strictObject({
      days: z
        .number()
        .int()
        .min(0)
        .max(3650)
        .describe("Purchase points become available this many days after the purchase (the return window)."),
      roundUpTo: z
        .enum(["day"])
        .optional()
        .describe(
          "Release at the end of the local day the pending days end in (the next local midnight: Capillary's next morning) rather than at the purchase's time of day.",
        ),
    })
    .optional()
    .describe("Pending purchase points. Default: available at once."),
  refunds: z
    .strictObject({
      /** What a refund does when the purchase's points were already spent. */
      negativeBalance: z
        .enum(["only_pending", "within_balance", "allow_debt"])
        .describe(
          "What a refund does when the purchase's points were already spent: take back only pending points, also available ones, or also leave debt.",
        ),
      /** The rate rule that prices a return with no receipt. */
      baseRule: idString.optional().describe("The rate rule that prices a return with no receipt."),
      /**
       * Local days after a purchase during which it may be refunded (the shop's return window);
       * omit to accept refunds of a purchase for ever. Once it closes, a refund of the purchase is
       * refused (REFUND_WINDOW_CLOSED), and its lots may be consolidated (docs/ledger.md).
       */
      windowDays: z
        .number()
        .int()
        .min(1)
        .max(36_500)
        .optional()
        .describe(
          "Local days after a purchase during which it may be refunded; later refunds fail with REFUND_WINDOW_CLOSED. Default: for ever.",
        ),
    })
    .describe("How refunds take points back."),
  rules: z.array(ruleSchema).describe("The earning rules."),
  /** Member tiers: the ladder, qualification, promotion, reviews and demotion. Omit for none. */
  tiers: tiersSchema.optional().describe("Member tiers: the ladder, qualification, reviews, demotion. Default: none."),
  /** The reward catalogue. */
  rewards: z.array(rewardSchema).max(10_000).optional().describe("The reward catalogue. Default: none."),
  /**
   * What cancelling a redemption does with points whose original lot expired in the meantime: they
   * come back as a new lot that expires `graceDays` local days after the cancellation (default 30);
   * 0 forfeits them (written off as expired at once).
   */
  cancellation: z
    .strictObject({
      graceDays: z
        .number()
        .int()
        .min(0)
        .max(3650)
        .describe(
          "Points of a cancelled redemption whose lot expired meanwhile come back as a lot that expires this many local days later; 0 forfeits them. Default 30.",
        ),
    })
    .optional()
    .describe("What cancelling a redemption does with points whose lot expired."),
  /** Transfers of points between members: allowed only from and to the wallets listed here. Omit to allow none. */
  transfers: z
    .strictObject({
      wallets: z.array(idString).min(1).describe("The wallets whose points members may transfer."),
      /** The smallest transfer. */
      minPoints: points.optional().describe("The smallest transfer. Default: any."),
      /** Points a member may send per local period. */
      limits: z
        .array(
          z.strictObject({
            period: z.enum(COUNTING_PERIODS).describe("The local period the limit counts over."),
            points: points.describe("Points a member may send per period."),
          }),
        )
        .min(1)
        .optional()
        .describe("Points a member may send per local period. Default: no limit."),
    })
    .optional()
    .describe("Transfers of points between members. Default: none allowed."),
  /**
   * Referrals: `engine.refer` records an event of type `referrerEvent` (default "referral") on the
   * referrer and `referredEvent` (default "referred") on the referred member, in one commit; event
   * rules on those types award the points (their caps apply per member, so per referrer).
   */
  referrals: z
    .strictObject({
      referrerEvent: idString
        .optional()
        .describe('The event type recorded on the referrer, which rules award on. Default "referral".'),
      referredEvent: idString
        .optional()
        .describe('The event type recorded on the referred member. Default "referred".'),
      /** Referrals a referrer may make per local period; more are refused with LIMIT_REACHED. */
      limits: z
        .array(countLimitSchema)
        .min(1)
        .optional()
        .describe("Referrals a referrer may make per local period; more are refused with LIMIT_REACHED."),
      /** The referred member must have joined at most this many days before the referral. */
      withinDays: z
        .number()
        .int()
        .min(0)
        .max(3650)
        .optional()
        .describe("The referred member must have joined at most this many days before. Default: no limit."),
    })
    .optional()
    .describe("Referrals recorded with engine.refer. Default: none."),
});

/**
 * A program as its owner writes it (JSON).
 * @interface
 */
export type ProgramDefinition = z.input<typeof programSchema>;
export type WalletDefinition = z.output<typeof walletSchema>;
export type NegativeBalancePolicy = z.output<typeof programSchema>["refunds"]["negativeBalance"];
