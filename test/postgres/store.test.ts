/**
 * The PostgreSQL store on PGlite (embedded WASM Postgres: no server needed, so this runs in every
 * `npm test`), and, when DATABASE_URL is set, the same conformance suite on a real server.
 *
 * One PGlite instance serves the whole file (starting one takes seconds); every store gets a
 * schema of its own, migrated on creation and dropped on close, so each starts empty.
 */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { CommitConflict, createLoyaltyEngine, type CommitBatch, type LoyaltyStore } from "../../src/index.js";
import { enroll } from "../../src/ledger/operations.js";
import { toSnapshot } from "../../src/ledger/snapshot.js";
import { LedgerWriter } from "../../src/ledger/writer.js";
import {
  createPostgresStore,
  migrate,
  migrations,
  pgPool,
  pglite,
  type PostgresStore,
  SCHEMA_VERSION,
  type PostgresStoreOptions,
  type SqlClient,
  type SqlQueryable,
} from "../../src/postgres/index.js";
import {
  memberViolations,
  operationArb,
  readAllEntries,
  runOperations,
  runStoreConformance,
  storeFingerprint,
  testClock,
} from "../../src/testing/index.js";
import fc from "fast-check";
import { exampleTarget } from "../support/example-scripts.js";

let db: PGlite | undefined;
async function litedb(): Promise<PGlite> {
  db ??= await PGlite.create();
  return db;
}
afterAll(async () => {
  await db?.close();
});

let schemas = 0;
const stores = new WeakMap<LoyaltyStore, { client: SqlClient; schema: string }>();

async function makeLiteStore(options: Omit<PostgresStoreOptions, "schema"> = {}): Promise<PostgresStore> {
  const client = pglite(await litedb());
  const schema = `lite_${process.pid}_${++schemas}`;
  await migrate(client, { schema });
  const store = createPostgresStore(client, { ...options, schema });
  stores.set(store, { client, schema });
  return store;
}
/** Schemas made on the server and not dropped yet (a failed test skips its closeStore): dropped after all. */
const serverSchemas = new Set<string>();
async function dropStore(store: LoyaltyStore) {
  const made = stores.get(store);
  if (!made) return;
  await made.client.query(`DROP SCHEMA "${made.schema}" CASCADE`);
  serverSchemas.delete(made.schema);
}

runStoreConformance({
  name: "PostgreSQL on PGlite",
  makeStore: ({ faults }) => makeLiteStore(faults ? { faults } : {}),
  closeStore: dropStore,
});

const DATABASE_URL = process.env.DATABASE_URL;
describe.skipIf(!DATABASE_URL)("on a real server (DATABASE_URL)", () => {
  // Created on first use, so that nothing connects when DATABASE_URL is unset.
  let pool: pg.Pool | undefined;
  const serverPool = () => (pool ??= new pg.Pool({ connectionString: DATABASE_URL, max: 30 }));
  afterAll(async () => {
    for (const schema of serverSchemas) await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });
  runStoreConformance({
    name: "PostgreSQL server",
    makeStore: async ({ faults }) => {
      const client = pgPool(serverPool());
      const schema = `conf_${process.pid}_${Date.now().toString(36)}_${++schemas}`;
      serverSchemas.add(schema);
      await migrate(client, { schema });
      const store = createPostgresStore(client, { schema, ...(faults ? { faults } : {}) });
      stores.set(store, { client, schema });
      return store;
    },
    closeStore: dropStore,
  });
});
if (!DATABASE_URL) {
  describe("on a real server", () => {
    it.skip("skipped: set DATABASE_URL (e.g. postgres://user:pass@localhost/db) to run the conformance suite on a PostgreSQL server; .ci/run does", () => {});
  });
}

// ---- The store's own behaviour, on PGlite ---------------------------------------------------------

const P = "conformance";

/** A real commit batch for a new member (an enroll entry), as the conformance suite builds them. */
function enrollBatch(memberId: string, key: string | null): CommitBatch {
  const w = LedgerWriter.forNewMember(memberId, {
    now: Date.parse("2026-01-01T00:00:00Z"),
    newId: () => `${memberId}-e`,
    command: { key: key ?? "sys", type: "enroll" },
  });
  enroll(w, { joinedAt: w.now, birthday: null, attributes: {} });
  return {
    programId: P,
    members: [{ memberId, expectedVersion: null, snapshot: toSnapshot(w.state), entries: w.entries, dueAt: null }],
    idempotency:
      key === null ? null : { key, payloadHash: `h-${key}`, result: { key }, committedAt: "2026-01-01T00:00:00.000Z" },
  };
}

