/**
 * The importMember command's schema: a member brought in from another loyalty system with their
 * opening state (docs/migrating.md). Shapes only: what the values mean against the program (wallets,
 * tiers, rules, lots within their amounts, totals that balance) is checked by import-check.ts.
 */
import * as z from "zod/mini";
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
function idRecord<V extends z.core.$ZodType>(value: V, max: number) {
  return z.pipe(
    z
      .custom<Record<string, unknown>>(() => true)
      .check(
        z.superRefine((v, ctx) => {
          if (typeof v === "object" && v !== null && Object.hasOwn(v, "__proto__"))
            ctx.addIssue({ code: "custom", path: ["__proto__"], message: f.reservedKey });
        }),
      ),
    z
      .record(idString, value)
      .check(z.refine((r) => Object.keys(r).length <= max, { error: f.tooLarge(`${max} entries`) })),
  ) as unknown as z.ZodMiniType<Record<string, z.output<V>>, Record<string, z.input<V>>>;
}

const points = decimalString({ sign: "nonNegative" });
const signedPoints = decimalString({ sign: "any" });
const money = decimalString({ sign: "nonNegative" });
const perWallet = idRecord(points, 100);

/** A counter kept per period key: { month: { "2026-11": "120" } }. */
const counters = z.partialRecord(z.enum(COUNTING_PERIODS), idRecord(points, 100));

const lifetime = z.strictObject({
  /** Omitted: the figure that balances the others against the lots and the debt (docs/ledger.md). */
  earned: z.optional(points),
  spent: z.optional(points),
  expired: z.optional(points),
  reversed: z.optional(points),
  /** Signed sum of manual adjustments. */
  adjusted: z.optional(signedPoints),
  transferredIn: z.optional(points),
  transferredOut: z.optional(points),
});

const lot = z.strictObject({
  wallet: idString,
  /** Points the lot was credited with. */
  amount: decimalString({ sign: "positive" }),
  /** Points still in it; default `amount`. */
  remaining: z.optional(points),
  earnedAt: instant,
  /** When the points become spendable (pending until then); default `earnedAt`. */
  availableAt: z.optional(instant),
  /** null: never expires; omitted: the program's expiry policy from `earnedAt`. */
  expiresAt: z.optional(z.nullable(instant)),
  /** The rule that earned it; omitted: a manual credit. */
  ruleId: z.optional(idString),
  /** The purchase that earned it (listed in `purchases`): a refund of it takes these points back. */
  purchaseId: z.optional(idString),
});

const units = (min: number) => z.number().check(z.int(), z.minimum(min), z.maximum(1_000_000));

/** One SKU of a purchase, for refunds by line (lines of one SKU merged). */
const purchaseLine = z.strictObject({
  sku: idString,
  /** Units bought. */
  quantity: units(1),
  /** Units returned so far; default 0. */
  returned: z.optional(units(0)),
  /** Points its units earned, per wallet (awards tied to lines only). */
  earned: z.optional(perWallet),
});

const purchase = z.strictObject({
  purchaseId: idString,
  /** Money, in the program's currency. */
  amount: decimalString({ sign: "positive" }),
  occurredAt: instant,
  /** Money refunded against it so far. */
  refunded: z.optional(money),
  /** Points it earned, per wallet: what a later refund may take back at most. */
  earned: z.optional(perWallet),
  /** Points earlier refunds settled (taken back or forgiven), per wallet. */
  settled: z.optional(perWallet),
  /** Points earlier refunds took back, per wallet. */
  reversed: z.optional(perWallet),
  /** Points of its lots that expired unused, per wallet. */
  expired: z.optional(perWallet),
  /** What each SKU earned, so that a later refund naming lines takes back theirs; omit: refunds in proportion only. */
  lines: z.optional(z.array(purchaseLine).check(z.maxLength(1000))),
  /** Money refunded by earlier refunds that named lines (part of `refunded`). */
  lineRefunded: z.optional(money),
  /** Its automatic donation (docs/donations.md): what was given and what refunds took back; a later refund takes back the rest in proportion. */
  donation: z.optional(
    z.strictObject({
      cause: idString,
      of: z.enum(["points", "money"]),
      /** The wallet whose points it is a share of; only with of: points. */
      wallet: z.optional(idString),
      amount: decimalString({ sign: "positive" }),
      returned: z.optional(money),
    }),
  ),
});

