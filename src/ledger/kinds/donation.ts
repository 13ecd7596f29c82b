/**
 * The `donation` entry: a share of a purchase given to the cause the member chose, or taken back
 * by a refund (docs/donations.md). It moves none of the member's points (the program gives it), so
 * it is outside the wallets' conservation; it keeps on the purchase's record what was given and
 * taken back, which a later refund reads and the fold holds to 0 <= returned <= given.
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { EntryBase } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { updatePurchase } from "./steps.js";

export interface DonationEntry extends EntryBase {
  readonly kind: "donation";
  readonly purchaseId: string;
  /** One of the program's causes, as the member had chosen it when they bought. */
  readonly cause: string;
  /** What `amount` counts: money in the program's currency, or points of `wallet`. */
  readonly of: "points" | "money";
  /** The wallet whose points it is a share of; null for money. */
  readonly wallet: string | null;
  /** Positive: given on the purchase; negative: taken back by a refund of it. */
  readonly amount: string;
}

export const donation: EntryKindSpec<DonationEntry> = {
  fold(state, entry) {
    const amount = new Decimal(entry.amount);
    const what = `donation ${entry.id}`;
    updatePurchase(state, entry.purchaseId, what, (record) => {
      const given = record.donation;
      if (amount.gt(0)) {
        assert(given === undefined, `${what}: purchase ${entry.purchaseId} donated twice`);
        return {
          ...record,
          donation: { cause: entry.cause, of: entry.of, wallet: entry.wallet, amount, returned: ZERO },
        };
      }
      assert(given !== undefined && given.cause === entry.cause, `${what}: takes back a donation never given`);
      const returned = given.returned.minus(amount);
      assert(amount.lt(0) && returned.lte(given.amount), `${what}: takes back more than was given`);
      return { ...record, donation: { ...given, returned } };
    });
  },
};
