/**
 * Issue 19's chaos audit on a real PostgreSQL server (`.ci/run` runs it after the server tests):
 *
 * 1. migrates a fresh schema; enrolls 20 members with a float, in a program with stocked rewards
 *    and transfers;
 * 2. forks 5 processes of 5 async workers each (25 workers, every one with its own engine, store
 *    object and pool) delivering 25 fixed lists of 20 mixed commands (500), while a separate
 *    connection terminates the workers' backends at random;
 * 3. once 40% of the commands are through, SIGKILLs the process furthest from done;
 * 4. when the others are done, delivers every list again from three processes at once: recorded
 *    keys must replay their results, the rest commit once;
 * 5. audits the database in one REPEATABLE READ snapshot (audit.ts) and the deliveries' outcomes
 *    (outcomes.ts), prints the counts, and exits non-zero on any problem, untyped error or
 *    uncaught exception.
 *
 * `DATABASE_URL=postgres://... npx tsx test/chaos/driver.ts`
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createLoyaltyEngine } from "../../src/index.js";
import { createPostgresStore, migrate, pgPool } from "../../src/postgres/index.js";
import { audit, recordedKeys } from "./audit.js";
import { COMMANDS_PER_LIST, LISTS } from "./commands.js";
import { startKiller } from "./killer.js";
import {
  replayProblems,
  tally,
  type CommandLine,
  type DeliveryLine,
  type DeliveryTask,
  type Tally,
} from "./outcomes.js";
import { chaosInstant, chaosProgram, float, members } from "./program.js";

const PROCESSES = 5;
const REPLAYERS = 3;
/** The whole run must end within this: 50 s to 2 min on 2 cores, depending on what else runs. */
const DEADLINE_MS = 240_000;

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("chaos: DATABASE_URL is not set (bash .ci/run sets it)");
  process.exit(2);
}

const uncaught: string[] = [];
const onUncaught = (error: unknown) =>
  uncaught.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
process.on("uncaughtException", onUncaught);
process.on("unhandledRejection", onUncaught);

const children = new Set<ChildProcess>();
setTimeout(() => {
  console.error(`chaos: not done after ${DEADLINE_MS / 1000} s; stopping`);
  for (const child of children) child.kill("SIGKILL");
  process.exit(1);
}, DEADLINE_MS).unref();

const dir = mkdtempSync(join(tmpdir(), "loyalty-chaos-"));
const deliveryFile = fileURLToPath(new URL("./delivery.ts", import.meta.url));

/** Forks one delivering process; resolves with how it ended. `onProgress` hears its delivered count. */
function deliver(task: DeliveryTask, onProgress: (delivered: number) => void = () => undefined) {
  const child = fork(deliveryFile, [JSON.stringify(task)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.add(child);
  child.on("message", (m: { delivered: number }) => onProgress(m.delivered));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, ended };
}

function readLines(file: string): DeliveryLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as DeliveryLine);
}

const counts = (r: Record<string, number>) =>
  Object.keys(r).length === 0
    ? "none"
    : Object.entries(r)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
const describe = (t: Tally) =>
  `${t.commands} delivered: ok ${t.ok} (replayed ${t.replayed}); typed refusals: ${counts(t.refusals)}; ` +
  `sent again after: ${counts(t.retriedBy)}; OUTCOME_UNKNOWN then resolved ${t.unknownThenResolved}; untyped errors ${t.untyped}`;

