/**
 * Outbox rows that name entries (src/postgres/event-refs.ts, migration 8): the feed a PostgreSQL
 * store gives back is the one the memory store gives for the same commands, event for event, key
 * order included, paged through cursors that point inside such rows; an erasure (which rewrites
 * entry rows) leaves it as it was; and only commits whose events derive back exactly are stored so.
 */
import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import {
  LoyaltyError,
  createMemoryStore,
  type LoyaltyStore,
  type MemberWrite,
  type OutboxEvent,
  type ProgramDefinition,
} from "../../src/index.js";
import { enroll } from "../../src/ledger/operations.js";
import { toSnapshot } from "../../src/ledger/snapshot.js";
import { LedgerWriter } from "../../src/ledger/writer.js";
import { eventsOf } from "../../src/events/derive.js";
import { entryEventsRef } from "../../src/postgres/event-refs.js";
import { createPostgresStore, migrate, pglite, type SqlClient } from "../../src/postgres/index.js";
import { memberViolations, operationArb, runOperations, unitsToDecimal } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { exampleTarget } from "../support/example-scripts.js";

const P = exampleProgram.id;

/** The whole feed, `limit` events a page. */
async function feed(store: LoyaltyStore, limit: number): Promise<OutboxEvent[]> {
  const events: OutboxEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.readEvents!(P, { after, limit });
    expect(page.events.length).toBeLessThanOrEqual(limit);
    if (page.events.length === 0) return events;
    events.push(...page.events);
    after = page.cursor;
  }
}

/** Two members' lives from a seeded script, then a notice run: the same on any store. */
async function lives(store: LoyaltyStore, seed: number) {
  const { engine, t } = testEngine(exampleProgram, "2026-01-01T00:00:00Z", {
    store,
    codes: ({ redemptionId, index }) => `${redemptionId}/${index}`,
  });
  await engine.enroll({ key: "enroll-m", memberId: "m" });
  const [script] = fc.sample(fc.array(operationArb(undefined, { rewards: true }), { minLength: 20, maxLength: 20 }), {
    numRuns: 1,
    seed,
  });
  await runOperations(exampleTarget(engine, t.advance), script!);
  await engine.notify({ expiringWithinDays: 366 });
  return engine;
}

let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});
let schemas = 0;
async function liteSchema(): Promise<{ client: SqlClient; schema: string }> {
  db ??= await PGlite.create();
  const client = pglite(db);
  const schema = `event_refs_${process.pid}_${++schemas}`;
  await migrate(client, { schema });
  return { client, schema };
}

describe("outbox rows that name entries (event-refs.ts), on PGlite", () => {
  it("give the memory store's feed, page by page, before and after an erasure", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 4 }), async (seed, limit) => {
        const memory = createMemoryStore();
        await lives(memory, seed);
        const expected = JSON.stringify(await feed(memory, 100));
        const { client, schema } = await liteSchema();
        const store = createPostgresStore(client, { schema });
        const engine = await lives(store, seed);
        expect(JSON.stringify(await feed(store, limit))).toBe(expected);
        // Most commits were stored as one row naming their entries: fewer rows than events.
        const { rows } = await client.query(
          `SELECT count(*) FILTER (WHERE json_typeof(event) = 'array')::int AS refs, count(*)::int AS rows
           FROM ${schema}.loyalty_events`,
        );
        const count = (JSON.parse(expected) as unknown[]).length;
        expect(rows[0]!.refs).toBeGreaterThan(0);
        expect(rows[0]!.rows).toBeLessThan(count);
        // An erasure rewrites the entry rows those rows name; what the feed gave, it gives again.
        await engine.eraseMember({ key: "erase", memberId: "m" });
        const after = await feed(store, limit);
        expect(JSON.stringify(after.slice(0, count))).toBe(expected);
        expect(after.at(-1)!.type).toBe("member.erased");
      }),
      { numRuns: 6 },
    );
  });

  it("are written only when the entries give back exactly the commit's events", () => {
    const w = LedgerWriter.forNewMember("n", {
      now: Date.parse("2026-01-01T00:00:00Z"),
      newId: () => "n-e",
      command: { key: "k-n", type: "enroll" },
    });
    enroll(w, { joinedAt: w.now, birthday: null, attributes: {} });
    const write = (entries: MemberWrite["entries"]): MemberWrite => ({
      memberId: "n",
      expectedVersion: null,
      snapshot: toSnapshot(w.state),
      entries,
      dueAt: null,
    });
    const events = eventsOf(w.entries);
    expect(entryEventsRef(events, [write(w.entries)])).toEqual([1, 1, 1]);
    // Not for events other than the entries' own, nor for two members, nor for no events.
    expect(entryEventsRef([{ ...events[0]!, payload: { other: 1 } }], [write(w.entries)])).toBeNull();
    expect(entryEventsRef(events, [write(w.entries), { ...write(w.entries), memberId: "o" }])).toBeNull();
    expect(entryEventsRef([], [write(w.entries)])).toBeNull();
    // Nor for a profile change whose event an erasure's redaction would change (its `fields`).
    const p = LedgerWriter.copying(w.state, {
      now: w.now,
      newId: () => "n-p",
      command: { key: "k-p", type: "updateMember" },
    });
    p.append({ kind: "profile", attributes: { city: "Leeds" }, segments: { add: [], remove: [] } });
    expect(eventsOf(p.entries)[0]!.payload).toEqual({ fields: "attributes" });
    expect(entryEventsRef(eventsOf(p.entries), [write(p.entries)])).toBeNull();
  });
});

