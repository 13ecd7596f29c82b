/**
 * `npm run bench`: everything below is measured in this run; nothing asserts on time.
 *  a. Accrual throughput: the same rules on the same inputs, evaluated by our compiled program,
 *     by json-rules-engine and by hand-written TypeScript.
 *  b. The demo's replay (UCI Online Retail invoices through the example program, in-memory store):
 *     events per second and peak memory.
 *  c, d. The PostgreSQL store (bench/postgres.ts): purchase commands per second at 1, 4 and 8 clients
 *     on members with real histories, beside pgbench -M prepared TPC-B on the same server
 *     (bench/pg-throughput.ts), and a bulk replay of the CDNOW history.
 *  e. The expiry sweep over 1,000,000 lots (bench/expiry.ts): 1% due, then 9% more, then none.
 *  f. The tier review sweep over 100,000 members (bench/tiers.ts): 1% due, then 10%, then none.
 *  g. The cost of one purchase by the length of the member's history (bench/history.ts), 10 to
 *     10,000 prior purchases (BENCH_HISTORY_MAX), on the memory store and on PostgreSQL.
 *  h. Both real histories (UCI, CDNOW) replayed in memory beside a hand-written loop of the same
 *     rules' arithmetic (bench/replay-loop.ts): commands/s, the ratio, peak memory per member.
 *  i. Contention on PostgreSQL with default settings (bench/contention.ts): 100 spends on one member,
 *     120 transfers both ways between two, at once: successes, refusals, p50 / p99.
 *  j. The package where it is deployed (bench/package-size.ts): core and PostgreSQL bundle sizes
 *     against their budget, cold start beside `node -e 0`, first and second compile.
 *  k. loyalty-engine/insights on the full CDNOW history (bench/insights.ts): BG/NBD and Gamma-Gamma
 *     fitted with the published sample's conventions, expected against actual repeat purchase days in
 *     the 39-week holdout, each fit's CPU and wall time, the grouped likelihood beside a plain sum.
 *  l. `simulate` over CDNOW beside the plain engine replay of the same purchases (bench/simulate.ts):
 *     time per command of each, their ratio, the 10 s target.
 *  m. importMember in bulk on the memory store beside recordPurchase (bench/import.ts): imports/s,
 *     purchases/s, the ratio of CPU time per command, a check of every imported member's figures.
 *  n. Listing and win-back over 100,000 members (bench/listing.ts): one page by tier at a tenth of
 *     the members and at all of them, and a whole pass of each lapsing reading: CPU time.
 * See bench/README.md for what each figure means.
 */
import { cpus } from "node:os";
import type { Decimal } from "../src/index.js";
import { createReplayEngine, loadInvoices, replayInvoices } from "../examples/replay.js";
import {
  compiledPoints,
  createJsonRulesEngine,
  generateInputs,
  handWrittenPoints,
  jsonRulesPoints,
  type BenchInput,
} from "./accrual.js";
import { expiryBench } from "./expiry.js";
import { contentionBench } from "./contention.js";
import { historyBench } from "./history.js";
import { importBench } from "./import.js";
import { insightsBench } from "./insights.js";
import { packageSizeBench } from "./package-size.js";
import { postgresBench } from "./postgres.js";
import { replayLoopBench } from "./replay-loop.js";
import { simulateBench } from "./simulate.js";
import { listingBench, listingLines } from "./listing.js";
import { tierBench } from "./tiers.js";
import { median } from "./median.js";

const INPUTS = 20_000;
const WARMUP_INPUTS = 5_000;
const WARMUP_PASSES = 2;
const ROUNDS = 3;
const TARGET_RATIO = 10;
const SAMPLE_EVERY = 250; // replay commands between memory samples

