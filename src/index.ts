/**
 * loyalty-engine: a headless loyalty engine. Describe a program as data, keep state in your own
 * store, and let the engine decide and do the bookkeeping.
 *
 * @packageDocumentation
 */
export { createLoyaltyEngine } from "./engine/engine.js";
export type { EngineOptions } from "./engine/engine.js";
export type { LoyaltyEngine, WithField } from "./engine/facade.js";
export type {
  EarnResult,
  BudgetLine,
  NotifyResult,
  RefundResult,
  ReleaseResult,
  PointsResult,
  HoldResult,
  HoldSettlementResult,
  EnrollResult,
  ImportResult,
  MemberUpdateResult,
  MemberErasureResult,
  PreviewResult,
  AwardLine,
  Replayable,
  Statement,
  TierSweepResult,
  TierResult,
  RedeemResult,
  CancelResult,
  TransferResult,
  ReferralResult,
  RestockResult,
  RewardOffer,
  ConversionSweepResult,
  SweepResult,
  SweepFailure,
  ExpiringSoonPage,
} from "./engine/results.js";
export type {
  EnrollCommand,
  UpdateMemberCommand,
  EraseMemberCommand,
  PurchaseCommand,
  EventCommand,
  RefundCommand,
  ReleasePendingCommand,
  AdjustCommand,
  SpendCommand,
  PreviewPurchaseInput,
  PreviewEventInput,
  AssignTierCommand,
  RedeemCommand,
  CancelRedemptionCommand,
  TransferCommand,
  ReferCommand,
  RestockCommand,
  SummaryOptions,
  StatementOptions,
  ExpireOptions,
  ExpiringSoonOptions,
  ReviewTiersOptions,
  ConvertOptions,
  MembersOptions,
  LapsingOptions,
  IndexMembersOptions,
} from "./engine/commands.js";
export type { ImportMemberCommand } from "./engine/import-schema.js";
export type { HoldCommand, CaptureHoldCommand, ReleaseHoldCommand } from "./engine/hold-schemas.js";
export { exportCommand as exportMemberCommand } from "./engine/export-member.js";
export type { CodeGenerator } from "./rewards/grant.js";

export { compileProgram } from "./program/compile.js";
export { defineProgram } from "./program/define.js";
export type { ProgramInput, TypedProgram } from "./program/define.js";
export type { DeepReadonly } from "./shared/frozen.js";
export type { Program, PurchaseLine, AccrualContext } from "./program/compile.js";
export { programSchema } from "./program/schema.js";
export type {
  ProgramDefinition,
  RuleDefinition,
  AwardDefinition,
  WalletDefinition,
  NegativeBalancePolicy,
  TiersDefinition,
  TierThreshold,
  QualificationWindow,
  RewardDefinition,
  MilestoneDefinition,
} from "./program/schema.js";
export type {
  CompiledTiers,
  CompiledTier,
  CompiledThreshold,
  CompiledReward,
  CompiledRule,
  CompiledWallet,
  CompiledMilestone,
  CountLimit,
} from "./program/compile.js";
export type { CompiledAward, CompiledSegments, Predicate, LinePredicate } from "./program/compiled.js";
export type { Condition, LineFilter, Weekday, ComparisonOp } from "./program/conditions.js";
export type { Scalar } from "./shared/scalar.js";

export {
  LoyaltyError,
  isLoyaltyError,
  ERROR_CODES,
  messages,
  HTTP_STATUS,
  RETRY_WITH_SAME_KEY,
  httpStatusOf,
} from "./errors/index.js";
export type { ErrorCode, FieldIssue } from "./errors/index.js";
export type { ReleasedLot } from "./accrual/release.js";

