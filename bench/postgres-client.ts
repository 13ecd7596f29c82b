/**
 * A bench client process for the PostgreSQL figures (bench/postgres.ts forks several, as `pgbench -j`
 * runs several threads): its own engine, its own `pg` pool, and a few concurrent command streams.
 * Told what to do by one IPC message; answers with one.
 */
import { TZDate } from "@date-fns/tz";
import { readFileSync } from "node:fs";
import pg from "pg";
import { compileProgram, createLoyaltyEngine, type ProgramDefinition } from "../src/index.js";
import { createPostgresStore, pgPool } from "../src/postgres/index.js";
import { cpuSplit, sampleCpu, type CpuSplit } from "./cpu.js";

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
    }
  | {
      /** Builds histories: enrols each member, then its purchases, one every `everyDays`, the last at `endAt`. */
      readonly mode: "history";
      readonly url: string;
      readonly schema: string;
      readonly streams: number;
      readonly members: readonly { readonly memberId: string; readonly purchases: number }[];
      readonly endAt: number;
      readonly everyDays: number;
    };

export type ClientReport =
  | {
      readonly mode: "purchases";
      /** Commands in the measured window. */
      readonly commands: number;
      /** Commands of the whole run, warm-up included (what the WAL of the run was written for). */
      readonly allCommands: number;
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
    }
  | { readonly mode: "history"; readonly purchases: number; readonly elapsedMs: number };

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
    allCommands = 0,
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
        allCommands++;
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
    allCommands,
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

/**
 * Builds histories through the public API: one engine per member with its clock at the member's
 * current purchase (the program is compiled once), `streams` members at a time.
 */
async function history(task: Extract<ClientTask, { mode: "history" }>): Promise<ClientReport> {
  const program = compileProgram(benchProgram);
  const pool = new pg.Pool({ connectionString: task.url, max: task.streams });
  const store = createPostgresStore(pgPool(pool), { schema: task.schema });
  const day = 86_400_000;
  let next = 0,
    done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: task.streams }, async () => {
      while (next < task.members.length) {
        const { memberId, purchases: count } = task.members[next++]!;
        let now = task.endAt - count * task.everyDays * day;
        const engine = createLoyaltyEngine({ program, store, clock: () => now });
        await engine.enroll({ key: `enroll:${memberId}`, memberId, joinedAt: new Date(now) });
        for (let k = 1; k <= count; k++) {
          now += task.everyDays * day;
          await engine.recordPurchase({
            key: `history:${memberId}:${k}`,
            memberId,
            purchaseId: `history-${k}`,
            amount: `${10 + ((k * 37) % 90)}.${String((k * 13) % 100).padStart(2, "0")}`,
            currency: "USD",
          });
          done++;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  await pool.end();
  return { mode: "history", purchases: done, elapsedMs };
}

const run = (task: ClientTask): Promise<ClientReport> =>
  task.mode === "purchases" ? purchases(task) : task.mode === "cdnow" ? cdnow(task) : history(task);

if (process.send) {
  process.once("message", (task: ClientTask) => {
    run(task).then(
      (report) => process.send!(report, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
