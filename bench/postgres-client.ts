/**
 * A bench client process for the PostgreSQL figures (bench/postgres.ts forks two, as `pgbench -j 2`
 * runs two threads): its own engine, its own `pg` pool, and a few concurrent command streams.
 * Told what to do by one IPC message; answers with one.
 */
import { TZDate } from "@date-fns/tz";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { compileProgram, createLoyaltyEngine, type ProgramDefinition } from "../src/index.js";
import { createPostgresStore, pgPool } from "../src/postgres/index.js";

export type ClientTask =
  | {
      readonly mode: "purchases";
      readonly url: string;
      readonly schema: string;
      readonly worker: number;
      readonly workers: number;
      readonly streams: number;
      readonly members: readonly string[];
      readonly warmupMs: number;
      readonly durationMs: number;
    }
  | {
      readonly mode: "cdnow";
      readonly url: string;
      readonly schema: string;
      readonly worker: number;
      readonly workers: number;
      readonly streams: number;
      readonly file: string;
    };

export type ClientReport =
  | {
      readonly mode: "purchases";
      readonly commands: number;
      readonly elapsedMs: number;
      readonly conflicts: number;
      readonly latenciesMs: readonly number[];
      /** CPU time (user + system) this process used while measuring. */
      readonly cpuMs: number;
      /** Where the machine's CPU went while the clients measured (Linux only; null elsewhere and in the other client). */
      readonly machine: CpuSplit | null;
    }
  | {
      readonly mode: "cdnow";
      readonly customers: number;
      readonly enrolled: number;
      readonly purchases: number;
      readonly skippedZero: number;
      readonly elapsedMs: number;
      readonly startedAt: number;
      readonly endedAt: number;
    };

// ---- Where the CPU went (Linux /proc) ------------------------------------------------------------

interface CpuSample {
  readonly at: number;
  /** Jiffies of all CPUs: total; idle + iowait; stolen by the hypervisor. */
  readonly total: number;
  readonly idle: number;
  readonly steal: number;
  /** Per process alive at the time: command name, parent pid, start time, command line, user + system jiffies. */
  readonly procs: ReadonlyMap<
    number,
    {
      readonly comm: string;
      readonly ppid: number;
      readonly started: number;
      readonly cmdline: string;
      readonly ticks: number;
    }
  >;
}

/**
 * CPU use over a window, in cores (1 = one core busy all the time). Per process, only processes
 * alive at both ends of the window are seen, so a window should start after the measured processes
 * (and their server backends) started, and end before they end.
 */
export interface CpuSplit {
  readonly cores: number;
  /** All CPU time that was not idle: processes, kernel, interrupts (loopback TCP is mostly here), steal. */
  readonly busy: number;
  /** Time the hypervisor gave to someone else (a virtual machine's neighbours). */
  readonly steal: number;
  /** PostgreSQL: the server's own processes and the backends of the bench's database user. */
  readonly postgres: number;
  /** The bench's client processes (or pgbench). */
  readonly clients: number;
  /** Kernel threads (kworker: mostly writing back the server's files). */
  readonly kernel: number;
  /** Everything else: other processes (those that ended within the window are not seen), and backends of other database users. Should be near 0. */
  readonly other: number;
}

export function sampleCpu(): CpuSample | null {
  if (!existsSync("/proc/stat")) return null;
  const cpu = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const procs = new Map<number, { comm: string; ppid: number; started: number; cmdline: string; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const f = stat.slice(close + 2).split(" ");
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      procs.set(Number(name), {
        comm: stat.slice(stat.indexOf("(") + 1, close),
        ppid: Number(f[1]),
        started: Number(f[19]),
        cmdline,
        ticks: Number(f[11]) + Number(f[12]),
      });
    } catch {
      // the process ended meanwhile
    }
  }
  return {
    at: performance.now(),
    total: cpu.reduce((a, b) => a + b, 0),
    idle: (cpu[3] ?? 0) + (cpu[4] ?? 0),
    steal: cpu[7] ?? 0,
    procs,
  };
}

/**
 * Where the CPU went between two samples. `clientPids`: the measured client processes (their
 * children count too); `dbUser`: the database user the bench connects as (backends show it in
 * their command line, `postgres: 15/main: user db host(port) state`).
 */
