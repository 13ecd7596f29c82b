/**
 * Section g of `npm run bench`: the cost of one purchase command by the length of the member's
 * history (issue 11), for the two programs of bench/history-programs.ts, on the memory store and
 * on PostgreSQL (a server, else PGlite). Histories are grown through the public API with an
 * injected clock: a purchase every 3 days (~120 a year, a grocery shopper). At 10, 100, 1,000 and
 * 10,000 prior purchases (up to BENCH_HISTORY_MAX), ROUNDS rounds of PER_ROUND more purchases are
 * timed; the snapshot's size and, on a server, its WAL bytes per command are printed beside them.
 * Run alone: `npx tsx bench/history.ts` (BENCH_HISTORY_MAX=1000 while commands are still linear).
 *
 * Measured purchases add to the history they measure. So that a checkpoint's figure is for about
 * that many prior purchases, they are spread over as many members as it takes for each to grow by
 * at most a tenth: at 10 prior purchases, 100 members take one measured purchase each; at 100, 10
 * members take 10; from 1,000 on, one member (grown on to the next checkpoint) takes them all.
 */
import { fileURLToPath } from "node:url";
import { compileProgram, createLoyaltyEngine, type LoyaltyEngine, type Program } from "../src/index.js";
import { memberViolations } from "../src/testing/index.js";
import { historyPrograms } from "./history-programs.js";
import { historyStores, type HistoryStore } from "./history-stores.js";
import { mulberry32 } from "../test/support/mulberry32.js";
import { median } from "./median.js";

const CHECKPOINTS = [10, 100, 1_000, 10_000];
const ROUNDS = 5;
const PER_ROUND = 20;
const MEASURED = ROUNDS * PER_ROUND;
/** A measured purchase may grow its member's history by at most this share of the checkpoint. */
const DRIFT = 0.1;
const TARGET_RATIO = 1.5;
const DAY = 86_400_000;
const EVERY = 3 * DAY;
const START = Date.parse("2020-01-06T10:00:00Z");
const PROGRESS_EVERY = 500;
/** Commands between two looks at the server's other sessions while measuring. */
const BUSY_EVERY = 4;

