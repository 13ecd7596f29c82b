/**
 * The importMember command's schema: a member brought in from another loyalty system with their
 * opening state (docs/migrating.md). Shapes only: what the values mean against the program (wallets,
 * tiers, rules, lots within their amounts, totals that balance) is checked by import-check.ts.
 */
import * as z from "zod";
import { messages } from "../errors/messages.js";
import { COUNTING_PERIODS } from "../shared/periods.js";
import { birthday, currencyCode, decimalString, idString, instant, storableText } from "../shared/validation.js";
import { attributesSchema } from "./commands.js";

const f = messages.field;

/**
 * A record keyed by ids from the source system. zod drops an own "__proto__" key without a word
 * (JSON.parse can make one), which would lose a figure: refuse it first, as attributes do. The
 * guard's input type (any record) would hide the fields' types from callers: the cast states them.
 */
function idRecord<V extends z.ZodType>(value: V, max: number) {
  return z
    .custom<Record<string, unknown>>(() => true)
    .superRefine((v, ctx) => {
      if (typeof v === "object" && v !== null && Object.hasOwn(v, "__proto__"))
        ctx.addIssue({ code: "custom", path: ["__proto__"], message: f.reservedKey });
    })
    .pipe(
      z.record(idString, value).refine((r) => Object.keys(r).length <= max, { error: f.tooLarge(`${max} entries`) }),
    ) as unknown as z.ZodType<Record<string, z.output<V>>, Record<string, z.input<V>>>;
}

const points = decimalString({ sign: "nonNegative" });
const signedPoints = decimalString({ sign: "any" });
const money = decimalString({ sign: "nonNegative" });
const perWallet = idRecord(points, 100);

/** A counter kept per period key: { month: { "2026-11": "120" } }. */
const counters = z.partialRecord(z.enum(COUNTING_PERIODS), idRecord(points, 100));

const lifetime = z.strictObject({
  /** Omitted: the figure that balances the others against the lots and the debt (docs/ledger.md). */
  earned: points.optional(),
  spent: points.optional(),
  expired: points.optional(),
  reversed: points.optional(),
  /** Signed sum of manual adjustments. */
  adjusted: signedPoints.optional(),
  transferredIn: points.optional(),
  transferredOut: points.optional(),
});

const lot = z.strictObject({
  wallet: idString,
  /** Points the lot was credited with. */
  amount: decimalString({ sign: "positive" }),
  /** Points still in it; default `amount`. */
  remaining: points.optional(),
  earnedAt: instant,
  /** When the points become spendable (pending until then); default `earnedAt`. */
  availableAt: instant.optional(),
  /** null: never expires; omitted: the program's expiry policy from `earnedAt`. */
  expiresAt: instant.nullable().optional(),
  /** The rule that earned it; omitted: a manual credit. */
  ruleId: idString.optional(),
  /** The purchase that earned it (listed in `purchases`): a refund of it takes these points back. */
  purchaseId: idString.optional(),
});

const purchase = z.strictObject({
  purchaseId: idString,
  /** Money, in the program's currency. */
  amount: decimalString({ sign: "positive" }),
  occurredAt: instant,
  /** Money refunded against it so far. */
  refunded: money.optional(),
  /** Points it earned, per wallet: what a later refund may take back at most. */
  earned: perWallet.optional(),
  /** Points earlier refunds settled (taken back or forgiven), per wallet. */
  settled: perWallet.optional(),
  /** Points earlier refunds took back, per wallet. */
  reversed: perWallet.optional(),
  /** Points of its lots that expired unused, per wallet. */
  expired: perWallet.optional(),
});

const tier = z.strictObject({
  id: idString,
  /** When the member reached it. */
  since: instant,
  /** No demotion before this instant (the source's "held until"). */
  guaranteedUntil: instant.nullable().optional(),
  graceUntil: instant.nullable().optional(),
  /** A tier the member cannot drop below until `until` (a status match, a manual assignment). */
  floor: z.strictObject({ tier: idString, until: instant }).nullable().optional(),
  reviewedAt: instant.nullable().optional(),
  /** How the tier was reached; default "review" ("base" for the base tier). */
  basis: z.enum(["base", "promotion", "review", "manual"]).optional(),
  confirmed: z.strictObject({ tier: idString, until: instant, grace: z.boolean() }).nullable().optional(),
});

export const importMemberSchema = z.strictObject({
  key: idString,
  memberId: idString,
  joinedAt: instant,
  birthday: birthday.nullable().optional(),
  attributes: attributesSchema.optional(),
  /** The currency of the money amounts (purchases); must be the program's. */
  currency: currencyCode.optional(),
  /** The instant the opening state is as of; default now. Period-end work after it still runs. */
  asOf: instant.optional(),
  /** The source system's reference for the member (shown on the statement). */
  source: storableText(1, 200).optional(),
  /** Per wallet: lifetime figures and debt. A wallet with lots but not listed here: debt 0, earned derived. */
  wallets: idRecord(z.strictObject({ debt: points.optional(), lifetime: lifetime.optional() }), 100).optional(),
  lots: z.array(lot).max(10_000).optional(),
  purchases: z.array(purchase).max(10_000).optional(),
  tier: tier.optional(),
  /** Tier qualification counters: per bucket (local date YYYY-MM-DD, or "all"), per metric key. */
  metrics: idRecord(idRecord(signedPoints, 100), 1_000).optional(),
  /** Cap counters: per rule, per wallet, per period, per period key: points awarded. */
  caps: idRecord(idRecord(counters, 100), 1_000).optional(),
  /** Limit counters (reward:<id>, transfers:<wallet>, referrals): per period, per period key. */
  limits: idRecord(counters, 1_000).optional(),
  /** Latest instant of each kind of activity (purchase, spend, adjust, refund, event:<type>): inactivity expiry reads it. */
  activity: idRecord(instant, 1_000).optional(),
  /** Per wallet with inactivity expiry: the latest deadline at which its balance lapsed. */
  lapsed: idRecord(instant, 100).optional(),
  referredBy: idString.nullable().optional(),
});

/** @interface */
export type ImportMemberCommand = z.input<typeof importMemberSchema>;
