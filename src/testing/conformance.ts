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
 * races: redemptions against one balance, the last unit of stock, transfers among members.
 */
import { describe, expect, it } from "vitest";
import { createLoyaltyEngine, type LoyaltyEngine } from "../engine/engine.js";
import { LoyaltyError } from "../errors/loyalty-error.js";
import { LedgerWriter } from "../ledger/writer.js";
import { enroll } from "../ledger/operations.js";
import { toSnapshot } from "../ledger/snapshot.js";
import { compileProgram } from "../program/compile.js";
import { Decimal } from "../shared/decimal.js";
import { CommitConflict, type CommitBatch, type LoyaltyStore } from "../store/port.js";
import { plainProgram, testClock } from "./fixtures.js";
import { memberViolations, readAllEntries, storeFingerprint } from "./invariants.js";
import { racingStore } from "./stores.js";

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

const program = compileProgram(plainProgram);
/** The plain program with a yearly-reviewed ladder: silver at 500 status points in a calendar year. */
const tierProgram = compileProgram({
  ...plainProgram,
  id: "conformance-tiers",
  tiers: {
    levels: [
      { id: "bronze" },
      { id: "silver", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "500" }] } },
    ],
    window: { kind: "calendarYear" },
    promotion: "immediate",
    review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
    refunds: "atReview",
  },
});
/** The plain program with a catalogue (a mug with 1 unit, a T-shirt with 5, coffee unlimited) and transfers. */
const rewardsProgram = compileProgram({
  ...plainProgram,
  id: "conformance-rewards",
  rewards: [
    { id: "coffee", kind: "product", wallet: "points", price: "10" },
    { id: "mug", kind: "product", wallet: "points", price: "10", stock: 1 },
    { id: "tshirt", kind: "product", wallet: "points", price: "10", stock: 5 },
  ],
  transfers: { wallets: ["points"] },
});
const P = program.id;
const DAY = 86_400_000;

function engineOn(
  store: LoyaltyStore,
  t = testClock("2026-03-01T12:00:00Z"),
  maxAttempts = 10,
  on = program,
): { engine: LoyaltyEngine; t: ReturnType<typeof testClock> } {
  return { engine: createLoyaltyEngine({ program: on, store, clock: t.clock, ids: t.ids, maxAttempts }), t };
}

/** A real commit batch for a new member, made by the core (an enroll entry). */
function enrollBatch(
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

async function expectCode(promise: Promise<unknown>, code: string): Promise<LoyaltyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoyaltyError);
  expect((error as LoyaltyError).code).toBe(code);
  return error as LoyaltyError;
}

