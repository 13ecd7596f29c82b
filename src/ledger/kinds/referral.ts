/**
 * The `referral` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal } from "../../shared/decimal.js";
import type { EntryBase, PeriodKeys } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { counterName } from "../limits.js";
import { countLimit } from "./steps.js";

/** A referral of record, on both members; the events and awards of the referral follow it. */
export interface ReferralEntry extends EntryBase {
  readonly kind: "referral";
  readonly role: "referrer" | "referred";
  readonly counterpartyId: string;
  readonly occurredAt: string;
  /** The referrer's: periods this referral counts towards, for the program's referral limits. */
  readonly limitKeys: PeriodKeys;
}

export const referral: EntryKindSpec<ReferralEntry> = {
  fold(state, entry) {
    assert(entry.counterpartyId !== state.memberId, `referral ${entry.id}: the member refers itself`);
    if (entry.role === "referred") {
      assert(state.referredBy === null, `referral ${entry.id}: member already referred by ${state.referredBy}`);
      state.referredBy = entry.counterpartyId;
    } else {
      countLimit(state, counterName.referrals(), entry.limitKeys, new Decimal(1));
    }
  },
};
