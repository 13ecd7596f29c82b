/**
 * Ledger entries: the immutable lines of a member's ledger, in their wire/storage form (decimal
 * strings, ISO timestamps), so that a store can keep them as JSON without knowing decimal.js.
 * Every entry names the command that caused it; every entry that moves points names the lots.
 * Each kind's fields live beside its fold in ./kinds/<kind>.ts; this module gathers them.
 */
import type { EnrollEntry } from "./kinds/enroll.js";
import type { PurchaseEntry, PurchaseLineFigures } from "./kinds/purchase.js";
import type { EventEntry } from "./kinds/event.js";
import type { EarnEntry } from "./kinds/earn.js";
import type { SpendEntry } from "./kinds/spend.js";
import type { ExpireEntry } from "./kinds/expire.js";
import type { RefundEntry } from "./kinds/refund.js";
import type { ReverseEntry } from "./kinds/reverse.js";
import type { AdjustEntry } from "./kinds/adjust.js";
import type { TierEntry, TierReason, TierRecord } from "./kinds/tier.js";
import type { RedeemEntry, Grant } from "./kinds/redeem.js";
import type { CancelEntry } from "./kinds/cancel.js";
import type { TransferEntry } from "./kinds/transfer.js";
import type { ReferralEntry } from "./kinds/referral.js";
import type { ConsolidateEntry } from "./kinds/consolidate.js";
import type { ReleaseEntry } from "./kinds/release.js";
import type {
  ImportEntry,
  OpeningDonation,
  OpeningHold,
  OpeningLot,
  OpeningPurchase,
  OpeningPurchaseLine,
  OpeningCounters,
} from "./kinds/import.js";
import type { ProfileEntry } from "./kinds/profile.js";
import type { ErasureEntry } from "./kinds/erasure.js";
import type { HoldEntry } from "./kinds/hold.js";
import type { CaptureEntry, HoldReleaseEntry } from "./kinds/hold-settle.js";
import type { DonationEntry } from "./kinds/donation.js";
import type { MilestoneEntry } from "./kinds/milestone.js";

export type { CommandType, EntryBase, LotDraw, LotRecord, MetricStamp, PeriodKeys } from "./entry-base.js";
export type {
  EnrollEntry,
  PurchaseEntry,
  PurchaseLineFigures,
  EventEntry,
  EarnEntry,
  SpendEntry,
  ExpireEntry,
  RefundEntry,
  ReverseEntry,
  AdjustEntry,
  TierEntry,
  TierReason,
  TierRecord,
  RedeemEntry,
  Grant,
  CancelEntry,
  TransferEntry,
  ReferralEntry,
  ConsolidateEntry,
  ReleaseEntry,
  ImportEntry,
  OpeningLot,
  OpeningPurchase,
  OpeningPurchaseLine,
  OpeningDonation,
  OpeningHold,
  OpeningCounters,
  ProfileEntry,
  ErasureEntry,
  HoldEntry,
  CaptureEntry,
  HoldReleaseEntry,
  DonationEntry,
  MilestoneEntry,
};

export type Entry =
  | EnrollEntry
  | PurchaseEntry
  | EventEntry
  | EarnEntry
  | SpendEntry
  | ExpireEntry
  | RefundEntry
  | ReverseEntry
  | AdjustEntry
  | TierEntry
  | RedeemEntry
  | CancelEntry
  | TransferEntry
  | ReferralEntry
  | ConsolidateEntry
  | ReleaseEntry
  | ImportEntry
  | ProfileEntry
  | ErasureEntry
  | HoldEntry
  | CaptureEntry
  | HoldReleaseEntry
  | DonationEntry
  | MilestoneEntry;
export type EntryKind = Entry["kind"];

/** An entry before the engine numbers it: `seq` is assigned when it is appended. */
export type EntryDraft = Entry extends infer E ? (E extends Entry ? Omit<E, "seq"> : never) : never;