const log = (text: string) => process.stderr.write(`  … ${text}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface Impl {
  readonly name: string;
  /** Evaluates every input, returns the summed points (so the work cannot be optimised away). */
  readonly run: (inputs: readonly BenchInput[]) => Promise<Decimal> | Decimal;
}

function sumSync(f: (i: BenchInput) => Decimal) {
  return (inputs: readonly BenchInput[]) => {
    let total = f(inputs[0]!).mul(0);
    for (const input of inputs) total = total.plus(f(input));
    return total;
  };
}

async function accrual() {
  const inputs = generateInputs(INPUTS);
  const jre = createJsonRulesEngine();
  const impls: Impl[] = [
    { name: "loyalty-engine compiled program", run: sumSync(compiledPoints) },
    {
      name: "json-rules-engine",
      run: async (xs) => {
        let total = handWrittenPoints(xs[0]!).mul(0);
        for (const input of xs) total = total.plus(await jsonRulesPoints(jre, input));
        return total;
      },
    },
    { name: "hand-written TypeScript + Decimal", run: sumSync(handWrittenPoints) },
  ];

  // Correctness first: the three must agree on every input, not only on the total.
  log("checking that the three implementations agree");
  let mismatches = 0;
  let firstMismatch = "";
  for (const input of inputs) {
    const a = compiledPoints(input),
      b = await jsonRulesPoints(jre, input),
      c = handWrittenPoints(input);
    if (!a.eq(b) || !a.eq(c)) {
      if (mismatches++ === 0)
        firstMismatch = `£${input.amountText} ${input.channel}/${input.segment}/${input.category}: ${a} / ${b} / ${c}`;
    }
  }
  const totals = await Promise.all(impls.map(async (impl) => impl.run(inputs)));

  log(`warming up (${WARMUP_PASSES} passes of ${fmt(WARMUP_INPUTS)} inputs each)`);
  const warm = inputs.slice(0, WARMUP_INPUTS);
  for (const impl of impls) for (let i = 0; i < WARMUP_PASSES; i++) await impl.run(warm);

  const rates = impls.map(() => [] as number[]);
  for (let round = 1; round <= ROUNDS; round++) {
    log(`timed round ${round} of ${ROUNDS}`);
    for (const [i, impl] of impls.entries()) {
      const t0 = performance.now();
      await impl.run(inputs);
      rates[i]!.push(inputs.length / ((performance.now() - t0) / 1000));
    }
  }
  return { inputs, impls, totals, mismatches, firstMismatch, rates: rates.map(median), allRates: rates };
}

async function replay() {
  log("parsing the invoices");
  const parsed = loadInvoices();
  const target = createReplayEngine();
  const before = process.memoryUsage();
  let peakRss = before.rss,
    peakHeap = before.heapUsed,
    samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    samples++;
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  log(`replaying ${fmt(parsed.events.length)} invoices through the example program`);
  const stats = await replayInvoices(target, parsed.events, { progressEvery: SAMPLE_EVERY, onProgress: sample });
  const after = process.memoryUsage();
  return { stats, before, after, peakRss, peakHeap, samples };
}

async function main() {
  const started = performance.now();
  // The replay runs first, on a fresh heap, so that its memory figures are its own.
  const r = await replay();
  const a = await accrual();

  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  console.log(
    `\nloyalty-engine benchmarks: Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} × ${cpu}\n`,
  );

  console.log(
    `a. Accrual throughput: ${fmt(a.inputs.length)} purchases, 4 rules (1 pt/£1; +50 at £200+; +25 via app; +40 for category in […] and segment in […])`,
  );
  const agree = a.mismatches === 0 && a.totals.every((t) => t.eq(a.totals[0]!));
  console.log(
    `   check: total points ${a.totals.map((t) => t.toFixed()).join(" / ")} (compiled / json-rules-engine / hand-written); per-input mismatches: ${a.mismatches}${a.firstMismatch ? ` (first: ${a.firstMismatch})` : ""} -> ${agree ? "ok" : "FAILED"}`,
  );
  for (const [i, impl] of a.impls.entries()) {
    console.log(
      `   ${impl.name.padEnd(36)}${fmt(a.rates[i]!).padStart(12)} events/s   (rounds: ${a.allRates[i]!.map(fmt).join(", ")})`,
    );
  }
  const ratio = a.rates[0]! / a.rates[1]!;
  const limit = a.rates[0]! / a.rates[2]!;
  console.log(
    `   compiled / json-rules-engine: ${ratio.toFixed(1)}× (target ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? "met" : "NOT met"})`,
  );
  console.log(
    `   hand-written / compiled: ${(1 / limit).toFixed(1)}× (what evaluating rules as data costs over code written for these rules)\n`,
  );

  const s = r.stats;
  const secs = s.elapsedMs / 1000;
  console.log(
    `b. Demo replay: ${fmt(s.invoices)} invoices -> ${fmt(s.commands)} commands (${fmt(s.enrolled)} enrol, ${fmt(s.purchases)} purchase, ${fmt(s.returns)} return), example program, in-memory store`,
  );
  console.log(
    `   ${secs.toFixed(2)} s, ${fmt(s.commands / secs)} events/s (commands), ${fmt((s.invoices - s.skippedNoCustomer) / secs)} member invoices/s`,
  );
  console.log(
    `   memory (${r.samples} samples, every ${SAMPLE_EVERY} commands): peak rss ${mb(r.peakRss)}, peak heapUsed ${mb(r.peakHeap)}`,
  );
  console.log(
    `   before the replay: rss ${mb(r.before.rss)}, heapUsed ${mb(r.before.heapUsed)}; after: rss ${mb(r.after.rss)}, heapUsed ${mb(r.after.heapUsed)}\n`,
  );

  const e = await expiryBench(log);
  console.log(
    `e. Expiry sweep: ${fmt(e.lots)} lots of ${fmt(e.members)} members (built straight through the core in ${(e.buildMs / 1000).toFixed(1)} s), in-memory store, engine.expire()`,
  );
  for (const sweep of e.sweeps) {
    const per = sweep.dueMembers > 0 ? `, ${((sweep.ms * 1000) / sweep.lots).toFixed(0)} µs per expired lot` : "";
    console.log(
      `   ${sweep.label.padEnd(26)}${fmt(sweep.dueMembers).padStart(8)} members ${fmt(sweep.lots).padStart(8)} lots ${sweep.ms.toFixed(1).padStart(10)} ms${per}`,
    );
  }
  console.log("   the time follows the due count, not the member count: the sweep reads the store's due index\n");

  const tr = await tierBench(log);
  console.log(
    `f. Tier review sweep: ${fmt(tr.members)} members (built straight through the core in ${(tr.buildMs / 1000).toFixed(1)} s), in-memory store, engine.reviewTiers()`,
  );
  for (const sweep of tr.sweeps) {
    const per = sweep.msPerDueMember === null ? "" : `, ${(sweep.msPerDueMember * 1000).toFixed(0)} µs per due member`;
    const changes = Object.entries(sweep.changes)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(", ");
    console.log(
      `   ${sweep.label.padEnd(26)}${fmt(sweep.dueMembers).padStart(8)} due ${fmt(sweep.reviewed).padStart(8)} reviewed ${sweep.ms.toFixed(1).padStart(10)} ms${per}${changes ? ` (${changes})` : ""}`,
    );
  }
  console.log("");

  // Before c and d: its PostgreSQL part is one connection at a time, and its WAL figure wants a quiet server.
  const h = await historyBench(log);
  console.log(`${h.lines.join("\n")}\n   (${(h.ms / 1000).toFixed(1)} s)\n`);

  // The PostgreSQL figures last: they fork client processes and load the server, not this heap.
  const pgFigures = await postgresBench();
  console.log(`${pgFigures.lines.join("\n")}\n`);

  // Each history in a process of its own, so that its memory figures start from a fresh heap.
  const replayFigures = replayLoopBench();
  console.log(`${replayFigures.lines.join("\n")}\n`);

  const contention = await contentionBench();
  console.log(`${contention.lines.join("\n")}\n`);

  const size = await packageSizeBench();
  console.log(`${size.lines.join("\n")}\n`);

  const insights = insightsBench(log);
  console.log(`${insights.lines.join("\n")}\n`);
  // In a process of its own, like h: a fresh heap.
  const simulation = simulateBench();
  console.log(`${simulation.lines.join("\n")}\n`);

  const imports = await importBench();
  console.log(`${imports.lines.join("\n")}\n`);
  console.log(`${listingLines(await listingBench(log)).join("\n")}\n`);

  console.log(`whole bench: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (!agree || h.failed || pgFigures.failed || replayFigures.failed || simulation.failed || imports.failed)
    process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
