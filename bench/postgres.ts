/**
 * The PostgreSQL sections of `npm run bench`, measured in one run on one server:
 *  c. Purchase commands through the engine and the PostgreSQL store at 1, 4 and 8 clients on members
 *     with real histories, each beside `pgbench -M prepared` TPC-B (bench/pg-throughput.ts).
 *  d. A bulk replay of the CDNOW purchase history (bench/data/cdnow_master.txt) into PostgreSQL:
 *     events per second.
 * The server: DATABASE_URL, or else the machine's PostgreSQL 15 cluster, started here if it is
 * installed and we may (root). Without either, the figures are skipped, saying why.
 * Alone: `npx tsx bench/postgres.ts`; `BENCH_PG=c` or `BENCH_PG=d` runs one of the two.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createPostgresStore, migrate, pgPool } from "../src/postgres/index.js";
import { memberViolations } from "../src/testing/index.js";
import { runClients } from "./pg-fork.js";
import { throughputBench } from "./pg-throughput.js";
import { benchProgram, type ClientReport } from "./postgres-client.js";

const WORKERS = 2;
const CDNOW_STREAMS_PER_WORKER = 4;
const CDNOW_FILE = fileURLToPath(new URL("./data/cdnow_master.txt", import.meta.url));
const LOCAL_URL = "postgres://loyalty:loyalty@localhost:5432/loyalty";

const log = (text: string) => process.stderr.write(`  … ${text}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");

/** A server to measure on, or why there is none. */
export async function findServer(): Promise<{ url: string; how: string } | { skipped: string }> {
  if (process.env.DATABASE_URL) {
    return (await reachable(process.env.DATABASE_URL))
      ? { url: process.env.DATABASE_URL, how: "DATABASE_URL" }
      : { skipped: "DATABASE_URL is set but the server does not answer" };
  }
  if (await reachable(LOCAL_URL)) return { url: LOCAL_URL, how: "the local cluster (already running)" };
  const ctl = spawnSync("sh", ["-c", "command -v pg_ctlcluster"], { encoding: "utf8" });
  if (ctl.status !== 0) return { skipped: "no DATABASE_URL, and no local PostgreSQL (pg_ctlcluster not found)" };
  if (process.getuid?.() !== 0)
    return { skipped: "no DATABASE_URL, and starting the local PostgreSQL cluster needs root" };
  try {
    log("starting the local PostgreSQL 15 cluster");
    const status = spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", "15", "main", "start"], {
      encoding: "utf8",
    });
    if (status.status !== 0 && !/already running/i.test(status.stderr))
      throw new Error(status.stderr.trim() || `pg_ctlcluster exited ${status.status}`);
    const psql = (sql: string) =>
      execFileSync("su", ["postgres", "-c", `psql -v ON_ERROR_STOP=1 -qAtc ${JSON.stringify(sql)}`], {
        encoding: "utf8",
      }).trim();
    if (psql("SELECT 1 FROM pg_roles WHERE rolname = 'loyalty'") !== "1")
      psql("CREATE ROLE loyalty LOGIN PASSWORD 'loyalty'");
    if (psql("SELECT 1 FROM pg_database WHERE datname = 'loyalty'") !== "1")
      psql("CREATE DATABASE loyalty OWNER loyalty");
  } catch (error) {
    return {
      skipped: `no DATABASE_URL, and the local cluster could not be started: ${(error as Error).message.split("\n")[0]}`,
    };
  }
  for (let i = 0; i < 20; i++) {
    if (await reachable(LOCAL_URL)) return { url: LOCAL_URL, how: "the local cluster (started by the bench)" };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { skipped: "the local cluster was started but does not answer on localhost:5432" };
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function postgresBench(): Promise<{ lines: string[]; failed: boolean }> {
  const lines: string[] = [];
  const server = await findServer();
  if ("skipped" in server) {
    lines.push(`c. PostgreSQL store beside pgbench -M prepared TPC-B: skipped (${server.skipped})`);
    lines.push(`d. CDNOW replay into PostgreSQL: skipped (${server.skipped})`);
    return { lines, failed: false };
  }
  const admin = new pg.Pool({ connectionString: server.url, max: 8 });
  const client = pgPool(admin);
  const version = (await admin.query("SHOW server_version")).rows[0].server_version as string;
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
  const only = process.env.BENCH_PG;
  let failed = false;
  try {
    if (only !== "d") {
      const c = await throughputBench(
        admin,
        server.url,
        schema,
        `c. PostgreSQL store: purchase commands beside pgbench -M prepared TPC-B, PostgreSQL ${version} via ${server.how}`,
      );
      lines.push(...c.lines);
      failed ||= c.failed;
    }
    if (only === "c") return { lines, failed };

    // d. CDNOW.
    log(
      `replaying CDNOW (${WORKERS} processes × ${CDNOW_STREAMS_PER_WORKER} streams, customers in parallel, each in date order)`,
    );
    const cdnowSchema = `${schema}_cdnow`;
    await migrate(client, { schema: cdnowSchema });
    const cd = (await runClients(
      Array.from(
        { length: WORKERS },
        (_, w) =>
          ({
            mode: "cdnow",
            url: server.url,
            schema: cdnowSchema,
            worker: w,
            workers: WORKERS,
            streams: CDNOW_STREAMS_PER_WORKER,
            file: CDNOW_FILE,
          }) as const,
      ),
    )) as Extract<ClientReport, { mode: "cdnow" }>[];
    const wallMs = Math.max(...cd.map((r) => r.endedAt)) - Math.min(...cd.map((r) => r.startedAt));
    const enrolled = cd.reduce((s, r) => s + r.enrolled, 0),
      purchases = cd.reduce((s, r) => s + r.purchases, 0),
      zero = cd.reduce((s, r) => s + r.skippedZero, 0);
    const { rows } = await admin.query(
      `SELECT (SELECT count(*) FROM "${cdnowSchema}".loyalty_members)::int AS members,
              (SELECT count(*) FROM "${cdnowSchema}".loyalty_entries)::int AS entries,
              (SELECT count(*) FROM "${cdnowSchema}".loyalty_idempotency)::int AS keys,
              (SELECT coalesce(sum((e.entry->>'points')::numeric), 0)::text FROM "${cdnowSchema}".loyalty_entries e WHERE e.kind = 'earn' AND e.entry->>'wallet' = 'points') AS points,
              pg_size_pretty(pg_total_relation_size('"${cdnowSchema}".loyalty_entries') + pg_total_relation_size('"${cdnowSchema}".loyalty_members') + pg_total_relation_size('"${cdnowSchema}".loyalty_idempotency') + pg_total_relation_size('"${cdnowSchema}".loyalty_lots')) AS size`,
    );
    const db = rows[0] as { members: number; entries: number; keys: number; points: string; size: string };
    const ok = db.members === enrolled && db.keys === enrolled + purchases;
    if (!ok) failed = true;
    const cdStore = createPostgresStore(client, { schema: cdnowSchema });
    for (const memberId of ["1", "2", "3", "1000", "23570"]) {
      const v = await memberViolations(cdStore, benchProgram.id, memberId, Date.parse("1998-07-01T00:00:00Z"));
      if (v.length > 0) {
        failed = true;
        lines.push(`   check FAILED for CDNOW customer ${memberId}: ${v[0]}`);
      }
    }
    if (lines.length > 0) lines.push("");
    lines.push(
      `d. CDNOW replay into PostgreSQL: ${fmt(enrolled)} customers, ${fmt(purchases)} purchases (${zero} of $0.00 skipped), Jan 1997 to Jun 1998, ${WORKERS} processes × ${CDNOW_STREAMS_PER_WORKER} streams`,
    );
    lines.push(
      `   ${(wallMs / 1000).toFixed(1)} s, ${fmt((enrolled + purchases) / (wallMs / 1000))} events/s (commands: enrolments + purchases), ${fmt(purchases / (wallMs / 1000))} purchases/s`,
    );
    lines.push(
      `   stored: ${fmt(db.members)} members, ${fmt(db.entries)} entries, ${fmt(db.keys)} idempotency records, ${db.size}; points earned ${db.points} -> ${ok ? "ok" : "MISMATCH"}`,
    );
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}_cdnow" CASCADE`).catch(() => undefined);
    await admin.end();
  }
  return { lines, failed };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  postgresBench().then(
    ({ lines, failed }) => {
      console.log(lines.join("\n"));
      if (failed) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
