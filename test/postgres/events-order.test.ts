/**
 * The outbox's ordering hazard on a real server (DATABASE_URL; PGlite is one connection, so two
 * transactions cannot overlap there): a transaction that takes its id first and commits last must
 * hold the feed back until it commits, never land behind a reader's cursor.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommitBatch, LoyaltyStore, OutboxEvent } from "../../src/index.js";
import { enroll } from "../../src/ledger/operations.js";
import { toSnapshot } from "../../src/ledger/snapshot.js";
import { LedgerWriter } from "../../src/ledger/writer.js";
import { createPostgresStore, migrate, pgPool } from "../../src/postgres/index.js";

const DATABASE_URL = process.env.DATABASE_URL;
const P = "events-order";

/** A new member's commit (an enroll entry) with one event. */
function enrolled(memberId: string): CommitBatch {
  const w = LedgerWriter.forNewMember(memberId, {
    now: Date.parse("2026-01-01T00:00:00Z"),
    newId: () => `${memberId}-e`,
    command: { key: `k-${memberId}`, type: "enroll" },
  });
  enroll(w, { joinedAt: w.now, birthday: null, attributes: {} });
  const event: OutboxEvent = {
    id: `${memberId}/1/0`,
    type: "member.enrolled",
    memberId,
    seq: 1,
    occurredAt: "2026-01-01T00:00:00.000Z",
    key: `k-${memberId}`,
    payload: {},
  };
  return {
    programId: P,
    members: [{ memberId, expectedVersion: null, snapshot: toSnapshot(w.state), entries: w.entries, dueAt: null }],
    idempotency: null,
    events: [event],
  };
}

async function ids(store: LoyaltyStore, after: string | null) {
  const page = await store.readEvents!(P, { after, limit: 100 });
  return { ids: page.events.map((e) => e.id), cursor: page.cursor };
}

describe.skipIf(!DATABASE_URL)("outbox order on a real server", () => {
  const schema = `events_${process.pid}_${Date.now().toString(36)}`;
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 6 });
    await migrate(pgPool(pool), { schema });
  });
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });

  it("holds back a transaction that committed first until one that took its id earlier commits", async () => {
    const client = pgPool(pool);
    // `slow` stops inside its transaction, after its statement (its xid taken), until released.
    let release!: () => void;
    let inside!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const slow = createPostgresStore(client, {
      schema,
      faults: async () => {
        inside();
        await held;
      },
    });
    const fast = createPostgresStore(client, { schema });
    const reader = createPostgresStore(client, { schema });

    const first = slow.commit(enrolled("early"));
    await entered;
    await fast.commit(enrolled("late"));
    // The later transaction has committed, but the earlier one may still commit below it: the reader
    // waits for it rather than read "late" and move its cursor past "early".
    const before = await ids(reader, null);
    expect(before).toEqual({ ids: [], cursor: null });
    // The hazard is real: without the bound, a reader sees "late" alone, and a cursor moved past it
    // (its key, or a sequence value taken after "early"'s) would never come back for "early".
    const naive = await pool.query(
      `SELECT event_id, xid::text AS xid FROM "${schema}".loyalty_events WHERE program_id = $1 ORDER BY xid, pos`,
      [P],
    );
    expect(naive.rows.map((r: { event_id: string }) => r.event_id)).toEqual(["late/1/0"]);
    release();
    await first;
    // Both are final now (unless another session on the server keeps an older transaction open: wait for it).
    let after = before;
    for (let i = 0; i < 200 && after.ids.length < 2; i++) {
      after = await ids(reader, null);
      if (after.ids.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(after.ids).toEqual(["early/1/0", "late/1/0"]);
    const { rows } = await pool.query(
      `SELECT xid::text AS xid FROM "${schema}".loyalty_events WHERE program_id = $1 ORDER BY xid, pos`,
      [P],
    );
    expect(BigInt(rows[0].xid as string)).toBeLessThan(BigInt(naive.rows[0].xid as string));
  });
});