export function cpuSplit(
  a: CpuSample | null,
  b: CpuSample | null,
  clientPids: readonly number[],
  dbUser: string,
): CpuSplit | null {
  if (!a || !b || b.total <= a.total) return null;
  const cores = readFileSync("/proc/stat", "utf8")
    .split("\n")
    .filter((l) => /^cpu\d/.test(l)).length;
  const perCore = (b.total - a.total) / cores; // jiffies of one CPU over the window
  let postgres = 0,
    clients = 0,
    kernel = 0,
    other = 0;
  for (const [pid, p] of b.procs) {
    const before = a.procs.get(pid);
    const used = (p.ticks - (before?.started === p.started ? before.ticks : 0)) / perCore; // a process started meanwhile: all of its time
    if (clientPids.includes(pid) || clientPids.includes(p.ppid)) clients += used;
    else if (pid === 2 || p.ppid === 2) kernel += used;
    else if (p.comm === "postgres" || p.cmdline.startsWith("postgres:")) {
      const backend = /^postgres: [^:]+: (\S+) /.exec(p.cmdline);
      if (!backend || backend[1] === dbUser) postgres += used;
      else other += used;
    } else other += used;
  }
  const share = (x: number) => (x / (b.total - a.total)) * cores;
  return {
    cores,
    busy: cores - share(b.idle - a.idle),
    steal: share(b.steal - a.steal),
    postgres,
    clients,
    kernel,
    other,
  };
}

/** The bench's program: 1 point per unit of money, 12-month expiry, USD, as a US store might run it. */
export const benchProgram = {
  id: "bench-us",
  version: 1,
  currency: "USD",
  timeZone: "America/New_York",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying", expiresAfter: null },
  ],
  expiry: { after: { months: 12 } },
  refunds: { negativeBalance: "within_balance", baseRule: "base" },
  rules: [
    {
      id: "base",
      on: "purchase",
      awards: [
        { kind: "rate", points: "1", per: "1", wallet: "points" },
        { kind: "rate", points: "1", per: "1", wallet: "status" },
      ],
    },
    {
      id: "big-basket",
      on: "purchase",
      when: { field: "amount", op: "gte", value: "100" },
      awards: [{ kind: "fixed", points: "25", wallet: "points" }],
    },
  ],
} satisfies ProgramDefinition;

export interface CdnowPurchase {
  readonly line: number;
  readonly customerId: string;
  /** Noon, New York time, on the purchase date. */
  readonly at: number;
  readonly amount: string;
}

/** Parses cdnow_master.txt: `customer_id date(YYYYMMDD) number_of_cds dollar_value`, whitespace-separated. */
export function parseCdnow(text: string): CdnowPurchase[] {
  const out: CdnowPurchase[] = [];
  const noon = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields.length !== 4 || !/^\d+$/.test(fields[0]!)) return; // header, blank lines
    const [customer, date, , dollars] = fields as [string, string, string, string];
    if (!/^\d{8}$/.test(date) || !/^\d+\.\d{2}$/.test(dollars))
      throw new Error(`cdnow line ${i + 1}: cannot read ${JSON.stringify(raw)}`);
    let at = noon.get(date);
    if (at === undefined)
      noon.set(
        date,
        (at = new TZDate(
          Number(date.slice(0, 4)),
          Number(date.slice(4, 6)) - 1,
          Number(date.slice(6, 8)),
          12,
          0,
          "America/New_York",
        ).getTime()),
      );
    out.push({ line: i + 1, customerId: customer.replace(/^0+(?=\d)/, ""), at, amount: dollars });
  });
  return out;
}

