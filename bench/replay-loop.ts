/**
 * Section h of `npm run bench`: the in-memory replay of both real histories through the public API
 * (createLoyaltyEngine + createMemoryStore, the clock set to each event), beside a hand-written loop
 * that does only the decimal arithmetic of the same rules for the same commands (bench/replay-rules.ts),
 * in the same process: commands/s of each, the ratio of their times against the target (the engine
 * within 20× of the loop), peak memory per member, and a check that both arrive at the same points.
 *
 * Each history runs in a process of its own (this file with `--history=uci|cdnow`, answering with
 * one line of JSON), so that its memory figures start from a fresh heap, not from the other
 * history's store or the rest of the bench. Run alone: `npx tsx bench/replay-loop.ts`.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createReplayEngine, loadInvoices, replayInvoices, type ReplayTarget } from "../examples/replay.js";
import { exampleProgram } from "../examples/program.js";
import { Decimal } from "../src/index.js";
import { benchProgram } from "./postgres-client.js";
import { cdnowCommands, loadCdnow, replayCdnow, uciCommands, type LoopCommand } from "./replay-histories.js";
import { benchProgramLoop, exampleProgramLoop, type LoopResult } from "./replay-rules.js";
import { median } from "./median.js";

const HISTORIES = ["uci", "cdnow"] as const;
type History = (typeof HISTORIES)[number];
const WARMUP_PASSES = 2;
const TIMED_PASSES = 5;
const SAMPLE_EVERY = 250; // engine commands between memory samples
const TARGET_RATIO = 20;
/** CPU time per wall-clock time of the engine's replay below which the machine was busy with something else. */
const BUSY_SHARE = 0.8;

const log = (text: string) => process.stderr.write(`  … ${text}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");

interface Check {
  readonly figure: string;
  readonly engine: string;
  readonly loop: string;
}

/** What one history's process reports (JSON). */
interface HistoryReport {
  readonly history: History;
  readonly title: string;
  readonly commands: number;
  readonly members: number;
  readonly engineMs: number;
  /** CPU time (user + system, all of the process's threads, the garbage collector's included) of the engine's replay. */
  readonly engineCpuMs: number;
  readonly loopMs: readonly number[];
  readonly loopCpuMs: readonly number[];
  readonly heapBefore: number;
  readonly peakHeap: number;
  readonly peakRss: number;
  readonly checks: readonly Check[];
  /** Members whose points or status credits earned differ between the engine and the loop. */
  readonly memberMismatches: number;
  readonly firstMismatch: string;
}

/** Each member's points and status credits earned, as the engine's summaries give them (lifetime figures). */
async function engineEarned(target: ReplayTarget, memberIds: readonly string[]) {
  const earned = new Map<string, { points: Decimal; status: Decimal }>();
  for (const memberId of memberIds) {
    const s = await target.engine.summary(memberId);
    earned.set(memberId, {
      points: new Decimal(s.wallets.points?.lifetime.earned ?? "0"),
      status: new Decimal(s.wallets.status?.lifetime.earned ?? "0"),
    });
  }
  return earned;
}

/** Compares per member and in total; the totals are the engine's summaries summed. */
function compareEarned(earned: Map<string, { points: Decimal; status: Decimal }>, loop: LoopResult) {
  let mismatches = 0,
    first = "",
    points = new Decimal(0),
    status = new Decimal(0);
  for (const [memberId, e] of earned) {
    points = points.plus(e.points);
    status = status.plus(e.status);
    const l = loop.tallies.get(memberId);
    if (l && l.points.eq(e.points) && l.status.eq(e.status)) continue;
    if (mismatches++ === 0)
      first = `member ${memberId}: engine ${e.points}/${e.status}, loop ${l ? `${l.points}/${l.status}` : "none"}`;
  }
  mismatches += [...loop.tallies.keys()].filter((id) => !earned.has(id)).length;
  return { mismatches, first, points, status };
}

/**
 * The engine's replay of one history on a fresh engine and memory store, with its memory sampled,
 * then what the checks need of it. The store is garbage once this returns: the loop runs without it.
 */
async function engineReplay(uci: ReturnType<typeof loadInvoices> | null, cdnow: ReturnType<typeof loadCdnow> | null) {
  const target = createReplayEngine(uci ? exampleProgram : benchProgram);
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed,
    peakRss = before.rss;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (m.rss > peakRss) peakRss = m.rss;
  };
  let ms: number, commands: number, memberIds: readonly string[], resultPoints: Decimal;
  let askedBack: Decimal | null = null; // by the returns: taken back plus forgiven (UCI only)
  const cpu0 = process.cpuUsage();
  if (uci) {
    const s = await replayInvoices(target, uci.events, { progressEvery: SAMPLE_EVERY, onProgress: sample });
    ({ elapsedMs: ms, commands, memberIds, pointsEarned: resultPoints } = s);
    askedBack = s.pointsReversed.plus(s.pointsForgiven);
  } else {
    const s = await replayCdnow(target, cdnow!, SAMPLE_EVERY, sample);
    ({ elapsedMs: ms, commands, memberIds, pointsEarned: resultPoints } = s);
  }
  const cpu = process.cpuUsage(cpu0);
  log(`reading ${fmt(memberIds.length)} members' summaries`);
  const earned = await engineEarned(target, memberIds);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    commands,
    memberIds,
    resultPoints,
    askedBack,
    earned,
    heapBefore: before.heapUsed,
    peakHeap,
    peakRss,
  };
}

