/**
 * The PostgreSQL section of `npm run bench` (c and d), measured in one run on one server:
 *  c. Single purchase commands through the engine and the PostgreSQL store, 4 concurrent clients
 *     (2 processes × 2 streams, as `pgbench -c 4 -j 2` runs 4 connections on 2 threads), beside
 *     pgbench's TPC-B figure on the same server, taking turns with it twice (the server's own
 *     background work varies a lot from one 10 s window to the next), and the ratio (target: at
 *     least 70%), with where the CPU went (client CPU per command; the machine's cores split between
 *     PostgreSQL, the clients and anything else, which flags a machine that was not quiet).
 *  d. A bulk replay of the CDNOW purchase history (bench/data/cdnow_master.txt) into PostgreSQL:
 *     events per second.
 * The server: DATABASE_URL, or else the machine's PostgreSQL 15 cluster, started here if it is
 * installed and we may (root). Without either, the figures are skipped, saying why.
 */
import { execFileSync, fork, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { compileProgram, createLoyaltyEngine } from "../src/index.js";
import { createPostgresStore, migrate, pgPool } from "../src/postgres/index.js";
import { memberViolations } from "../src/testing/index.js";
import {
  benchProgram,
  cpuSplit,
  sampleCpu,
  type ClientReport,
  type ClientTask,
  type CpuSplit,
} from "./postgres-client.js";

const PGBENCH_SECONDS = 10;
const ROUNDS = 2;
const WARMUP_MS = 2_000;
const DURATION_MS = 10_000;
/**
 * Members the purchases spread over. pgbench at scale 1 spreads its transactions over 100,000
 * accounts; a loyalty program of a small shop has tens of thousands of members. Over the run each
 * member gets ~2 purchases, so the figure is for members with a short history; the history
 * printed beside it says how short (snapshots grow with it: see bench/README.md).
 */
const MEMBERS = 20_000;
/** Members of the second figure, whose history grows by ~10 purchases each per round. */
const LONG_MEMBERS = 2_000;
const ENROL_CONCURRENCY = 64;
const WORKERS = 2;
const STREAMS_PER_WORKER = 2;
const CDNOW_STREAMS_PER_WORKER = 4;
const TARGET = 0.7;
/** CPU used by unrelated processes in a measured window above which the figures are flagged. */
const DISTURBED_CORES = 0.1;
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

function pgbenchInit(url: string): string | null {
  const found = spawnSync("sh", ["-c", "command -v pgbench"], { encoding: "utf8" });
  if (found.status !== 0) return "pgbench not found";
  log("pgbench -i (scale 1)");
  const init = spawnSync("pgbench", ["-i", "-q", "-s", "1", url], { encoding: "utf8" });
  return init.status === 0 ? null : `pgbench -i failed: ${init.stderr.trim().split("\n").at(-1)}`;
}

/** pgbench's TPC-B run; the machine's CPU is sampled from 1 s after it starts to 1 s before it ends. */
async function pgbench(
  url: string,
): Promise<{ tps: number; latencyMs: number; machine: CpuSplit | null } | { skipped: string }> {
  log(`pgbench -c 4 -j 2 -T ${PGBENCH_SECONDS} (TPC-B)`);
  const child = spawn("pgbench", ["-c", "4", "-j", "2", "-T", String(PGBENCH_SECONDS), url], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "",
    stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const sampling = (async () => {
    await sleep(1_000);
    const from = sampleCpu();
    await sleep((PGBENCH_SECONDS - 2) * 1_000);
    return cpuSplit(
      from,
      sampleCpu(),
      child.pid === undefined ? [] : [child.pid],
      decodeURIComponent(new URL(url).username),
    );
  })();
  const status = await new Promise<number | null>((resolve) => {
    child.once("error", () => resolve(null));
    child.once("close", resolve);
  });
  const machine = await sampling;
  const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
  const latency = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
  if (status !== 0 || tps === undefined)
    return { skipped: `pgbench failed: ${(stderr || stdout).trim().split("\n").at(-1)}` };
  return { tps: Number(tps), latencyMs: Number(latency), machine };
}

/** "busy 1.90 of 2 cores (PostgreSQL 0.85, clients 0.80, anything else 0.01)", the mean over rounds. */
function describeCpu(splits: readonly (CpuSplit | null)[]): string {
  const known = splits.filter((x): x is CpuSplit => x !== null);
  if (known.length === 0) return "not measured (no /proc)";
  const mean = (f: (x: CpuSplit) => number) => (known.reduce((t, x) => t + f(x), 0) / known.length).toFixed(2);
  return `busy ${mean((x) => x.busy)} of ${known[0]!.cores} cores (PostgreSQL ${mean((x) => x.postgres)}, clients ${mean((x) => x.clients)}, kernel threads ${mean((x) => x.kernel)}, anything else ${mean((x) => x.other)}, stolen by the hypervisor ${mean((x) => x.steal)})`;
}

function runClients(tasks: readonly ClientTask[]): Promise<ClientReport[]> {
  const file = fileURLToPath(new URL("./postgres-client.ts", import.meta.url));
  return Promise.all(
    tasks.map(
      (task) =>
        new Promise<ClientReport>((resolve, reject) => {
          const child = fork(file, [], {
            execArgv: ["--import", "tsx"],
            stdio: ["ignore", "inherit", "inherit", "ipc"],
          });
          let report: ClientReport | undefined;
          child.once("message", (m: ClientReport) => {
            report = m;
          });
          child.once("error", reject);
          child.once("exit", (code) =>
            report && code === 0 ? resolve(report) : reject(new Error(`bench client exited with ${code}`)),
          );
          child.send(task);
        }),
    ),
  );
}

interface Round {
  rate: number;
  commands: number;
  conflicts: number;
  latencies: number[];
  cpuMs: number;
  machine: CpuSplit | null;
}

/** One measured round: WORKERS client processes, each over its share of `members`. */
async function purchaseRound(
  url: string,
  schema: string,
  members: readonly string[],
  round: number,
  label: string,
): Promise<Round> {
  log(
    `${label}: purchases over ${fmt(members.length)} members, ${WORKERS} processes × ${STREAMS_PER_WORKER} streams, ${WARMUP_MS / 1000} s warm-up, ${DURATION_MS / 1000} s measured`,
  );
  const share = (w: number) => members.filter((_, i) => i % WORKERS === w);
  // `worker` makes the command keys of each round distinct.
  const reports = (await runClients(
    Array.from(
      { length: WORKERS },
      (_, w) =>
        ({
          mode: "purchases",
          url,
          schema,
          worker: w + WORKERS * round,
          workers: WORKERS,
          streams: STREAMS_PER_WORKER,
          members: share(w),
          warmupMs: WARMUP_MS,
          durationMs: DURATION_MS,
        }) as const,
    ),
  )) as Extract<ClientReport, { mode: "purchases" }>[];
  return {
    rate: reports.reduce((s, r) => s + r.commands / (r.elapsedMs / 1000), 0),
    commands: reports.reduce((s, r) => s + r.commands, 0),
    conflicts: reports.reduce((s, r) => s + r.conflicts, 0),
    latencies: reports.flatMap((r) => r.latenciesMs),
    cpuMs: reports.reduce((s, r) => s + r.cpuMs, 0),
    machine: reports.find((r) => r.machine)?.machine ?? null,
  };
}

const percentile = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

export async function postgresBench(): Promise<{ lines: string[]; failed: boolean }> {
  const lines: string[] = [];
  const server = await findServer();
  if ("skipped" in server) {
    lines.push(`c. PostgreSQL store, 4 clients, beside pgbench TPC-B: skipped (${server.skipped})`);
    lines.push(`d. CDNOW replay into PostgreSQL: skipped (${server.skipped})`);
    return { lines, failed: false };
  }
  const admin = new pg.Pool({ connectionString: server.url, max: 8 });
  const client = pgPool(admin);
  const version = (await admin.query("SHOW server_version")).rows[0].server_version as string;
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
  let failed = false;
  try {
    await migrate(client, { schema });
    const store = createPostgresStore(client, { schema });
    const program = compileProgram(benchProgram);

    // c. pgbench and our clients take turns, ROUNDS times, on the same server: whatever the server
    // does in the background (checkpoints, autovacuum) falls on both alike.
    const initFailed = pgbenchInit(server.url);
    log(`enrolling ${fmt(MEMBERS + LONG_MEMBERS)} members`);
    const enrolling = createLoyaltyEngine({ program, store });
    const members = Array.from({ length: MEMBERS }, (_, i) => `member-${i}`);
    const longMembers = Array.from({ length: LONG_MEMBERS }, (_, i) => `long-${i}`);
    const all = [...members, ...longMembers];
    for (let i = 0; i < all.length; i += ENROL_CONCURRENCY)
      await Promise.all(
        all
          .slice(i, i + ENROL_CONCURRENCY)
          .map((memberId) => enrolling.enroll({ key: `enroll:${memberId}`, memberId })),
      );
    const tpcb: ({ tps: number; latencyMs: number; machine: CpuSplit | null } | { skipped: string })[] = [];
    const ours: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      tpcb.push(initFailed === null ? await pgbench(server.url) : { skipped: initFailed });
      ours.push(await purchaseRound(server.url, schema, members, round, `round ${round} of ${ROUNDS}`));
    }
    // The same commands on fewer members, whose history grows over the rounds (the workload of the
    // target figure before it spread over 20,000 members): taking turns with pgbench likewise.
    const long: Round[] = [];
    const tpcbLong: typeof tpcb = [];
    for (let round = 1; round <= ROUNDS; round++) {
      tpcbLong.push(initFailed === null ? await pgbench(server.url) : { skipped: initFailed });
      long.push(
        await purchaseRound(
          server.url,
          schema,
          longMembers,
          ROUNDS + round,
          `growing history, round ${round} of ${ROUNDS}`,
        ),
      );
    }
    if (initFailed === null) spawnSync("pgbench", ["-i", "-I", "d", server.url], { encoding: "utf8" }); // drop the pgbench tables again
    const rate = ours.reduce((s, r) => s + r.rate, 0) / ours.length;
    const latencies = ours.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const history = async (prefix: string, count: number) => {
      const row = (
        await admin.query(
          `SELECT (SELECT count(*) FROM "${schema}".loyalty_entries WHERE kind = 'purchase' AND member_id LIKE $1)::text AS purchases,
          avg(length(snapshot::text))::int AS mean, max(length(snapshot::text)) AS max FROM "${schema}".loyalty_members WHERE member_id LIKE $1`,
          [`${prefix}-%`],
        )
      ).rows[0] as { purchases: string; mean: number; max: number };
      return `${fmt(count)} members, ${(Number(row.purchases) / count).toFixed(1)} purchases each on average; snapshots ${fmt(row.mean)} bytes of JSON on average, ${fmt(row.max)} at most`;
    };

    lines.push(
      `c. PostgreSQL store: single purchase commands, 4 concurrent clients (${WORKERS} processes × ${STREAMS_PER_WORKER}), PostgreSQL ${version} via ${server.how}`,
    );
    lines.push(
      `   loyalty-engine recordPurchase     ${fmt(rate).padStart(8)} commands/s   (mean of ${ROUNDS} rounds of ${DURATION_MS / 1000} s: ${ours.map((r) => fmt(r.rate)).join(", ")}; latency p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms; ${ours.reduce((s, r) => s + r.conflicts, 0)} conflicts)`,
    );
    lines.push(`      history at the end: ${await history("member", MEMBERS)}`);
    const clientCpu = ours.reduce((s, r) => s + r.cpuMs, 0) / ours.reduce((s, r) => s + r.commands, 0);
    lines.push(
      `      client CPU ${fmt(clientCpu * 1000)} µs per command (Node: engine, store, driver; per round: ${ours.map((r) => fmt((r.cpuMs / r.commands) * 1000)).join(", ")}); machine while measuring: ${describeCpu(ours.map((r) => r.machine))}`,
    );
    const measured = tpcb.flatMap((r) => ("tps" in r ? [r] : []));
    if (measured.length < tpcb.length) {
      lines.push(`   pgbench TPC-B: skipped (${tpcb.map((r) => ("skipped" in r ? r.skipped : "")).find((x) => x)})`);
    } else {
      const tps = measured.reduce((s, r) => s + r.tps, 0) / measured.length;
      const ratio = rate / tps;
      lines.push(
        `   pgbench TPC-B -c 4 -j 2 -T ${PGBENCH_SECONDS}       ${fmt(tps).padStart(8)} tps          (mean of ${ROUNDS} rounds, taking turns with ours: ${measured.map((r) => fmt(r.tps)).join(", ")}; latency average ${measured.map((r) => r.latencyMs.toFixed(2)).join(", ")} ms)`,
      );
      lines.push(`      machine while pgbench ran: ${describeCpu(measured.map((r) => r.machine))}`);
      lines.push(
        `   loyalty-engine / pgbench: ${(ratio * 100).toFixed(0)}% (target ≥ ${TARGET * 100}%: ${ratio >= TARGET ? "met" : "NOT met"}; per round: ${ours.map((r, i) => `${((r.rate / measured[i]!.tps) * 100).toFixed(0)}%`).join(", ")})`,
      );
      const longRate = long.reduce((s, r) => s + r.rate, 0) / long.length;
      const longTpcb = tpcbLong.flatMap((r) => ("tps" in r ? [r] : []));
      const longTps = longTpcb.reduce((s, r) => s + r.tps, 0) / longTpcb.length;
      lines.push(
        `   growing history (the same commands over ${fmt(LONG_MEMBERS)} members, ~10 purchases each per round; not held to the target):`,
      );
      lines.push(
        `      ${fmt(longRate)} commands/s (rounds: ${long.map((r) => fmt(r.rate)).join(", ")}; client CPU per round ${long.map((r) => fmt((r.cpuMs / r.commands) * 1000)).join(", ")} µs) beside pgbench ${fmt(longTps)} tps (${longTpcb.map((r) => fmt(r.tps)).join(", ")}): ${((longRate / longTps) * 100).toFixed(0)}% (per round: ${long.map((r, i) => `${((r.rate / longTpcb[i]!.tps) * 100).toFixed(0)}%`).join(", ")})`,
      );
      lines.push(`      history at the end: ${await history("long", LONG_MEMBERS)}`);
      const disturbed = Math.max(
        0,
        ...[
          ...ours.map((r) => r.machine),
          ...long.map((r) => r.machine),
          ...measured.map((r) => r.machine),
          ...longTpcb.map((r) => r.machine),
        ].map((m) => m?.other ?? 0),
      );
      if (disturbed > DISTURBED_CORES)
        lines.push(
          `   note: other processes used up to ${disturbed.toFixed(2)} cores in a measured window: these figures are not the bench's alone (rerun on a quiet machine)`,
        );
    }

    // Correctness of what was just written: a sample of members folds to its snapshot.
    const sample = [...members.filter((_, i) => i % 1_000 === 0), ...longMembers.filter((_, i) => i % 200 === 0)];
    for (const memberId of sample) {
      const v = await memberViolations(store, benchProgram.id, memberId, Date.now());
      if (v.length > 0) {
        failed = true;
        lines.push(`   check FAILED for ${memberId}: ${v[0]}`);
      }
    }

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
    lines.push("");
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
