/**
 * What the engine's commands, reads and sweeps return: plain data, amounts as decimal strings.
 * Every write result carries the entries it wrote and, as `Replayable`, whether it was replayed.
 */
import type { ReleasedLot } from "../accrual/release.js";
import type { ExpiringPoints } from "../expiry/due.js";
import type { Entry, Grant, RedeemEntry, TierReason } from "../ledger/entries.js";
import type { CompiledReward } from "../program/compile.js";

export interface RedeemResult {
  readonly memberId: string;
  readonly redemptionId: string;
  readonly rewardId: string;
  readonly kind: RedeemEntry["rewardKind"];
  readonly quantity: number;
  readonly wallet: string;
  /** Points paid. */
  readonly points: string;
  /** What the member got: codes, money value, cause. */
  readonly grant: Grant;
  readonly entries: readonly Entry[];
}

export interface CancelResult {
  readonly memberId: string;
  readonly redemptionId: string;
  readonly rewardId: string;
  readonly wallet: string;
  /** Points put back into their original lots. */
  readonly restored: string;
  /** Points whose lot had expired by its own date, given back as a new lot with the program's grace term. */
  readonly regranted: string;
  /** Points forfeited: their lot had expired (grace 0), or the wallet lapsed for inactivity after the redemption. */
  readonly forfeited: string;
  /** Points that went to repay debt. */
  readonly debtRepaid: string;
  /**
   * Points a refund of their purchase had let the member keep because this redemption had spent
   * them: taken back now (a reverse entry), as the refund would have.
   */
  readonly reclaimed: string;
  /** Units given back to the reward's stock. */
  readonly stock: number;
  readonly entries: readonly Entry[];
}

export interface TransferResult {
  readonly transferId: string;
  readonly fromMemberId: string;
  readonly toMemberId: string;
  readonly wallet: string;
  readonly points: string;
  /** Both members' entries: the sender's first. */
  readonly entries: readonly Entry[];
}

export interface ReferralResult {
  readonly referrerId: string;
  readonly referredId: string;
  readonly referrer: PreviewResult;
  readonly referred: PreviewResult;
  /** Both members' entries: the referrer's first. */
  readonly entries: readonly Entry[];
}

export interface ReleaseResult {
  readonly memberId: string;
  /** The purchase whose pending points were released; null: all of the member's. */
  readonly purchaseId: string | null;
  /** One per lot made spendable; empty when nothing was pending (not an error). */
  readonly released: readonly ReleasedLot[];
  /** Points made spendable per wallet (wallets with none are absent). */
  readonly points: Readonly<Record<string, string>>;
  readonly entries: readonly Entry[];
}

export interface RestockResult {
  readonly rewardId: string;
  readonly units: number;
  readonly entries: readonly Entry[];
}

/** A reward as one member sees it now: price, and whether and how many they may redeem. */
export interface RewardOffer {
  readonly rewardId: string;
  readonly name: string | null;
  readonly kind: CompiledReward["kind"];
  readonly wallet: string;
  /** Points per unit for this member (their tier's price if the reward has one). */
  readonly price: string;
  /** Money per unit, if the reward has a value. */
  readonly value: string | null;
  /** Whether at least one unit may be redeemed now (offered, eligible, within limits, in stock, affordable). */
  readonly redeemable: boolean;
  /** Why not, when it may not: the code and message a redemption would be refused with. */
  readonly refusal: { readonly code: string; readonly message: string } | null;
  /** Units the member's available points pay for. */
  readonly affordableUnits: number;
  /** Units the member's limits still allow; null: no limit. */
  readonly unitsLeftInLimits: number | null;
  /** Units left in stock; null: unlimited. */
  readonly stock: number | null;
}

export interface ConversionSweepResult {
  readonly asOf: string;
  readonly scanned: number;
  /** Members with at least one conversion written. */
  readonly members: number;
  readonly conversions: number;
  /** Points converted per wallet. */
  readonly points: Readonly<Record<string, string>>;
  /** Members skipped because their write failed (see SweepFailure). */
  readonly failed: readonly SweepFailure[];
}

/** One rule's contribution to a command, as results and previews show it. */
export interface AwardLine {
  readonly ruleId: string;
  readonly ruleName: string | null;
  readonly wallet: string;
  readonly points: string;
  /** Points before caps; differs from `points` only when a cap applied. */
  readonly uncapped: string;
}

/** A campaign budget a matched rule drew on (program `rules[].budget`). */
export interface BudgetLine {
  readonly ruleId: string;
  /** Points this command's awards took from it. */
  readonly taken: string;
  /** Points it has left after them (for its current period). */
  readonly left: string;
  /** It has run out: the rule awarded less than it would have, or nothing is left. */
  readonly exhausted: boolean;
}

export interface EarnResult {
  readonly memberId: string;
  readonly purchaseId: string | null;
  readonly awards: readonly AwardLine[];
  /** Points earned per wallet. */
  readonly totals: Readonly<Record<string, string>>;
  /** When the points become spendable (after the return window for purchases). */
  readonly availableAt: string | null;
  /** The campaign budgets its matched rules drew on; absent when none has one. */
  readonly budgets?: readonly BudgetLine[];
  readonly entries: readonly Entry[];
}