/**
 * Issue 17's commands in one program: checkout holds (captured, released, expired by the clock),
 * purchases paid partly with points, a stamp counter whose milestone pays points, and a donation
 * of 1% of the money to the member's cause; refunds undo milestones and take donations back.
 */
const checkoutProgram = {
  ...exampleProgram,
  id: P,
  wallets: [...exampleProgram.wallets, { id: "stamps", kind: "counter" }],
  rules: [
    ...exampleProgram.rules,
    { id: "stamp", on: "purchase", awards: [{ kind: "fixed", points: "1", wallet: "stamps" }] },
  ],
  milestones: [{ from: "stamps", every: 3, into: "points", units: 50 }],
  donations: { share: "0.01", of: "money", causes: ["school"] },
  checkout: { pointValue: "0.01", holdMinutes: 30 },
} as ProgramDefinition;

type CheckoutOp =
  | { op: "purchase"; units: number; withPoints: number }
  | { op: "refund"; purchase: number; units: number }
  | { op: "hold"; points: number }
  | { op: "capture"; hold: number; part: boolean }
  | { op: "release"; hold: number }
  | { op: "advance"; ms: number };

const checkoutOpArb: fc.Arbitrary<CheckoutOp> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("purchase" as const),
      units: fc.integer({ min: 100, max: 20_000 }),
      withPoints: fc.integer({ min: 0, max: 50 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("refund" as const),
      purchase: fc.nat(),
      units: fc.integer({ min: 1, max: 10_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("hold" as const), points: fc.integer({ min: 1, max: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("capture" as const), hold: fc.nat(), part: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("release" as const), hold: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("advance" as const),
      ms: fc.constantFrom(60_000, 31 * 60_000, 86_400_000, 200 * 86_400_000),
    }),
  },
);

/** A member's life through the issue-17 commands; business refusals are part of it. */
async function checkoutLife(store: LoyaltyStore, seed: number) {
  const { engine, t } = testEngine(checkoutProgram, "2026-01-01T00:00:00Z", { store });
  await engine.enroll({ key: "enroll-m", memberId: "m", attributes: { cause: "school" } });
  const [script] = fc.sample(fc.array(checkoutOpArb, { minLength: 25, maxLength: 25 }), { numRuns: 1, seed });
  const purchases: string[] = [];
  const holds: string[] = [];
  let n = 0;
  for (const o of script!) {
    const k = `k-${++n}`;
    const pick = (ids: string[], i: number) => ids[i % ids.length]!;
    try {
      if (o.op === "purchase") {
        const amount = unitsToDecimal(o.units, 2);
        const paid = unitsToDecimal(Math.floor((o.units * o.withPoints) / 100), 2);
        await engine.recordPurchase({
          key: k,
          memberId: "m",
          purchaseId: k,
          amount,
          currency: "GBP",
          ...(o.withPoints > 0 && paid !== "0.00" ? { paidWithPoints: paid } : {}),
        });
        purchases.push(k);
      } else if (o.op === "refund" && purchases.length > 0) {
        await engine.refund({
          key: k,
          memberId: "m",
          purchaseId: pick(purchases, o.purchase),
          amount: unitsToDecimal(o.units, 2),
          currency: "GBP",
        });
      } else if (o.op === "hold") {
        await engine.hold({
          key: k,
          memberId: "m",
          holdId: k,
          wallet: "points",
          points: String(o.points),
          orderAmount: unitsToDecimal(o.points * 2, 2),
        });
        holds.push(k);
      } else if (o.op === "capture" && holds.length > 0) {
        await engine.captureHold({
          key: k,
          memberId: "m",
          holdId: pick(holds, o.hold),
          ...(o.part ? { points: "1" } : {}),
        });
      } else if (o.op === "release" && holds.length > 0) {
        await engine.releaseHold({ key: k, memberId: "m", holdId: pick(holds, o.hold) });
      } else if (o.op === "advance") t.advance(o.ms);
    } catch (error) {
      const refused = ["INSUFFICIENT_POINTS", "REFUND_EXCEEDS_PURCHASE", "REFUND_WINDOW_CLOSED", "HOLD_NOT_FOUND"];
      if (!(error instanceof LoyaltyError) || !refused.includes(error.code)) throw error;
    }
  }
  await engine.expire();
  return { engine, t };
}

describe("the issue-17 commands' events on PGlite", () => {
  it("give the memory store's feed: holds, captures, releases, milestones and donations, page by page", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 4 }), async (seed, limit) => {
        const memory = createMemoryStore();
        const m = await checkoutLife(memory, seed);
        const expected = await feed(memory, 100);
        for (const e of expected) seen.add(e.type);
        const { client, schema } = await liteSchema();
        const store = createPostgresStore(client, { schema });
        const pg = await checkoutLife(store, seed);
        expect(JSON.stringify(await feed(store, limit))).toBe(JSON.stringify(expected));
        // Both stores hold the member as the fold of its entries.
        expect(await memberViolations(memory, P, "m", m.t.now())).toEqual([]);
        expect(await memberViolations(store, P, "m", pg.t.now())).toEqual([]);
      }),
      { numRuns: 6 },
    );
    // The scripts reached every new kind of event.
    for (const type of [
      "points.held",
      "points.captured",
      "points.hold_released",
      "milestone.reached",
      "donation.made",
      "donation.returned",
    ])
      expect(seen).toContain(type);
  });
});
