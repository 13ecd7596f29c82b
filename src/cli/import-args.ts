/**
 * `loyalty-engine import`'s flags: what they mean is in the usage text below and in
 * docs/migrating.md. Parsing only: import.ts reads the files and imports.
 */
import { parseArgs } from "node:util";

export const IMPORT_USAGE = `Usage: loyalty-engine import --program program.json --input members.jsonl|members.csv [options]

Imports members with their opening state (one importMember command each; docs/migrating.md).
Without --store postgres it is a dry run on the in-memory store: nothing is kept.

  --program FILE         the program (JSON)
  --input FILE           JSON Lines (one importMember command per line) or CSV (one lot per row)
  --format jsonl|csv     default from the file's extension (.jsonl, .ndjson: JSON Lines)
  --store memory|postgres  default memory (a dry run)
  --database-url URL     PostgreSQL connection string (default: $DATABASE_URL)
  --schema NAME          the store's schema (default public)    --migrate   run the store's migrations first
  --concurrency N        members imported at once (default 4)
  --strict               exit 1 when any record is refused`;

export interface ImportArgs {
  readonly program: string;
  readonly input: string;
  readonly format: "jsonl" | "csv";
  readonly store: "memory" | "postgres";
  readonly databaseUrl: string | null;
  readonly schema: string;
  readonly migrate: boolean;
  readonly concurrency: number;
  readonly strict: boolean;
}

const text = { type: "string" } as const;

/** The flags, or every problem with them. `env` gives DATABASE_URL's default. */
export function parseImportArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ImportArgs | { problems: string[] } {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        program: text,
        input: text,
        format: text,
        store: text,
        "database-url": text,
        schema: text,
        migrate: { type: "boolean" },
        concurrency: text,
        strict: { type: "boolean" },
      },
    }).values;
  } catch (e) {
    return { problems: [(e as Error).message] };
  }
  const s = (name: string) => (typeof v[name] === "string" ? (v[name] as string) : null);
  const problems: string[] = [];
  for (const required of ["program", "input"]) if (s(required) === null) problems.push(`--${required} is required`);
  const input = s("input") ?? "";
  const format = s("format") ?? (/\.(jsonl|ndjson)$/i.test(input) ? "jsonl" : "csv");
  if (format !== "csv" && format !== "jsonl") problems.push(`--format ${format}: use "jsonl" or "csv"`);
  const store = s("store") ?? "memory";
  if (store !== "memory" && store !== "postgres") problems.push(`--store ${store}: use "memory" or "postgres"`);
  const databaseUrl = s("database-url") ?? env.DATABASE_URL ?? null;
  if (store === "postgres" && databaseUrl === null)
    problems.push("--store postgres needs --database-url (or DATABASE_URL)");
  const concurrency = Number(s("concurrency") ?? "4");
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    problems.push(`--concurrency ${s("concurrency")} is not a whole number from 1 to 64`);
  if (problems.length > 0) return { problems };
  return {
    program: s("program")!,
    input,
    format: format as "jsonl" | "csv",
    store: store as "memory" | "postgres",
    databaseUrl,
    schema: s("schema") ?? "public",
    migrate: v.migrate === true,
    concurrency,
    strict: v.strict === true,
  };
}
