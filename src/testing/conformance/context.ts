/**
 * What every part of the conformance suite shares: the context a part runs in (how to make and
 * close a store, how many commands race), the programs the tests run, and the helpers that make a
 * real commit batch, an engine on a store, and check a refusal's code.
 */
import { expect } from "vitest";
import { createLoyaltyEngine, type LoyaltyEngine } from "../../engine/engine.js";
import { LoyaltyError } from "../../errors/loyalty-error.js";
import { LedgerWriter } from "../../ledger/writer.js";
import { enroll } from "../../ledger/operations.js";
import { toSnapshot } from "../../ledger/snapshot.js";
import { compileProgram } from "../../program/compile.js";
import type { CommitBatch, LoyaltyStore } from "../../store/port.js";
import { plainProgram, testClock } from "../fixtures.js";

/** What each part of the suite is given, made once by `runStoreConformance` from its options. */
export interface ConformanceContext {
  /** A fresh store from the implementer's `makeStore`, with the fault hook when one is given. */
  readonly make: (faults?: (point: string) => void) => Promise<LoyaltyStore>;
  /** Releases a store made by `make` (the implementer's `closeStore`, if any). */
  readonly close: (store: LoyaltyStore) => Promise<void>;
  /** Concurrent commands in the concurrency tests. */
  readonly concurrency: number;
}

/** The plain program (`plainProgram` compiled). */
export const program = compileProgram(plainProgram);
/** A yearly-reviewed ladder: silver at 500 status points in a calendar year. */
export const yearlyLadder = {
  levels: [
    { id: "bronze" },
    { id: "silver", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "500" }] } },
  ],
  window: { kind: "calendarYear" },
  promotion: "immediate",
  review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
  refunds: "atReview",
} as const;

/** The plain program with the yearly-reviewed ladder. */
export const tierProgram = compileProgram({ ...plainProgram, id: "conformance-tiers", tiers: yearlyLadder });
/** The plain program with a catalogue (a mug with 1 unit, a T-shirt with 5, coffee unlimited) and transfers. */
export const rewardsProgram = compileProgram({
  ...plainProgram,
  id: "conformance-rewards",
  rewards: [
    { id: "coffee", kind: "product", wallet: "points", price: "10" },
    { id: "mug", kind: "product", wallet: "points", price: "10", stock: 1 },
    { id: "tshirt", kind: "product", wallet: "points", price: "10", stock: 5 },
  ],
  transfers: { wallets: ["points"] },
});
/** The plain program's id, the one most tests write under. */
export const P = program.id;
export const DAY = 86_400_000;

/** An engine on `store`, with a test clock (1 March 2026 unless given) and the plain program unless given. */
export function engineOn(
  store: LoyaltyStore,
  clock = testClock("2026-03-01T12:00:00Z"),
  maxAttempts = 10,
  onProgram = program,
): { engine: LoyaltyEngine; t: ReturnType<typeof testClock> } {
  return {
    engine: createLoyaltyEngine({ program: onProgram, store, clock: clock.clock, ids: clock.ids, maxAttempts }),
    t: clock,
  };
}

/** A real commit batch for a new member, made by the core (an enroll entry). */
export function enrollBatch(
  memberId: string,
  key: string,
  expectedVersion: number | null = null,
  dueAt: number | null = null,
): CommitBatch {
  const w = LedgerWriter.forNewMember(memberId, {
    now: Date.parse("2026-01-01T00:00:00Z"),
    newId: () => `${key}-e`,
    command: { key, type: "enroll" },
  });
  enroll(w, { joinedAt: w.now, birthday: null, attributes: { tier: "x" } });
  return {
    programId: P,
    members: [{ memberId, expectedVersion, snapshot: toSnapshot(w.state), entries: w.entries, dueAt }],
    idempotency: { key, payloadHash: `hash-${key}`, result: { ok: key }, committedAt: "2026-01-01T00:00:00.000Z" },
  };
}

export async function expectCode(promise: Promise<unknown>, code: string): Promise<LoyaltyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoyaltyError);
  expect((error as LoyaltyError).code).toBe(code);
  return error as LoyaltyError;
}

/** Turns a store's fault counting (or failing) on while a test's commands under scrutiny run. */
export type Arm = (on: boolean) => void;

/**
 * The fault points a store passes while `run` has it armed: the steps of the commits it makes,
 * each of which the atomicity tests then fail in turn (`storeFailingAt`).
 */
export async function countFaultPoints(
  { make, close }: ConformanceContext,
  run: (store: LoyaltyStore, arm: Arm) => Promise<void>,
): Promise<number> {
  let armed = false,
    points = 0;
  const probe = await make(() => {
    if (armed) points++;
  });
  await run(probe, (on) => (armed = on));
  await close(probe);
  return points;
}

/** A fresh store whose `failAt`-th fault point after `arm(true)` throws. */
export async function storeFailingAt(
  { make }: ConformanceContext,
  failAt: number,
): Promise<{ store: LoyaltyStore; arm: Arm }> {
  let armed = false,
    seen = 0;
  const store = await make(() => {
    if (armed && ++seen === failAt) throw new Error(`injected fault ${failAt}`);
  });
  return { store, arm: (on) => (armed = on) };
}
