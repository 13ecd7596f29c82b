/**
 * What every ledger entry shares, whatever its kind: its numbering, the command that wrote it, the
 * metric stamp, and the wire forms of lots and draws. Each kind's own fields are in ./kinds/.
 */
import type { PeriodKeys } from "../shared/periods.js";
/**
 * The command that wrote an entry; "expire", "reviewTiers" and "convert" are the engine's own sweeps;
 * "import" brings a member in from another system (importMember).
 */
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
  | "convert"
  | "import"
  | "updateMember"
  | "eraseMember"
  | "releasePending"
  | "hold"
  | "captureHold"
  | "releaseHold";

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

/** What every entry carries, whatever its kind. */
export interface EntryBase {
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
