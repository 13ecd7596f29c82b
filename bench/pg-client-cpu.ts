/**
 * Where the PostgreSQL store's client CPU per purchase goes (bench/README.md, section c): a tool,
 * not a section of `npm run bench`. `npx tsx bench/pg-client-cpu.ts` (needs DATABASE_URL; works
 * in a schema of its own, `loyalty_cpu_<pid>`, dropped at the end).
 *
 * The same members (40 to 80 prior purchases, `benchProgram`) on both stores, then rounds of one
 * purchase per member, taking turns, each timed with `process.cpuUsage` (user + system, all
 * threads) and the main thread's ticks (`/proc/self/task`):
 * - `memory`: the engine alone;
 * - `memory + 2 round trips`: the same, plus after each command two prepared `SELECT $1::int`
 *   through the same `pg` pool: what the driver and waking up from the socket cost, with nothing
 *   of the store's own work and almost no bytes;
 * - `postgres`: the PostgreSQL store (a command is one read and one write statement).
 * - `postgres, 4 streams`: the same with 4 concurrent streams in the process (as bench c's clients
 *   run 2), so that one wake-up from the socket may find more than one reply.
 * So `postgres` minus `memory + 2 round trips` is the store's own code and the bytes it moves. Each
 * line also splits a round's CPU into what was spent inside the `query` calls (from the call to its
 * result: driver, socket, wake-up) and outside them (engine and store code).
 * `CPU_PROFILE=<prefix>` writes a CPU profile of each PostgreSQL round (`<prefix>.<round>.cpuprofile`).
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import pg from "pg";
import { compileProgram, createLoyaltyEngine, createMemoryStore, type LoyaltyEngine } from "../src/index.js";
import { createPostgresStore, migrate, pgPool, type SqlClient } from "../src/postgres/index.js";
import { testClock } from "../src/testing/index.js";
import { benchProgram } from "./postgres-client.js";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is not set");
const MEMBERS = Number(process.env.CPU_MEMBERS ?? 40);
const ROUNDS = Number(process.env.CPU_ROUNDS ?? 7);

async function build(engine: LoyaltyEngine, t: ReturnType<typeof testClock>, members: string[]) {
  for (const m of members) await engine.enroll({ key: `e-${m}`, memberId: m });
  for (let n = 0; n < 80; n++) {
    for (const [i, m] of members.entries())
      if (n < 40 + (i % 41))
        await engine.recordPurchase({
          key: `p-${m}-${n}`,
          memberId: m,
          purchaseId: `${m}-${n}`,
          amount: String(5 + ((i * 7 + n * 13) % 120)),
          currency: "USD",
        });
    t.advance(3 * 86_400_000);
  }
}

/** The main thread's CPU ticks (user + system, in clock ticks of 10 ms), or NaN without /proc. */
function mainThreadTicks(): number {
  try {
    if (!readdirSync("/proc/self/task").includes(String(process.pid))) return NaN;
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return NaN;
  }
}

/** Microseconds per command: all threads, of which system, and the main thread. */
interface CpuFigures {
  readonly cpu: number;
  readonly system: number;
  readonly main: number;
  /** Of `cpu`, what was spent between a `query` call and its result (one stream only: else overlapping). */
  readonly inQueries: number;
}

/** CPU microseconds spent inside `query` calls of clients made by `timed`. */
let inQueries = 0;

/** `client`, counting the CPU from each `query` call to its result: the driver, the socket, the wake-up. */
function timed(client: SqlClient): SqlClient {
  return {
    query: async (text, params) => {
      const before = process.cpuUsage();
      try {
        return await client.query(text, params);
      } finally {
        const used = process.cpuUsage(before);
        inQueries += used.user + used.system;
      }
    },
    transaction: (fn) => client.transaction(fn),
  };
}