/**
 * An open checkout hold (docs/checkout.md): its points are out of their lots already and counted in
 * the wallet's lifetime `spent`, as the hold entry left them; after the import it can be captured or
 * released, or expires by itself.
 */
const openHold = z.strictObject({
  holdId: idString,
  wallet: idString,
  /** When the hold was placed. */
  placedAt: instant,
  /** When the clock releases it unless captured or released first. */
  expiresAt: instant,
  /** Money: the order's basket, when the hold named one. */
  orderAmount: z.optional(decimalString({ sign: "positive" })),
  reference: z.optional(idString),
  /** The points it drew, soonest-expiring first (a capture keeps the first): each from a lot of `lots`, by its 0-based place (a lot emptied by holds is listed with remaining 0). */
  draws: z
    .array(z.strictObject({ lot: units(0), points: decimalString({ sign: "positive" }) }))
    .check(z.minLength(1), z.maxLength(1000)),
});

const tier = z.strictObject({
  id: idString,
  /** When the member reached it. */
  since: instant,
  /** No demotion before this instant (the source's "held until"). */
  guaranteedUntil: z.optional(z.nullable(instant)),
  graceUntil: z.optional(z.nullable(instant)),
  /** A tier the member cannot drop below until `until` (a status match, a manual assignment). */
  floor: z.optional(z.nullable(z.strictObject({ tier: idString, until: instant }))),
  reviewedAt: z.optional(z.nullable(instant)),
  /** How the tier was reached; default "review" ("base" for the base tier). */
  basis: z.optional(z.enum(["base", "promotion", "review", "manual"])),
  confirmed: z.optional(z.nullable(z.strictObject({ tier: idString, until: instant, grace: z.boolean() }))),
});

export const importMemberSchema = z.strictObject({
  key: idString,
  memberId: idString,
  joinedAt: instant,
  birthday: z.optional(z.nullable(birthday)),
  attributes: z.optional(attributesSchema),
  /** The currency of the money amounts (purchases); must be the program's. */
  currency: z.optional(currencyCode),
  /** The instant the opening state is as of; default now. Period-end work after it still runs. */
  asOf: z.optional(instant),
  /** The source system's reference for the member (shown on the statement). */
  source: z.optional(storableText(1, 200)),
  /** Per wallet: lifetime figures and debt. A wallet with lots but not listed here: debt 0, earned derived. */
  wallets: z.optional(idRecord(z.strictObject({ debt: z.optional(points), lifetime: z.optional(lifetime) }), 100)),
  lots: z.optional(z.array(lot).check(z.maxLength(10_000))),
  purchases: z.optional(z.array(purchase).check(z.maxLength(10_000))),
  /** Open checkout holds; their points are counted in the wallets' `spent` and out of the lots' `remaining`. */
  holds: z.optional(z.array(openHold).check(z.maxLength(1000))),
  tier: z.optional(tier),
  /** Tier qualification counters: per bucket (local date YYYY-MM-DD, or "all"), per metric key. */
  metrics: z.optional(idRecord(idRecord(signedPoints, 100), 1_000)),
  /** Cap counters: per rule, per wallet, per period, per period key: points awarded. */
  caps: z.optional(idRecord(idRecord(counters, 100), 1_000)),
  /** Limit counters (reward:<id>, transfers:<wallet>, referrals): per period, per period key. */
  limits: z.optional(idRecord(counters, 1_000)),
  /** Latest instant of each kind of activity (purchase, spend, adjust, refund, event:<type>): inactivity expiry reads it. */
  activity: z.optional(idRecord(instant, 1_000)),
  /** Per wallet with inactivity expiry: the latest deadline at which its balance lapsed. */
  lapsed: z.optional(idRecord(instant, 100)),
  referredBy: z.optional(z.nullable(idString)),
});

/** @interface */
export type ImportMemberCommand = z.input<typeof importMemberSchema>;
