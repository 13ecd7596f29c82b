/**
 * Section c of `npm run bench`: purchase commands through the engine and the PostgreSQL store at 1, 4
 * and 8 clients, each beside `pgbench -M prepared` TPC-B with as many clients (scale 8, so that
 * pgbench is not bound by the row lock of too few branches), taking turns with it on the same
 * server in the same run, on members with real histories (20 to 200 prior purchases, built through
 * the public API with an injected clock). Beside the rates: client and server CPU and WAL bytes per
 * command, and the WAL of a purchase by a member with a short history. See bench/README.md, c.
 */
import { spawn, spawnSync } from "node:child_process";
import type pg from "pg";
import { compileProgram, createLoyaltyEngine } from "../src/index.js";
import { createPostgresStore, migrate, pgPool } from "../src/postgres/index.js";
import { memberViolations } from "../src/testing/index.js";
import { cpuSplit, sampleCpu, type CpuSplit } from "./cpu.js";
import { runClients } from "./pg-fork.js";
import { benchProgram, type ClientReport } from "./postgres-client.js";
import { historyStats, walBytes, type HistoryStats } from "./pg-stats.js";

const SECONDS = 10;
const WARMUP_MS = 2_000;
const ROUNDS = 2;
const SCALE = 8;
/** Client counts, as pgbench runs them: `clients` connections on `processes` threads. */
const SETUPS = [
  { clients: 1, processes: 1 },
  { clients: 4, processes: 2 },
  { clients: 8, processes: 4 },
] as const;
const TARGET = 0.7;
const TARGET_CLIENTS = 4;
const WAL_TARGET_BYTES = 2_048;
/**
 * Members with real histories: 20 to 200 prior purchases, one every 3 days, spread as loyalty
 * programs see it (many members with a few tens, a few with hundreds: density ∝ 1/n², median ~36,
 * mean ~51). 500 of them keep the build near a minute on 2 cores with today's per-command cost,
 * which grows with the history.
 */
const MEMBERS = 500;
const FEWEST = 20;
const MOST = 200;
/** Members with 10 to 20 prior purchases, on which the WAL of a short-history purchase is measured. */
const SHORT_MEMBERS = 200;
const SHORT_PURCHASES = 400;
const BUILD_PROCESSES = 2;
const BUILD_STREAMS = 4;
const EVERY_DAYS = 3;
const DISTURBED_CORES = 0.1;

