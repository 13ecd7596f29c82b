/**
 * What a failed commit promises (issue 19, defect 1). A commit whose reply is lost (the connection
 * dropped after it was sent) may have landed: the store says so (`CommitOutcomeUnknown`), the
 * engine reads the key back and returns the result if it landed, else fails with OUTCOME_UNKNOWN,
 * and a retry with the same key replays or commits once. A failure the server reports (or one
 * before anything was sent) still means nothing was written: STORE_FAILURE.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { CommitOutcomeUnknown, createLoyaltyEngine, isLoyaltyError, type LoyaltyStore } from "../../src/index.js";
import { certainlyNotWritten, StatementNotSent } from "../../src/postgres/errors.js";
import {
  createPostgresStore,
  migrate,
  pglite,
  pgPool,
  type PgPoolClientLike,
  type PgPoolLike,
  type SqlClient,
} from "../../src/postgres/index.js";
import { readAllEntries, storeFingerprint, testClock, wrapStore } from "../../src/testing/index.js";
import { poundsProgram } from "../support/programs.js";

const program = poundsProgram();
let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});

type Fault = "lose-reply" | "server-refuses" | null;

/** A PGlite store whose next commit statement fails as `fault` says: after running (reply lost), or refused by the server. */
async function faultyStore(): Promise<{ store: LoyaltyStore; fail: (fault: Fault) => void }> {
  db ??= await PGlite.create();
  const inner = pglite(db);
  const schema = `outcome_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  await migrate(inner, { schema });
  let next: Fault = null;
  const isCommit = (text: string) => text.includes("INSERT INTO") && text.includes("loyalty_entries");
  const client: SqlClient = {
    async query(text, params) {
      if (next !== null && isCommit(text)) {
        const fault = next;
        next = null;
        if (fault === "server-refuses")
          throw Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" });
        await inner.query(text, params);
        throw new Error("Connection terminated unexpectedly");
      }
      return inner.query(text, params);
    },
    transaction: (fn) => inner.transaction(fn),
  };
  return { store: createPostgresStore(client, { schema }), fail: (fault) => (next = fault) };
}

const purchase = { key: "p1", memberId: "m", purchaseId: "o1", amount: "20.00", currency: "GBP" };

describe("a commit whose reply is lost", () => {
  it("is CommitOutcomeUnknown from the store, and the engine returns the result it finds recorded", async () => {
    const { store, fail } = await faultyStore();
    const t = testClock("2026-03-02T10:00:00Z");
    const engine = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids });
    await engine.enroll({ key: "e", memberId: "m" });
    fail("lose-reply");
    const result = await engine.recordPurchase(purchase);
    expect(result.replayed).toBe(false);
    expect(result.entries.map((e) => e.kind)).toEqual(["purchase", "earn", "earn"]);
    const again = await engine.recordPurchase(purchase);
    expect(again).toEqual({ ...result, replayed: true });
    expect((await readAllEntries(store, program.id, "m")).length).toBe(4);
  });

  it("is OUTCOME_UNKNOWN when the key cannot be read back, and a retry with the same key then replays", async () => {
    const { store: inner, fail } = await faultyStore();
    let down = false;
    const store = wrapStore(inner, {
      commit: async (batch) => {
        // The connection is gone from this commit on: the key cannot be read back.
        down = batch.idempotency?.key === "p1";
        await inner.commit(batch);
      },
      getIdempotency: async (p, k) => {
        if (down) throw new Error("Connection terminated unexpectedly");
        return inner.getIdempotency(p, k);
      },
    });
    const t = testClock("2026-03-02T10:00:00Z");
    const engine = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids });
    await engine.enroll({ key: "e", memberId: "m" });
    fail("lose-reply");
    const error = await engine.recordPurchase(purchase).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isLoyaltyError(error, "OUTCOME_UNKNOWN")).toBe(true);
    expect((error as Error).message).toMatch(/same idempotency key \("p1"\)/);
    expect((error as Error).message).not.toMatch(/nothing was written/);
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(CommitOutcomeUnknown);
    down = false;
    const again = await engine.recordPurchase(purchase);
    expect(again.replayed).toBe(true);
    expect((await readAllEntries(inner, program.id, "m")).length).toBe(4);
  });

  it("is STORE_FAILURE, nothing written, when the server refused the commit", async () => {
    const { store, fail } = await faultyStore();
    const t = testClock("2026-03-02T10:00:00Z");
    const engine = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids });
    await engine.enroll({ key: "e", memberId: "m" });
    const before = await storeFingerprint(store, program.id, ["m"], ["p1"]);
    fail("server-refuses");
    const error = await engine.recordPurchase(purchase).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isLoyaltyError(error, "STORE_FAILURE")).toBe(true);
    expect((error as Error).message).toMatch(/nothing was written/);
    expect(await storeFingerprint(store, program.id, ["m"], ["p1"])).toBe(before);
    expect((await engine.recordPurchase(purchase)).replayed).toBe(false);
  });
});

describe("a transaction whose connection the server drops while it sits between statements", () => {
  /** A fake pg pool: one connection that records what it was sent and can report a lost socket. */
  function fakePool() {
    const sent: string[] = [];
    const listeners: ((e: Error) => void)[] = [];
    let released: unknown = "not released";
    const conn: PgPoolClientLike = {
      async query({ text }) {
        sent.push(text);
        return { rows: [] };
      },
      release: (destroy) => void (released = destroy),
      on: (_event, listener) => void listeners.push(listener),
      removeListener: () => undefined,
    };
    const pool: PgPoolLike = {
      query: async () => ({ rows: [] }),
      connect: async () => conn,
    };
    const drop = () => listeners.forEach((l) => l(new Error("terminating connection due to administrator command")));
    return { pool, sent, drop, released: () => released };
  }

  it("never sends COMMIT, and says so: the commit path reports nothing written, not an unknown outcome", async () => {
    const { pool, sent, drop, released } = fakePool();
    const error = await pgPool(pool)
      .transaction(async (tx) => {
        await tx.query("UPDATE loyalty_members SET version = version + 1");
        drop(); // pg emits 'error' on the checked-out client as the FATAL message arrives
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(StatementNotSent);
    expect(certainlyNotWritten(error)).toBe(true);
    expect(sent).toEqual(["BEGIN", "UPDATE loyalty_members SET version = version + 1"]);
    expect(released()).toBeInstanceOf(Error); // destroyed, not given back to the pool
  });

  it("tells a lost reply (unknown) from pg's refusal of a query on a broken client (not sent)", () => {
    expect(certainlyNotWritten(new Error("Connection terminated unexpectedly"))).toBe(false);
    expect(certainlyNotWritten(Object.assign(new Error("x"), { code: "08006" }))).toBe(false);
    expect(certainlyNotWritten(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    expect(certainlyNotWritten(new Error("Client was closed and is not queryable"))).toBe(true);
    expect(certainlyNotWritten(Object.assign(new Error("x"), { code: "57P01" }))).toBe(true);
  });
});
