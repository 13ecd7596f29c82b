/**
 * The reward catalogue in a program definition: what every reward has (price, availability, tiers,
 * limits, stock) and the five kinds (voucher, product, discount, donation, conversion).
 */
import * as z from "zod";
import { Decimal } from "../shared/decimal.js";
import { COUNTING_PERIODS, PERIOD_END_UNITS } from "../shared/periods.js";
import { decimalString, idString, instant } from "../shared/validation.js";
import { points } from "./schema-values.js";

/** A per-member count limit over a local period: 1 a day, 3 a month, 1 for life. */
export const countLimitSchema = z.strictObject({
  period: z.enum(COUNTING_PERIODS).describe("The local period: day, week (ISO), month, year or lifetime."),
  count: z.number().int().min(1).max(1_000_000).describe("How many per period."),
});

/** Money in the program's currency (a voucher's face value, a conversion's value per step). */
const money = decimalString({ sign: "positive" });

/** What every reward has: its price in points of a wallet, when and to whom it is offered, limits, stock. */
const rewardFields = {
  id: idString.describe("The reward's id, named by redeem, restock and stock."),
  name: z.string().max(500).optional().describe("A name to show members."),
  /** The spendable wallet its price is paid from. */
  wallet: idString.describe("The spendable wallet its price is paid from."),
  /** Points per unit (a conversion: points per step). */
  price: points.describe("Points per unit (a conversion: points per step)."),
  /** Prices for members of some tiers ({ "gold": "400" }); other tiers pay `price`. */
  tierPrices: z
    .record(idString, points)
    .optional()
    .describe('Prices for members of some tiers ({ "gold": "400" }); other tiers pay `price`.'),
  /** Offered to redemptions in [from, until); omit either end for open. */
  available: z
    .strictObject({
      from: instant.optional().describe("The first instant it is offered."),
      until: instant.optional().describe("The instant it stops being offered (exclusive)."),
    })
    .optional()
    .describe("Offered to redemptions in [from, until); omit either end for open. Default: always."),
  /** false withdraws the reward without removing it (cancellations still work). Default true. */
  enabled: z
    .boolean()
    .optional()
    .describe("false withdraws the reward without removing it (cancellations still work). Default true."),
  /** Only members holding one of these tiers may redeem it. */
  tiers: z
    .array(idString)
    .min(1)
    .optional()
    .describe("Only members holding one of these tiers may redeem it. Default: every member."),
  /** Units a member may redeem per local period (cancelled redemptions give their units back). */
  limits: z
    .array(countLimitSchema)
    .min(1)
    .optional()
    .describe("Units a member may redeem per local period (cancellations give them back). Default: no limit."),
  /**
   * Global stock: the units on hand when the reward is first redeemed. From then on the store keeps
   * the count (redemptions take, cancellations give back, `engine.restock` adds). Omit for unlimited.
   */
  stock: z
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .optional()
    .describe("Units on hand before the first redemption; the store keeps the count from then. Default: unlimited."),
};

/** The reward catalogue: what members redeem points for. */
export const rewardSchema = z.discriminatedUnion("kind", [
  /** A voucher or coupon: each unit gets a code from the generator the engine is given (`codes`). */
  z.strictObject({
    kind: z.literal("voucher"),
    ...rewardFields,
    value: money.optional().describe("The voucher's face value in the program's currency."),
  }),
  /** A product: a gift, a free coffee. */
  z.strictObject({
    kind: z.literal("product"),
    ...rewardFields,
    sku: idString.optional().describe("Your product's SKU, for fulfilment."),
  }),
  /** A discount on a next order: a percentage or an amount off. */
  z.strictObject({
    kind: z.literal("discount"),
    ...rewardFields,
    discount: z
      .union([
        z.strictObject({
          percent: decimalString({ sign: "positive", max: new Decimal(100) }).describe("Percent off, at most 100."),
        }),
        z.strictObject({ amount: money.describe("Money off, in the program's currency.") }),
      ])
      .describe("A percentage or an amount off a next order."),
  }),
  /** Points given to a cause the member names (a school, a charity): `causes` lists the allowed ones; omit for any. */
  z.strictObject({
    kind: z.literal("donation"),
    ...rewardFields,
    causes: z.array(idString).min(1).optional().describe("The causes a member may name. Default: any."),
  }),
  /**
   * Points converted into a money voucher, `value` per `price` points (Tesco: 150 points become
   * £1.50). On request, or with `automatic` at the end of every local period, for every whole step
   * the member holds.
   */
  z.strictObject({
    kind: z.literal("conversion"),
    ...rewardFields,
    value: money.describe("Money per step of `price` points."),
    automatic: z
      .strictObject({
        period: z.enum(PERIOD_END_UNITS).describe("Converts at the end of every local month, quarter or year."),
      })
      .optional()
      .describe("Convert every whole step automatically at each period end. Default: on request only."),
  }),
]);

export type RewardDefinition = z.output<typeof rewardSchema>;
