/**
 * The stored form of entries and events (src/postgres/compact.ts, migration 7): what a read gives
 * back is the committed value, key order included, whether the row holds the compact form or the
 * whole value (rows written before migration 7); and a schema with such rows migrates and reads the
 * same. Also the feed's order within a commit of more than ten events (pos compared as a number).
 */
import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import {
  createLoyaltyEngine,
  createMemoryStore,
  redactEntry,
  type CommitBatch,
  type LoyaltyStore,
  type OutboxEvent,
} from "../../src/index.js";
import type { Entry } from "../../src/ledger/entries.js";
import { enroll } from "../../src/ledger/operations.js";
import { toSnapshot } from "../../src/ledger/snapshot.js";
import { LedgerWriter } from "../../src/ledger/writer.js";
import { entryFromRow, eventFromRow, storedEntry, storedEvent } from "../../src/postgres/compact.js";
import { migrations } from "../../src/postgres/migrations.js";
import { createPostgresStore, migrate, pglite, type SqlClient } from "../../src/postgres/index.js";
import { operationArb, readAllEntries, runOperations } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { exampleTarget } from "../support/example-scripts.js";

type Json = Record<string, unknown>;
const P = exampleProgram.id;

/** The value as a row would give it back: stored, sent as JSON text, read and put back together. */
const entryRoundTrip = (e: Entry) =>
  entryFromRow(
    JSON.parse(JSON.stringify(storedEntry(e, e.memberId))) as Json,
    e.memberId,
    e.seq,
    e.kind,
    e.command.key,
  );
const eventRoundTrip = (e: OutboxEvent) =>
  eventFromRow(JSON.parse(JSON.stringify(storedEvent(e))) as Json, e.id, e.memberId);

async function allEvents(store: LoyaltyStore): Promise<OutboxEvent[]> {
  const events: OutboxEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.readEvents!(P, { after, limit: 100 });
    if (page.events.length === 0) return events;
    events.push(...page.events);
    after = page.cursor;
  }
}

/** A member's life from a random script on `store`, then an expiring-soon notice run. */
async function life(store: LoyaltyStore, seed: number, steps: number) {
  const { engine, t } = testEngine(exampleProgram, "2026-01-01T00:00:00Z", {
    store,
    codes: ({ redemptionId, index }) => `${redemptionId}/${index}`,
  });
  await engine.enroll({ key: "enroll-m", memberId: "m" });
  const [script] = fc.sample(
    fc.array(operationArb(undefined, { rewards: true }), { minLength: steps, maxLength: steps }),
    {
      numRuns: 1,
      seed,
    },
  );
  await runOperations(exampleTarget(engine, t.advance), script!);
  await engine.notify({ expiringWithinDays: 366 });
  return { engine, t };
}

