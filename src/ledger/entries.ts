/**
 * Ledger entries: the immutable lines of a member's ledger, in their wire/storage form (decimal
 * strings, ISO timestamps), so that a store can keep them as JSON without knowing decimal.js.
 * Every entry names the command that caused it; every entry that moves points names the lots.
 */
import type { PeriodKeys } from "../shared/periods.js";
import type { Scalar } from "../shared/scalar.js";

/** The command that wrote an entry; "expire", "reviewTiers" and "convert" are the engine's own sweeps. */
export type CommandType =
  | "enroll"
  | "purchase"
  | "event"
  | "refund"
  | "adjust"
  | "spend"
  | "expire"
  | "assignTier"
  | "reviewTiers"
  | "redeem"
  | "cancelRedemption"
  | "transfer"
  | "refer"
  | "restock"
  | "convert";

/** Keys of the local periods a limited action counts towards (2026-11-23, 2026-W48, 2026-11, 2026, all). */
export type { PeriodKeys };

/**
 * What an entry adds to the member's tier qualification counters (programs with tiers only): the
 * counter bucket (a local date YYYY-MM-DD, or "all" for lifetime and since-tier-change windows),
 * signed deltas per metric ("points:<wallet>", "spend", "purchases", "events:<type>"), and the
 * oldest dated bucket still needed (older ones are pruned).
 */
export interface MetricStamp {
  readonly bucket: string;
  readonly deltas: Readonly<Record<string, string>>;
  readonly keepFrom: string | null;
}

/** A lot as created by the entry that credits it. Its id is that entry's id. */
export interface LotRecord {
  readonly wallet: string;
  readonly earnedAt: string;
  readonly availableAt: string;
  /** null: never expires. */
  readonly expiresAt: string | null;
}

/** Points drawn from one lot. */
export interface LotDraw {
  readonly lotId: string;
  readonly points: string;
}

interface EntryBase {
  readonly id: string;
  readonly memberId: string;
  /** 1, 2, 3, ... per member, in ledger order. */
  readonly seq: number;
  /** When the entry was written (the engine's clock). */
  readonly at: string;
  /** The idempotency key and the type of the command that wrote the entry. */
  readonly command: { readonly key: string; readonly type: CommandType };
  /** Tier qualification counters this entry moves (programs with tiers). */
  readonly metrics?: MetricStamp;
}

export interface EnrollEntry extends EntryBase {
  readonly kind: "enroll";
  readonly joinedAt: string;
  readonly birthday: string | null;
  readonly attributes: Readonly<Record<string, Scalar>>;
}

/** A purchase of record: it moves no points, and is what refunds are checked against. */
export interface PurchaseEntry extends EntryBase {
  readonly kind: "purchase";
  readonly purchaseId: string;
  readonly amount: string;
  readonly occurredAt: string;
}

/** A custom event of record (signup, review, ...): moves no points; counts as activity. */
export interface EventEntry extends EntryBase {
  readonly kind: "event";
  readonly type: string;
  readonly occurredAt: string;
}

export interface EarnEntry extends EntryBase {
  readonly kind: "earn";
  readonly wallet: string;
  readonly points: string;
  readonly ruleId: string;
  readonly purchaseId: string | null;
  readonly lot: LotRecord;
  /** Part of `points` that went to repay debt (so the lot holds `points - debtRepaid`). */
  readonly debtRepaid: string;
  /** Period keys (local to the program) that this award counts towards, for the rule's caps. */
  readonly capKeys: PeriodKeys;
}

export interface SpendEntry extends EntryBase {
  readonly kind: "spend";
  readonly wallet: string;
  readonly points: string;
  readonly lots: readonly LotDraw[];
  readonly reference: string | null;
}

export interface ExpireEntry extends EntryBase {
  readonly kind: "expire";
  readonly wallet: string;
  readonly points: string;
  readonly lots: readonly LotDraw[];
  /**
   * Set when the wallet's balance lapsed for inactivity: the deadline that passed (the entry may
   * then list no lots: the lapse is recorded all the same, so that a later cancellation knows).
   */
  readonly lapsedAt?: string;
}

/** A refund of money: moves no points by itself; reverse entries follow it per wallet. */
export interface RefundEntry extends EntryBase {
  readonly kind: "refund";
  /** null: a return with no receipt. */
  readonly purchaseId: string | null;
  readonly amount: string;
}

export interface ReverseEntry extends EntryBase {
  readonly kind: "reverse";
  readonly wallet: string;
  /** Points taken back: drawn from lots plus added to debt. */
  readonly points: string;
  readonly lots: readonly LotDraw[];
  readonly debt: string;
  /** Points the policy let the member keep; counted as settled against the purchase. */
  readonly forgiven: string;
  readonly purchaseId: string | null;
}