describe("PostgreSQL store on PGlite: migrations", () => {
  it("migrate() creates the tables once; a second call applies nothing", async () => {
    const client = pglite(await litedb());
    const schema = `mig_${process.pid}`;
    expect(await migrate(client, { schema })).toEqual({
      applied: migrations.map((m) => m.version),
      version: SCHEMA_VERSION,
    });
    expect(await migrate(client, { schema })).toEqual({ applied: [], version: SCHEMA_VERSION });
    const { rows } = await client.query(
      `SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [schema],
    );
    expect(rows.map((r) => r.t)).toEqual([
      "loyalty_entries",
      "loyalty_events",
      "loyalty_idempotency",
      "loyalty_lots",
      "loyalty_member_segments",
      "loyalty_members",
      "loyalty_migrations",
      "loyalty_purchase_claims",
      "loyalty_records",
      "loyalty_reward_stock",
    ]);
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
  });

  it("refuses a schema name that is not a plain identifier, and a schema migrated by a newer version", async () => {
    const client = pglite(await litedb());
    await expect(migrate(client, { schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(/plain SQL identifier/);
    expect(() => createPostgresStore(client, { schema: "1abc" })).toThrow(/plain SQL identifier/);
    const schema = `mig_new_${process.pid}`;
    await migrate(client, { schema });
    await client.query(`INSERT INTO ${schema}.loyalty_migrations (version, name) VALUES (999, 'future')`);
    await expect(migrate(client, { schema })).rejects.toThrow(/newer version/);
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
  });
});

describe("PostgreSQL store on PGlite: storage", () => {
  it("mirrors the snapshot's open lots as numeric rows, through a random history with redemptions, cancellations and transfers", async () => {
    const store = await makeLiteStore();
    const { client, schema } = stores.get(store)!;
    const t = testClock("2026-01-01T00:00:00Z");
    const engine = createLoyaltyEngine({
      program: exampleProgram,
      store,
      clock: t.clock,
      ids: t.ids,
      codes: ({ redemptionId, index }) => `${redemptionId}/${index}`,
    });
    const mirror = async (memberId: string) => {
      const snapshot = (await store.loadMember(exampleProgram.id, memberId))!.snapshot;
      const { rows } = await client.query(
        `SELECT lot_id AS id, wallet, amount::text AS amount, remaining::text AS remaining, earned_at::text AS e, expires_at::text AS x
         FROM ${schema}.loyalty_lots WHERE program_id = $1 AND member_id = $2 ORDER BY lot_id`,
        [exampleProgram.id, memberId],
      );
      const expected = [...snapshot.lots]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((l) => ({
          id: l.id,
          wallet: l.wallet,
          amount: l.amount,
          remaining: l.remaining,
          e: String(l.earnedAt),
          x: l.expiresAt === null ? null : String(l.expiresAt),
        }));
      expect(rows).toEqual(expected);
    };
    for (const id of ["m", "friend"]) await engine.enroll({ key: `enroll-${id}`, memberId: id });
    const script = fc.sample(fc.array(operationArb(undefined, { rewards: true }), { minLength: 120, maxLength: 120 }), {
      numRuns: 1,
      seed: 7,
    })[0]!;
    let step = 0;
    await runOperations(exampleTarget(engine, t.advance), script, async () => {
      // Every tenth step, part of the balance goes to a friend, and now and then comes back.
      if (++step % 10 === 0) {
        const [from, to] = step % 20 === 0 ? ["friend", "m"] : ["m", "friend"];
        const available = Number((await engine.summary(from!)).wallets.points!.available);
        if (available >= 50)
          await engine.transfer({
            key: `gift-${step}`,
            fromMemberId: from!,
            toMemberId: to!,
            wallet: "points",
            points: String(Math.max(50, Math.floor(available / 3))),
          });
      }
      await mirror("m");
      await mirror("friend");
    });
    const kinds = new Set((await readAllEntries(store, exampleProgram.id, "m")).map((e) => e.kind));
    for (const kind of ["redeem", "cancel", "transfer"]) expect(kinds.has(kind as never)).toBe(true);
    for (const id of ["m", "friend"]) expect(await memberViolations(store, exampleProgram.id, id, t.now())).toEqual([]);
    await dropStore(store);
  });

  it("keeps 0 <= remaining <= amount with a CHECK constraint, whatever writes the row", async () => {
    const store = await makeLiteStore();
    const { client, schema } = stores.get(store)!;
    const insert = (amount: string, remaining: string) =>
      client.query(
        `INSERT INTO ${schema}.loyalty_lots (program_id, member_id, lot_id, wallet, amount, remaining, earned_at, available_at) VALUES ('p', 'm', $1, 'points', $2::numeric, $3::numeric, 0, 0)`,
        [`${amount}/${remaining}`, amount, remaining],
      );
    await insert("10", "10");
    await insert("10", "0");
    await expect(insert("10", "10.5")).rejects.toThrow(/loyalty_lots_remaining_in_bounds/);
    await expect(insert("10", "-1")).rejects.toThrow(/loyalty_lots_remaining_in_bounds/);
    await dropStore(store);
  });

  it("commits two members in one transaction, or neither", async () => {
    const store = await makeLiteStore();
    const a = enrollBatch("a", "k-a"),
      b = enrollBatch("b", "k-b");
    await store.commit({ programId: P, members: [b.members[0]!, a.members[0]!], idempotency: a.idempotency });
    expect((await store.loadMember(P, "a"))?.version).toBe(1);
    expect((await store.loadMember(P, "b"))?.version).toBe(1);
    // One stale member of two: nothing of either is written.
    const before = await storeFingerprint(store, P, ["a", "b", "c"], ["k-2"]);
    const again = { ...enrollBatch("c", "k-2") };
    const loadedA = (await store.loadMember(P, "a"))!;
    const error = await store
      .commit({
        ...again,
        members: [again.members[0]!, { ...a.members[0]!, expectedVersion: loadedA.version + 1, entries: [] }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitConflict);
    expect(await storeFingerprint(store, P, ["a", "b", "c"], ["k-2"])).toBe(before);
    await dropStore(store);
  });

  it("refuses ids PostgreSQL text cannot hold, writing nothing, and never finds them", async () => {
    const store = await makeLiteStore();
    await expect(store.commit(enrollBatch("a\u0000b", "k1"))).rejects.toThrow(/NUL or a lone surrogate/);
    await expect(store.commit(enrollBatch("\ud800", "k1"))).rejects.toThrow(/NUL or a lone surrogate/);
    expect(await store.loadMember(P, "a\u0000b")).toBeNull();
    expect(await store.getIdempotency(P, "k\u0000")).toBeNull();
    expect(await store.getIdempotency(P, "k1")).toBeNull();
    await store.commit(enrollBatch("emoji-😀", "k😀"));
    expect((await store.loadMember(P, "emoji-😀"))?.version).toBe(1);
    await dropStore(store);
  });

  it("reads a command in one statement for any members: unstorable ids are never found, repeated ids fill each place", async () => {
    const store = await makeLiteStore();
    await store.commit(enrollBatch("a", "k-a"));
    await store.commit(enrollBatch("b", "k-b"));
    const [a, b, kA] = [
      await store.loadMember(P, "a"),
      await store.loadMember(P, "b"),
      await store.getIdempotency(P, "k-a"),
    ];
    expect(a && b && kA).toBeTruthy();
    // One member (its own statement) and several (the other), with and without the key's record.
    expect(await store.loadForCommand(P, ["a"], "k-a")).toEqual({ members: [a], idempotency: kA });
    expect(await store.loadForCommand(P, ["a"], "k-none")).toEqual({ members: [a], idempotency: null });
    expect(await store.loadForCommand(P, ["nobody"], "k-a")).toEqual({ members: [null], idempotency: kA });
    expect(await store.loadForCommand(P, ["b", "a"], "k-a")).toEqual({ members: [b, a], idempotency: kA });
    expect(await store.loadForCommand(P, ["a", "a", "b"], "k-none")).toEqual({ members: [a, a, b], idempotency: null });
    // Ids PostgreSQL text cannot hold: that member is null, the others are still read.
    expect(await store.loadForCommand(P, ["a\u0000", "b"], "k-a")).toEqual({ members: [null, b], idempotency: kA });
    expect(await store.loadForCommand(P, ["\ud800"], "k-a")).toEqual({ members: [null], idempotency: kA });
    // An unstorable key has no record (the members are read); an unstorable program id has nothing.
    expect(await store.loadForCommand(P, ["a", "b"], "k\u0000")).toEqual({ members: [a, b], idempotency: null });
    expect(await store.loadForCommand("p\ud800", ["a"], "k-a")).toEqual({ members: [null], idempotency: null });
    await dropStore(store);
  });
});

describe("PostgreSQL store: retries", () => {
  /** A client over PGlite whose commit statements (the `WITH ...` write) fail `failures` times with `code`. */
  async function flaky(code: string, failures: number) {
    const inner = pglite(await litedb());
    let left = failures,
      attempts = 0;
    const failing = (q: SqlQueryable): SqlQueryable => ({
      query: async (text, params) => {
        if (text.trimStart().startsWith("WITH")) {
          attempts++;
          if (left > 0) {
            left--;
            throw Object.assign(new Error(`simulated ${code}`), { code });
          }
        }
        return q.query(text, params);
      },
    });
    const client: SqlClient = { ...failing(inner), transaction: (fn) => inner.transaction((tx) => fn(failing(tx))) };
    const schema = `flaky_${process.pid}_${++schemas}`;
    await migrate(inner, { schema });
    const store = createPostgresStore(client, { schema, maxRetries: 3 });
    stores.set(store, { client: inner, schema });
    return { store, attempts: () => attempts };
  }

  it.each(["40001", "40P01"])("retries a commit that failed with %s, and lands it once", async (code) => {
    const { store, attempts } = await flaky(code, 2);
    await store.commit(enrollBatch("m", "k"));
    expect(attempts()).toBe(3);
    expect((await store.loadMember(P, "m"))?.version).toBe(1);
    await dropStore(store);
  });

  it("gives up after maxRetries, and fails at once on any other error, writing nothing", async () => {
    const { store, attempts } = await flaky("40001", 10);
    await expect(store.commit(enrollBatch("m", "k"))).rejects.toMatchObject({ code: "40001" });
    expect(attempts()).toBe(4);
    const other = await flaky("23505", 1);
    await expect(other.store.commit(enrollBatch("m", "k"))).rejects.toMatchObject({ code: "23505" });
    expect(other.attempts()).toBe(1);
    expect(await other.store.loadMember(P, "m")).toBeNull();
    await dropStore(store);
    await dropStore(other.store);
  });
});

describe("PGlite adapter", () => {
  it("runs statements and transactions one at a time, in order, on one instance", async () => {
    const a = pglite(await litedb()),
      b = pglite(await litedb());
    await a.query("CREATE TEMP TABLE q (n integer)");
    const order: number[] = [];
    await Promise.all([
      a.transaction(async (tx) => {
        await tx.query("INSERT INTO q VALUES (1)");
        await new Promise((r) => setTimeout(r, 20));
        await tx.query("INSERT INTO q VALUES (2)");
        order.push(1);
      }),
      // Would see the uncommitted row 1 (or land inside the transaction) without the queue.
      b.query("SELECT count(*)::text AS n FROM q").then((r) => {
        order.push(2);
        expect(r.rows[0]!.n).toBe("2");
      }),
      b
        .transaction(async (tx) => {
          await tx.query("INSERT INTO q VALUES (3)");
          throw new Error("rolled back");
        })
        .catch(() => order.push(3)),
    ]);
    expect(order).toEqual([1, 2, 3]);
    expect((await a.query("SELECT string_agg(n::text, ',' ORDER BY n) AS s FROM q")).rows[0]!.s).toBe("1,2");
    await a.query("DROP TABLE q");
  });
});

// Keep the `pgPool` adapter type-checked against the real `pg` types even when no server runs.
const _typecheck: (pool: pg.Pool) => SqlClient = (pool) => pgPool(pool);
void _typecheck;