/** Runs one history in this process: the engine first (on a fresh heap, for its memory figures), then the loop. */
async function runHistory(history: History): Promise<HistoryReport> {
  log(`${history}: parsing`);
  const uci = history === "uci" ? loadInvoices() : null;
  const cdnow = history === "cdnow" ? loadCdnow() : null;
  const commands: LoopCommand[] = uci ? uciCommands(uci.events) : cdnowCommands(cdnow!);
  const loopOf = uci ? exampleProgramLoop : benchProgramLoop;

  log(`${history}: engine replay of ${fmt(commands.length)} commands`);
  const engine = await engineReplay(uci, cdnow);

  log(`${history}: hand-written loop, ${WARMUP_PASSES} warm-up and ${TIMED_PASSES} timed passes`);
  for (let i = 0; i < WARMUP_PASSES; i++) loopOf(commands);
  const loopMs: number[] = [],
    loopCpuMs: number[] = [];
  let loop: LoopResult | null = null;
  for (let i = 0; i < TIMED_PASSES; i++) {
    const t0 = performance.now(),
      cpu0 = process.cpuUsage();
    const pass = loopOf(commands);
    const cpu = process.cpuUsage(cpu0);
    loopMs.push(performance.now() - t0);
    loopCpuMs.push((cpu.user + cpu.system) / 1000);
    if (loop && !(pass.points.eq(loop.points) && pass.status.eq(loop.status))) throw new Error("loop passes disagree");
    loop = pass;
  }
  const e = compareEarned(engine.earned, loop!);
  const checks: Check[] = [
    { figure: "commands", engine: String(engine.commands), loop: String(loop!.commands) },
    { figure: "points earned (summaries)", engine: e.points.toFixed(), loop: loop!.points.toFixed() },
    { figure: "points earned (results)", engine: engine.resultPoints.toFixed(), loop: loop!.points.toFixed() },
    { figure: "status credits earned", engine: e.status.toFixed(), loop: loop!.status.toFixed() },
  ];
  if (engine.askedBack !== null)
    checks.push({
      figure: "points asked back by returns",
      engine: engine.askedBack.toFixed(),
      loop: loop!.askedBack.toFixed(),
    });
  return {
    history,
    title: uci
      ? `UCI Online Retail (examples/data), example program (examples/program.ts)`
      : `CDNOW (bench/data), the program of sections c and d (benchProgram)`,
    commands: engine.commands,
    members: engine.memberIds.length,
    engineMs: engine.ms,
    engineCpuMs: engine.cpuMs,
    loopMs,
    loopCpuMs,
    heapBefore: engine.heapBefore,
    peakHeap: engine.peakHeap,
    peakRss: engine.peakRss,
    checks,
    memberMismatches: e.mismatches,
    firstMismatch: e.first,
  };
}

