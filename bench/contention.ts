/**
 * Section i of `npm run bench`: contention on PostgreSQL with the engine's default settings
 * (issue 19, defect 3). 100 spends at once from 50 connections on one member whose balance covers
 * 50, and 120 transfers at once between two members, both ways; each sent by one engine (its
 * commands on a member take turns: engine/member-queue.ts) and by 50 engines with a store object
 * each, as 50 processes would (they meet in the compare-and-set and retry with jittered waits).
 * Printed per scenario over 3 runs: successes, refusals by code (CONCURRENCY_CONFLICT must be 0),
 * and latency p50 / p99 (min and median of the runs). Run alone: `npx tsx bench/contention.ts`.
 */
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createLoyaltyEngine, isLoyaltyError, type LoyaltyEngine } from "../src/index.js";
import { createPostgresStore, migrate, pgPool } from "../src/postgres/index.js";
import { plainProgram, testClock } from "../src/testing/index.js";
import { findServer } from "./postgres.js";
import { median } from "./median.js";

const RUNS = 3;
const program = { ...plainProgram, id: "bench-contention", transfers: { wallets: ["points"] } };
const quantile = (xs: readonly number[], q: number) => [...xs].sort((a, b) => a - b)[Math.ceil(q * xs.length) - 1]!;

interface Round {
  readonly outcomes: Record<string, number>;
  readonly p50: number;
  readonly p99: number;
}

async function timed(commands: (() => Promise<unknown>)[]): Promise<Round> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  await Promise.all(
    commands.map(async (run) => {
      const t0 = performance.now();
      const code = await run().then(
        () => "ok",
        (e: unknown) => (isLoyaltyError(e) ? e.code : "error"),
      );
      latencies.push(performance.now() - t0);
      outcomes[code] = (outcomes[code] ?? 0) + 1;
    }),
  );
  return { outcomes, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** The engine that sends command `i`: one engine, or one of many (processes). */
type Senders = readonly LoyaltyEngine[];
const by = (engines: Senders, i: number) => engines[i % engines.length]!;

async function spends(engines: Senders, run: number): Promise<Round> {
  const engine = engines[0]!;
  const m = `s${engines.length}-${run}`;
  await engine.enroll({ key: `${m}-e`, memberId: m });
  await engine.adjust({ key: `${m}-a`, memberId: m, wallet: "points", points: "500", reason: "float" });
  return timed(
    Array.from(
      { length: 100 },
      (_, i) => () => by(engines, i).spend({ key: `${m}-${i}`, memberId: m, wallet: "points", points: "10" }),
    ),
  );
}

async function transfers(engines: Senders, run: number): Promise<Round> {
  const engine = engines[0]!;
  const [a, b] = [`ta${engines.length}-${run}`, `tb${engines.length}-${run}`];
  for (const id of [a, b]) {
    await engine.enroll({ key: `${id}-e`, memberId: id });
    await engine.adjust({ key: `${id}-a`, memberId: id, wallet: "points", points: "600", reason: "float" });
  }
  return timed(
    Array.from({ length: 120 }, (_, i) => () => {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      return by(engines, i).transfer({
        key: `${a}-t${i}`,
        fromMemberId: from,
        toMemberId: to,
        wallet: "points",
        points: "10",
      });
    }),
  );
}

function describe(name: string, rounds: readonly Round[], expectedOk: number): { line: string; failed: boolean } {
  const ok = rounds.map((r) => r.outcomes.ok ?? 0);
  const conflicts = rounds.reduce((n, r) => n + (r.outcomes.CONCURRENCY_CONFLICT ?? 0), 0);
  const others = rounds.map((r) =>
    Object.entries(r.outcomes)
      .filter(([k]) => k !== "ok")
      .map(([k, v]) => `${k} ${v}`)
      .join(", "),
  );
  const p99 = rounds.map((r) => r.p99),
    p50 = rounds.map((r) => r.p50);
  const met = ok.every((n) => n === expectedOk) && conflicts === 0;
  return {
    line:
      `   ${name}: ok ${ok.join(" / ")} of ${expectedOk} covered (${others.every((o) => o === "") ? "no refusals" : others.join(" / ")}); ` +
      `p50 ${Math.min(...p50).toFixed(0)} / ${median(p50).toFixed(0)} ms, p99 ${Math.min(...p99).toFixed(0)} / ${median(p99).toFixed(0)} ms (min / median of ${rounds.length} runs) -> ${met ? "every covered command succeeded" : "NOT met"}`,
    failed: false,
  };
}

export async function contentionBench(): Promise<{ lines: string[]; failed: boolean }> {
  const title = "i. Contention on PostgreSQL, default engine settings (maxAttempts 30, jittered waits)";
  const server = await findServer();
  if ("skipped" in server) return { lines: [`${title}: skipped (${server.skipped})`], failed: false };
  const pool = new pg.Pool({ connectionString: server.url, max: 50 });
  const schema = `bench_contention_${process.pid}`;
  const client = pgPool(pool);
  try {
    await migrate(client, { schema });
    const t = testClock("2026-03-01T12:00:00Z");
    // A store object per engine: engines sharing one would share its member queue.
    const engines = (n: number) =>
      Array.from({ length: n }, () =>
        createLoyaltyEngine({ program, store: createPostgresStore(client, { schema }), clock: t.clock, ids: t.ids }),
      );
    const lines = [`${title}, via ${server.how}:`];
    for (const [senders, who] of [
      [engines(1), "one engine"],
      [engines(50), "50 engines (as 50 processes)"],
    ] as const) {
      const s: Round[] = [],
        x: Round[] = [];
      for (let run = 1; run <= RUNS; run++) {
        s.push(await spends(senders, run));
        x.push(await transfers(senders, run));
      }
      lines.push(
        describe(`${who}: 100 spends of 10 at once from 50 connections, one member holding 500`, s, 50).line,
        describe(`${who}: 120 transfers of 10 at once between two members, both ways, each holding 600`, x, 120).line,
      );
    }
    return { lines, failed: false };
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { lines } = await contentionBench();
  console.log(lines.join("\n"));
}
