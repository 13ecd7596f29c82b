/**
 * Section k of `npm run bench`: loyalty-engine/insights on the full CDNOW history (bench/data,
 * 23,570 members), with the conventions of the published sample fit: a 39-week calibration to
 * 1997-09-30, purchase days, T from the first purchase's date.
 * - the BG/NBD and Gamma-Gamma estimates with their standard errors;
 * - expected against actual repeat purchase days in the 39-week holdout (1997-10-01 to 1998-06-30),
 *   in total and by the number of repeat purchase days in calibration (the paper's figure 4 check);
 * - each fit's time, CPU and wall, min / median of RUNS fits in this process;
 * - beside it, in the same run: the likelihood summed member by member against the grouped sum the
 *   fit uses (members sharing (x, tₓ, T) counted once, ln Γ terms once per x), and the ratio.
 * Run alone: `npx tsx bench/insights.ts`.
 */
import { fileURLToPath } from "node:url";
import { readHistoryFile } from "../src/cli/insights-read.js";
import {
  bgNbdLogLikelihood,
  expectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  purchaseDaysBetween,
  readPurchaseHistory,
  summarizeHistory,
  type BgNbdFit,
  type GammaGammaFit,
  type HistoryRow,
} from "../src/insights/index.js";
import { groupMembers, totalLogLikelihood } from "../src/insights/bg-nbd.js";
import { median } from "./median.js";

const RUNS = 5;
const LIKELIHOOD_PASSES = 20;
const CALIBRATION_END = "1997-09-30";
const HOLDOUT = { from: "1997-10-01", to: "1998-06-30", weeks: 39 } as const;
const path = fileURLToPath(new URL("./data/cdnow_master.txt", import.meta.url));

interface Timing {
  readonly cpu: number[];
  readonly wall: number[];
}

/** Runs `work` RUNS times; CPU (user + system) and wall milliseconds of each. */
function timed<T>(work: () => T): { result: T; timing: Timing } {
  const timing: Timing = { cpu: [], wall: [] };
  let result!: T;
  for (let i = 0; i < RUNS; i++) {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    result = work();
    timing.wall.push(performance.now() - wall);
    const used = process.cpuUsage(cpu);
    timing.cpu.push((used.user + used.system) / 1000);
  }
  return { result, timing };
}

const ms = (xs: readonly number[]) => `${Math.min(...xs).toFixed(0)} / ${median(xs).toFixed(0)} ms`;
const sig = (v: number) => Number(v.toPrecision(4)).toString();
const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");

export function insightsBench(log: (text: string) => void): { lines: string[] } {
  log("k: reading and summarising the CDNOW history");
  const rows = readHistoryFile(path, {
    separator: "whitespace",
    header: true,
    member: "customer_id",
    date: "date",
    amount: "dollar_value",
  }) as HistoryRow[];
  const read = timed(() => readPurchaseHistory(rows, { dateFormat: "compact" }).history);
  const history = read.result;
  const members = summarizeHistory(history, { calibrationEnd: CALIBRATION_END });

  log(`k: fitting BG/NBD ${RUNS} times`);
  const bg = timed(() => fitBgNbd(members));
  log(`k: fitting Gamma-Gamma ${RUNS} times`);
  const gg = timed(() => fitGammaGamma(members));
  const p = bg.result.parameters;

  const actual = purchaseDaysBetween(history, HOLDOUT.from, HOLDOUT.to);
  const byX = new Map<number, { members: number; expected: number; actual: number }>();
  let expected = 0;
  let observed = 0;
  for (const m of members) {
    const e = expectedPurchases(p, m, HOLDOUT.weeks);
    const a = actual.get(m.member) ?? 0;
    expected += e;
    observed += a;
    const key = Math.min(m.x, 7);
    const row = byX.get(key) ?? { members: 0, expected: 0, actual: 0 };
    byX.set(key, { members: row.members + 1, expected: row.expected + e, actual: row.actual + a });
  }

  log("k: the likelihood member by member beside the grouped sum");
  const groups = groupMembers(members);
  const naive = timed(() => {
    let total = 0;
    for (let pass = 0; pass < LIKELIHOOD_PASSES; pass++) for (const m of members) total += bgNbdLogLikelihood(p, m);
    return total / LIKELIHOOD_PASSES;
  });
  const grouped = timed(() => {
    let total = 0;
    for (let pass = 0; pass < LIKELIHOOD_PASSES; pass++) total += totalLogLikelihood(p, groups);
    return total / LIKELIHOOD_PASSES;
  });

  return {
    lines: [
      `k. Insights on the full CDNOW history: ${fmt(rows.length)} purchases, ${fmt(history.members.length)} members, calibration to ${CALIBRATION_END} (weeks, purchase days)`,
      `   reading the rows into purchase days (exact decimals): ${ms(read.timing.cpu)} CPU (min / median of ${RUNS})`,
      ...fitLines("BG/NBD", bg.result, bg.timing, (f) => {
        const q = f.parameters;
        const e = f.standardErrors;
        return `r = ${sig(q.r)} ± ${sig(e.r)}, α = ${sig(q.alpha)} ± ${sig(e.alpha)}, a = ${sig(q.a)} ± ${sig(e.a)}, b = ${sig(q.b)} ± ${sig(e.b)}`;
      }),
      ...fitLines("Gamma-Gamma", gg.result, gg.timing, (f) => {
        const q = f.parameters;
        const e = f.standardErrors;
        return `p = ${sig(q.p)} ± ${sig(e.p)}, q = ${sig(q.q)} ± ${sig(e.q)}, γ = ${sig(q.gamma)} ± ${sig(e.gamma)}`;
      }),
      `   holdout ${HOLDOUT.from} to ${HOLDOUT.to} (${HOLDOUT.weeks} weeks): expected ${fmt(expected)} repeat purchase days, actual ${fmt(observed)} (${((expected / observed - 1) * 100).toFixed(1)}%)`,
      `   mean holdout purchase days by calibration repeat days x:  ${[...byX.keys()]
        .sort((a, b) => a - b)
        .map((x) => {
          const row = byX.get(x)!;
          return `${x === 7 ? "7+" : x}: ${(row.expected / row.members).toFixed(2)} exp / ${(row.actual / row.members).toFixed(2)} act (${fmt(row.members)})`;
        })
        .join(", ")}`,
      `   one log-likelihood over all members: member by member ${ms(naive.timing.cpu.map((t) => t / LIKELIHOOD_PASSES))} CPU, grouped (${fmt(groups.length)} groups) ${ms(grouped.timing.cpu.map((t) => t / LIKELIHOOD_PASSES))} CPU: ${(median(naive.timing.cpu) / median(grouped.timing.cpu)).toFixed(1)}× (same value: ${Math.abs(naive.result - grouped.result) < 1e-6 * Math.abs(naive.result) ? "yes" : "NO"})`,
    ],
  };
}

function fitLines<F extends BgNbdFit | GammaGammaFit>(
  name: string,
  fit: F,
  timing: Timing,
  describe: (fit: F) => string,
): string[] {
  return [
    `   ${name} (${fmt(fit.members)} members): ${describe(fit)}; log-likelihood ${fit.logLikelihood.toFixed(1)}`,
    `     fit: ${ms(timing.cpu)} CPU, ${ms(timing.wall)} wall (min / median of ${RUNS}), ${fmt(fit.evaluations)} likelihood evaluations`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(insightsBench((text) => process.stderr.write(`  … ${text}\n`)).lines.join("\n"));
}