export function runStoreConformance(options: ConformanceOptions): void {
  const make = async (faults?: (point: string) => void) => options.makeStore(faults ? { faults } : {});
  const close = async (store: LoyaltyStore) => options.closeStore?.(store);
  const n = options.concurrency ?? 20;

  describe(`store conformance: ${options.name}`, () => {
    describe("port behaviour", () => {
      it("answers null for an unknown member and key", async () => {
        const store = await make();
        expect(await store.loadMember(P, "nobody")).toBeNull();
        expect(await store.getIdempotency(P, "no-key")).toBeNull();
        expect((await store.readEntries(P, "nobody", { afterSeq: 0, limit: 10 })).entries).toEqual([]);
        await close(store);
      });

      it("answers loadForCommand as loadMember and getIdempotency do, in the order asked (when the store offers it)", async (ctx) => {
        const store = await make();
        if (store.loadForCommand === undefined) {
          await close(store);
          ctx.skip();
          return;
        }
        expect(await store.loadForCommand(P, ["a", "b"], "k")).toEqual({ members: [null, null], idempotency: null });
        await store.commit(enrollBatch("m1", "k1"));
        await store.commit(enrollBatch("m2", "k2"));
        const [m1, m2] = [await store.loadMember(P, "m1"), await store.loadMember(P, "m2")];
        expect(await store.loadForCommand(P, ["m1"], "k1")).toEqual({
          members: [m1],
          idempotency: await store.getIdempotency(P, "k1"),
        });
        expect(await store.loadForCommand(P, ["m2", "nobody", "m1"], "k2")).toEqual({
          members: [m2, null, m1],
          idempotency: await store.getIdempotency(P, "k2"),
        });
        expect(await store.loadForCommand(P, ["m1", "m2"], "no-key")).toEqual({ members: [m1, m2], idempotency: null });
        expect(await store.loadForCommand(P, [], "k1")).toEqual({
          members: [],
          idempotency: await store.getIdempotency(P, "k1"),
        });
        expect(await store.loadForCommand(`${P}-other`, ["m1"], "k1")).toEqual({ members: [null], idempotency: null });
        await close(store);
      });

      it("reads a command's members and key at one instant: a member showing a commit comes with that commit's key", async (ctx) => {
        const store = await make();
        if (store.loadForCommand === undefined) {
          await close(store);
          ctx.skip();
          return;
        }
        const first = enrollBatch("m1", "v1");
        await store.commit(first);
        const snapshot = first.members[0]!.snapshot;
        const versions = 40;
        let done = false;
        const writer = (async () => {
          for (let v = 2; v <= versions; v++) {
            await store.commit({
              programId: P,
              members: [{ memberId: "m1", expectedVersion: v - 1, snapshot, entries: [], dueAt: null }],
              idempotency: {
                key: `v${v}`,
                payloadHash: `h${v}`,
                result: { v },
                committedAt: "2026-01-01T00:00:00.000Z",
              },
            });
          }
          done = true;
        })();
        // Readers ask for the key of a version ahead of the one they last saw: whenever the member
        // shows that version (or a later one), the key must be there too.
        let checked = 0;
        const readers = Array.from({ length: 3 }, async (_, r) => {
          let target = 2 + r;
          while (!done && target <= versions) {
            const read = await store.loadForCommand!(P, ["m1"], `v${target}`);
            const version = read.members[0]!.version;
            if (version >= target) {
              expect(read.idempotency?.result).toEqual({ v: target });
              checked++;
              target = version + 1 + r;
            } else expect(read.idempotency).toBeNull();
          }
        });
        await Promise.all([writer, ...readers]);
        expect((await store.loadMember(P, "m1"))?.version).toBe(versions);
        expect(checked).toBeGreaterThan(0);
        await close(store);
      });

      it("commits a new member with its entries, snapshot, version 1 and idempotency record", async () => {
        const store = await make();
        const batch = enrollBatch("m1", "k1");
        await store.commit(batch);
        const loaded = await store.loadMember(P, "m1");
        expect(loaded?.version).toBe(1);
        expect(loaded?.snapshot).toEqual(batch.members[0]!.snapshot);
        expect(await readAllEntries(store, P, "m1")).toEqual(batch.members[0]!.entries);
        expect(await store.getIdempotency(P, "k1")).toEqual(batch.idempotency);
        await close(store);
      });

      it("refuses a stale version or an existing member with CommitConflict and writes nothing", async () => {
        const store = await make();
        await store.commit(enrollBatch("m1", "k1"));
        const before = await storeFingerprint(store, P, ["m1"], ["k2", "k3"]);
        const again = await store.commit(enrollBatch("m1", "k2", null)).then(
          () => null,
          (e: unknown) => e,
        );
        expect(again).toBeInstanceOf(CommitConflict);
        expect((again as CommitConflict).reason).toBe("version");
        const stale = await store.commit(enrollBatch("m1", "k3", 7)).then(
          () => null,
          (e: unknown) => e,
        );
        expect(stale).toBeInstanceOf(CommitConflict);
        expect(await storeFingerprint(store, P, ["m1"], ["k2", "k3"])).toBe(before);
        await close(store);
      });

      it("refuses a used idempotency key with CommitConflict and writes nothing", async () => {
        const store = await make();
        await store.commit(enrollBatch("m1", "k1"));
        const before = await storeFingerprint(store, P, ["m1", "m2"], ["k1"]);
        const dup = await store.commit(enrollBatch("m2", "k1")).then(
          () => null,
          (e: unknown) => e,
        );
        expect(dup).toBeInstanceOf(CommitConflict);
        expect((dup as CommitConflict).reason).toBe("idempotency");
        expect(await storeFingerprint(store, P, ["m1", "m2"], ["k1"])).toBe(before);
        await close(store);
      });

      it("commits a batch without an idempotency record (system work such as an expiry sweep)", async () => {
        const store = await make();
        const batch = enrollBatch("m1", "k1");
        await store.commit({ ...batch, idempotency: null });
        expect((await store.loadMember(P, "m1"))?.version).toBe(1);
        expect(await store.getIdempotency(P, "k1")).toBeNull();
        const stale = await store.commit({ ...enrollBatch("m1", "k2"), idempotency: null }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(stale).toBeInstanceOf(CommitConflict);
        await close(store);
      });

      it("keeps programs apart: the same member id and key in two programs", async () => {
        const store = await make();
        await store.commit(enrollBatch("m1", "k1"));
        const other = { ...enrollBatch("m1", "k1"), programId: `${P}-other` };
        await store.commit(other);
        expect((await store.loadMember(`${P}-other`, "m1"))?.version).toBe(1);
        expect((await store.loadMember(P, "m1"))?.version).toBe(1);
        await close(store);
      });

      it("returns copies: changing a loaded snapshot changes nothing stored", async () => {
        const store = await make();
        await store.commit(enrollBatch("m1", "k1"));
        const loaded = await store.loadMember(P, "m1");
        (loaded!.snapshot.attributes as Record<string, unknown>).tier = "mutated";
        expect((await store.loadMember(P, "m1"))!.snapshot.attributes.tier).toBe("x");
        await close(store);
      });

      it("pages history in seq order", async () => {
        const store = await make();
        const { engine, t } = engineOn(store);
        await engine.enroll({ key: "e", memberId: "m1" });
        for (let i = 0; i < 4; i++) {
          t.advance(1000);
          await engine.recordPurchase({
            key: `p${i}`,
            memberId: "m1",
            purchaseId: `p${i}`,
            amount: "10.00",
            currency: "GBP",
          });
        }
        const all = await readAllEntries(store, P, "m1");
        expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
        const first = await store.readEntries(P, "m1", { afterSeq: 0, limit: 5 });
        expect(first.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(first.nextAfterSeq).toBe(5);
        const rest = await readAllEntries(store, P, "m1", 3);
        expect(rest).toEqual(all);
        const last = await store.readEntries(P, "m1", { afterSeq: all.length - 1, limit: 5 });
        expect(last.entries).toHaveLength(1);
        expect(last.nextAfterSeq).toBeNull();
        await close(store);
      });

      it("finds members with due work by dueAt, in order, with a cursor, and follows updates", async () => {
        const store = await make();
        const base = Date.parse("2026-06-01T00:00:00Z");
        for (let i = 0; i < 6; i++)
          await store.commit(enrollBatch(`d${i}`, `kd${i}`, null, i === 5 ? null : base + (i % 3) * DAY));
        const due = await store.findDueMembers(P, { before: base + DAY, limit: 10 });
        expect(due.map((d) => d.memberId)).toEqual(["d0", "d3", "d1", "d4"]);
        const page1 = await store.findDueMembers(P, { before: base + 10 * DAY, limit: 2 });
        const page2 = await store.findDueMembers(P, { before: base + 10 * DAY, limit: 10, after: page1.at(-1)! });
        expect([...page1, ...page2].map((d) => d.memberId)).toEqual(["d0", "d3", "d1", "d4", "d2"]);
        // Moving a member's dueAt moves it in the index; null takes it out.
        const loaded = await store.loadMember(P, "d0");
        const move = enrollBatch("d0", "kmove", loaded!.version, base + 5 * DAY);
        await store.commit({ ...move, members: [{ ...move.members[0]!, entries: [], snapshot: loaded!.snapshot }] });
        expect((await store.findDueMembers(P, { before: base + DAY, limit: 10 })).map((d) => d.memberId)).toEqual([
          "d3",
          "d1",
          "d4",
        ]);
        await close(store);
      });
    });

    describe("stock and two-member commits", () => {
      const R = "reward-1";
      it("answers null for a reward no commit has touched, starts a count at `initial`, and applies deltas", async () => {
        const store = await make();
        expect(await store.getStock(P, R)).toBeNull();
        await store.commit({ ...enrollBatch("m1", "k1"), stock: [{ rewardId: R, delta: -1, initial: 3 }] });
        expect(await store.getStock(P, R)).toBe(2);
        // The initial count only applies to the first change.
        await store.commit({ ...enrollBatch("m2", "k2"), stock: [{ rewardId: R, delta: -2, initial: 100 }] });
        expect(await store.getStock(P, R)).toBe(0);
        expect(await store.getStock(`${P}-other`, R)).toBeNull();
        await close(store);
      });

      it("refuses a change that would take a count below zero with CommitConflict('stock'), writing nothing", async () => {
        const store = await make();
        await store.commit({ ...enrollBatch("m1", "k1"), stock: [{ rewardId: R, delta: -1, initial: 1 }] });
        const before = await storeFingerprint(store, P, ["m1", "m2"], ["k2", "k3"], [R, "reward-2"]);
        for (const batch of [
          { ...enrollBatch("m2", "k2"), stock: [{ rewardId: R, delta: -1, initial: 1 }] },
          // A first change that starts below zero, beside one that would be fine.
          {
            ...enrollBatch("m2", "k3"),
            stock: [
              { rewardId: "reward-2", delta: -2, initial: 1 },
              { rewardId: R, delta: 1, initial: 0 },
            ],
          },
        ]) {
          const refused = await store.commit(batch).then(
            () => null,
            (e: unknown) => e,
          );
          expect(refused).toBeInstanceOf(CommitConflict);
          expect((refused as CommitConflict).reason).toBe("stock");
        }
        expect(await storeFingerprint(store, P, ["m1", "m2"], ["k2", "k3"], [R, "reward-2"])).toBe(before);
        await close(store);
      });

      it("commits a batch of no members (a restock): the idempotency record and the stock change", async () => {
        const store = await make();
        const record = {
          key: "restock-1",
          payloadHash: "h",
          result: { ok: true },
          committedAt: "2026-01-01T00:00:00.000Z",
        };
        await store.commit({
          programId: P,
          members: [],
          idempotency: record,
          stock: [{ rewardId: R, delta: 5, initial: 0 }],
        });
        expect(await store.getStock(P, R)).toBe(5);
        expect(await store.getIdempotency(P, "restock-1")).toEqual(record);
        await close(store);
      });

      it("commits two members at once, or neither when one of them changed", async () => {
        const store = await make();
        await store.commit(enrollBatch("a", "ka"));
        const b = enrollBatch("b", "kb");
        const a = (await store.loadMember(P, "a"))!;
        const a2 = { memberId: "a", expectedVersion: 1, snapshot: a.snapshot, entries: [], dueAt: null };
        // Written in either order in the batch: the store sorts them.
        await store.commit({ programId: P, members: [b.members[0]!, a2], idempotency: b.idempotency });
        expect((await store.loadMember(P, "a"))?.version).toBe(2);
        expect((await store.loadMember(P, "b"))?.version).toBe(1);
        const before = await storeFingerprint(store, P, ["a", "b", "c"], ["kc"]);
        const fresh = enrollBatch("c", "kc");
        const refused = await store
          .commit({ programId: P, members: [fresh.members[0]!, a2], idempotency: fresh.idempotency })
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(refused).toBeInstanceOf(CommitConflict);
        expect(await storeFingerprint(store, P, ["a", "b", "c"], ["kc"])).toBe(before);
        await close(store);
      });
    });

    describe("rewards races", () => {
      const W = rewardsProgram.id;
      async function members(engine: LoyaltyEngine, count: number, points: string) {
        for (let i = 0; i < count; i++) {
          await engine.enroll({ key: `e${i}`, memberId: `m${i}` });
          await engine.adjust({ key: `a${i}`, memberId: `m${i}`, wallet: "points", points, reason: "seed" });
        }
      }

      it(`lets exactly as many of ${n} concurrent redemptions succeed as the balance covers, no lot below zero`, async () => {
        const store = await make();
        const { engine, t } = engineOn(store, undefined, 2 * n + 5, rewardsProgram);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        const covers = Math.floor(n / 2) - 1;
        // Several lots with different expiries, so the draws cross lots.
        for (let i = 0; i < covers; i++) {
          await engine.recordPurchase({
            key: `p${i}`,
            memberId: "m1",
            purchaseId: `o${i}`,
            amount: "10.00",
            currency: "GBP",
          });
          t.advance(DAY);
        }
        await engine.adjust({ key: "extra", memberId: "m1", wallet: "points", points: "5", reason: "seed" });
        const outcomes = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            engine.redeem({ key: `r${i}`, memberId: "m1", rewardId: "coffee" }).then(
              () => "ok",
              (e: LoyaltyError) => e.code,
            ),
          ),
        );
        expect(outcomes.filter((o) => o === "ok")).toHaveLength(covers);
        expect(outcomes.filter((o) => o !== "ok").every((o) => o === "INSUFFICIENT_POINTS")).toBe(true);
        expect((await engine.summary("m1")).wallets.points!.available).toBe("5");
        expect(await memberViolations(store, W, "m1", t.now())).toEqual([]);
        await close(store);
      });

      it(`gives the last unit of stock to exactly one of ${n} members redeeming it at once`, async () => {
        const store = await make();
        const { engine, t } = engineOn(store, undefined, 2 * n + 5, rewardsProgram);
        await members(engine, n, "25");
        const outcomes = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            engine.redeem({ key: `r${i}`, memberId: `m${i}`, rewardId: "mug" }).then(
              () => "ok",
              (e: LoyaltyError) => e.code,
            ),
          ),
        );
        expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
        expect(outcomes.filter((o) => o !== "ok").every((o) => o === "OUT_OF_STOCK")).toBe(true);
        expect(await engine.stock("mug")).toBe(0);
        const winner = outcomes.indexOf("ok");
        for (let i = 0; i < n; i++) {
          expect((await engine.summary(`m${i}`)).wallets.points!.available).toBe(i === winner ? "15" : "25");
          expect(await memberViolations(store, W, `m${i}`, t.now())).toEqual([]);
        }
        // A cancellation gives the unit back, and the next member gets it.
        await engine.cancelRedemption({ key: "c", memberId: `m${winner}`, redemptionId: `r${winner}` });
        expect(await engine.stock("mug")).toBe(1);
        const next = (winner + 1) % n;
        await engine.redeem({ key: "again", memberId: `m${next}`, rewardId: "mug" });
        expect(await engine.stock("mug")).toBe(0);
        await close(store);
      });

      it(`lets exactly 5 of ${n} members take a stock of 5 at once, and never below zero`, async () => {
        const store = await make();
        const { engine } = engineOn(store, undefined, 2 * n + 5, rewardsProgram);
        await members(engine, n, "10");
        const outcomes = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            engine.redeem({ key: `r${i}`, memberId: `m${i}`, rewardId: "tshirt" }).then(
              () => "ok",
              (e: LoyaltyError) => e.code,
            ),
          ),
        );
        expect(outcomes.filter((o) => o === "ok")).toHaveLength(Math.min(5, n));
        expect(await engine.stock("tshirt")).toBe(Math.max(0, 5 - n));
        await close(store);
      });

      it(`conserves points over ${n} concurrent transfers among 4 members, each landing on both or neither`, async () => {
        const store = await make();
        const { engine, t } = engineOn(store, undefined, 2 * n + 5, rewardsProgram);
        await members(engine, 4, "30");
        const outcomes = await Promise.all(
          Array.from({ length: n }, (_, i) => {
            const from = i % 4,
              to = (i * 3 + 1) % 4 === from ? (from + 1) % 4 : (i * 3 + 1) % 4;
            return engine
              .transfer({
                key: `t${i}`,
                fromMemberId: `m${from}`,
                toMemberId: `m${to}`,
                wallet: "points",
                points: String(5 + (i % 4) * 5),
              })
              .then(
                () => "ok",
                (e: LoyaltyError) => e.code,
              );
          }),
        );
        expect(outcomes.every((o) => o === "ok" || o === "INSUFFICIENT_POINTS")).toBe(true);
        let total = new Decimal(0);
        for (let i = 0; i < 4; i++) {
          total = total.plus((await engine.summary(`m${i}`)).wallets.points!.available);
          expect(await memberViolations(store, W, `m${i}`, t.now())).toEqual([]);
        }
        expect(total.toString()).toBe("120");
        // Each landed transfer is on both statements.
        const entries = (await Promise.all([0, 1, 2, 3].map((i) => readAllEntries(store, W, `m${i}`))))
          .flat()
          .filter((e) => e.kind === "transfer");
        const landed = outcomes.flatMap((o, i) => (o === "ok" ? [`t${i}`] : []));
        expect(
          [
            ...new Set(
              entries
                .filter((e) => e.kind === "transfer" && e.direction === "out")
                .map((e) => (e as { transferId: string }).transferId),
            ),
          ].sort(),
        ).toEqual([...landed].sort());
        expect(
          [
            ...new Set(
              entries
                .filter((e) => e.kind === "transfer" && e.direction === "in")
                .map((e) => (e as { transferId: string }).transferId),
            ),
          ].sort(),
        ).toEqual([...landed].sort());
        await close(store);
      });

      it("leaves nothing written on either member, nor in stock, when a transfer or a redemption fails at any step of its commit", async () => {
        const commands: { name: string; run: (e: LoyaltyEngine) => Promise<unknown>; keys: string[] }[] = [
          {
            name: "transfer",
            run: (e) => e.transfer({ key: "x", fromMemberId: "m0", toMemberId: "m1", wallet: "points", points: "7" }),
            keys: ["x"],
          },
          {
            name: "redeem",
            run: (e) => e.redeem({ key: "x", memberId: "m0", rewardId: "tshirt", quantity: 2 }),
            keys: ["x"],
          },
        ];
        for (const command of commands) {
          let points = 0;
          const probe = await make(() => {
            points++;
          });
          const { engine: p } = engineOn(probe, undefined, 10, rewardsProgram);
          await members(p, 2, "30");
          points = 0;
          await command.run(p);
          await close(probe);
          expect(points).toBeGreaterThan(0);
          for (let failAt = 1; failAt <= points; failAt++) {
            let armed = false,
              seen = 0;
            const store = await make(() => {
              if (armed && ++seen === failAt) throw new Error(`injected fault ${failAt}`);
            });
            const { engine, t } = engineOn(store, undefined, 10, rewardsProgram);
            await members(engine, 2, "30");
            const before = await storeFingerprint(store, W, ["m0", "m1"], command.keys, ["tshirt"]);
            armed = true;
            await expectCode(command.run(engine), "STORE_FAILURE");
            armed = false;
            expect(await storeFingerprint(store, W, ["m0", "m1"], command.keys, ["tshirt"])).toBe(before);
            await command.run(engine);
            for (const m of ["m0", "m1"]) expect(await memberViolations(store, W, m, t.now())).toEqual([]);
            expect((await engine.summary("m0")).wallets.points!.available).toBe(
              command.name === "transfer" ? "23" : "10",
            );
            if (command.name === "redeem") expect(await engine.stock("tshirt")).toBe(3);
            await close(store);
          }
        }
      });
    });

    describe("through the engine", () => {
      it("keeps the books of a member's life exactly", async () => {
        const store = await make();
        const { engine, t } = engineOn(store);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        await engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "120.50", currency: "GBP" });
        t.advance(DAY);
        await engine.spend({ key: "s1", memberId: "m1", wallet: "points", points: "100" });
        await engine.refund({ key: "r1", memberId: "m1", purchaseId: "o1", amount: "60.25", currency: "GBP" });
        const s = await engine.summary("m1");
        // 120 earned, 100 spent, refund of half takes back 60: 20 from the lot, 40 as debt.
        expect(s.wallets.points!).toMatchObject({ available: "0", debt: "40" });
        await engine.adjust({ key: "a1", memberId: "m1", wallet: "points", points: "50", reason: "goodwill" });
        expect((await engine.summary("m1")).wallets.points!).toMatchObject({ available: "10", debt: "0" });
        expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
        await close(store);
      });

      it("expires lots exactly at expiresAt and writes the expiry with the next command", async () => {
        const store = await make();
        const { engine, t } = engineOn(store);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        const earned = await engine.recordPurchase({
          key: "p1",
          memberId: "m1",
          purchaseId: "o1",
          amount: "30.00",
          currency: "GBP",
        });
        const lot = earned.entries.find((e) => e.kind === "earn" && e.wallet === "points");
        const expiresAt = Date.parse((lot as { lot: { expiresAt: string } }).lot.expiresAt);
        t.set(expiresAt - 1);
        expect((await engine.summary("m1")).wallets.points!.available).toBe("30");
        t.set(expiresAt);
        expect((await engine.summary("m1")).wallets.points!.available).toBe("0");
        await expectCode(
          engine.spend({ key: "s1", memberId: "m1", wallet: "points", points: "1" }),
          "INSUFFICIENT_POINTS",
        );
        await engine.recordPurchase({ key: "p2", memberId: "m1", purchaseId: "o2", amount: "5.00", currency: "GBP" });
        const entries = await readAllEntries(store, P, "m1");
        expect(entries.filter((e) => e.kind === "expire").map((e) => (e as { points: string }).points)).toEqual(["30"]);
        expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
        await close(store);
      });
    });

    describe("expiry sweeps", () => {
      /** 12 members; those with i % 3 === 0 earn on 2 Jan (due by March 2027), the rest a year later. */
      async function population(store: LoyaltyStore) {
        const t = testClock("2026-01-02T12:00:00Z");
        const engine = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids, maxAttempts: 20 });
        for (let i = 0; i < 12; i++) {
          t.set(i % 3 === 0 ? "2026-01-02T12:00:00Z" : "2027-01-02T12:00:00Z");
          await engine.enroll({ key: `e${i}`, memberId: `s${i}` });
          await engine.recordPurchase({
            key: `p${i}`,
            memberId: `s${i}`,
            purchaseId: `o${i}`,
            amount: "25.00",
            currency: "GBP",
          });
        }
        t.set("2027-03-01T00:00:00Z");
        return { engine, t };
      }

      it("indexes each member's next expiry, so due-lot queries name exactly the due members", async () => {
        const store = await make();
        const { t } = await population(store);
        const due = await store.findDueMembers(P, { before: t.now(), limit: 100 });
        expect(due.map((d) => d.memberId).sort()).toEqual(["s0", "s3", "s6", "s9"]);
        expect(due.every((d) => d.dueAt === Date.parse("2027-01-02T12:00:00Z"))).toBe(true);
        await close(store);
      });

      it("two sweeps at once expire each due lot once, and take the members out of the due index", async () => {
        const store = await make();
        const { engine, t } = await population(store);
        const [a, b] = await Promise.all([engine.expire({ batchSize: 2 }), engine.expire({ batchSize: 3 })]);
        expect(new Decimal(a.points.points ?? 0).plus(b.points.points ?? 0).toString()).toBe("100");
        expect(await store.findDueMembers(P, { before: t.now(), limit: 100 })).toEqual([]);
        for (let i = 0; i < 12; i++) {
          const expired = (await readAllEntries(store, P, `s${i}`)).filter((e) => e.kind === "expire");
          expect(expired.length).toBe(i % 3 === 0 ? 1 : 0);
          expect(await memberViolations(store, P, `s${i}`, t.now())).toEqual([]);
        }
        expect((await engine.expire()).members).toBe(0);
        await close(store);
      });
    });

    describe("tier reviews", () => {
      const T = tierProgram.id;
      /** 12 members enrolled in 2026; those with i % 3 === 0 reach silver in March (due for review on 1 January 2027). */
      async function population(store: LoyaltyStore) {
        const t = testClock("2026-03-02T12:00:00Z");
        const engine = createLoyaltyEngine({
          program: tierProgram,
          store,
          clock: t.clock,
          ids: t.ids,
          maxAttempts: 20,
        });
        for (let i = 0; i < 12; i++) {
          await engine.enroll({ key: `e${i}`, memberId: `t${i}` });
          await engine.recordPurchase({
            key: `p${i}`,
            memberId: `t${i}`,
            purchaseId: `o${i}`,
            amount: i % 3 === 0 ? "600.00" : "50.00",
            currency: "GBP",
          });
        }
        return { engine, t };
      }
      const REVIEW = Date.parse("2027-01-01T00:00:00Z");
      const EXPIRY = Date.parse("2027-03-02T12:00:00Z");

      it("indexes the earliest of a member's next review and next expiry, so due-review queries name exactly the due members", async () => {
        const store = await make();
        const { t } = await population(store);
        t.set(REVIEW);
        const due = await store.findDueMembers(T, { before: REVIEW, limit: 100 });
        expect(due.map((d) => d.memberId).sort()).toEqual(["t0", "t3", "t6", "t9"]);
        expect(due.every((d) => d.dueAt === REVIEW)).toBe(true);
        // Just before the review instant, nobody is due; the bronze members are due only at their expiry.
        expect(await store.findDueMembers(T, { before: REVIEW - 1, limit: 100 })).toEqual([]);
        const later = await store.findDueMembers(T, { before: EXPIRY, limit: 100 });
        expect(
          later
            .filter((d) => d.dueAt === EXPIRY)
            .map((d) => d.memberId)
            .sort(),
        ).toEqual(["t1", "t10", "t11", "t2", "t4", "t5", "t7", "t8"]);
        await close(store);
      });

      it("two review sweeps at once write each review once and move the members on in the due index; a rerun changes nothing", async () => {
        const store = await make();
        const { engine, t } = await population(store);
        t.set(REVIEW);
        const [a, b] = await Promise.all([engine.reviewTiers({ batchSize: 1 }), engine.reviewTiers({ batchSize: 3 })]);
        expect((a.changes.requalified ?? 0) + (b.changes.requalified ?? 0)).toBe(4);
        expect(await store.findDueMembers(T, { before: REVIEW, limit: 100 })).toEqual([]);
        // After the review, the next due work of the silver members is their points' expiry.
        const next = await store.findDueMembers(T, { before: EXPIRY, limit: 100 });
        expect(next.filter((d) => ["t0", "t3", "t6", "t9"].includes(d.memberId)).every((d) => d.dueAt === EXPIRY)).toBe(
          true,
        );
        const before = await storeFingerprint(store, T, ["t0", "t1", "t3"], []);
        expect(await engine.reviewTiers()).toMatchObject({ members: 0 });
        expect(await storeFingerprint(store, T, ["t0", "t1", "t3"], [])).toBe(before);
        for (let i = 0; i < 12; i++) {
          const reviews = (await readAllEntries(store, T, `t${i}`)).filter(
            (e) => e.kind === "tier" && e.reason === "requalified",
          );
          expect(reviews.length).toBe(i % 3 === 0 ? 1 : 0);
          expect(await memberViolations(store, T, `t${i}`, t.now())).toEqual([]);
        }
        await close(store);
      });
    });

    describe("idempotency", () => {
      it("replays the first result for the same key and payload, and writes nothing", async () => {
        const store = await make();
        const { engine } = engineOn(store);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        const cmd = { key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" };
        const first = await engine.recordPurchase(cmd);
        const before = await storeFingerprint(store, P, ["m1"], ["p1"]);
        const again = await engine.recordPurchase({ ...cmd });
        expect(again.replayed).toBe(true);
        expect({ ...again, replayed: false }).toEqual(first);
        expect(await storeFingerprint(store, P, ["m1"], ["p1"])).toBe(before);
        await close(store);
      });

      it("refuses the same key with another payload with IDEMPOTENCY_CONFLICT, and writes nothing", async () => {
        const store = await make();
        const { engine } = engineOn(store);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        await engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" });
        const before = await storeFingerprint(store, P, ["m1"], ["p1"]);
        await expectCode(
          engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "11.00", currency: "GBP" }),
          "IDEMPOTENCY_CONFLICT",
        );
        await expectCode(
          engine.spend({ key: "p1", memberId: "m1", wallet: "points", points: "1" }),
          "IDEMPOTENCY_CONFLICT",
        );
        expect(await storeFingerprint(store, P, ["m1"], ["p1"])).toBe(before);
        await close(store);
      });

      it(`credits a purchase delivered ${n} times at once exactly once`, async () => {
        const store = await make();
        const { engine, t } = engineOn(store, undefined, n + 5);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        const cmd = { key: "dup", memberId: "m1", purchaseId: "o1", amount: "42.00", currency: "GBP" };
        const results = await Promise.all(Array.from({ length: n }, () => engine.recordPurchase({ ...cmd })));
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
        expect((await engine.summary("m1")).wallets.points!.available).toBe("42");
        expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
        await close(store);
      });
    });

    describe("atomicity under injected faults", () => {
      it("leaves nothing written when a commit fails at any step, and the retry succeeds", async () => {
        // Count the fault points of one commit, then fail at each in turn.
        let points = 0;
        const probe = await make(() => {
          points++;
        });
        const { engine: probeEngine } = engineOn(probe);
        await probeEngine.enroll({ key: "enroll", memberId: "m1" });
        points = 0;
        await probeEngine.recordPurchase({
          key: "p1",
          memberId: "m1",
          purchaseId: "o1",
          amount: "10.00",
          currency: "GBP",
        });
        await close(probe);
        expect(points).toBeGreaterThan(0);

        for (let failAt = 1; failAt <= points; failAt++) {
          let armed = false,
            seen = 0;
          const store = await make(() => {
            if (armed && ++seen === failAt) throw new Error(`injected fault ${failAt}`);
          });
          const { engine, t } = engineOn(store);
          await engine.enroll({ key: "enroll", memberId: "m1" });
          const before = await storeFingerprint(store, P, ["m1"], ["p1"]);
          armed = true;
          await expectCode(
            engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" }),
            "STORE_FAILURE",
          );
          armed = false;
          expect(await storeFingerprint(store, P, ["m1"], ["p1"])).toBe(before);
          const retry = await engine.recordPurchase({
            key: "p1",
            memberId: "m1",
            purchaseId: "o1",
            amount: "10.00",
            currency: "GBP",
          });
          expect(retry.replayed).toBe(false);
          expect((await engine.summary("m1")).wallets.points!.available).toBe("10");
          expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
          await close(store);
        }
      });
    });

    describe("concurrency on one member", () => {
      it(`lets exactly as many of ${n} concurrent spends succeed as the balance covers`, async () => {
        const store = await make();
        const { engine, t } = engineOn(store, undefined, n + 5);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        const covers = Math.floor(n / 2) - 1;
        await engine.recordPurchase({
          key: "p1",
          memberId: "m1",
          purchaseId: "o1",
          amount: `${covers * 10 + 5}.00`,
          currency: "GBP",
        });
        const outcomes = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            engine.spend({ key: `s${i}`, memberId: "m1", wallet: "points", points: "10" }).then(
              () => "ok",
              (e: LoyaltyError) => e.code,
            ),
          ),
        );
        expect(outcomes.filter((o) => o === "ok")).toHaveLength(covers);
        expect(outcomes.filter((o) => o !== "ok").every((o) => o === "INSUFFICIENT_POINTS")).toBe(true);
        expect((await engine.summary("m1")).wallets.points!.available).toBe("5");
        expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
        await close(store);
      });

      it(`lands all of ${n} concurrent purchases, each once, with a gapless ledger`, async () => {
        const store = await make();
        const { engine, t } = engineOn(store, undefined, n + 5);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        await Promise.all(
          Array.from({ length: n }, (_, i) =>
            engine.recordPurchase({
              key: `p${i}`,
              memberId: "m1",
              purchaseId: `o${i}`,
              amount: "3.00",
              currency: "GBP",
            }),
          ),
        );
        expect((await engine.summary("m1")).wallets.points!.available).toBe(String(3 * n));
        expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
        await close(store);
      });

      it("fails with CONCURRENCY_CONFLICT, writing nothing, when the member keeps changing", async () => {
        const inner = await make();
        const { engine: setup } = engineOn(inner);
        await setup.enroll({ key: "enroll", memberId: "m1" });
        // A store that always reports a lost race: the engine must give up cleanly.
        const racing = racingStore(inner, () => true);
        const { engine } = engineOn(racing, undefined, 3);
        const before = await storeFingerprint(inner, P, ["m1"], ["p1"]);
        const error = await expectCode(
          engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" }),
          "CONCURRENCY_CONFLICT",
        );
        expect(error.details.attempts).toBe(3);
        expect(await storeFingerprint(inner, P, ["m1"], ["p1"])).toBe(before);
        await close(inner);
      });
    });
  });
}