export interface AdjustEntry extends EntryBase {
  readonly kind: "adjust";
  readonly wallet: string;
  /** Signed: a credit is positive, a debit negative. */
  readonly points: string;
  readonly reason: string;
  readonly reference: string | null;
  /** The lot a credit creates (its id is this entry's id). */
  readonly lot: LotRecord | null;
  readonly debtRepaid: string;
  /** The lots a debit draws from. */
  readonly lots: readonly LotDraw[];
}

/** Why a tier entry was written. */
export type TierReason =
  "joined" | "promotion" | "requalified" | "grace_started" | "demotion" | "refund" | "manual" | "floor_ended" | "held";

/** A tier in wire form: what the member holds after a tier entry. */
export interface TierRecord {
  readonly id: string;
  readonly since: string;
  /** No demotion before this instant (the next review, a minimum stay, a manual floor); null: none promised. */
  readonly guaranteedUntil: string | null;
  /** Set while the member is in a grace period after failing a review: demotion no earlier than this. */
  readonly graceUntil: string | null;
  /** A manually assigned tier the member cannot drop below until `until`. */
  readonly floor: { readonly tier: string; readonly until: string } | null;
  /** The last review instant this member has been through. */
  readonly reviewedAt: string | null;
  /** How the tier was last reached: "promotion" tiers can be taken back at once by a refund (program option). */
  readonly basis: "base" | "promotion" | "review" | "manual";
}

/** A tier change, or a review outcome (requalified, grace started, held), with its reason. */
export interface TierEntry extends EntryBase {
  readonly kind: "tier";
  readonly from: string | null;
  readonly to: string;
  readonly reason: TierReason;
  readonly tier: TierRecord;
  /** For since-tier-change windows: the counters start again from zero. */
  readonly resetMetrics: boolean;
  /** A manual assignment's note; null otherwise. */
  readonly note: string | null;
}

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
  readonly lots: readonly LotDraw[];
  readonly quantity: number;
  /** Units taken from the reward's global stock (0: the reward has no stock limit). */
  readonly stock: number;
  /** Periods the units count towards, for the reward's per-member limits. */
  readonly limitKeys: PeriodKeys;
  readonly grant: Grant;
  /** An automatic conversion: the period end it ran for; null for a redemption on request. */
  readonly periodEnd: string | null;
  readonly reference: string | null;
}

/**
 * A cancelled redemption: its points come back to the lots they were drawn from (`lots`), except
 * those whose lot has expired since: they come back as a new lot with a short grace term (`lot`,
 * `regranted`), or are forfeited (graceDays 0). Debt is repaid first, as by any credit.
 */
export interface CancelEntry extends EntryBase {
  readonly kind: "cancel";
  readonly redemptionId: string;
  readonly rewardId: string;
  readonly wallet: string;
  /** Every point of the redemption: restored + regranted + forfeited + debtRepaid. */
  readonly points: string;
  /** Points put back into the original lots (an emptied lot is opened again with its own dates). */
  readonly lots: readonly LotDraw[];
  /** The grace lot (its id is this entry's id), or null. */
  readonly lot: LotRecord | null;
  readonly regranted: string;
  readonly forfeited: string;
  readonly debtRepaid: string;
  /** Units given back to the reward's stock. */
  readonly stock: number;
  readonly reason: string | null;
}

/** One side of a transfer between members: "out" draws the sender's lots, "in" credits a lot. */
export interface TransferEntry extends EntryBase {
  readonly kind: "transfer";
  readonly direction: "out" | "in";
  readonly transferId: string;
  /** The other member. */
  readonly counterpartyId: string;
  readonly wallet: string;
  readonly points: string;
  /** "out": the lots drawn, soonest-expiring first. */
  readonly lots: readonly LotDraw[];
  /** "in": the lot credited (its id is this entry's id); it keeps the expiry of the sender's lot. */
  readonly lot: LotRecord | null;
  readonly debtRepaid: string;
  /** "out": periods the points count towards, for the program's transfer limits. */
  readonly limitKeys: PeriodKeys;
  readonly reference: string | null;
}

/** A referral of record, on both members; the events and awards of the referral follow it. */
export interface ReferralEntry extends EntryBase {
  readonly kind: "referral";
  readonly role: "referrer" | "referred";
  readonly counterpartyId: string;
  readonly occurredAt: string;
  /** The referrer's: periods this referral counts towards, for the program's referral limits. */
  readonly limitKeys: PeriodKeys;
}

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
  | ReferralEntry;
export type EntryKind = Entry["kind"];

/** An entry before the engine numbers it: `seq` is assigned when it is appended. */
export type EntryDraft = Entry extends infer E ? (E extends Entry ? Omit<E, "seq"> : never) : never;
