/**
 * The program as data: the zod schema that validates a program definition at the boundary. The
 * types users write (`ProgramDefinition` and friends) are inferred from it, so they cannot drift.
 * Each section's schema has its own module (schema-expiry, schema-rules, schema-tiers,
 * schema-rewards); this one assembles them with wallets, refunds, transfers and referrals.
 */
import * as z from "zod/mini";
import { COUNTING_PERIODS } from "../shared/periods.js";
import { Decimal } from "../shared/decimal.js";
import { currencyCode, decimalString, idString, timeZone } from "../shared/validation.js";
import { durationSchema, expiryPolicySchema, oneRounding, termFields } from "./schema-expiry.js";
import { countLimitSchema, rewardSchema } from "./schema-rewards.js";
import { milestoneSchema } from "./schema-milestones.js";
import { segmentSchema } from "./schema-segments.js";
import { ruleSchema } from "./schema-rules.js";
import { tiersSchema } from "./schema-tiers.js";
import { points, roundingMode } from "./schema-values.js";

export type { ExpiryPolicy } from "./schema-expiry.js";
export type { RuleDefinition, AwardDefinition } from "./schema-rules.js";
export type { TiersDefinition, TierThreshold, QualificationWindow } from "./schema-tiers.js";
export type { RewardDefinition } from "./schema-rewards.js";
export type { MilestoneDefinition } from "./schema-milestones.js";

const walletSchema = z.strictObject({
  id: idString,
  name: z.optional(z.string().check(z.maxLength(500))),
  /**
   * spendable points are redeemed; qualifying points (tier credits) are never spent; a counter
   * holds whole units (keys, stamps) that milestones convert, never expiring unless it says so.
   */
  kind: z.enum(["spendable", "qualifying", "counter"]),
  /** Overrides the program's expiry for this wallet. */
  expiry: z.optional(expiryPolicySchema),
  /** Shorthand for `expiry: { kind: "term", after }`; `null` for `{ kind: "none" }`. */
  expiresAfter: z.optional(z.nullable(durationSchema)),
});

