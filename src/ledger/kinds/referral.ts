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
  fold(s, e) {
    assert(e.counterpartyId !== s.memberId, `referral ${e.id}: the member refers itself`);
    if (e.role === "referred") {
      assert(s.referredBy === null, `referral ${e.id}: member already referred by ${s.referredBy}`);
      s.referredBy = e.counterpartyId;
    } else {
      countLimit(s, counterName.referrals(), e.limitKeys, new Decimal(1));
    }
  },
};
