/**
 * Section l of `npm run bench`: `simulate` (src/simulate/) over CDNOW (23,570 members, 69,659
 * purchases: about 93,000 commands with the enrolments) through the program of sections c and d,
 * beside the plain engine replay of the same purchases (bench/replay-histories.ts) in the same
 * process: CPU and wall-clock time per command of each and their ratio, i.e. what the simulation
 * adds to the engine (the tally of every commit, the month-end sweeps, the figures). The target is
 * the simulation under 10 s once the engine's own speed work (issue 11) lands; this section reports
 * what it measures today. Runs in a process of its own (fresh heap). Alone: `npx tsx bench/simulate.ts`.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createReplayEngine } from "../examples/replay.js";
import { simulateRuns, type HistoryEvent } from "../src/simulate/index.js";
import { benchProgram } from "./postgres-client.js";
import { loadCdnow, replayCdnow } from "./replay-histories.js";

const TARGET_SECONDS = 10;
interface Measure {
  readonly commands: number;
  readonly ms: number;
  readonly cpuMs: number;
}
interface Report {
  readonly replay: Measure;
  readonly simulate: Measure & { readonly months: number; readonly refused: number; readonly issued: string };
  readonly replayPoints: string;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage(),
    t0 = performance.now();
  const value = await run();
  const cpu = process.cpuUsage(cpu0);
  return { value, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function measure(): Promise<Report> {
  const purchases = loadCdnow();
  const history: HistoryEvent[] = purchases.map((p) => ({
    line: p.line,
    memberId: p.customerId,
    at: p.at,
    kind: "purchase",
    amount: p.amount,
    currency: "USD",
    id: `line-${p.line}`,
    returnsPurchaseId: null,
  }));
  const replay = await timed(() => replayCdnow(createReplayEngine(benchProgram), purchases, 1000, () => {}));
  const sim = await timed(() => simulateRuns({ program: benchProgram, history }));
  const run = sim.value.runs[0]!;
  return {
    replay: { commands: replay.value.commands, ms: replay.ms, cpuMs: replay.cpuMs },
    simulate: {
      commands: run.commands,
      ms: sim.ms,
      cpuMs: sim.cpuMs,
      months: run.months.length,
      refused: run.refused.length,
      issued: sim.value.result.base.totals.issued,
    },
    replayPoints: replay.value.pointsEarned.toFixed(),
  };
}

export function simulateBench(): { lines: string[]; failed: boolean } {
  const lines = [
    "l. simulate over CDNOW (benchProgram) beside the plain engine replay of the same purchases, same process",
  ];
  const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--measure"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0)
    return { lines: [...lines, `   FAILED (exit ${child.status ?? child.signal})`], failed: true };
  const r = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as Report;
  const µs = (ms: number, n: number) => ((ms * 1000) / n).toFixed(0);
  const row = (label: string, m: Measure) =>
    `   ${label.padEnd(26)}${m.commands.toLocaleString("en-GB").padStart(8)} commands ${(m.ms / 1000).toFixed(1).padStart(7)} s wall ${(m.cpuMs / 1000).toFixed(1).padStart(7)} s CPU   ${µs(m.ms, m.commands).padStart(5)} µs/command wall, ${µs(m.cpuMs, m.commands).padStart(5)} µs CPU`;
  lines.push(row("engine replay", r.replay), row("simulate (1 program)", r.simulate));
  const ratio = r.simulate.cpuMs / r.simulate.commands / (r.replay.cpuMs / r.replay.commands);
  lines.push(
    `   simulate / replay, CPU time per command: ${ratio.toFixed(2)}× (${r.simulate.months} month ends swept; ${r.simulate.refused} rows refused: the purchases of 0.00)`,
    `   target: the simulation under ${TARGET_SECONDS} s: ${r.simulate.ms / 1000 < TARGET_SECONDS ? "met" : "NOT met"} by wall-clock (${(r.simulate.ms / 1000).toFixed(1)} s), ${r.simulate.cpuMs / 1000 < TARGET_SECONDS ? "met" : "NOT met"} by CPU time (${(r.simulate.cpuMs / 1000).toFixed(1)} s)`,
    `   check: points issued, simulation ${r.simulate.issued} / replay ${r.replayPoints} -> ${r.simulate.issued === r.replayPoints ? "ok" : "FAILED"}`,
  );
  return { lines, failed: r.simulate.issued !== r.replayPoints };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--measure"))
    measure().then(
      (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  else {
    const { lines, failed } = simulateBench();
    console.log(lines.join("\n"));
    if (failed) process.exitCode = 1;
  }
}
