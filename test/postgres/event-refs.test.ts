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
import { createMemoryStore, type LoyaltyStore, type MemberWrite, type OutboxEvent } from "../../src/index.js";
import { enroll } from "../../src/ledger/operations.js";
import { toSnapshot } from "../../src/ledger/snapshot.js";
import { LedgerWriter } from "../../src/ledger/writer.js";
import { eventsOf } from "../../src/events/derive.js";
import { entryEventsRef } from "../../src/postgres/event-refs.js";
import { createPostgresStore, migrate, pglite, type SqlClient } from "../../src/postgres/index.js";
import { memberViolations, operationArb, runOperations } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { checkoutLife } from "../support/checkout-lives.js";
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
      // Fixed seeds first (they reach every new kind of event, checked below), then random ones.
      {
        numRuns: 6,
        examples: [1, 2, 3, 4, 5, 6].map((seed) => [seed, 1 + (seed % 4)] as [number, number]),
      },
    );
    // The scripts reached every new kind of event (the fixed seeds do, whatever the random ones do).
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