async function main(): Promise<number> {
  const schema = `chaos_${process.pid}_${Date.now().toString(36)}`;
  // The killer's targets: this run's chaos workers only (not another run's, nor the replayers).
  const workersApp = `chaos-w${process.pid}`;
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: "chaos-admin" });
  const problems: Record<string, string[]> = {};
  const add = (kind: string, detail: string) => (problems[kind] ??= []).push(detail);
  try {
    // 1. A fresh schema, the members and their float.
    await migrate(pgPool(admin), { schema });
    let n = 0;
    const setup = createLoyaltyEngine({
      program: chaosProgram,
      store: createPostgresStore(pgPool(admin), { schema }),
      clock: () => chaosInstant,
      ids: () => `setup-${++n}`,
    });
    for (const memberId of members) {
      await setup.enroll({ key: `enroll-${memberId}`, memberId });
      await setup.adjust({ key: `float-${memberId}`, memberId, wallet: "points", points: float, reason: "float" });
    }
    console.log(
      `schema ${schema}: ${members.length} members, ${LISTS} workers in ${PROCESSES} processes, ${LISTS * COMMANDS_PER_LIST} commands`,
    );

    // 2.-3. The chaos phase: 25 workers, the killer, and a SIGKILL once 40% are through.
    const started = performance.now();
    const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;
    const killer = await startKiller(databaseUrl!, workersApp, (e) => add("killer failed", String(e)));
    const perProcess = (LISTS / PROCESSES) * COMMANDS_PER_LIST;
    const delivered = Array.from({ length: PROCESSES }, () => 0);
    let victim: { proc: number; at: number } | null = null;
    const running = Array.from({ length: PROCESSES }, (_, proc) =>
      deliver(
        {
          databaseUrl: databaseUrl!,
          schema,
          phase: "chaos",
          proc,
          lists: Array.from({ length: LISTS / PROCESSES }, (_, i) => proc * (LISTS / PROCESSES) + i),
          appPrefix: workersApp,
          out: join(dir, `chaos-${proc}.jsonl`),
        },
        (count) => {
          delivered[proc] = count;
          if (victim !== null || delivered.reduce((a, b) => a + b, 0) < 0.4 * LISTS * COMMANDS_PER_LIST) return;
          // The process furthest from done, so that the SIGKILL lands mid-run.
          const proc2 = delivered.indexOf(Math.min(...delivered));
          victim = { proc: proc2, at: delivered[proc2]! };
          running[proc2]!.child.kill("SIGKILL");
        },
      ),
    );
    const exits = await Promise.all(running.map((r) => r.ended));
    const killed = await killer.stop();
    const chaosTook = seconds(started);
    exits.forEach(({ code, signal }, proc) => {
      const expected = victim?.proc === proc ? signal === "SIGKILL" : code === 0;
      if (!expected) add("process exits", `chaos process ${proc}: code ${code}, signal ${signal}`);
    });
    if (victim === null) add("process exits", "no process was SIGKILLed mid-run");
    const v = victim as { proc: number; at: number } | null;

    // 4. Every list again, from three processes at once.
    const before = await recordedKeys(admin, schema);
    const replayStarted = performance.now();
    const replays = Array.from({ length: REPLAYERS }, (_, proc) =>
      deliver({
        databaseUrl: databaseUrl!,
        schema,
        phase: "replay",
        proc,
        lists: Array.from({ length: LISTS }, (_, i) => i),
        appPrefix: "chaos-replay",
        out: join(dir, `replay-${proc}.jsonl`),
      }),
    );
    for (const [proc, { code, signal }] of (await Promise.all(replays.map((r) => r.ended))).entries())
      if (code !== 0) add("process exits", `replay process ${proc}: code ${code}, signal ${signal}`);
    const replayTook = seconds(replayStarted);

    // 5. The audit, and what the deliveries were told.
    const conn = await admin.connect();
    let result: Awaited<ReturnType<typeof audit>>;
    try {
      result = await audit(conn, schema);
    } finally {
      conn.release();
    }
    const lines = [
      ...Array.from({ length: PROCESSES }, (_, p) => readLines(join(dir, `chaos-${p}.jsonl`))),
      ...Array.from({ length: REPLAYERS }, (_, p) => readLines(join(dir, `replay-${p}.jsonl`))),
    ].flat();
    const commands = lines.filter((l): l is CommandLine => l.kind === "command");
    for (const l of lines)
      if (l.kind === "uncaught") add("uncaught exceptions in workers", `process ${l.proc}: ${l.message}`);
    for (const [kind, details] of Object.entries(replayProblems(commands, before, result.recordedKeys)))
      for (const d of details) add(kind, d);
    for (const [kind, details] of Object.entries(result.problems)) for (const d of details) add(kind, d);
    for (const l of commands) if (l.outcome === "untyped") add("untyped errors", `${l.key}: ${l.message}`);

    const chaos = tally(commands.filter((l) => l.phase === "chaos"));
    const replay = tally(commands.filter((l) => l.phase === "replay"));
    console.log(
      `chaos phase (${chaosTook}, ${PROCESSES} processes, backends terminated at random; process ${v?.proc} SIGKILLed after ${v?.at} of its ${perProcess}): ${describe(chaos)}`,
    );
    console.log(`killer: ${Object.values(killed).reduce((a, b) => a + b, 0)} backends terminated (${counts(killed)})`);
    console.log(
      `replay phase (${replayTook}, ${REPLAYERS} processes at once, every list; ${before.size} keys recorded before it): ${describe(replay)}`,
    );
    console.log(
      `audit in one REPEATABLE READ snapshot: ${counts(result.checked)}; ${result.recordedKeys.size - before.size} keys committed by the replay phase`,
    );
    const total = Object.values(problems).reduce((a, d) => a + d.length, 0) + uncaught.length;
    console.log(
      `problems: ${total}${total === 0 ? "" : ` (${counts({ ...Object.fromEntries(Object.entries(problems).map(([k, d]) => [k, d.length])), ...(uncaught.length ? { "uncaught exceptions in the driver": uncaught.length } : {}) })})`}; untyped errors ${chaos.untyped + replay.untyped}; uncaught exceptions ${uncaught.length + (problems["uncaught exceptions in workers"]?.length ?? 0)}`,
    );
    for (const [kind, details] of Object.entries(problems))
      for (const d of details.slice(0, 10)) console.log(`  ${kind}: ${d}`);
    for (const u of uncaught) console.log(`  uncaught in the driver: ${u}`);
    if (total === 0) {
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      rmSync(dir, { recursive: true, force: true });
    } else console.log(`kept for inspection: schema ${schema}, outcome files in ${dir}`);
    return total === 0 ? 0 : 1;
  } finally {
    await admin.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("chaos: the driver failed:", error);
    process.exit(1);
  },
);
