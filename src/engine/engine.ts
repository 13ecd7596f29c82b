/**
 * The facade: the imperative shell around the pure core. `createLoyaltyEngine` checks its options
 * and builds the context every part shares; the commands come from one module per family
 * (purchases, points, tiers, rewards, transfers-referrals, reads, sweeps), each of whose writes
 * takes the write path (write-path.ts). The engine is the only part of the library that reads the
 * clock.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { CONSOLIDATE_AT } from "../expiry/consolidate.js";
import { compileProgram, type Program } from "../program/compile.js";
import type { ProgramInput, TypedProgram } from "../program/define.js";
import type { CodeGenerator } from "../rewards/redeem.js";
import { formatAmount, type Decimal } from "../shared/decimal.js";
import type { LoyaltyStore } from "../store/port.js";
import { metricStamper } from "../tiers/metrics.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { memberQueueOf } from "./member-queue.js";
import { memberCommands } from "./members.js";
import { pointCommands } from "./points.js";
import { holdCommands } from "./holds.js";
import { releaseCommands } from "./release.js";
import { purchaseCommands } from "./purchases.js";
import { readCommands } from "./reads.js";
import { liabilityCommands } from "./liability.js";
import { eventCommands } from "./events.js";
import { donationCommands } from "./donations.js";
import { importCommands } from "./import-member.js";
import { listingCommands } from "./listing.js";
import { rewardCommands } from "./rewards.js";
import { sweepCommands } from "./sweeps.js";
import { tierCommands } from "./tiers.js";
import { transferReferralCommands } from "./transfers-referrals.js";

export type { LoyaltyEngine } from "./facade.js";

export interface EngineOptions<W extends string = string, R extends string = string> {
  /**
   * A program definition (validated and compiled here), one from `defineProgram` (its wallet and
   * reward ids then type the commands), or an already compiled program. A definition of unknown
   * shape (read from a file or a database) goes through `compileProgram` first, which checks it.
   */
  readonly program: TypedProgram<W, R> | ProgramInput | Program;
  readonly store: LoyaltyStore;
  /** The current time; defaults to the system clock. Inject one in tests and replays. */
  readonly clock?: () => Date | number;
  /** New entry ids; defaults to random UUIDs. */
  readonly ids?: () => string;
  /**
   * Decisions attempted per command before CONCURRENCY_CONFLICT. Commands of one process on one
   * member take turns (engine/member-queue.ts), so attempts are lost only to other processes
   * sharing the store. Default 30: with the jittered wait between attempts (engine/backoff.ts),
   * enough for 100 commands on one member from 50 engines at once (a loser waits up to ~6 s in
   * all before giving up).
   */
  readonly maxAttempts?: number;
  /**
   * Voucher codes: called once per code a redemption grants (a voucher unit, a conversion), inside
   * the decision; a retried decision asks again. Required when the program has vouchers or
   * conversions (at creation if the program converts automatically, else at the redemption).
   * Return 1 to 200 characters of plain text, unique as your shop needs them.
   */
  readonly codes?: CodeGenerator;
  /**
   * How many lots consolidation must be able to remove before a write merges them
   * (src/expiry/consolidate.ts). Default 8; `Infinity` never merges (the state then keeps a lot
   * per credit of a wallet that never expires). For tests and tuning; outcomes never depend on it.
   */
  readonly consolidateAt?: number;
}

const f = messages.field;

export function createLoyaltyEngine<W extends string = string, R extends string = string>(
  options: EngineOptions<W, R>,
): LoyaltyEngine<W, R> {
  const program = isCompiled(options.program) ? options.program : compileProgram(options.program);
  const store = options.store;
  const clock = options.clock ?? (() => Date.now());
  const newId = options.ids ?? (() => globalThis.crypto.randomUUID());
  const maxAttempts = options.maxAttempts ?? 30;
  const codes = options.codes ?? null;
  // Automatic conversions run inside any write (a purchase's too): their codes must never be missing.
  // Vouchers redeemed on request are refused at redemption instead, so an engine that only earns needs none.
  if (codes === null && [...program.rewards.values()].some((r) => r.automatic !== null)) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("createLoyaltyEngine", 1), {
      issues: [{ path: ["codes"], message: f.codeGenerator }],
    });
  }
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("createLoyaltyEngine", 1), {
      issues: [{ path: ["maxAttempts"], message: f.expectedType("a whole number of at least 1") }],
    });
  }
  // A clock that returns no time (NaN, a string, an invalid Date) must not reach a decision: every
  // instant the engine computes or stores would be wrong, or throw where nothing expects it.
  const now = () => {
    const t: unknown = clock();
    const ms = typeof t === "number" ? t : t instanceof Date ? t.getTime() : NaN;
    if (!Number.isSafeInteger(ms) || Math.abs(ms) > 8.64e15)
      throw new LoyaltyError("CLOCK_FAILURE", messages.clockFailure(describeValue(t)));
    return ms;
  };
  const fmt = (d: Decimal) => formatAmount(d, program.scale);
  const stamp = metricStamper(program);
  const hasAutomaticConversions = [...program.rewards.values()].some((r) => r.automatic !== null);
  const consolidateAt = options.consolidateAt ?? CONSOLIDATE_AT;
  if (!(consolidateAt === Infinity || (Number.isSafeInteger(consolidateAt) && consolidateAt >= 1))) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("createLoyaltyEngine", 1), {
      issues: [{ path: ["consolidateAt"], message: f.expectedType("a whole number of at least 1, or Infinity") }],
    });
  }
  // Purchase ids unique across members need the store to claim them atomically (port.ts).
  if (program.uniquePurchaseIds && !(store.capabilities.purchaseClaims === true && store.findPurchaseOwner)) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("createLoyaltyEngine", 1), {
      issues: [{ path: ["store"], message: f.noPurchaseClaims }],
    });
  }
  const ctx: EngineContext = {
    program,
    store,
    now,
    newId,
    maxAttempts,
    codes,
    stamp,
    hasAutomaticConversions,
    fmt,
    consolidateAt,
    queue: memberQueueOf(store),
  };
  return {
    program,
    ...purchaseCommands(ctx),
    ...memberCommands(ctx),
    ...pointCommands(ctx),
    ...holdCommands(ctx),
    ...releaseCommands(ctx),
    ...readCommands(ctx),
    ...liabilityCommands(ctx),
    ...eventCommands(ctx),
    ...donationCommands(ctx),
    ...listingCommands(ctx),
    ...sweepCommands(ctx),
    ...tierCommands(ctx),
    ...rewardCommands(ctx),
    ...transferReferralCommands(ctx),
    ...importCommands(ctx),
  };
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return "an invalid Date";
  if (typeof value === "number") return String(value);
  return typeof value === "string" ? `the string ${JSON.stringify(value.slice(0, 40))}` : typeof value;
}

function isCompiled(value: unknown): value is Program {
  return typeof value === "object" && value !== null && "rulesByTrigger" in value && "definition" in value;
}
