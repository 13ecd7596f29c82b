/**
 * The reward catalogue in a program definition: what every reward has (price, availability, tiers,
 * limits, stock) and the five kinds (voucher, product, discount, donation, conversion).
 */
import * as z from "zod/mini";
import { Decimal } from "../shared/decimal.js";
import { COUNTING_PERIODS, PERIOD_END_UNITS } from "../shared/periods.js";
import { decimalString, idString, instant } from "../shared/validation.js";
import { points } from "./schema-values.js";

/** A per-member count limit over a local period: 1 a day, 3 a month, 1 for life. */
export const countLimitSchema = z.strictObject({
  period: z.enum(COUNTING_PERIODS),
  count: z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000)),
});

/** Money in the program's currency (a voucher's face value, a conversion's value per step). */
const money = decimalString({ sign: "positive" });

/** What every reward has: its price in points of a wallet, when and to whom it is offered, limits, stock. */
const rewardFields = {
  id: idString,
  name: z.optional(z.string().check(z.maxLength(500))),
  /** The spendable wallet its price is paid from. */
  wallet: idString,
  /** Points per unit (a conversion: points per step). */
  price: points,
  /** Prices for members of some tiers ({ "gold": "400" }); other tiers pay `price`. */
  tierPrices: z.optional(z.record(idString, points)),
  /** Offered to redemptions in [from, until); omit either end for open. */
  available: z.optional(z.strictObject({ from: z.optional(instant), until: z.optional(instant) })),
  /** false withdraws the reward without removing it (cancellations still work). Default true. */
  enabled: z.optional(z.boolean()),
  /** Only members holding one of these tiers may redeem it. */
  tiers: z.optional(z.array(idString).check(z.minLength(1))),
  /** Only members in one of these segments of the program may redeem it. */
  segments: z.optional(z.array(idString).check(z.minLength(1))),
  /** Units a member may redeem per local period (cancelled redemptions give their units back). */
  limits: z.optional(z.array(countLimitSchema).check(z.minLength(1))),
  /**
   * Global stock: the units on hand when the reward is first redeemed. From then on the store keeps
   * the count (redemptions take, cancellations give back, `engine.restock` adds). Omit for unlimited.
   */
  stock: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(1_000_000_000))),
};

/** The reward catalogue: what members redeem points for. */
export const rewardSchema = z.discriminatedUnion("kind", [
  /** A voucher or coupon: each unit gets a code from the generator the engine is given (`codes`). */
  z.strictObject({ kind: z.literal("voucher"), ...rewardFields, value: z.optional(money) }),
  /** A product: a gift, a free coffee. */
  z.strictObject({ kind: z.literal("product"), ...rewardFields, sku: z.optional(idString) }),
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
  z.strictObject({
    kind: z.literal("donation"),
    ...rewardFields,
    causes: z.optional(z.array(idString).check(z.minLength(1))),
  }),
  /**
   * Points converted into a money voucher, `value` per `price` points (Tesco: 150 points become
   * £1.50). On request, or with `automatic` at the end of every local period, for every whole step
   * the member holds.
   */
  z.strictObject({
    kind: z.literal("conversion"),
    ...rewardFields,
    value: money,
    automatic: z.optional(z.strictObject({ period: z.enum(PERIOD_END_UNITS) })),
  }),
]);

export type RewardDefinition = z.output<typeof rewardSchema>;
