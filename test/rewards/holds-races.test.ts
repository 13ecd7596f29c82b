/**
 * Checkout holds racing (issue #17): holds of one member's points committed at once can never
 * together take more than the balance, and a hold closes once. On the in-memory store, on
 * PostgreSQL in PGlite, and on a PostgreSQL server when DATABASE_URL is set: each store's
 * compare-and-set on the member's version makes the loser decide again on what the winner left.
 */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { LoyaltyError, createMemoryStore, type LoyaltyStore } from "../../src/index.js";
import { createPostgresStore, migrate, pglite, pgPool } from "../../src/postgres/index.js";
import { memberViolations, plainProgram } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";

const T0 = "2026-03-02T10:00:00Z";
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const stores: [string, () => Promise<LoyaltyStore>][] = [
  ["memory", async () => createMemoryStore()],
  [
    "PostgreSQL (PGlite)",
    async () => {
      const db = await PGlite.create();
      closers.push(() => db.close());
      const client = pglite(db);
      await migrate(client, { schema: "holds" });
      return createPostgresStore(client, { schema: "holds" });
    },
  ],
];
const DATABASE_URL = process.env.DATABASE_URL;
if (DATABASE_URL)
  stores.push([
    "PostgreSQL server",
    async () => {
      const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
      const schema = `holds_${process.pid}_${Date.now().toString(36)}`;
      closers.push(async () => {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      });
      const client = pgPool(pool);
      await migrate(client, { schema });
      return createPostgresStore(client, { schema });
    },
  ]);

describe.each(stores)("holds racing on %s", (_name, makeStore) => {
  async function member() {
    const store = await makeStore();
    const { engine, t } = testEngine(plainProgram, T0, { store, maxAttempts: 50 });
    await engine.enroll({ key: "e", memberId: "ann" });
    await engine.adjust({ key: "a", memberId: "ann", wallet: "points", points: "80", reason: "opening" });
    return { engine, store, t };
  }
  const codes = (settled: PromiseSettledResult<unknown>[]) =>
    settled.map((s) => (s.status === "fulfilled" ? "ok" : s.reason instanceof LoyaltyError ? s.reason.code : "other"));

  it("six holds of 30 of 80 points: two commit, four are refused, nothing below zero", async () => {
    const { engine, store, t } = await member();
    const settled = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        engine.hold({ key: `h${i}`, memberId: "ann", holdId: `order-${i}`, wallet: "points", points: "30" }),
      ),
    );
    expect(codes(settled).sort()).toEqual([
      "INSUFFICIENT_POINTS",
      "INSUFFICIENT_POINTS",
      "INSUFFICIENT_POINTS",
      "INSUFFICIENT_POINTS",
      "ok",
      "ok",
    ]);
    const w = (await engine.summary("ann")).wallets.points!;
    expect([w.available, w.held]).toEqual(["20", "60"]);
    expect(await memberViolations(store, plainProgram.id, "ann", t.now())).toEqual([]);
  });

  it("a hold and a spend racing for the same points: one of them is refused", async () => {
    const { engine, store, t } = await member();
    const settled = await Promise.allSettled([
      engine.hold({ key: "h", memberId: "ann", holdId: "order-1", wallet: "points", points: "50" }),
      engine.spend({ key: "s", memberId: "ann", wallet: "points", points: "50" }),
    ]);
    expect(codes(settled).sort()).toEqual(["INSUFFICIENT_POINTS", "ok"]);
    expect((await engine.summary("ann")).wallets.points!.available).toBe("30");
    expect(await memberViolations(store, plainProgram.id, "ann", t.now())).toEqual([]);
  });

  it("a capture and a release of one hold: the hold closes once", async () => {
    const { engine, store, t } = await member();
    await engine.hold({ key: "h", memberId: "ann", holdId: "order-1", wallet: "points", points: "50" });
    const settled = await Promise.allSettled([
      engine.captureHold({ key: "c", memberId: "ann", holdId: "order-1" }),
      engine.releaseHold({ key: "r", memberId: "ann", holdId: "order-1" }),
    ]);
    expect(codes(settled).sort()).toEqual(["HOLD_NOT_FOUND", "ok"]);
    const w = (await engine.summary("ann")).wallets.points!;
    expect(w.held).toBe("0");
    expect(["30", "80"]).toContain(w.available);
    expect(await memberViolations(store, plainProgram.id, "ann", t.now())).toEqual([]);
  });
});