async function purchases(task: Extract<ClientTask, { mode: "purchases" }>): Promise<ClientReport> {
  const pool = new pg.Pool({ connectionString: task.url, max: task.streams });
  const store = createPostgresStore(pgPool(pool), { schema: task.schema });
  const engine = createLoyaltyEngine({ program: compileProgram(benchProgram), store });
  let commands = 0,
    conflicts = 0,
    measuring = false;
  const latencies: number[] = [];
  const started = performance.now();
  let measuredFrom = 0;
  let cpuFrom = process.cpuUsage();
  // One client per round samples the machine, from 1 s into its measured window to 1 s before its
  // end: the other client (started at the same time, within a few tens of milliseconds) and the
  // server backends of both are then sure to be running at both ends.
  let machine: Promise<CpuSplit | null> = Promise.resolve(null);
  const sampleMachine = () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    machine = (async () => {
      await sleep(1_000);
      const from = sampleCpu();
      await sleep(task.durationMs - 2_000);
      return cpuSplit(from, sampleCpu(), [process.ppid], decodeURIComponent(new URL(task.url).username)); // this client, its sibling, the bench
    })();
  };
  await Promise.all(
    Array.from({ length: task.streams }, async (_, s) => {
      for (let i = 0; ; i++) {
        const now = performance.now();
        if (!measuring && now - started >= task.warmupMs) {
          measuring = true;
          measuredFrom = now;
          cpuFrom = process.cpuUsage();
          if (task.worker % task.workers === 0) sampleMachine();
        }
        if (measuring && now - measuredFrom >= task.durationMs) return;
        const key = `w${task.worker}-s${s}-${i}`;
        const memberId = task.members[(i * task.streams + s) % task.members.length]!;
        const t0 = performance.now();
        try {
          await engine.recordPurchase({
            key,
            memberId,
            purchaseId: key,
            amount: `${10 + (i % 90)}.${String(i % 100).padStart(2, "0")}`,
            currency: "USD",
          });
        } catch (error) {
          if ((error as { code?: string }).code === "CONCURRENCY_CONFLICT") conflicts++;
          else throw error;
        }
        if (measuring) {
          commands++;
          latencies.push(performance.now() - t0);
        }
      }
    }),
  );
  const elapsedMs = performance.now() - measuredFrom;
  const cpu = process.cpuUsage(cpuFrom);
  // This client, its sibling and the bench itself (the parent) are the clients.
  await pool.end();
  return {
    mode: "purchases",
    commands,
    elapsedMs,
    conflicts,
    latenciesMs: latencies,
    cpuMs: (cpu.user + cpu.system) / 1000,
    machine: await machine,
  };
}

/** Replays this worker's share of the CDNOW customers (by customer id), `streams` customers at a time, each in date order. */
async function cdnow(task: Extract<ClientTask, { mode: "cdnow" }>): Promise<ClientReport> {
  const all = parseCdnow(readFileSync(task.file, "utf8"));
  const byCustomer = new Map<string, CdnowPurchase[]>();
  for (const p of all) {
    if (Number(p.customerId) % task.workers !== task.worker) continue;
    let list = byCustomer.get(p.customerId);
    if (!list) byCustomer.set(p.customerId, (list = []));
    list.push(p);
  }
  const queue = [...byCustomer.entries()];
  const program = compileProgram(benchProgram);
  const pool = new pg.Pool({ connectionString: task.url, max: task.streams });
  const store = createPostgresStore(pgPool(pool), { schema: task.schema });
  let enrolled = 0,
    purchasesDone = 0,
    skippedZero = 0,
    next = 0;
  const startedAt = Date.now();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: task.streams }, async () => {
      while (next < queue.length) {
        const [customerId, events] = queue[next++]!;
        events.sort((a, b) => a.at - b.at || a.line - b.line);
        // One engine per customer, its clock at the customer's current purchase: the program is compiled once.
        let now = events[0]!.at;
        const engine = createLoyaltyEngine({ program, store, clock: () => now });
        await engine.enroll({ key: `enroll:${customerId}`, memberId: customerId, joinedAt: new Date(now) });
        enrolled++;
        for (const p of events) {
          now = p.at;
          if (!/[1-9]/.test(p.amount)) {
            skippedZero++;
            continue;
          }
          await engine.recordPurchase({
            key: `cdnow:${p.line}`,
            memberId: customerId,
            purchaseId: `line-${p.line}`,
            amount: p.amount,
            currency: "USD",
          });
          purchasesDone++;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  await pool.end();
  return {
    mode: "cdnow",
    customers: queue.length,
    enrolled,
    purchases: purchasesDone,
    skippedZero,
    elapsedMs,
    startedAt,
    endedAt: Date.now(),
  };
}

if (process.send) {
  process.once("message", (task: ClientTask) => {
    (task.mode === "purchases" ? purchases(task) : cdnow(task)).then(
      (report) => process.send!(report, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
