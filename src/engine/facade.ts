/**
 * The engine's public shape: every command, read and sweep it offers. `createLoyaltyEngine`
 * (engine.ts) assembles it from one module per command family.
 */
import type { Program } from "../program/compile.js";
import type * as schemas from "./commands.js";
import type * as holdSchemas from "./hold-schemas.js";
import type { MemberSummary } from "./summary.js";
import type { ImportMemberCommand } from "./import-schema.js";
import type { LiabilityOptions, LiabilityReport } from "./liability.js";
import type { DonationsOptions, DonationStatement } from "./donation-statement.js";
import type { EventPage } from "../store/port.js";
import type { LapsingPage, MemberPage } from "./listing.js";
import type { IndexMembersResult } from "./member-backfill.js";
import type {
  CancelResult,
  ConversionSweepResult,
  EarnResult,
  EnrollResult,
  HoldResult,
  HoldSettlementResult,
  MemberUpdateResult,
  MemberErasureResult,
  ExpiringSoonPage,
  NotifyResult,
  ImportResult,
  PointsResult,
  PreviewResult,
  RedeemResult,
  ReferralResult,
  RefundResult,
  ReleaseResult,
  Replayable,
  RestockResult,
  RewardOffer,
  Statement,
  SweepResult,
  TierResult,
  TierSweepResult,
  TransferResult,
} from "./results.js";

/** Replaces the type of `K` in a command: how a typed program's ids reach the command types. */
export type WithField<C, K extends keyof C, T> = Omit<C, K> & { readonly [P in K]: T };

/**
 * What an engine offers. `W` and `R` are the program's wallet and reward ids when it was written
 * with `defineProgram`; `string` otherwise.
 */
