/**
 * The stores the history bench (bench/history.ts) grows its members in: the memory store, and the
 * PostgreSQL store on the server bench/postgres.ts finds (DATABASE_URL, or the local cluster), or
 * on PGlite (embedded, in this process) when there is none. Each comes with what the bench reads
 * beside the timings: the server's WAL position, where it means something.
 */
import pg from "pg";
import { createMemoryStore, type LoyaltyStore } from "../src/index.js";
import { createPostgresStore, migrate, pglite, pgPool, type SqlClient } from "../src/postgres/index.js";
import { findServer } from "./postgres.js";

export interface HistoryStore {
  /** "memory store", "PostgreSQL 15.x (the local cluster …)", "PGlite (no server: …)". */
  readonly name: string;
  readonly short: string;
  readonly store: LoyaltyStore;
  /**
   * The server's WAL insert position, or null for a store without one. The difference between two
   * readings is every WAL byte the server wrote in between: this bench's, and that of anything
   * else using the same server at the time (the bench's own figure when the server is quiet).
   */
  readonly walLsn: (() => Promise<string>) | null;
  readonly walBytes: (from: string, to: string) => Promise<number>;
  /**
   * Whether another session is at work on the server right now (a non-idle client backend not of
   * this bench, whose commands are sequential): its writes would count in the WAL figure.
   */
  readonly othersBusy: (() => Promise<boolean>) | null;
  /** What the WAL figure leaves out, if anything. */
  readonly walNote?: string;
  readonly close: () => Promise<void>;
}

async function postgresStore(
  client: SqlClient,
  schema: string,
  name: string,
  short: string,
  close: () => Promise<void>,
) {
  await migrate(client, { schema });
  const one = async (sql: string, params?: readonly unknown[]) =>
    (await client.query(sql, params as (string | number | null)[] | undefined)).rows[0]!;
  return {
    name,
    short,
    store: createPostgresStore(client, { schema }),
    walLsn: async () => String((await one("SELECT pg_current_wal_lsn()::text AS lsn")).lsn),
    othersBusy: async () =>
      Number(
        (
          await one(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle' AND application_name <> $1`,
            [APP],
          )
        ).n,
      ) > 0,
    walBytes: async (from: string, to: string) =>
      Number((await one("SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::text AS bytes", [to, from])).bytes),
    close,
  } satisfies HistoryStore;
}

/** The bench's own connections, which `othersBusy` leaves out. */
const APP = "loyalty-engine history bench";

const memoryStore = (): HistoryStore => ({
  name: "memory store",
  short: "memory",
  store: createMemoryStore(),
  walLsn: null,
  othersBusy: null,
  walBytes: () => Promise.resolve(0),
  close: () => Promise.resolve(),
});

/**
 * The memory store, then PostgreSQL (a server if one is reachable, else PGlite).
 * `BENCH_HISTORY_STORES=postgres` (or `memory`) keeps only that half.
 */
export async function historyStores(log: (text: string) => void): Promise<HistoryStore[]> {
  const only = process.env.BENCH_HISTORY_STORES;
  if (only !== undefined && only !== "memory" && only !== "postgres")
    throw new Error(`BENCH_HISTORY_STORES must be memory or postgres, not ${only}`);
  if (only === "memory") return [memoryStore()];
  const both = await postgresStores(log);
  return only === "postgres" ? both.slice(1) : both;
}

async function postgresStores(log: (text: string) => void): Promise<HistoryStore[]> {
  const schema = `bench_history_${process.pid}_${Date.now().toString(36)}`;
  const server = await findServer();
  if ("url" in server) {
    const pool = new pg.Pool({ connectionString: server.url, max: 2, application_name: APP });
    const client = pgPool(pool);
    const version = (await pool.query("SHOW server_version")).rows[0].server_version as string;
    log(`PostgreSQL ${version} via ${server.how}, schema ${schema}`);
    const close = async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await pool.end();
    };
    return [
      memoryStore(),
      await postgresStore(client, schema, `PostgreSQL ${version} (${server.how})`, "PostgreSQL", close),
    ];
  }
  log(`no PostgreSQL server (${server.skipped}): PGlite instead`);
  // Imported only here: a dev dependency, and starting it takes seconds.
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create();
  const lite = await postgresStore(
    pglite(db),
    schema,
    `PGlite, embedded in this process (no server: ${server.skipped})`,
    "PGlite",
    () => db.close(),
  );
  // PGlite writes a server's WAL (wal_level replica, full-page writes on), but runs PostgreSQL in
  // single-user mode: no checkpointer, so no full-page images after the first change of a page,
  // which a server writes after each checkpoint. Its figure is a lower bound, printed as such.
  return [memoryStore(), { ...lite, othersBusy: null, walNote: "PGlite: no checkpoints, so a lower bound" }];
}