export type {
  Entry,
  EntryKind,
  CommandType,
  LotRecord,
  LotDraw,
  EnrollEntry,
  PurchaseEntry,
  PurchaseLineFigures,
  EarnEntry,
  SpendEntry,
  HoldEntry,
  CaptureEntry,
  HoldReleaseEntry,
  ExpireEntry,
  RefundEntry,
  ReverseEntry,
  AdjustEntry,
  TierEntry,
  TierRecord,
  TierReason,
  MetricStamp,
  RedeemEntry,
  CancelEntry,
  TransferEntry,
  ReferralEntry,
  ConsolidateEntry,
  ReleaseEntry,
  ImportEntry,
  OpeningLot,
  OpeningHold,
  OpeningPurchase,
  OpeningPurchaseLine,
  OpeningDonation,
  OpeningCounters,
  ProfileEntry,
  ErasureEntry,
  DonationEntry,
  MilestoneEntry,
  EventEntry,
  Grant,
  PeriodKeys,
} from "./ledger/entries.js";
export type {
  MemberState,
  Lot,
  LotShape,
  WalletTotals,
  PurchaseRecord,
  PurchaseLineRecord,
  PurchaseDonation,
  CapCounters,
  Dict,
  TierState,
  TierHold,
  RedemptionRecord,
  HoldRecord,
} from "./ledger/state.js";
export type {
  MemberSnapshot,
  LotSnapshot,
  RedemptionSnapshot,
  PurchaseSnapshot,
  HoldSnapshot,
} from "./ledger/snapshot.js";
export type { PurchaseLinesSnapshot } from "./ledger/purchase-lines.js";
export type {
  MemberSummary,
  WalletSummary,
  DatedPoints,
  TierSummary,
  TierGoal,
  ThresholdProgress,
} from "./engine/summary.js";
export { reviewDueAt, reviewTier } from "./tiers/review.js";
export { qualifiedIndex, currentTier } from "./tiers/qualify.js";
export { foldEntries, applyEntries, LedgerInvariantError } from "./ledger/apply.js";
export { walletBalance, type WalletBalance } from "./ledger/lots.js";
export { toSnapshot, fromSnapshot } from "./ledger/snapshot.js";

export { createMemoryStore, MemoryStore } from "./store/memory.js";
export type { MemoryStoreOptions, FaultPoint } from "./store/memory.js";
export { BadCursor, CommitConflict, CommitOutcomeUnknown, ERASED_PAYLOAD_HASH } from "./store/port.js";
export type {
  LoyaltyStore,
  StoredMember,
  IdempotencyRecord,
  CommitBatch,
  MemberWrite,
  HistoryPage,
  StoreCapabilities,
  StockChange,
  CommandRead,
  MemberRecords,
  RecordIds,
  PurchaseClaim,
  LiabilityQuery,
  WalletLiability,
  OutboxEvent,
  EventPage,
  MemberErasure,
  MemberIndex,
  MemberListQuery,
  ListedMember,
} from "./store/port.js";
export type { EventType, EventValue } from "./events/event.js";
export { redactEntry, ERASED_REASON } from "./ledger/redact.js";
export { segmentsOf } from "./accrual/segments.js";
export type { LiabilityOptions, LiabilityReport } from "./engine/liability.js";
export type { DonationsOptions, DonationStatement, CauseStatement } from "./engine/donation-statement.js";
export type { MemberPage, ListedMemberView, LapsingPage, LapsingMember, SpendWindows } from "./engine/listing.js";
export { memberIndexOf } from "./engine/member-index.js";
export type { IndexMembersResult } from "./engine/member-backfill.js";
// Simulating a program over a purchase history (docs/simulate.md).
export { simulate } from "./simulate/index.js";
export type {
  SimulateOptions,
  SimulationResult,
  Assumption,
  HistoryEvent,
  HistoryLine,
  RedemptionModel,
  ProgramFigures,
  MonthFigures,
  Comparison,
  FigureDifference,
  MemberMove,
  RefusedRow,
  ProgressTick,
  CustomerOptions,
  CustomerFigures,
  ProgramCustomerFigures,
  ModelFit,
  MemberOutlook,
  TierValue,
} from "./simulate/index.js";
export type { DueItem } from "./store/due-index.js";
export type { LedgerWriter, WriterContext } from "./ledger/writer.js";
export type { Duration } from "./shared/time.js";
export type { ExpiringPoints } from "./expiry/due.js";
export type { TierChange } from "./tiers/review.js";
export type { Period, PeriodCounters } from "./shared/periods.js";

export { Decimal } from "./shared/decimal.js";
export type { RoundingMode } from "./shared/decimal.js";