export interface LoyaltyEngine<W extends string = string, R extends string = string> {
  readonly program: Program;
  enroll(command: schemas.EnrollCommand): Promise<Replayable<EnrollResult>>;
  /**
   * Changes a member's profile: each attribute given is set (a value) or removed (null), the
   * birthday set or cleared (null), explicit segments joined and left. Conditions read the new
   * profile from this command on; earlier awards stand. An entry on the statement.
   */
  updateMember(command: schemas.UpdateMemberCommand): Promise<Replayable<MemberUpdateResult>>;
  /**
   * Erases what identifies the person (attributes, birthday, explicit segments, free-text reasons,
   * notes and references) from the member's snapshot, entries and idempotency records, in one
   * commit; amounts, lots, dates and ids stay, and every invariant holds (docs/members.md). Needs
   * a store with `capabilities.erasure` (STORE_FAILURE otherwise). The member stays enrolled.
   */
  eraseMember(command: schemas.EraseMemberCommand): Promise<Replayable<MemberErasureResult>>;
  recordPurchase(command: schemas.PurchaseCommand): Promise<Replayable<EarnResult>>;
  recordEvent(command: schemas.EventCommand): Promise<Replayable<EarnResult>>;
  refund(command: schemas.RefundCommand): Promise<Replayable<RefundResult>>;
  /**
   * Makes the member's pending points (all, or one purchase's) spendable now, e.g. when the order
   * ships: one `release` entry and one `points.available` event per lot. Nothing pending is an
   * empty result; a purchase the member never made is PURCHASE_NOT_FOUND.
   */
  releasePending(command: schemas.ReleasePendingCommand): Promise<Replayable<ReleaseResult>>;
  adjust(command: WithField<schemas.AdjustCommand, "wallet", W>): Promise<Replayable<PointsResult>>;
  spend(command: WithField<schemas.SpendCommand, "wallet", W>): Promise<Replayable<PointsResult>>;
  /**
   * Reserves points for an order at checkout (docs/checkout.md): they leave the available balance at
   * once, soonest-expiring first, until `captureHold` spends them, `releaseHold` gives them back, or
   * the hold expires (released by itself). Refuses with INSUFFICIENT_POINTS, HOLD_EXISTS or
   * SHARE_OUT_OF_BOUNDS, writing nothing.
   */
  hold(command: WithField<holdSchemas.HoldCommand, "wallet", W>): Promise<Replayable<HoldResult>>;
  /** Spends a hold's points (all, or `points` of them; the rest go back). HOLD_NOT_FOUND if none is open. */
  captureHold(command: holdSchemas.CaptureHoldCommand): Promise<Replayable<HoldSettlementResult>>;
  /** Gives a hold's points back to the lots they came from. HOLD_NOT_FOUND if none is open. */
  releaseHold(command: holdSchemas.ReleaseHoldCommand): Promise<Replayable<HoldSettlementResult>>;
  summary(memberId: string, options?: schemas.SummaryOptions): Promise<MemberSummary>;
  statement(memberId: string, options?: schemas.StatementOptions): Promise<Statement>;
  previewPurchase(input: schemas.PreviewPurchaseInput): Promise<PreviewResult>;
  /**
   * The expiry sweep: writes off every lot due by now (its expiresAt, or its wallet's inactivity
   * deadline), member by member, touching only members the store's due index names, in batches.
   * Safe to re-run, to resume after a crash, and to run twice at once: each lot expires once.
   */
  expire(options?: schemas.ExpireOptions): Promise<SweepResult>;
  /**
   * Across the program: members with points that expire in [from, to) (default from now), a page at
   * a time, for the "your points expire soon" message. Pass `after` from the last page to go on.
   */
  expiringSoon(options: schemas.ExpiringSoonOptions): Promise<ExpiringSoonPage>;
  previewEvent(input: schemas.PreviewEventInput): Promise<PreviewResult>;
  /**
   * The tier review sweep: processes every member whose review is due by now (each review at its
   * own scheduled instant), touching only the members the store's due index names. Resumable and
   * idempotent: a rerun, or two sweeps at once, write each review once. Commands also process
   * their member's overdue reviews first, so the outcome never depends on when the sweep runs.
   */
  reviewTiers(options?: schemas.ReviewTiersOptions): Promise<TierSweepResult>;
  /** Assigns a tier by hand, optionally as a floor until a date (see README, Tiers). */
  assignTier(command: schemas.AssignTierCommand): Promise<Replayable<TierResult>>;
  /**
   * Redeems a reward: in one commit, the points (soonest-expiring lots first), the stock, the
   * member's limits and the grant. Refuses with REWARD_UNAVAILABLE, TIER_NOT_ELIGIBLE,
   * LIMIT_REACHED, OUT_OF_STOCK or INSUFFICIENT_POINTS, writing nothing.
   */
  redeem(command: WithField<schemas.RedeemCommand, "rewardId", R>): Promise<Replayable<RedeemResult>>;
  /** Cancels a redemption: stock and points come back (see README, Rewards, for expired lots). */
  cancelRedemption(command: schemas.CancelRedemptionCommand): Promise<Replayable<CancelResult>>;
  /** Moves points between two members in one commit: the sender's soonest-expiring lots first, their expiry kept. */
  transfer(command: WithField<schemas.TransferCommand, "wallet", W>): Promise<Replayable<TransferResult>>;
  /** Records a referral on both members in one commit; the program's referral event rules award the points. */
  refer(command: schemas.ReferCommand): Promise<Replayable<ReferralResult>>;
  /** Adds units to (or takes units from) a reward's stock. */
  restock(command: WithField<schemas.RestockCommand, "rewardId", R>): Promise<Replayable<RestockResult>>;
  /** Units left of a reward's stock; null: unlimited. */
  stock(rewardId: R): Promise<number | null>;
  /** The catalogue as one member sees it now: each reward with its price and whether they may redeem it. */
  rewards(memberId: string): Promise<readonly RewardOffer[]>;
  /**
   * The conversion sweep: runs every automatic conversion whose period end has passed, touching
   * only members the due index names. Commands and the other sweeps run due conversions too (each
   * at its own period end), so the outcome never depends on when this runs.
   */
  convertPoints(options?: schemas.ConvertOptions): Promise<ConversionSweepResult>;
  /**
   * Outstanding points by wallet and by expiry month, with their money value, summed by the store
   * (`capabilities.liability`): the month-end liability. STORE_FAILURE on a store without it.
   */
  liability(options?: LiabilityOptions): Promise<LiabilityReport>;
  /**
   * The outbox: events committed after the cursor (`after`: the `cursor` of the last page; absent or
   * null: the start), in feed order, each member's in commit order; at most `limit` (default 100).
   * Pass the returned cursor back to go on; it is unchanged when nothing new has been committed.
   * STORE_FAILURE on a store without `capabilities.events`. See docs/events.md.
   */
  events(options?: schemas.EventsOptions): Promise<EventPage>;
  /**
   * The notice sweep: a `points.expiring_soon` event per member, wallet and expiry instant within
   * `expiringWithinDays`, for the members the due index names, each committed with the member's
   * version compare-and-set. A rerun writes no notice twice (the store skips a known event id).
   */
  notify(options: schemas.NotifyOptions): Promise<NotifyResult>;
  /**
   * The statement per cause: what automatic donations gave each cause (or `cause` alone) from
   * `from` until `to`, net of what refunds took back, across members, read from the outbox
   * (docs/donations.md). STORE_FAILURE on a store without `capabilities.events`.
   */
  donations(options: DonationsOptions): Promise<DonationStatement>;
  /**
   * Brings in a member from another loyalty system with their opening state: lots with their
   * dates, wallet totals and debt, tier, tier metrics, cap and limit counters, refundable purchases
   * (docs/migrating.md). The member must not exist yet (MEMBER_EXISTS); every bad field is reported
   * with its path and nothing is written (INVALID_COMMAND, CURRENCY_MISMATCH).
   */
  importMember(command: ImportMemberCommand): Promise<Replayable<ImportResult>>;
  /**
   * A member as the importMember command that brings them, as they are, into another store: for
   * moving between stores, and for checking an import against its source. `key` defaults to
   * `import:<memberId>`.
   */
  exportMember(memberId: string, options?: { readonly key?: string }): Promise<ImportMemberCommand>;
  /**
   * The program's members, a page at a time in member id order, optionally by tier or segment, from
   * the store's member index (`capabilities.listing`). Pass `after` from the last page to go on.
   */
  members(options?: schemas.MembersOptions): Promise<MemberPage>;
  /**
   * Win-back: members with no purchase for N days, or whose spend over the last N complete local
   * months fell by at least a share against the N months before (docs/win-back.md), paged like
   * `members`. Pass the page's `asOf` as `now` with `after` to go on.
   */
  lapsing(options: schemas.LapsingOptions): Promise<LapsingPage>;
  /**
   * Gives every member its store holds without an index (written before the store kept one) the
   * index folded from its ledger, writing nothing else; resumable. A member's next write does the
   * same for it alone.
   */
  indexMembers(options?: schemas.IndexMembersOptions): Promise<IndexMembersResult>;
}