export interface RefundResult {
  readonly memberId: string;
  readonly purchaseId: string | null;
  readonly reversed: readonly { wallet: string; points: string; debt: string; forgiven: string }[];
  readonly entries: readonly Entry[];
}

export interface PointsResult {
  readonly memberId: string;
  readonly wallet: string;
  readonly points: string;
  readonly entries: readonly Entry[];
}

/** A checkout hold made (engine.hold). */
export interface HoldResult {
  readonly memberId: string;
  readonly holdId: string;
  readonly wallet: string;
  readonly points: string;
  /** When the hold is released by itself unless captured or released first. */
  readonly expiresAt: string;
  readonly entries: readonly Entry[];
}

/** A checkout hold closed (captureHold, releaseHold): captured + returned + forfeited = the hold's points. */
export interface HoldSettlementResult {
  readonly memberId: string;
  readonly holdId: string;
  readonly wallet: string;
  /** Points spent (0 for a release). */
  readonly captured: string;
  /** Points back in the member's lots. */
  readonly returned: string;
  /** Points whose lot expired while they were held: written off, not returned. */
  readonly forfeited: string;
  readonly entries: readonly Entry[];
}

export interface EnrollResult {
  readonly memberId: string;
  readonly entries: readonly Entry[];
}

export interface ImportResult {
  readonly memberId: string;
  /** The import entry (and, in a program with tiers given no tier, its first tier entries: joined, and any promotion the imported metrics earn). */
  readonly entries: readonly Entry[];
}

/**
 * What `updateMember` returns: the profile entry is in `entries`. The result names no attribute
 * itself, so the idempotency record keeps no personal data beyond the entries erasure redacts.
 */
export interface MemberUpdateResult {
  readonly memberId: string;
  readonly entries: readonly Entry[];
}

/** What `eraseMember` returns: how many stored entries lost personal fields; `entries` holds the erasure entry. */
export interface MemberErasureResult {
  readonly memberId: string;
  /** Stored entries redacted (the member's, and a counterpart's transfer entry that shared a reference). */
  readonly redacted: number;
  readonly entries: readonly Entry[];
}

/** Every write result says whether it was replayed from an earlier call with the same key. */
export type Replayable<T> = T & { readonly replayed: boolean };

/** A member a sweep skipped because its write failed for a reason of its own; the next sweep tries again. */
export interface SweepFailure {
  readonly memberId: string;
  /** The LoyaltyError code, or the error's name (LedgerInvariantError, ...). */
  readonly code: string;
  readonly message: string;
}

export interface SweepResult {
  /** The sweep's instant: lots due at or before it were written off. */
  readonly asOf: string;
  /** Members the due index named. */
  readonly scanned: number;
  /** Members that had something to write off. */
  readonly members: number;
  readonly lots: number;
  /** Points written off per wallet. */
  readonly points: Readonly<Record<string, string>>;
  /** Members skipped because their write failed (see SweepFailure). */
  readonly failed: readonly SweepFailure[];
}

export interface ExpiringSoonPage {
  readonly members: readonly { readonly memberId: string; readonly expiring: readonly ExpiringPoints[] }[];
  /** Pass as `after` for the next page; null when the scan reached the end of the window. */
  readonly after: { readonly dueAt: number; readonly memberId: string } | null;
}

/** A page of a member's ledger, each entry with the name of the rule that earned it. */
export interface Statement {
  readonly entries: readonly (Entry & { readonly ruleName: string | null })[];
  /** Pass as `afterSeq` for the next page; null on the last page. */
  readonly nextAfterSeq: number | null;
}

export interface PreviewResult {
  readonly awards: readonly AwardLine[];
  readonly totals: Readonly<Record<string, string>>;
  /** The campaign budgets its matched rules would draw on, as left now; absent when none has one. */
  readonly budgets?: readonly BudgetLine[];
}

/** What a tier review sweep did. */
export interface TierSweepResult {
  readonly asOf: string;
  /** Members the due index named (due for a review or for an expiry). */
  readonly scanned: number;
  /** Members that got at least one tier entry. */
  readonly members: number;
  /** Tier entries written, by reason (promotion, requalified, grace_started, demotion, held, floor_ended). */
  readonly changes: Readonly<Partial<Record<TierReason, number>>>;
  /** Members skipped because their write failed (see SweepFailure). */
  readonly failed: readonly SweepFailure[];
}

export interface TierResult {
  readonly memberId: string;
  readonly tier: string;
  readonly entries: readonly Entry[];
}

/** What the notice sweep did. */
export interface NotifyResult {
  readonly asOf: string;
  /**
   * Members the due index named with due work (an expiry, a review, a conversion) before the window
   * ends, plus the members the lapsing reading found.
   */
  readonly scanned: number;
  /** Members with at least one notice committed. */
  readonly members: number;
  /**
   * Notices committed. A notice the feed already holds (a rerun's) is skipped by the store and not
   * written again, but counts here: the engine cannot tell it from a new one without reading the feed.
   */
  readonly notices: number;
  readonly failed: readonly SweepFailure[];
}