/** One purchase per member, by `streams` concurrent streams over disjoint members (none on one member twice). */
async function round(
  engine: LoyaltyEngine,
  members: string[],
  r: number,
  after?: () => Promise<unknown>,
  streams = 1,
): Promise<CpuFigures> {
  const ticks = mainThreadTicks();
  inQueries = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      for (const m of members.filter((_, i) => i % streams === s)) {
        await engine.recordPurchase({
          key: `r${r}-${m}`,
          memberId: m,
          purchaseId: `${m}-r${r}`,
          amount: "42.5",
          currency: "USD",
        });
        await after?.();
      }
    }),
  );
  const used = process.cpuUsage(before);
  const n = members.length;
  return {
    cpu: (used.user + used.system) / n,
    system: used.system / n,
    main: ((mainThreadTicks() - ticks) * 1e4) / n,
    inQueries: inQueries / n,
  };
}

const ms = (us: number) => `${(us / 1000).toFixed(3)} ms`;
function summary(xs: readonly CpuFigures[], split = true): { min: number; median: number; line: string } {
  const s = [...xs].sort((a, b) => a.cpu - b.cpu);
  const median = s[Math.floor(s.length / 2)]!;
  return {
    min: s[0]!.cpu,
    median: median.cpu,
    line:
      `min ${ms(s[0]!.cpu)}, median ${ms(median.cpu)} (median round: system ${ms(median.system)}, ` +
      `main thread ${ms(median.main)}` +
      (split ? `, inside queries ${ms(median.inQueries)}, outside ${ms(median.cpu - median.inQueries)})` : ")"),
  };
}

async function main() {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const schema = `loyalty_cpu_${process.pid}`;
  try {
    const client = timed(pgPool(pool));
    await migrate(client, { schema });
    const program = compileProgram(benchProgram);
    const members = Array.from({ length: MEMBERS }, (_, i) => `m${i}`);
    const tp = testClock("2026-01-01T00:00:00Z");
    const tm = testClock("2026-01-01T00:00:00Z");
    const onPg = createLoyaltyEngine({ program, store: createPostgresStore(client, { schema }), clock: tp.clock });
    const onMemory = createLoyaltyEngine({ program, store: createMemoryStore(), clock: tm.clock });
    const started = Date.now();
    await build(onPg, tp, members);
    await build(onMemory, tm, members);
    console.log(`built ${MEMBERS} members with 40 to 80 purchases on both stores in ${Date.now() - started} ms`);
    const trips = async () => {
      await client.query("SELECT $1::int AS x", [1]);
      await client.query("SELECT $1::int AS x", [2]);
    };
    const profile = process.env.CPU_PROFILE;
    const session = profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post("Profiler.enable");
    }
    const figures = {
      memory: [] as CpuFigures[],
      trips: [] as CpuFigures[],
      postgres: [] as CpuFigures[],
      streams: [] as CpuFigures[],
    };
    // Round 0 warms each path up (JIT, prepared statements) and is not counted.
    for (let r = 0; r <= ROUNDS; r++) {
      const memory = await round(onMemory, members, r);
      const withTrips = await round(onMemory, members, r + 10_000, trips);
      await session?.post("Profiler.start");
      const postgres = await round(onPg, members, r);
      if (session) {
        const { profile: taken } = await session.post("Profiler.stop");
        writeFileSync(`${profile}.${r}.cpuprofile`, JSON.stringify(taken));
      }
      const streams = await round(onPg, members, r + 10_000, undefined, 4);
      if (r === 0) continue;
      figures.streams.push(streams);
      figures.memory.push(memory);
      figures.trips.push(withTrips);
      figures.postgres.push(postgres);
    }
    const m = summary(figures.memory);
    const t = summary(figures.trips);
    const p = summary(figures.postgres);
    const s = summary(figures.streams, false);
    console.log(`client CPU per purchase over ${ROUNDS} rounds of ${MEMBERS}:`);
    console.log(`  memory store:                    ${m.line}`);
    console.log(`  memory store + 2 round trips:    ${t.line}`);
    console.log(`  PostgreSQL store:                ${p.line}`);
    console.log(`  PostgreSQL store, 4 streams:     ${s.line}`);
    console.log(
      `  medians: round trips add ${ms(t.median - m.median)}, the store's own work ${ms(p.median - t.median)}; ` +
        `PostgreSQL / memory ${(p.median / m.median).toFixed(2)}`,
    );
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
