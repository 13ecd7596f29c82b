/**
 * Where a purchase's WAL goes, by table or index and record type: the members of bench c's
 * short-history figure (10 to 20 prior purchases, `benchProgram`), one purchase each, read back
 * with `pg_walinspect` (PostgreSQL 15+). A tool for finding what to make smaller, not a section
 * of `npm run bench`: `npx tsx bench/pg-wal.ts` (needs DATABASE_URL as a superuser; it makes a
 * database of its own, `loyalty_wal_<pid>`, and drops it at the end). Other sessions' WAL in the
 * same window shows up under relations it cannot name ("other").
 */
import pg from "pg";
import { compileProgram, createLoyaltyEngine } from "../src/index.js";
import { createPostgresStore, migrate, pgPool } from "../src/postgres/index.js";
import { testClock } from "../src/testing/index.js";
import { benchProgram } from "./postgres-client.js";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is not set");
const MEMBERS = 40;

async function main() {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const db = `loyalty_wal_${process.pid}`;
  await admin.query(`CREATE DATABASE ${db}`);
  const target = new URL(url!);
  target.pathname = `/${db}`;
  const pool = new pg.Pool({ connectionString: target.toString(), max: 2 });
  try {
    await pool.query("CREATE EXTENSION pg_walinspect");
    const client = pgPool(pool);
    await migrate(client, { schema: "w" });
    // Autovacuum and auto-analyze of these fresh tables would otherwise land in the window now and
    // then (pg_statistic rows, visibility-map bits): real WAL, but not a purchase's.
    const { rows: tables } = await pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'w'`);
    for (const t of tables) await pool.query(`ALTER TABLE w.${t.tablename as string} SET (autovacuum_enabled = false)`);
    const store = createPostgresStore(client, { schema: "w" });
    const t = testClock("2026-01-01T00:00:00Z");
    const engine = createLoyaltyEngine({ program: compileProgram(benchProgram), store, clock: t.clock });
    const members = Array.from({ length: MEMBERS }, (_, i) => `m${i}`);
    for (const m of members) await engine.enroll({ key: `e-${m}`, memberId: m });
    for (let n = 0; n < 20; n++) {
      for (const [i, m] of members.entries())
        if (n < 10 + (i % 11))
          await engine.recordPurchase({
            key: `p-${m}-${n}`,
            memberId: m,
            purchaseId: `${m}-${n}`,
            amount: String(5 + ((i * 7 + n * 13) % 90)),
            currency: "USD",
          });
      t.advance(3 * 86_400_000);
    }
    const lsn = async () => String((await pool.query("SELECT pg_current_wal_lsn()::text AS l")).rows[0].l);
    const from = await lsn();
    for (const m of members)
      await engine.recordPurchase({
        key: `last-${m}`,
        memberId: m,
        purchaseId: `${m}-last`,
        amount: "42.5",
        currency: "USD",
      });
    const to = await lsn();
    const { rows } = await pool.query(
      `WITH r AS (
         SELECT resource_manager || '/' || split_part(record_type, ' ', 1) AS kind, record_length, fpi_length,
                (regexp_match(block_ref, 'rel \\d+/\\d+/(\\d+)'))[1]::oid AS node
         FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn))
       SELECT coalesce(c.relname, CASE WHEN r.node IS NULL THEN '(no relation)' ELSE 'other' END) AS rel, r.kind,
              count(*)::int AS n, sum(r.record_length)::int AS bytes, sum(r.fpi_length)::int AS fpi
       FROM r LEFT JOIN pg_class c ON pg_relation_filenode(c.oid) = r.node
       GROUP BY 1, 2 ORDER BY bytes DESC`,
      [from, to],
    );
    const total = rows.reduce((s, r) => s + (r.bytes as number), 0);
    console.log(
      `WAL per purchase over ${MEMBERS} members with 10 to 20 prior purchases: ${(total / MEMBERS).toFixed(0)} bytes`,
    );
    console.log("relation                          record                 records/cmd  bytes/cmd  of which FPI");
    for (const r of rows)
      console.log(
        `${String(r.rel).padEnd(34)}${String(r.kind).padEnd(24)}${(r.n / MEMBERS).toFixed(1).padStart(10)}${(r.bytes / MEMBERS).toFixed(0).padStart(11)}${(r.fpi / MEMBERS).toFixed(0).padStart(14)}`,
      );
    // By table, its indexes and TOAST included (loyalty_entries_pkey counts with loyalty_entries).
    const byTable = new Map<string, number>();
    for (const r of rows) {
      const rel = String(r.rel);
      const table =
        [
          "loyalty_member_segments",
          "loyalty_members",
          "loyalty_entries",
          "loyalty_events",
          "loyalty_idempotency",
          "loyalty_lots",
          "loyalty_records",
        ].find((t) => rel.startsWith(t)) ?? rel;
      byTable.set(table, (byTable.get(table) ?? 0) + (r.bytes as number));
    }
    console.log(
      "by table: " +
        [...byTable]
          .sort((a, b) => b[1] - a[1])
          .map(([t, b]) => `${t} ${(b / MEMBERS).toFixed(0)}`)
          .join(", "),
    );
    const sample = await pool.query(
      `SELECT length(snapshot::text) AS snapshot FROM w.loyalty_members ORDER BY member_id LIMIT 1`,
    );
    console.log(`member row snapshot text: ${sample.rows[0].snapshot} bytes`);
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${db}`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