describe("stored form of entries and events (compact.ts)", () => {
  it("gives back every entry and event the engine makes, key for key, and leaves the columns' fields out", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), async (seed) => {
        const store = createMemoryStore();
        await life(store, seed, 25);
        const entries = await readAllEntries(store, P, "m");
        expect(entries.length).toBeGreaterThan(1);
        for (const e of entries) {
          expect(JSON.stringify(entryRoundTrip(e))).toBe(JSON.stringify(e));
          const stored = storedEntry(e, "m") as Json;
          for (const field of ["kind", "memberId", "seq"]) expect(stored).not.toHaveProperty(field);
          expect(stored.command).not.toHaveProperty("key");
          // Migration 8: an earn's lot without what the entry already says, a purchase without its time.
          if (e.kind === "earn") expect(Object.keys(stored.lot as Json)).not.toContain("earnedAt");
          if (e.kind === "purchase" && e.occurredAt === e.at) expect(stored).not.toHaveProperty("occurredAt");
        }
        const events = await allEvents(store);
        expect(events.length).toBeGreaterThan(1);
        for (const e of events) {
          expect(JSON.stringify(eventRoundTrip(e))).toBe(JSON.stringify(e));
          expect(storedEvent(e)).not.toHaveProperty("id");
          expect(storedEvent(e)).not.toHaveProperty("memberId");
        }
      }),
      { numRuns: 8 },
    );
  });

  it("gives back a value of any other shape as it was (stored whole)", () => {
    const reserved = new Set(["kind", "memberId", "seq", "at", "command", "id", "__proto__"]);
    const body = fc.dictionary(
      fc.string().filter((k) => !reserved.has(k)),
      fc.jsonValue(),
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(
        body,
        fc.string(),
        fc.nat(),
        fc.string(),
        fc.array(fc.nat(), { minLength: 9, maxLength: 9 }),
        fc.boolean(),
        (rest, key, seq, memberId, order, shuffle) => {
          const fields: [string, unknown][] = [
            ["kind", "earn"],
            ...Object.entries(rest),
            ["id", "e1"],
            ["memberId", memberId],
            ["seq", seq],
            ["at", "2026-01-01T00:00:00.000Z"],
            ["command", { key, type: "purchase" }],
          ];
          // Shuffled, the tail is rarely in the writer's order: such an entry must be stored whole.
          if (shuffle) fields.sort((a, b) => order[fields.indexOf(a) % 9]! - order[fields.indexOf(b) % 9]!);
          const entry = Object.fromEntries(fields) as unknown as Entry;
          // Read as the row's columns would give it (the member the row is under may differ).
          const back = entryFromRow(JSON.parse(JSON.stringify(storedEntry(entry, "m"))) as Json, "m", seq, "earn", key);
          expect(JSON.stringify(back)).toBe(JSON.stringify(entry));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("gives back an earn's lot and a purchase's time as they were, whatever they hold", () => {
    const at = "2026-01-01T00:00:00.000Z";
    // Values that are often the entry's own (`at`, its wallet), so that each elision is tried.
    const instant = fc.constantFrom<unknown>(at, "2026-02-01T00:00:00.000Z", null, 0);
    const field = fc.tuple(fc.constantFrom("wallet", "earnedAt", "availableAt", "expiresAt", "other"), instant);
    const lot = fc.oneof(
      fc.uniqueArray(field, { selector: ([k]) => k, maxLength: 5 }).map((f) => Object.fromEntries(f) as unknown),
      fc.record({
        wallet: fc.constantFrom<unknown>("points", "status"),
        earnedAt: instant,
        availableAt: instant,
        expiresAt: instant,
      }),
      instant,
    );
    fc.assert(
      fc.property(
        fc.constantFrom("earn", "purchase"),
        lot,
        fc.option(instant, { nil: undefined }),
        fc.boolean(),
        (kind, lotValue, occurredAt, counted) => {
          const fields: [string, unknown][] = [["kind", kind]];
          if (kind === "earn") fields.push(["wallet", "points"], ["lot", lotValue]);
          else fields.push(["purchaseId", "p"], ["amount", "1.00"]);
          if (occurredAt !== undefined) fields.push(["occurredAt", occurredAt]);
          if (counted) fields.push(["counted", true]);
          fields.push(
            ["id", "e1"],
            ["memberId", "m"],
            ["seq", 3],
            ["at", at],
            ["command", { key: "k", type: "purchase" }],
          );
          const entry = Object.fromEntries(fields) as unknown as Entry;
          expect(JSON.stringify(entryRoundTrip(entry))).toBe(JSON.stringify(entry));
        },
      ),
      { numRuns: 500 },
    );
  });
});

let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});
let schemas = 0;
async function liteSchema(upTo?: number): Promise<{ client: SqlClient; schema: string }> {
  db ??= await PGlite.create();
  const client = pglite(db);
  const schema = `compact_${process.pid}_${++schemas}`;
  await migrate(client, { schema }, upTo === undefined ? migrations : migrations.filter((m) => m.version <= upTo));
  return { client, schema };
}

const TABLES = [
  "loyalty_members",
  "loyalty_entries",
  "loyalty_lots",
  "loyalty_idempotency",
  "loyalty_reward_stock",
  "loyalty_records",
  "loyalty_purchase_claims",
  "loyalty_events",
  "loyalty_member_segments",
];

describe("rows written before migration 7, on PGlite", () => {
  it("migrates a schema holding whole entries and events, reads them as they were, and writes on", async () => {
    const now = await liteSchema();
    const store = createPostgresStore(now.client, { schema: now.schema });
    const { t } = await life(store, 7, 40);
    const history = await readAllEntries(store, P, "m");
    const events = await allEvents(store);
    expect(events.map((e) => e.type)).toContain("points.expiring_soon");
    // The stored rows are compact: no `kind` in an entry, no `id` in an event.
    const { rows: compact } = await now.client.query(
      `SELECT (SELECT count(*) FROM ${now.schema}.loyalty_entries WHERE (entry::jsonb) ? 'kind')::int AS whole_entries,
         (SELECT count(*) FROM ${now.schema}.loyalty_events WHERE (event::jsonb) ? 'id')::int AS whole_events`,
    );
    expect(compact).toEqual([{ whole_entries: 0, whole_events: 0 }]);

    // The same rows as the store wrote them before migration 7 (whole values), in a schema at 6.
    const old = await liteSchema(6);
    for (const table of TABLES)
      await old.client.query(`INSERT INTO ${old.schema}.${table} SELECT * FROM ${now.schema}.${table}`);
    for (const e of history)
      await old.client.query(
        `UPDATE ${old.schema}.loyalty_entries SET entry = $1::json WHERE member_id = 'm' AND seq = $2`,
        [JSON.stringify(e), e.seq],
      );
    // Before migration 8 every event had a row of its own: a row naming entries (event-refs.ts) is
    // split back into one row per position, each then given its event whole, in the feed's order.
    await old.client.query(`DELETE FROM ${old.schema}.loyalty_events`);
    await old.client.query(
      `INSERT INTO ${old.schema}.loyalty_events SELECT program_id, xid, pos + g, event_id || '#' || g, member_id, event
        FROM ${now.schema}.loyalty_events, generate_series(0, CASE WHEN json_typeof(event) = 'array'
          THEN (event->>2)::integer - 1 ELSE 0 END) AS g`,
    );
    const { rows: places } = await old.client.query(
      `SELECT xid::text AS xid, pos FROM ${old.schema}.loyalty_events ORDER BY xid, pos`,
    );
    expect(places.length).toBe(events.length);
    for (const [i, e] of events.entries())
      await old.client.query(
        `UPDATE ${old.schema}.loyalty_events SET event_id = $1, event = $2::json WHERE xid = $3::xid8 AND pos = $4`,
        [e.id, JSON.stringify(e), places[i]!.xid, places[i]!.pos],
      );
    expect(await migrate(old.client, { schema: old.schema })).toEqual({ applied: [7, 8], version: 8 });

    const later = createPostgresStore(old.client, { schema: old.schema });
    expect(JSON.stringify(await readAllEntries(later, P, "m"))).toBe(JSON.stringify(history));
    expect(JSON.stringify(await allEvents(later))).toBe(JSON.stringify(events));
    // Both forms side by side: a new command's rows are compact, the old ones read as they were.
    const engine = createLoyaltyEngine({ program: exampleProgram, store: later, clock: t.clock, ids: t.ids });
    await engine.recordPurchase({ key: "after", memberId: "m", purchaseId: "after", amount: "30", currency: "GBP" });
    const after = await readAllEntries(later, P, "m");
    expect(JSON.stringify(after.slice(0, history.length))).toBe(JSON.stringify(history));
    expect(after.slice(history.length).map((e) => e.command.key)).toEqual(
      after.slice(history.length).map(() => "after"),
    );
    expect(after.length).toBeGreaterThan(history.length);
    // A notice written again is still skipped (the rebuilt index holds the old notices).
    await engine.notify({ expiringWithinDays: 366 });
    const notices = (await allEvents(later)).filter((e) => e.type === "points.expiring_soon").map((e) => e.id);
    expect(new Set(notices).size).toBe(notices.length);
    expect(notices.length).toBeGreaterThan(0);
    // An erasure rewrites whole and compact rows alike: every earlier entry reads back redacted.
    const unerased = await readAllEntries(later, P, "m");
    // The script typed free text (adjust reasons, notes), so some entries change.
    expect(unerased.some((e) => JSON.stringify(redactEntry(e)) !== JSON.stringify(e))).toBe(true);
    await engine.eraseMember({ key: "erase", memberId: "m" });
    const erased = await readAllEntries(later, P, "m");
    expect(JSON.stringify(erased.slice(0, unerased.length))).toBe(JSON.stringify(unerased.map(redactEntry)));
    expect(erased.at(-1)!.kind).toBe("erasure");
  });

  it("reads a commit's events in their order when it has more than ten (pos is a number, not text)", async () => {
    const { client, schema } = await liteSchema();
    const store = createPostgresStore(client, { schema });
    const w = LedgerWriter.forNewMember("n", {
      now: Date.parse("2026-01-01T00:00:00Z"),
      newId: () => "n-e",
      command: { key: "k-n", type: "enroll" },
    });
    enroll(w, { joinedAt: w.now, birthday: null, attributes: {} });
    const events: OutboxEvent[] = Array.from({ length: 12 }, (_, i) => ({
      id: `n/1/${i}`,
      type: "member.enrolled",
      memberId: "n",
      seq: 1,
      occurredAt: "2026-01-01T00:00:00.000Z",
      key: "k-n",
      payload: { index: i },
    }));
    const batch: CommitBatch = {
      programId: P,
      members: [
        { memberId: "n", expectedVersion: null, snapshot: toSnapshot(w.state), entries: w.entries, dueAt: null },
      ],
      idempotency: null,
      events,
    };
    await store.commit(batch);
    expect((await allEvents(store)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    // Paged three at a time, through the cursor inside the commit.
    const paged: string[] = [];
    let after: string | null = null;
    for (let page = await store.readEvents!(P, { after, limit: 3 }); page.events.length > 0;) {
      paged.push(...page.events.map((e) => e.id));
      after = page.cursor;
      page = await store.readEvents!(P, { after, limit: 3 });
    }
    expect(paged).toEqual(events.map((e) => e.id));
  });
});