/** Runs each history in a process of its own and formats the section; `failed` when a check disagrees. */
export function replayLoopBench(): { lines: string[]; failed: boolean } {
  const file = fileURLToPath(import.meta.url);
  const lines = [
    "h. Replay of both real histories beside a hand-written loop (in-memory store; the loop does only the decimal arithmetic of the same rules)",
  ];
  let failed = false;
  for (const history of HISTORIES) {
    const child = spawnSync(process.execPath, ["--import", "tsx", file, `--history=${history}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 16 * 1024 * 1024,
    });
    if (child.status !== 0) {
      failed = true;
      lines.push(`   ${history}: FAILED (the process exited with ${child.status ?? child.signal})`);
      continue;
    }
    const r = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as HistoryReport;
    const engineRate = r.commands / (r.engineMs / 1000);
    const loopRates = r.loopMs.map((ms) => r.commands / (ms / 1000));
    const ratio = r.engineMs / median(r.loopMs);
    const cpuRatio = r.engineCpuMs / median(r.loopCpuMs);
    const µs = (ms: number) => ((ms * 1000) / r.commands).toFixed(1);
    const ok = r.memberMismatches === 0 && r.checks.every((c) => c.engine === c.loop);
    if (!ok) failed = true;
    const met = (x: number) => (x <= TARGET_RATIO ? "met" : "NOT met");
    lines.push(`   ${r.title}: ${fmt(r.commands)} commands, ${fmt(r.members)} members`);
    lines.push(
      `      engine (replay, 1 pass)     ${fmt(engineRate).padStart(9)} commands/s   (${(r.engineMs / 1000).toFixed(2)} s; CPU ${µs(r.engineCpuMs)} µs per command)`,
    );
    lines.push(
      `      hand-written loop           ${fmt(median(loopRates)).padStart(9)} commands/s   (median of ${r.loopMs.length} timed passes after ${WARMUP_PASSES} warm-up; fastest ${fmt(Math.max(...loopRates))}, slowest ${fmt(Math.min(...loopRates))}; passes: ${loopRates.map(fmt).join(", ")}; CPU ${µs(median(r.loopCpuMs))} µs per command)`,
    );
    lines.push(
      `      engine time / loop time: ${ratio.toFixed(0)}× by wall-clock time (${(r.engineMs / Math.min(...r.loopMs)).toFixed(0)}× against the loop's fastest pass), ${cpuRatio.toFixed(0)}× by CPU time (target ≤ ${TARGET_RATIO}×: ${met(ratio)} by wall-clock, ${met(cpuRatio)} by CPU)`,
    );
    const share = r.engineCpuMs / r.engineMs;
    if (share < BUSY_SHARE)
      lines.push(
        `      note: the replay had ${share.toFixed(2)} of a core on average: the machine was busy, and the wall-clock figures are not the bench's alone (the CPU-time ratio is the fairer one; rerun on a quiet machine)`,
      );
    const perMember = (r.peakHeap - r.heapBefore) / r.members;
    lines.push(
      `      memory: peak heapUsed ${(r.peakHeap / 1024 / 1024).toFixed(1)} MB (${(r.heapBefore / 1024 / 1024).toFixed(1)} MB before the replay): ${(perMember / 1024).toFixed(1)} kB per member; peak rss ${(r.peakRss / 1024 / 1024).toFixed(1)} MB (no --expose-gc: garbage not yet collected counts)`,
    );
    lines.push(
      `      check: ${r.checks.map((c) => `${c.figure} ${c.engine === c.loop ? c.engine : `${c.engine} (engine) / ${c.loop} (loop)`}`).join("; ")}; members that disagree: ${r.memberMismatches}${r.firstMismatch ? ` (first: ${r.firstMismatch})` : ""} -> ${ok ? "ok" : "FAILED"}`,
    );
  }
  return { lines, failed };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const history = process.argv.find((a) => a.startsWith("--history="))?.slice("--history=".length);
  if (history !== undefined) {
    if (!(HISTORIES as readonly string[]).includes(history)) throw new Error(`unknown history ${history}`);
    runHistory(history as History).then(
      (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  } else {
    const { lines, failed } = replayLoopBench();
    console.log(lines.join("\n"));
    if (failed) process.exitCode = 1;
  }
}