const log = (text: string) => process.stderr.write(`  … ${text}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Turn {
  rate: number;
  /** CPU time (ms) of our client processes over their measured windows, and the commands in them. */
  clientCpuMs: number;
  commands: number;
  walBytes: number;
  /** Commands (or pgbench transactions) that wrote that WAL, warm-up included. */
  walCommands: number;
  latencies: number[];
  machine: CpuSplit | null;
}

/** pgbench -M prepared TPC-B; the machine's CPU is sampled from 1 s after it starts to 1 s before it ends. */
async function pgbench(admin: pg.Pool, url: string, clients: number, threads: number): Promise<Turn | string> {
  log(`pgbench -M prepared -c ${clients} -j ${threads} -T ${SECONDS} (TPC-B, scale ${SCALE})`);
  const walFrom = await walBytes(admin);
  const args = ["-M", "prepared", "-c", String(clients), "-j", String(threads), "-T", String(SECONDS), url];
  const child = spawn("pgbench", args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const sampling = (async () => {
    await sleep(1_000);
    const from = sampleCpu();
    await sleep((SECONDS - 2) * 1_000);
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
  const tps = /tps = ([\d.]+)/.exec(out)?.[1];
  const done = /number of transactions actually processed: (\d+)/.exec(out)?.[1];
  if (status !== 0 || tps === undefined) return `pgbench failed: ${out.trim().split("\n").at(-1)}`;
  const latency = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
  return {
    rate: Number(tps),
    clientCpuMs: 0,
    commands: 0,
    walBytes: (await walBytes(admin)) - walFrom,
    walCommands: Number(done),
    latencies: [latency],
    machine,
  };
}

/** Our purchases: `processes` client processes of `clients / processes` streams each, over all the members. */
async function ours(
  admin: pg.Pool,
  url: string,
  schema: string,
  members: readonly string[],
  setup: (typeof SETUPS)[number],
  turn: number,
): Promise<Turn> {
  const streams = setup.clients / setup.processes;
  log(`loyalty-engine: ${setup.processes} processes × ${streams} streams, ${WARMUP_MS / 1000} s warm-up, ${SECONDS} s`);
  const walFrom = await walBytes(admin);
  const reports = (await runClients(
    Array.from({ length: setup.processes }, (_, w) => ({
      mode: "purchases" as const,
      url,
      schema,
      worker: w + setup.processes * turn, // distinct command keys in every turn
      workers: setup.processes,
      streams,
      members: members.filter((_, i) => i % setup.processes === w),
      warmupMs: WARMUP_MS,
      durationMs: SECONDS * 1_000,
    })),
  )) as Extract<ClientReport, { mode: "purchases" }>[];
  const walTo = await walBytes(admin);
  if (reports.some((r) => r.conflicts > 0)) throw new Error("concurrency conflicts: members are not split by stream");
  return {
    rate: reports.reduce((s, r) => s + r.commands / (r.elapsedMs / 1000), 0),
    clientCpuMs: reports.reduce((s, r) => s + r.cpuMs, 0),
    commands: reports.reduce((s, r) => s + r.commands, 0),
    walBytes: walTo - walFrom,
    walCommands: reports.reduce((s, r) => s + r.allCommands, 0),
    latencies: reports.flatMap((r) => r.latenciesMs),
    machine: reports.find((r) => r.machine)?.machine ?? null,
  };
}

/** "1,234 µs" of server CPU per command: PostgreSQL's cores over the window divided by the rate. */
function serverCpu(turns: readonly Turn[]): string {
  const known = turns.filter((t) => t.machine !== null);
  if (known.length === 0) return "not measured (no /proc)";
  if (known.every((t) => t.machine!.postgresProcesses === 0)) return "not measured (the server is not on this machine)";
  return `${fmt(mean(known.map((t) => (t.machine!.postgres / t.rate) * 1e6)))} µs`;
}

const walPer = (turns: readonly Turn[]) => kb(mean(turns.map((t) => t.walBytes / t.walCommands)));

/** Prior purchases of member i: the 1/n² spread from FEWEST to MOST, in an order that mixes long and short. */
function priorPurchases(i: number): number {
  const u = ((i * 7_919) % MEMBERS) / (MEMBERS - 1);
  return Math.round(FEWEST / (1 - u * (1 - FEWEST / MOST)));
}

const describe = (h: HistoryStats) =>
  `purchases per member min ${h.min}, median ${h.median}, max ${h.max}; snapshots (JSON) median ${fmt(h.snapshotMedian)} bytes, max ${fmt(h.snapshotMax)}, of which the member row median ${fmt(h.rowMedian)}`;

export async function throughputBench(
  admin: pg.Pool,
  url: string,
  schema: string,
  heading: string,
): Promise<{ lines: string[]; failed: boolean }> {
  const lines: string[] = [];
  await migrate(pgPool(admin), { schema });
  const store = createPostgresStore(pgPool(admin), { schema });

  const members = Array.from({ length: MEMBERS }, (_, i) => ({
    memberId: `member-${i}`,
    purchases: priorPurchases(i),
  }));
  const short = Array.from({ length: SHORT_MEMBERS }, (_, i) => ({ memberId: `short-${i}`, purchases: 10 + (i % 11) }));
  const building = [...members, ...short].sort((a, b) => b.purchases - a.purchases); // longest first: even finish
  const total = building.reduce((s, m) => s + m.purchases, 0);
  log(`building histories: ${fmt(total)} purchases of ${fmt(building.length)} members through the engine`);
  const endAt = Date.now() - 86_400_000;
  const t0 = performance.now();
  await runClients(
    Array.from({ length: BUILD_PROCESSES }, (_, w) => ({
      mode: "history" as const,
      url,
      schema,
      streams: BUILD_STREAMS,
      members: building.filter((_, i) => i % BUILD_PROCESSES === w),
      endAt,
      everyDays: EVERY_DAYS,
    })),
  );
  const buildS = (performance.now() - t0) / 1000;
  const before = await historyStats(admin, schema, "member");
  const shortBefore = await historyStats(admin, schema, "short");

  // The WAL of a short-history purchase: one at a time, nothing else of ours running.
  log(`${SHORT_PURCHASES} short-history purchases, one at a time`);
  const engine = createLoyaltyEngine({ program: compileProgram(benchProgram), store });
  const walFrom = await walBytes(admin);
  for (let i = 0; i < SHORT_PURCHASES; i++) {
    const memberId = short[i % short.length]!.memberId;
    await engine.recordPurchase({
      key: `short:${i}`,
      memberId,
      purchaseId: `short-${i}`,
      amount: "42.50",
      currency: "USD",
    });
  }
  const shortWal = ((await walBytes(admin)) - walFrom) / SHORT_PURCHASES;

  log(`pgbench -i -s ${SCALE}`);
  const init = spawnSync("pgbench", ["-i", "-q", "-s", String(SCALE), url], { encoding: "utf8" });
  const initFailed =
    init.error !== undefined
      ? "pgbench not found"
      : init.status === 0
        ? null
        : `pgbench -i failed: ${init.stderr.trim().split("\n").at(-1)}`;

  const ids = members.map((m) => m.memberId);
  const results = [];
  let turn = 0;
  for (const setup of SETUPS) {
    const theirs: (Turn | string)[] = [];
    const mine: Turn[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      theirs.push(initFailed ?? (await pgbench(admin, url, setup.clients, setup.processes)));
      mine.push(await ours(admin, url, schema, ids, setup, turn++));
    }
    results.push({ setup, theirs, mine });
  }
  if (initFailed === null) spawnSync("pgbench", ["-i", "-I", "d", url], { encoding: "utf8" }); // drop its tables
  const after = await historyStats(admin, schema, "member");

  lines.push(`${heading}`);
  lines.push(
    `   histories: ${fmt(MEMBERS)} members, ${fmt(before.purchases)} purchases built through the engine (injected clock, one every ${EVERY_DAYS} days) in ${buildS.toFixed(1)} s with ${BUILD_PROCESSES}×${BUILD_STREAMS} clients, with ${fmt(SHORT_MEMBERS)} short-history members`,
  );
  lines.push(`      before measuring: ${describe(before)}`);
  lines.push(`      after measuring:  ${describe(after)}`);
  let failed = false,
    targetLine = "";
  const disturbed: number[] = [];
  for (const { setup, theirs, mine } of results) {
    const rate = mean(mine.map((t) => t.rate));
    const latencies = mine.flatMap((t) => t.latencies).sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
    const label = `${setup.clients} client${setup.clients > 1 ? "s" : " "} (${setup.processes}×${setup.clients / setup.processes})`;
    lines.push(
      `   ${label}  loyalty-engine ${fmt(rate).padStart(6)} commands/s (rounds ${mine.map((t) => fmt(t.rate)).join(", ")}; p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms)`,
    );
    lines.push(
      `      CPU per command: client ${fmt(mean(mine.map((t) => (t.clientCpuMs / t.commands) * 1000)))} µs, server ${serverCpu(mine)}; WAL per command ${walPer(mine)}`,
    );
    disturbed.push(...mine.map((t) => t.machine?.other ?? 0));
    const measured = theirs.filter((t): t is Turn => typeof t !== "string");
    if (measured.length < theirs.length) {
      lines.push(`      pgbench: skipped (${theirs.find((t) => typeof t === "string")})`);
      continue;
    }
    const tps = mean(measured.map((t) => t.rate));
    const ratio = rate / tps;
    lines.push(
      `      pgbench -M prepared -c ${setup.clients} -j ${setup.processes}: ${fmt(tps)} tps (rounds ${measured.map((t) => fmt(t.rate)).join(", ")}; latency average ${measured.map((t) => t.latencies[0]!.toFixed(2)).join(", ")} ms); server CPU ${serverCpu(measured)}, WAL ${walPer(measured)} per transaction`,
    );
    lines.push(
      `      loyalty-engine / pgbench: ${(ratio * 100).toFixed(0)}% (per round: ${mine.map((t, i) => `${((t.rate / measured[i]!.rate) * 100).toFixed(0)}%`).join(", ")})`,
    );
    disturbed.push(...measured.map((t) => t.machine?.other ?? 0));
    if (setup.clients === TARGET_CLIENTS)
      targetLine = `   target at ${TARGET_CLIENTS} clients: ≥ ${TARGET * 100}% of prepared TPC-B: ${(ratio * 100).toFixed(0)}% -> ${ratio >= TARGET ? "met" : "NOT met"}`;
  }
  if (targetLine) lines.push(targetLine);
  lines.push(
    `   short history: ${fmt(SHORT_PURCHASES)} purchases one at a time over ${fmt(SHORT_MEMBERS)} members with ${shortBefore.min}-${shortBefore.max} prior purchases (snapshots median ${fmt(shortBefore.snapshotMedian)} bytes): WAL ${fmt(shortWal)} bytes per purchase`,
  );
  lines.push(
    `   target: WAL per short-history purchase < ${kb(WAL_TARGET_BYTES)}: ${shortWal < WAL_TARGET_BYTES ? "met" : "NOT met"}`,
  );
  const worst = Math.max(0, ...disturbed);
  if (worst > DISTURBED_CORES)
    lines.push(
      `   note: other processes used up to ${worst.toFixed(2)} cores in a measured window: these figures are not the bench's alone (rerun on a quiet machine)`,
    );

  // Correctness of what was just written: a sample of members folds to its snapshot.
  for (const memberId of [...ids.filter((_, i) => i % 250 === 0), "short-0", "short-7"]) {
    const v = await memberViolations(store, benchProgram.id, memberId, Date.now());
    if (v.length > 0) {
      failed = true;
      lines.push(`   check FAILED for ${memberId}: ${v[0]}`);
    }
  }
  return { lines, failed };
}