const log = (text: string) => process.stderr.write(`  … ${text}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");
const kb = (bytes: number) => (bytes < 10_240 ? `${(bytes / 1024).toFixed(1)} kB` : `${fmt(bytes / 1024)} kB`);
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

export interface Checkpoint {
  readonly prior: number;
  readonly members: number;
  readonly snapshotBytes: number;
  /** Mean per command of each round, ms. */
  readonly rounds: readonly number[];
  /** WAL bytes per command of each round; null without a server. */
  readonly wal: readonly number[] | null;
  /** Rounds during which another session was seen at work on the server (0 without a server). */
  readonly disturbed: number;
}

/** Basket totals from a seeded PRNG (mulberry32): the same run to run, £3 to ~£150. */
function amounts(seed: number) {
  const random = mulberry32(seed);
  return () => {
    const r = random();
    return (3 + Math.floor(r * r * 14_700) / 100).toFixed(2);
  };
}

/** A member whose history this bench grows: its own purchase count and its own 3-day calendar. */
interface Shopper {
  readonly memberId: string;
  purchases: number;
}

/**
 * One program on one store: an engine whose clock the bench sets before each command. Every
 * cohort of members starts after the previous one's last purchase, so the clock never goes back.
 */
function shopperEngine(program: Program, target: HistoryStore) {
  let now = START;
  let epoch = START;
  const engine: LoyaltyEngine = createLoyaltyEngine({ program, store: target.store, clock: () => now });
  const nextAmount = amounts(0x5eed);
  let latest = START;
  const at = (s: Shopper) => epoch + s.purchases * EVERY;
  return {
    engine,
    async enroll(memberId: string): Promise<Shopper> {
      now = epoch;
      await engine.enroll({ key: `enroll:${memberId}`, memberId });
      return { memberId, purchases: 0 };
    },
    /** The shopper's next purchase, 3 days after its last; resolves when committed. */
    async purchase(s: Shopper) {
      now = at(s) + EVERY;
      latest = Math.max(latest, now);
      const n = ++s.purchases;
      await engine.recordPurchase({
        key: `${s.memberId}:purchase:${n}`,
        memberId: s.memberId,
        purchaseId: `${s.memberId}-${n}`,
        amount: nextAmount(),
        currency: "GBP",
      });
    },
    /** The next cohort starts a day after the latest purchase so far. */
    newCohort() {
      epoch = latest + DAY;
      latest = epoch;
    },
    get latest() {
      return latest;
    },
  };
}

type Shoppers = ReturnType<typeof shopperEngine>;

/** Grows each shopper to `size` purchases, in lockstep, printing progress to stderr. */
async function grow(e: Shoppers, cohort: readonly Shopper[], size: number, what: string) {
  const total = cohort.reduce((t, s) => t + Math.max(0, size - s.purchases), 0);
  let done = 0;
  let t0 = performance.now();
  while (cohort.some((s) => s.purchases < size)) {
    for (const s of cohort) {
      if (s.purchases >= size) continue;
      await e.purchase(s);
      if (++done % PROGRESS_EVERY === 0) {
        const per = (performance.now() - t0) / PROGRESS_EVERY;
        t0 = performance.now();
        log(`${what}: ${fmt(done)} of ${fmt(total)} purchases (${ms(per)} ms each lately)`);
      }
    }
  }
}

async function snapshotBytes(target: HistoryStore, programId: string, memberId: string) {
  const stored = await target.store.loadMember(programId, memberId);
  return Buffer.byteLength(JSON.stringify(stored?.snapshot ?? null));
}

/** Every checkpoint up to `max` for one program on one store; `failed` if a member does not fold. */
export async function historyRun(definition: (typeof historyPrograms)[number], target: HistoryStore, max: number) {
  const program = compileProgram(definition.definition);
  const e = shopperEngine(program, target);
  const checkpoints: Checkpoint[] = [];
  const checked: Shopper[] = [];
  let long: Shopper | null = null;
  for (const prior of CHECKPOINTS.filter((c) => c <= max)) {
    const size = Math.min(MEASURED, Math.ceil(MEASURED / Math.max(1, Math.floor(prior * DRIFT))));
    let cohort: Shopper[];
    if (size === 1) {
      if (!long) {
        e.newCohort();
        long = await e.enroll(`${target.short}-long`);
      }
      cohort = [long];
    } else {
      e.newCohort();
      cohort = [];
      for (let i = 0; i < size; i++) cohort.push(await e.enroll(`${target.short}-at-${prior}-${i}`));
    }
    const what = `${definition.label.slice(0, 2)} ${target.short}, to ${fmt(prior)} prior purchases`;
    await grow(e, cohort, prior, cohort.length > 1 ? `${what} (${cohort.length} members)` : what);
    const snapshot = await snapshotBytes(target, program.id, cohort[0]!.memberId);
    const rounds: number[] = [];
    const wal: number[] = [];
    let disturbed = 0;
    let next = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const lsn = target.walLsn ? await target.walLsn() : null;
      let elapsed = 0;
      let busy = false;
      for (let i = 0; i < PER_ROUND; i++) {
        const t0 = performance.now();
        await e.purchase(cohort[next++ % cohort.length]!);
        elapsed += performance.now() - t0;
        // Untimed: is anyone else writing to the server meanwhile (their WAL would count as ours)?
        if (target.othersBusy && i % BUSY_EVERY === 0) busy = (await target.othersBusy()) || busy;
      }
      rounds.push(elapsed / PER_ROUND);
      if (lsn !== null && target.walLsn) wal.push((await target.walBytes(lsn, await target.walLsn())) / PER_ROUND);
      if (busy) disturbed++;
    }
    checkpoints.push({
      prior,
      members: cohort.length,
      snapshotBytes: snapshot,
      rounds,
      wal: target.walLsn ? wal : null,
      disturbed,
    });
    checked.push(cohort[0]!);
  }
  // Correctness: what was measured must be real bookkeeping. Each checkpoint's first member folds to its snapshot.
  const violations: string[] = [];
  for (const s of new Set(checked))
    violations.push(...(await memberViolations(target.store, program.id, s.memberId, e.latest)));
  return { checkpoints, violations };
}

function table(label: string, target: HistoryStore, run: Awaited<ReturnType<typeof historyRun>>, max: number) {
  const lines = [`   ${label}, ${target.name}:`];
  lines.push(
    `     prior purchases  members   snapshot   per purchase min / median   ratio to 10 (median)   WAL/command (min / median)`,
  );
  const base = run.checkpoints[0] ? median(run.checkpoints[0].rounds) : NaN;
  for (const c of run.checkpoints) {
    const mid = median(c.rounds);
    const wal = c.wal
      ? `${kb(Math.min(...c.wal))} / ${kb(median(c.wal))}${c.disturbed > 0 ? ` (other sessions at work in ${c.disturbed} of ${ROUNDS} rounds)` : ""}`
      : "not measured";
    lines.push(
      `     ${fmt(c.prior).padStart(15)}  ${String(c.members).padStart(7)}  ${kb(c.snapshotBytes).padStart(9)}   ${`${ms(Math.min(...c.rounds))} / ${ms(mid)} ms`.padStart(26)}   ${`${(mid / base).toFixed(1)}×`.padStart(20)}   ${wal}`,
    );
  }
  const at = (prior: number) => run.checkpoints.find((c) => c.prior === prior);
  const last = at(10_000);
  if (last) {
    const ratio = median(last.rounds) / base;
    lines.push(
      `     at 10,000 ≤ ${TARGET_RATIO}× the cost at 10: ${ratio <= TARGET_RATIO ? "met" : "NOT met"} (${ratio.toFixed(1)}×)`,
    );
  } else {
    const largest = run.checkpoints.at(-1);
    lines.push(
      `     at 10,000 ≤ ${TARGET_RATIO}× the cost at 10: not measured (BENCH_HISTORY_MAX=${fmt(max)}${largest ? `; at ${fmt(largest.prior)}: ${(median(largest.rounds) / base).toFixed(1)}×` : ""})`,
    );
  }
  if (target.walNote) lines.push(`     WAL: ${target.walNote}`);
  if (run.checkpoints.some((c) => c.disturbed > 0))
    lines.push(
      "     note: other sessions were at work on the server while measuring: their WAL counts in the figure, and they shared the CPU (rerun on a quiet server)",
    );
  for (const v of run.violations.slice(0, 3)) lines.push(`     check FAILED: ${v}`);
  if (run.violations.length === 0) lines.push(`     check: the members measured fold to their snapshots -> ok`);
  return lines;
}

/** The whole section: every program on every store. */
export async function historyBench(
  logger: (text: string) => void = log,
): Promise<{ lines: string[]; failed: boolean; ms: number }> {
  const started = performance.now();
  const max = Number(process.env.BENCH_HISTORY_MAX ?? 10_000);
  if (!Number.isInteger(max) || max < 10) throw new Error(`BENCH_HISTORY_MAX must be a whole number ≥ 10, not ${max}`);
  const stores = await historyStores(logger);
  const lines = [
    `g. Cost per purchase by history length: a purchase every 3 days, ${ROUNDS} rounds of ${PER_ROUND} purchases per checkpoint (min / median of the rounds' mean per command), up to ${fmt(max)} prior purchases (BENCH_HISTORY_MAX)`,
  ];
  let failed = false;
  try {
    for (const p of historyPrograms) {
      for (const target of stores) {
        const run = await historyRun(p, target, max);
        if (run.violations.length > 0) failed = true;
        lines.push(...table(p.label, target, run, max));
      }
    }
  } finally {
    for (const s of stores) await s.close();
  }
  return { lines, failed, ms: performance.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  historyBench().then(
    ({ lines, failed, ms: took }) => {
      console.log(lines.join("\n"));
      console.log(`   (${(took / 1000).toFixed(1)} s)`);
      if (failed) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
