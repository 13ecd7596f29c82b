/**
 * The entry kinds, one file each: the table the fold looks an entry's kind up in. Its type makes the
 * compiler refuse a kind without its spec (or a spec for a kind that does not exist).
 */
import type { Entry, EntryKind } from "../entries.js";
import type { EntryKindSpec } from "./spec.js";
import { enroll } from "./enroll.js";
import { purchase } from "./purchase.js";
import { event } from "./event.js";
import { earn } from "./earn.js";
import { spend } from "./spend.js";
import { expire } from "./expire.js";
import { refund } from "./refund.js";
import { reverse } from "./reverse.js";
import { adjust } from "./adjust.js";
import { tier } from "./tier.js";
import { redeem } from "./redeem.js";
import { cancel } from "./cancel.js";
import { transfer } from "./transfer.js";
import { referral } from "./referral.js";
import { consolidate } from "./consolidate.js";
import { release } from "./release.js";
import { importMember } from "./import.js";
import { profile } from "./profile.js";
import { erasure } from "./erasure.js";
import { hold } from "./hold.js";
import { capture, holdRelease } from "./hold-settle.js";
import { donation } from "./donation.js";
import { milestone } from "./milestone.js";

export type { EntryKindSpec } from "./spec.js";

export const entryKinds: { readonly [K in EntryKind]: EntryKindSpec<Extract<Entry, { kind: K }>> } = {
  enroll,
  purchase,
  event,
  earn,
  spend,
  expire,
  refund,
  reverse,
  adjust,
  tier,
  redeem,
  cancel,
  transfer,
  referral,
  consolidate,
  release,
  import: importMember,
  profile,
  erasure,
  hold,
  capture,
  holdRelease,
  donation,
  milestone,
};
