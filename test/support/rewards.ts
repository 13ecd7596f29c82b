/**
 * Setup for the rewards tests (test/rewards/*.test.ts): the rewards most tests redeem (a mug, a cash
 * conversion on request, the same conversion made automatically each month), an engine on a store
 * whose shortcuts default the member to "m" (`setup`), and `refuses`, which checks that a refused
 * command wrote nothing. Programs come from ./programs.ts, the engine from ./engine.ts.
 */
import fc from "fast-check";
import { expect } from "vitest";
import {
  foldEntries,
  type CancelEntry,
  type CodeGenerator,
  type Entry,
  type ErrorCode,
  type LoyaltyError,
  type LoyaltyStore,
  type MemberState,
  type ProgramDefinition,
  type RedeemEntry,
} from "../../src/index.js";
import { memberViolations, readAllEntries, storeFingerprint } from "../../src/testing/index.js";
import { testEngine } from "./engine.js";
import { expectError } from "./errors.js";
import { T0 } from "./members.js";

/** The base of each property's fast-check runs (PROPERTY_RUNS, 60 by default): each runs a multiple. */
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
/** One day in milliseconds (24 hours, whatever the clocks do locally). */
export const DAY = 86_400_000;

/** A reward as a program defines it. */
export type RewardInput = NonNullable<ProgramDefinition["rewards"]>[number];

/** A 120-point product with a SKU and no stock limit. */
export const mug: RewardInput = { kind: "product", id: "mug", wallet: "points", price: "120", sku: "MUG-1" };
/** A conversion on request: 150 points for £1.50 a step. */
export const cash: RewardInput = { kind: "conversion", id: "cash", wallet: "points", price: "150", value: "1.50" };

/** What `setup` returns: the engine, its store and clock, and the shortcuts. */
export type Setup = Awaited<ReturnType<typeof setup>>;

/**
 * An engine for `def` on a store (a fresh in-memory one unless `options.store`), its clock at
 * `start`, 100 decisions per command before CONCURRENCY_CONFLICT (the properties race commands).
 * Codes are `C-<redemptionId>-<index>` unless `options.codes`; the default generator records each
 * request in `calls`. Ids come from the clock's counter unless `options.idPrefix` (a second engine
 * on the same store needs ids of its own). The shortcuts (enroll, credit, event, buy, redeem,
 * cancel, wallet, entries, state, violations) default the member to "m", and each command gets a
 * key of its own unless the test gives one.
 */
export async function setup(
  def: ProgramDefinition,
  start: number | string = T0,
  options: { codes?: CodeGenerator; store?: LoyaltyStore; idPrefix?: string } = {},
) {
  let ids = 0;
  const calls: Parameters<CodeGenerator>[0][] = [];
  const codes: CodeGenerator =
    options.codes ??
    ((r) => {
      calls.push({ ...r });
      return `C-${r.redemptionId}-${r.index}`;
    });
  const { engine, store, t } = testEngine<LoyaltyStore>(def, start, {
    store: options.store,
    ids: options.idPrefix === undefined ? undefined : () => `${options.idPrefix}-${++ids}`,
    codes,
    maxAttempts: 100,
  });
  let n = 0;
  const rewardIds = (def.rewards ?? []).map((r) => r.id);
  return {
    engine,
    store,
    t,
    calls,
    id: def.id,
    rewardIds,
    enroll: (memberId = "m") => engine.enroll({ key: `enroll-${memberId}`, memberId }),
    credit: (points: string, memberId = "m") =>
      engine.adjust({ key: `adjust-${++n}`, memberId, wallet: "points", points, reason: "goodwill" }),
    event: (type: string, memberId = "m") => engine.recordEvent({ key: `event-${++n}`, memberId, type }),
    buy: (amount: string, memberId = "m") => {
      const k = ++n;
      return engine.recordPurchase({ key: `buy-${k}`, memberId, purchaseId: `o${k}`, amount, currency: "GBP" });
    },
    redeem: (
      rewardId: string,
      extra: { key?: string; quantity?: number; cause?: string; redemptionId?: string; memberId?: string } = {},
    ) =>
      engine.redeem({
        key: extra.key ?? `redeem-${++n}`,
        memberId: extra.memberId ?? "m",
        rewardId,
        ...(extra.quantity === undefined ? {} : { quantity: extra.quantity }),
        ...(extra.cause === undefined ? {} : { cause: extra.cause }),
        ...(extra.redemptionId === undefined ? {} : { redemptionId: extra.redemptionId }),
      }),
    cancel: (redemptionId: string, key = `cancel-${++n}`, memberId = "m") =>
      engine.cancelRedemption({ key, memberId, redemptionId }),
    wallet: async (memberId = "m") => (await engine.summary(memberId)).wallets.points!,
    entries: (memberId = "m") => readAllEntries(store, def.id, memberId),
    /** The member's state with every record (its snapshot holds only open ones): the fold of its entries. */
    state: async (memberId = "m"): Promise<MemberState> =>
      foldEntries(memberId, await readAllEntries(store, def.id, memberId)),
    violations: (memberId = "m") => memberViolations(store, def.id, memberId, t.now()),
  };
}

/** The id of the points lot a credit, event or purchase created (its entry's id). */
export function lotOf(result: { entries: readonly Entry[] }): string {
  const e = result.entries.find(
    (x) => (x.kind === "earn" && x.wallet === "points") || (x.kind === "adjust" && x.wallet === "points"),
  );
  if (!e) throw new Error("no points lot");
  return e.id;
}

/** The redeem entry a command wrote (there must be one). */
export const redeemEntry = (result: { entries: readonly Entry[] }) =>
  result.entries.find((e): e is RedeemEntry => e.kind === "redeem")!;
/** The cancel entry a command wrote (there must be one). */
export const cancelEntry = (result: { entries: readonly Entry[] }) =>
  result.entries.find((e): e is CancelEntry => e.kind === "cancel")!;

/**
 * Runs a command that must be refused with `code`, and checks that it wrote nothing: the `members`,
 * their entries, its key, every reward's stock (the store's fingerprint is the same before and after).
 */
export async function refuses(
  harness: Setup,
  key: string,
  run: () => Promise<unknown>,
  code: ErrorCode,
  members: readonly string[] = ["m"],
): Promise<LoyaltyError> {
  const fingerprint = () => storeFingerprint(harness.store, harness.id, members, [key], harness.rewardIds);
  const before = await fingerprint();
  const error = await expectError(run(), code);
  expect(await fingerprint()).toBe(before);
  return error;
}

/** An instant as the engine writes it (ISO 8601 in UTC). */
export const iso = (ms: number) => new Date(ms).toISOString();

/** `cash`, converted automatically at each local month end. */
export const monthly: RewardInput = { ...cash, automatic: { period: "month" } } as RewardInput;
/** `monthly`'s period ends in summer in London: the local month ends at 23:00 UTC. */
export const JUNE_END = "2026-06-30T23:00:00.000Z";
export const JULY_END = "2026-07-31T23:00:00.000Z";
/** The automatic conversions among `entries` (redeem entries with a period end). */
export const conversions = (entries: readonly Entry[]) =>
  entries.filter((e): e is RedeemEntry => e.kind === "redeem" && e.periodEnd !== null);

/** Start instants for the properties: any time in the first half of 2026. */
export const startArb = fc.integer({
  min: Date.parse("2026-01-05T00:00:00Z"),
  max: Date.parse("2026-06-30T00:00:00Z"),
});
