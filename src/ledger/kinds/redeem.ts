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
  fold(state, entry, at) {
    assert(state.redemptions[entry.redemptionId] === undefined, `redemption ${entry.redemptionId} recorded twice`);
    assert(
      Number.isSafeInteger(entry.quantity) &&
        entry.quantity >= 1 &&
        Number.isSafeInteger(entry.stock) &&
        entry.stock >= 0,
      `redeem ${entry.id}: quantity or stock out of range`,
    );
    // An automatic conversion is the program's doing, not the member's: it is no activity.
    if (entry.periodEnd === null) noteActivity(state, "spend", at);
    const draws: { lot: LotShape; points: Decimal }[] = [];
    const drawn = drawLots(state, entry.wallet, entry.lots, (lot, points) => {
      const { remaining: _, ...shape } = lot;
      draws.push({ lot: shape, points });
    });
    assert(drawn.eq(entry.points), `redeem ${entry.id}: lots add up to ${drawn}, not ${entry.points}`);
    totals(state, entry.wallet).spent = totals(state, entry.wallet).spent.plus(drawn);
    // An automatic conversion is dated at its period end, whenever it was written.
    const when = entry.periodEnd === null ? at : Date.parse(entry.periodEnd);
    state.redemptions[entry.redemptionId] = {
      id: entry.redemptionId,
      rewardId: entry.rewardId,
      wallet: entry.wallet,
      points: drawn,
      quantity: entry.quantity,
      at: when,
      stock: entry.stock,
      limitKeys: { ...entry.limitKeys },
      cancelled: false,
      draws,
    };
    countLimit(state, counterName.redeemed(entry.rewardId), entry.limitKeys, new Decimal(entry.quantity));
  },
};
