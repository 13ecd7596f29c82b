/**
 * The store conformance suite: one set of tests that every LoyaltyStore implementation runs, the
 * way Auth.js and better-auth test their adapters. Call it from a vitest test file:
 *
 * ```ts
 * import { runStoreConformance } from "loyalty-engine/testing";
 * runStoreConformance({ name: "my store", makeStore: ({ faults }) => createMyStore({ faults }) });
 * ```
 *
 * It covers the port's behaviour (stock and two-member commits included), idempotency, atomicity
 * when a failure is injected inside a commit, concurrent commits on one member, and the rewards
 * races: redemptions against one balance, the last unit of stock, transfers among members, campaign
 * budgets raced by many members and failed half-way, and
 * purchase ids claimed across members (for stores with `capabilities.purchaseClaims`), and the
 * outbox: a reader following the cursor while writers race (for stores with `capabilities.events`).
 *
 * Each concern is a module of its own in conformance/ (port.ts, load-for-command.ts, stock.ts,
 * rewards-races.ts, budgets.ts, through-engine.ts, sweeps.ts, liability.ts, events.ts, erasure.ts, listing.ts,
 * idempotency.ts, purchase-claims.ts, atomicity.ts, concurrency.ts),
 * a function of the shared context in conformance/context.ts; this file only assembles them.
 */
import { describe } from "vitest";
import type { LoyaltyStore } from "../store/port.js";
import { atomicityUnderFaults } from "./conformance/atomicity.js";
import { campaignBudgets } from "./conformance/budgets.js";
import { concurrencyOnOneMember } from "./conformance/concurrency.js";
import type { ConformanceContext } from "./conformance/context.js";
import { outboxEvents } from "./conformance/events.js";
import { idempotency } from "./conformance/idempotency.js";
import { liabilityAggregate } from "./conformance/liability.js";
import { listing } from "./conformance/listing.js";
import { portBehaviour } from "./conformance/port.js";
import { purchaseClaims } from "./conformance/purchase-claims.js";
import { recordRows } from "./conformance/records.js";
import { pendingRelease } from "./conformance/release.js";
import { rewardsRaces } from "./conformance/rewards-races.js";
import { stockAndTwoMemberCommits } from "./conformance/stock.js";
import { dueWorkSweeps } from "./conformance/sweeps.js";
import { erasure } from "./conformance/erasure.js";
import { throughTheEngine } from "./conformance/through-engine.js";

export interface ConformanceOptions {
  readonly name: string;
  /**
   * Makes a fresh, empty store (or one whose program ids do not collide between calls). When
   * `faults` is given, the store must call it at least once inside every commit, after a write and
   * before the commit is final (after each statement of a transaction, say); if it throws, the
   * commit must fail and leave nothing written.
   */
  readonly makeStore: (options: { faults?: (point: string) => void }) => LoyaltyStore | Promise<LoyaltyStore>;
  /** Releases a store made by makeStore (closes connections). */
  readonly closeStore?: (store: LoyaltyStore) => void | Promise<void>;
  /** Concurrent commands in the concurrency tests. Default 20. */
  readonly concurrency?: number;
}

export function runStoreConformance(options: ConformanceOptions): void {
  const context: ConformanceContext = {
    make: async (faults) => options.makeStore(faults ? { faults } : {}),
    close: async (store) => options.closeStore?.(store),
    concurrency: options.concurrency ?? 20,
  };
  // Each part is a describe block of its own, in this order (the test names are the suite's API).
  describe(`store conformance: ${options.name}`, () => {
    portBehaviour(context);
    recordRows(context);
    stockAndTwoMemberCommits(context);
    rewardsRaces(context);
    campaignBudgets(context);
    throughTheEngine(context);
    dueWorkSweeps(context);
    pendingRelease(context);
    liabilityAggregate(context);
    outboxEvents(context);
    erasure(context);
    listing(context);
    idempotency(context);
    purchaseClaims(context);
    atomicityUnderFaults(context);
    concurrencyOnOneMember(context);
  });
}
