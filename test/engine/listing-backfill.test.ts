/**
 * Members written before their store kept an index (PostgreSQL rows from before migration 6, here
 * an engine whose commits lose the index on the way): listed with no index, found by no filter;
 * the next write folds the index from the whole ledger (so the spend series reaches back before
 * it), and `indexMembers` indexes the rest at once, writing nothing else. On the memory store and
 * the PostgreSQL store (PGlite).
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import {
  createLoyaltyEngine,
  createMemoryStore,
  fromSnapshot,
  memberIndexOf,
  type CommitBatch,
  type LoyaltyStore,
} from "../../src/index.js";
import { createPostgresStore, migrate, pglite } from "../../src/postgres/index.js";
import { readAllEntries, testClock } from "../../src/testing/index.js";
import { tierProgram as program } from "../../src/testing/conformance/context.js";

let db: PGlite | undefined;
afterAll(async () => db?.close());

const stores: [string, () => Promise<LoyaltyStore>][] = [
  ["memory", async () => createMemoryStore()],
  [
    "PostgreSQL (PGlite)",
    async () => {
      db ??= await PGlite.create();
      const schema = `backfill_${process.pid}`;
      await migrate(pglite(db), { schema });
      return createPostgresStore(pglite(db), { schema });
    },
  ],
];

/** The store as an engine that sends no index sees it: every commit's index is lost. */
const withoutIndexes = (store: LoyaltyStore): LoyaltyStore =>
  new Proxy(store, {
    get(target, name, receiver) {
      if (name !== "commit") return Reflect.get(target, name, receiver) as unknown;
      return (batch: CommitBatch) => target.commit({ ...batch, members: batch.members.map(({ index: _, ...w }) => w) });
    },
  });

describe.each(stores)("members without an index, on the %s store", (_, make) => {
  it("are listed bare, indexed in full by their next write, and all at once by indexMembers", async () => {
    const store = await make();
    const t = testClock("2026-01-05T12:00:00Z");
    const old = createLoyaltyEngine({ program, store: withoutIndexes(store), clock: t.clock, ids: t.ids });
    for (const m of ["a", "b", "c"]) await old.enroll({ key: `e-${m}`, memberId: m });
    for (let month = 1; month <= 6; month++) {
      t.set(Date.UTC(2026, month - 1, 10, 12));
      await old.recordPurchase({
        key: `a${month}`,
        memberId: "a",
        purchaseId: `a${month}`,
        amount: "100",
        currency: "GBP",
      });
      const amount = month <= 3 ? "100" : "20";
      await old.recordPurchase({ key: `b${month}`, memberId: "b", purchaseId: `b${month}`, amount, currency: "GBP" });
    }
    t.set("2026-07-02T12:00:00Z");
    const engine = createLoyaltyEngine({
      program,
      store,
      clock: t.clock,
      ids: (() => `new-${t.ids()}`) as () => string,
    });

    const listed = await engine.members();
    expect(listed.members).toEqual(
      ["a", "b", "c"].map((memberId) => ({ memberId, tier: null, segments: [], joinedAt: null, lastPurchaseAt: null })),
    );
    expect((await engine.members({ tier: "silver" })).members).toEqual([]);
    expect((await engine.lapsing({ months: 3, fallenBy: "0.5" })).members).toEqual([]);

    // The next write indexes the member from its whole ledger: January's purchase is in the series.
    await engine.recordPurchase({ key: "a7", memberId: "a", purchaseId: "a7", amount: "5", currency: "GBP" });
    const a = (await store.loadMember(program.id, "a"))!;
    expect(a.index).toEqual(
      memberIndexOf(program, fromSnapshot(a.snapshot), null, await readAllEntries(store, program.id, "a")),
    );
    expect(a.index?.spendByMonth).toMatchObject({ "2026-01": "100", "2026-06": "100", "2026-07": "5" });

    const versionOfB = (await store.loadMember(program.id, "b"))!.version;
    const entriesOfB = await readAllEntries(store, program.id, "b");
    expect(await engine.indexMembers({ batchSize: 2 })).toEqual({ scanned: 3, indexed: 2 });
    expect(await engine.indexMembers()).toEqual({ scanned: 3, indexed: 0 });
    // Nothing but the index (and so the version) changed.
    const b = (await store.loadMember(program.id, "b"))!;
    expect(b.version).toBe(versionOfB + 1);
    expect(await readAllEntries(store, program.id, "b")).toEqual(entriesOfB);
    expect((await engine.members({ tier: "silver" })).members.map((m) => m.memberId)).toEqual(["a"]);
    const fell = await engine.lapsing({ months: 3, fallenBy: "0.5" });
    expect(fell.members.map((m) => [m.memberId, m.spend?.earlier, m.spend?.recent])).toEqual([["b", "300", "60"]]);
  }, 60_000);
});
