/**
 * Hostile input and misbehaving collaborators get a typed LoyaltyError and write nothing (issue 19,
 * defect 5): a command whose getters or proxy throw, a clock that returns no time, an ids
 * generator that repeats itself, a schema name that is not a name.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { createLoyaltyEngine, createMemoryStore, isLoyaltyError, type LoyaltyEngine } from "../../src/index.js";
import { migrate, pglite } from "../../src/postgres/index.js";
import { storeFingerprint, testClock } from "../../src/testing/index.js";
import { poundsProgram } from "../support/programs.js";

const program = poundsProgram();
const T0 = "2026-03-02T10:00:00Z";

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string; issues: unknown }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isLoyaltyError(error)) throw new Error(`expected a LoyaltyError, got ${String(error)}`);
  return { code: error.code, message: error.message, issues: error.issues };
}

describe("hostile input and misbehaving collaborators", () => {
  it("a command whose getter throws, or a proxy that throws on every read: INVALID_COMMAND, nothing written", async () => {
    const store = createMemoryStore();
    const t = testClock(T0);
    const engine = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids });
    await engine.enroll({ key: "e", memberId: "m" });
    const before = await storeFingerprint(store, program.id, ["m"], ["p1"]);
    const getter = {
      key: "p1",
      memberId: "m",
      purchaseId: "o1",
      currency: "GBP",
      get amount(): string {
        throw new Error("boom");
      },
    };
    const trap = () => {
      throw new TypeError("no");
    };
    const proxy = new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap });
    for (const input of [getter, proxy]) {
      const r = await refusal(engine.recordPurchase(input as never));
      expect(r.code).toBe("INVALID_COMMAND");
      expect(JSON.stringify(r.issues)).toMatch(/could not be read/);
    }
    expect(await storeFingerprint(store, program.id, ["m"], ["p1"])).toBe(before);
  });

  it("a clock that returns NaN, a string or an invalid Date: CLOCK_FAILURE, nothing written", async () => {
    for (const bad of [Number.NaN, "2026-03-02", new Date("not a date"), Infinity, 1.5]) {
      const store = createMemoryStore();
      const good = createLoyaltyEngine({ program, store, clock: () => Date.parse(T0) });
      await good.enroll({ key: "e", memberId: "m" });
      const before = await storeFingerprint(store, program.id, ["m"], ["p1"]);
      const engine: LoyaltyEngine = createLoyaltyEngine({ program, store, clock: () => bad as never });
      const purchase = { key: "p1", memberId: "m", purchaseId: "o1", amount: "5.00", currency: "GBP" };
      expect((await refusal(engine.recordPurchase(purchase))).code).toBe("CLOCK_FAILURE");
      expect((await refusal(engine.summary("m"))).code).toBe("CLOCK_FAILURE");
      expect(await storeFingerprint(store, program.id, ["m"], ["p1"])).toBe(before);
    }
  });

  it("an ids generator that repeats an id of the command or of an open lot: IDS_FAILURE before the commit", async () => {
    const store = createMemoryStore();
    const t = testClock(T0);
    const same = createLoyaltyEngine({ program, store, clock: t.clock, ids: () => "same" });
    await same.enroll({ key: "e", memberId: "m" });
    const before = await storeFingerprint(store, program.id, ["m"], ["p1"]);
    // A purchase writes three entries: the second would repeat the first's id.
    const purchase = { key: "p1", memberId: "m", purchaseId: "o1", amount: "5.00", currency: "GBP" };
    expect((await refusal(same.recordPurchase(purchase))).code).toBe("IDS_FAILURE");
    expect(await storeFingerprint(store, program.id, ["m"], ["p1"])).toBe(before);

    let n = 0;
    const flipping = createLoyaltyEngine({ program, store, clock: t.clock, ids: () => (n++ % 2 === 0 ? "a" : "b") });
    const credit = (key: string) =>
      flipping.adjust({ key, memberId: "m", wallet: "points", points: "10", reason: "x" });
    await credit("c1"); // entry "a": a new lot "a"
    await credit("c2"); // entry "b": a new lot "b"
    expect((await refusal(credit("c3"))).code).toBe("IDS_FAILURE"); // "a" again: an open lot's id
    const spendable = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids });
    await spendable.spend({ key: "s1", memberId: "m", wallet: "points", points: "20" });
    expect((await spendable.summary("m")).wallets.points!.available).toBe("0");

    const numeric = createLoyaltyEngine({ program, store, clock: t.clock, ids: () => 7 as never });
    expect(
      (await refusal(numeric.adjust({ key: "c9", memberId: "m", wallet: "points", points: "1", reason: "x" }))).code,
    ).toBe("IDS_FAILURE");
  });

  it("a purchase or event dated before the member joined (year 1900): INVALID_COMMAND on occurredAt, nothing written", async () => {
    const store = createMemoryStore();
    const t = testClock(T0);
    const engine = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids });
    await engine.enroll({ key: "e", memberId: "m", joinedAt: "2026-01-01T00:00:00Z" });
    const before = await storeFingerprint(store, program.id, ["m"], ["p1", "v1"]);
    for (const occurredAt of ["1900-01-01T00:00:00Z", "2025-12-31T23:59:59.999Z"]) {
      const p = await refusal(
        engine.recordPurchase({
          key: "p1",
          memberId: "m",
          purchaseId: "o1",
          amount: "5.00",
          currency: "GBP",
          occurredAt,
        }),
      );
      expect(p.code).toBe("INVALID_COMMAND");
      expect(p.issues).toEqual([
        { path: ["occurredAt"], message: expect.stringMatching(/before the member joined/) as string },
      ]);
      expect((await refusal(engine.recordEvent({ key: "v1", memberId: "m", type: "signup", occurredAt }))).code).toBe(
        "INVALID_COMMAND",
      );
    }
    expect(await storeFingerprint(store, program.id, ["m"], ["p1", "v1"])).toBe(before);
    // The instant of joining itself is fine.
    const ok = await engine.recordPurchase({
      key: "p2",
      memberId: "m",
      purchaseId: "o2",
      amount: "5.00",
      currency: "GBP",
      occurredAt: "2026-01-01T00:00:00Z",
    });
    expect(ok.replayed).toBe(false);
  });

  describe("migrate() with a schema name that is not a name", () => {
    let db: PGlite | undefined;
    afterAll(async () => {
      await db?.close();
    });
    it("is INVALID_COMMAND with the path of the schema, and runs no SQL", async () => {
      db = await PGlite.create();
      const client = pglite(db);
      const hostile = { toString: () => "public" };
      for (const schema of ['x"; DROP TABLE y; --', "", "1abc", "a".repeat(64), 42, hostile]) {
        const r = await refusal(migrate(client, { schema: schema as never }));
        expect(r.code).toBe("INVALID_COMMAND");
        expect(r.issues).toEqual([
          { path: ["schema"], message: expect.stringMatching(/plain SQL identifier/) as string },
        ]);
      }
      const { rows } = await client.query(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'loyalty_migrations'",
      );
      expect(rows[0]!.n).toBe(0);
    });
  });
});
