/**
 * What every part of the engine shares: the compiled program, the store, the clock and the id
 * generator, and what is derived from them once at creation. `createLoyaltyEngine` (engine.ts)
 * builds it; the write path and the command families only read it.
 */
import type { Program } from "../program/compile.js";
import type { CodeGenerator } from "../rewards/redeem.js";
import type { Decimal } from "../shared/decimal.js";
import type { LoyaltyStore } from "../store/port.js";
import type { MemberQueue } from "./member-queue.js";
import type { metricStamper } from "../tiers/metrics.js";

export interface EngineContext {
  readonly program: Program;
  readonly store: LoyaltyStore;
  /** The engine's clock, in epoch milliseconds. */
  readonly now: () => number;
  /** New entry ids. */
  readonly newId: () => string;
  /** Decisions attempted per command before CONCURRENCY_CONFLICT. */
  readonly maxAttempts: number;
  /** Voucher codes; null when the engine was given none (see EngineOptions.codes). */
  readonly codes: CodeGenerator | null;
  /** Stamps tier qualification counters on entries; undefined for programs without tiers. */
  readonly stamp: ReturnType<typeof metricStamper>;
  /** Whether any reward converts automatically (due work then includes conversions). */
  readonly hasAutomaticConversions: boolean;
  /** Lots consolidation must be able to remove before a write merges them (EngineOptions.consolidateAt). */
  readonly consolidateAt: number;
  /** Commands of this process on one member take turns (member-queue.ts); shared by the store's engines. */
  readonly queue: MemberQueue;
  /** Points as results show them: at the program's scale. */
  readonly fmt: (points: Decimal) => string;
}
