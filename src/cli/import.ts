/**
 * `loyalty-engine import`: reads a program and a file of members (JSON Lines or CSV), imports each
 * member with importMember, and prints what was imported and, line by line, what was refused with
 * its code and each bad field's path and reason. On the memory store (the default) it is a dry run;
 * on PostgreSQL it writes, and a re-run of the same file replays what was imported before.
 */
import { readFile } from "node:fs/promises";
import { createLoyaltyEngine } from "../engine/engine.js";
import type { LoyaltyEngine } from "../engine/facade.js";
import { isLoyaltyError } from "../errors/loyalty-error.js";
import { createMemoryStore } from "../store/memory.js";
import type { LoyaltyStore } from "../store/port.js";
import { IMPORT_USAGE, parseImportArgs, type ImportArgs } from "./import-args.js";
import { readCsv, readJsonLines, type ImportRecord } from "./import-file.js";
import { EXIT, type CliCommand, type CliIo } from "./io.js";
import { progressBar } from "./progress.js";
import { loadProgram } from "./simulate.js";

/** What became of one record. */
type Outcome =
  | { readonly kind: "imported" | "replayed" }
  | { readonly kind: "refused"; readonly code: string; readonly reasons: readonly string[] };

export const importCommand: CliCommand = {
  summary: "import members with their opening state from another loyalty system (JSON Lines or CSV)",
  usage: IMPORT_USAGE,
  async run(argv, io) {
    const args = parseImportArgs(argv, process.env);
    if ("problems" in args) {
      for (const p of args.problems) io.err(`loyalty-engine import: ${p}\n`);
      io.err(`\n${IMPORT_USAGE}\n`);
      return EXIT.usage;
    }
    const program = await loadProgram(args.program, io);
    if (program === null) return EXIT.failed;
    const text = await readFile(args.input, "utf8");
    const read = args.format === "jsonl" ? { records: readJsonLines(text) } : readCsv(text);
    if ("error" in read) {
      io.err(`${args.input}: ${read.error}\n`);
      return EXIT.failed;
    }
    const opened = await openStore(args);
    try {
      const engine = createLoyaltyEngine({ program, store: opened.store });
      const outcomes = await importAll(engine, read.records, args.concurrency, io);
      return report(io, args, read.records, outcomes);
    } finally {
      await opened.close();
    }
  },
};

/** Imports every record, `concurrency` at a time (members are independent), with a progress bar on a terminal. */
async function importAll(
  engine: LoyaltyEngine,
  records: readonly ImportRecord[],
  concurrency: number,
  io: CliIo,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(records.length);
  const bar = io.interactive ? progressBar(io) : null;
  let next = 0,
    done = 0,
    imported = 0;
  const worker = async () => {
    while (next < records.length) {
      const i = next++;
      outcomes[i] = await importOne(engine, records[i]!);
      done++;
      if (outcomes[i].kind === "imported") imported++;
      bar?.tick({
        events: done,
        totalEvents: records.length,
        members: imported,
        commands: done,
        program: 0,
        programs: 1,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, records.length)) }, worker));
  bar?.done();
  return outcomes;
}

async function importOne(engine: LoyaltyEngine, record: ImportRecord): Promise<Outcome> {
  if ("error" in record) return { kind: "refused", code: "UNREADABLE", reasons: [record.error] };
  try {
    const result = await engine.importMember(record.command);
    return { kind: result.replayed ? "replayed" : "imported" };
  } catch (e) {
    if (!isLoyaltyError(e)) throw e;
    // A CSV lot's issue names the row it came from, beside its path in the record.
    const row = (path: readonly (string | number)[]) => {
      const line = path[0] === "lots" && typeof path[1] === "number" ? record.lotLines?.[path[1]] : undefined;
      return line === undefined ? "" : ` (line ${line})`;
    };
    const reasons =
      e.issues.length === 0
        ? [e.message]
        : e.issues.map((i) => `${i.path.join(".") || "(record)"}${row(i.path)}: ${i.message}`);
    return { kind: "refused", code: e.code, reasons };
  }
}

function report(io: CliIo, args: ImportArgs, records: readonly ImportRecord[], outcomes: readonly Outcome[]): number {
  const count = (kind: Outcome["kind"]) => outcomes.filter((o) => o.kind === kind).length;
  const refused = count("refused");
  records.forEach((r, i) => {
    const o = outcomes[i]!;
    if (o.kind !== "refused") return;
    io.out(`${args.input}:${r.line}: member ${JSON.stringify(r.memberId ?? "?")} refused: ${o.code}\n`);
    for (const reason of o.reasons) io.out(`  ${reason}\n`);
  });
  const where =
    args.store === "memory" ? " (dry run on the memory store: nothing kept)" : ` into PostgreSQL (${args.schema})`;
  io.out(
    `${records.length} member record(s): ${count("imported")} imported, ${count("replayed")} already imported (replayed), ${refused} refused${where}\n`,
  );
  return args.strict && refused > 0 ? EXIT.failed : EXIT.ok;
}

/** The store to import into: memory (a dry run), or PostgreSQL through `pg`, loaded only when asked for. */
async function openStore(args: ImportArgs): Promise<{ store: LoyaltyStore; close: () => Promise<void> }> {
  if (args.store === "memory") return { store: createMemoryStore(), close: () => Promise.resolve() };
  const [{ default: pg }, postgres] = await Promise.all([import("pg"), import("../postgres/index.js")]);
  const pool = new pg.Pool({ connectionString: args.databaseUrl!, max: args.concurrency + 1 });
  const client = postgres.pgPool(pool);
  if (args.migrate) await postgres.migrate(client, { schema: args.schema });
  return { store: postgres.createPostgresStore(client, { schema: args.schema }), close: () => pool.end() };
}