export const programSchema = z.strictObject({
  /** Where an editor finds the program file's JSON Schema (program.schema.json in the package); ignored here. */
  $schema: z.optional(z.string()),
  id: idString,
  version: z.number().check(z.int(), z.minimum(1)),
  name: z.optional(z.string().check(z.maxLength(500))),
  currency: currencyCode,
  timeZone,
  points: z.strictObject({ scale: z.number().check(z.int(), z.minimum(0), z.maximum(8)), rounding: roundingMode }),
  wallets: z.array(walletSchema).check(z.minLength(1)),
  /**
   * The default expiry of every wallet, in the program's time zone: a policy, or `{ after }` as
   * shorthand for a term. Omit for never.
   */
  expiry: z.optional(z.union([z.strictObject(termFields).check(z.refine(...oneRounding)), expiryPolicySchema])),
  /**
   * Purchases across members. `uniqueAcrossMembers: true` refuses a purchase id another member
   * already recorded (a shared receipt) with DUPLICATE_PURCHASE; it needs a store that claims
   * purchase ids (`capabilities.purchaseClaims`). Default false: ids are unique per member only.
   */
  purchases: z.optional(z.strictObject({ uniqueAcrossMembers: z.optional(z.boolean()) })),
  /**
   * Purchase points become available this many days after the purchase (the return window),
   * optionally at the next local midnight after that (`roundUpTo: "day"`).
   */
  pending: z.optional(
    z.strictObject({
      days: z.number().check(z.int(), z.minimum(0), z.maximum(3650)),
      roundUpTo: z.optional(z.enum(["day"])),
    }),
  ),
  refunds: z.strictObject({
    /** What a refund does when the purchase's points were already spent. */
    negativeBalance: z.enum(["only_pending", "within_balance", "allow_debt"]),
    /** The rate rule that prices a return with no receipt. */
    baseRule: z.optional(idString),
    /**
     * Local days after a purchase during which it may be refunded (the shop's return window);
     * omit to accept refunds of a purchase for ever. Once it closes, a refund of the purchase is
     * refused (REFUND_WINDOW_CLOSED), and its lots may be consolidated (docs/ledger.md).
     */
    windowDays: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(36_500))),
  }),
  rules: z.array(ruleSchema),
  /**
   * Milestones: every `every` units of a counter wallet become `units` units of `into`, in the same
   * command that crosses the threshold, in cascade; a refund that takes a converted unit back undoes
   * the conversion (README "Milestones").
   */
  milestones: z.optional(z.array(milestoneSchema).check(z.maxLength(50))),
  /** Member tiers: the ladder, qualification, promotion, reviews and demotion. Omit for none. */
  tiers: z.optional(tiersSchema),
  /**
   * Named segments (docs/members.md): without `when`, explicit (set on members by enroll and
   * updateMember); with `when`, derived: a member is in it while the condition holds on their
   * profile (member attributes and tier only). Rule conditions and rewards may name them.
   */
  segments: z.optional(z.array(segmentSchema).check(z.maxLength(200))),
  /** The reward catalogue. */
  rewards: z.optional(z.array(rewardSchema).check(z.maxLength(10_000))),
  /**
   * What cancelling a redemption does with points whose original lot expired in the meantime: they
   * come back as a new lot that expires `graceDays` local days after the cancellation (default 30);
   * 0 forfeits them (written off as expired at once).
   */
  cancellation: z.optional(z.strictObject({ graceDays: z.number().check(z.int(), z.minimum(0), z.maximum(3650)) })),
  /** Transfers of points between members: allowed only from and to the wallets listed here. Omit to allow none. */
  transfers: z.optional(
    z.strictObject({
      wallets: z.array(idString).check(z.minLength(1)),
      /** The smallest transfer. */
      minPoints: z.optional(points),
      /** Points a member may send per local period. */
      limits: z.optional(z.array(z.strictObject({ period: z.enum(COUNTING_PERIODS), points })).check(z.minLength(1))),
    }),
  ),
  /**
   * Paying with points at checkout (docs/checkout.md): what a point pays, how long a hold lasts, and
   * the share of an order's basket points may pay. Omit: holds last 15 minutes, any share.
   */
  checkout: z.optional(
    z.strictObject({
      pointValue: z.optional(decimalString({ sign: "positive" })),
      holdMinutes: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(43_200))),
      minShare: z.optional(decimalString({ sign: "nonNegative", max: new Decimal(1) })),
      maxShare: z.optional(decimalString({ sign: "positive", max: new Decimal(1) })),
    }),
  ),
  /**
   * Referrals: `engine.refer` records an event of type `referrerEvent` (default "referral") on the
   * referrer and `referredEvent` (default "referred") on the referred member, in one commit; event
   * rules on those types award the points (their caps apply per member, so per referrer).
   */
  referrals: z.optional(
    z.strictObject({
      referrerEvent: z.optional(idString),
      referredEvent: z.optional(idString),
      /** Referrals a referrer may make per local period; more are refused with LIMIT_REACHED. */
      limits: z.optional(z.array(countLimitSchema).check(z.minLength(1))),
      /** The referred member must have joined at most this many days before the referral. */
      withinDays: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(3650))),
    }),
  ),
  /**
   * Automatic donations (docs/donations.md): on every purchase, `share` of its money (`of: "money"`,
   * Target Circle's 1%) or of the points it earned in `wallet` (`of: "points"`) goes to the cause
   * the member chose (their attribute `attribute`, one of `causes`); a refund takes it back in
   * proportion. The program gives it: the member's points are not touched.
   */
  donations: z.optional(
    z.strictObject({
      share: decimalString({ sign: "positive", max: new Decimal(1) }),
      of: z.enum(["points", "money"]),
      wallet: z.optional(idString),
      causes: z.array(idString).check(z.minLength(1), z.maxLength(1000)),
      attribute: z.optional(idString),
    }),
  ),
});

/**
 * A program as its owner writes it (JSON).
 * @interface
 */
export type ProgramDefinition = z.input<typeof programSchema>;
export type WalletDefinition = z.output<typeof walletSchema>;
export type NegativeBalancePolicy = z.output<typeof programSchema>["refunds"]["negativeBalance"];
