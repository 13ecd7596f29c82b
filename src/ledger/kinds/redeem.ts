/**
 * The `redeem` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal } from "../../shared/decimal.js";
import type { EntryBase, LotDraw, PeriodKeys } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { LotShape } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { counterName } from "../limits.js";
import { countLimit, drawLots, noteActivity, totals } from "./steps.js";

/** What a redemption gave the member. */
export interface Grant {
  /** Voucher codes, one per unit (vouchers and conversions); empty for other kinds. */
  readonly codes: readonly string[];
  /** Money value of the grant in the program's currency (voucher face value × units, conversion value × steps); null if none. */
  readonly value: string | null;
  /** The cause a donation went to; null for other kinds. */
  readonly cause: string | null;
}

/** A redemption: points drawn like a spend (soonest-expiring lots first) for a reward of the catalogue. */
export interface RedeemEntry extends EntryBase {
  readonly kind: "redeem";
  readonly redemptionId: string;
  readonly rewardId: string;
  readonly rewardKind: "voucher" | "product" | "discount" | "donation" | "conversion";
  readonly wallet: string;
  /** Points paid: the unit price (the member's tier's) times the quantity. */
  readonly points: string;
  /** Debit: the lots this entry draws points out of (`lot`, where a kind has it, is a lot it creates). */
  readonly lots: readonly LotDraw[];
  readonly quantity: number;
  /**
   * Units this redemption took from the reward's stock (0: the reward has no stock limit), not the
   * stock left; `quantity` is the units redeemed.
   */
  readonly stock: number;
  /** Periods the units count towards, for the reward's per-member limits. */
  readonly limitKeys: PeriodKeys;
  readonly grant: Grant;
  /** An automatic conversion: the period end it ran for; null for a redemption on request. */
  readonly periodEnd: string | null;
  readonly reference: string | null;
}

export const redeem: EntryKindSpec<RedeemEntry> = {
  fold(s, e, at) {
    assert(s.redemptions[e.redemptionId] === undefined, `redemption ${e.redemptionId} recorded twice`);
    assert(
      Number.isSafeInteger(e.quantity) && e.quantity >= 1 && Number.isSafeInteger(e.stock) && e.stock >= 0,
      `redeem ${e.id}: quantity or stock out of range`,
    );
    // An automatic conversion is the program's doing, not the member's: it is no activity.
    if (e.periodEnd === null) noteActivity(s, "spend", at);
    const draws: { lot: LotShape; points: Decimal }[] = [];
    const drawn = drawLots(s, e.wallet, e.lots, (lot, points) => {
      const { remaining: _, ...shape } = lot;
      draws.push({ lot: shape, points });
    });
    assert(drawn.eq(e.points), `redeem ${e.id}: lots add up to ${drawn}, not ${e.points}`);
    totals(s, e.wallet).spent = totals(s, e.wallet).spent.plus(drawn);
    // An automatic conversion is dated at its period end, whenever it was written.
    const when = e.periodEnd === null ? at : Date.parse(e.periodEnd);
    s.redemptions[e.redemptionId] = {
      id: e.redemptionId,
      rewardId: e.rewardId,
      wallet: e.wallet,
      points: drawn,
      quantity: e.quantity,
      at: when,
      stock: e.stock,
      limitKeys: { ...e.limitKeys },
      cancelled: false,
      draws,
    };
    countLimit(s, counterName.redeemed(e.rewardId), e.limitKeys, new Decimal(e.quantity));
  },
};
