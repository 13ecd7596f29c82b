/**
 * `migrate()`: brings a schema to the latest version of the store's tables. Safe to call on every
 * start-up and from several processes at once: it runs in one transaction under an advisory lock,
 * applies only what `loyalty_migrations` does not list yet, and does nothing when all is applied.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import type { SqlClient } from "./client.js";
import { migrations as allMigrations, type Migration } from "./migrations.js";

export interface MigrateOptions {
  /** The schema to keep the tables in (created if missing). Default `public`. */
  readonly schema?: string;
}

export interface MigrateResult {
  /** Versions applied by this call, in order; empty when the schema was up to date. */
  readonly applied: readonly number[];
  /** The schema's version after the call. */
  readonly version: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Checks a schema name and returns it double-quoted for SQL. Throws on anything but a plain identifier. */
export function quoteSchema(schema: string): string {
  if (typeof schema !== "string" || !IDENTIFIER.test(schema)) {
    const named = typeof schema === "string" ? JSON.stringify(schema.slice(0, 100)) : `of type ${typeof schema}`;
    const text = `Schema name ${named} is not a plain SQL identifier: use letters, digits and _, at most 63, not starting with a digit.`;
    throw new LoyaltyError("INVALID_COMMAND", text, { issues: [{ path: ["schema"], message: text }] });
  }
  return `"${schema}"`;
}

/** Creates or upgrades the store's tables in `options.schema`. */
export async function migrate(
  client: SqlClient,
  options: MigrateOptions = {},
  migrations: readonly Migration[] = allMigrations,
): Promise<MigrateResult> {
  const schemaName = options.schema ?? "public";
  const s = quoteSchema(schemaName);
  return client.transaction(async (tx) => {
    // One migrator per schema at a time; the lock is released by COMMIT or ROLLBACK.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`loyalty-engine migrate ${schemaName}`]);
    if (schemaName !== "public") await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${s}.loyalty_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await tx.query(`SELECT version::text AS version FROM ${s}.loyalty_migrations`)).rows.map((r) =>
        Number(r.version),
      ),
    );
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...done].filter((v) => !known.has(v));
    if (unknown.length > 0)
      throw new Error(
        `Schema ${schemaName} has migrations this version of loyalty-engine does not know (${unknown.join(", ")}): it was migrated by a newer version.`,
      );
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      for (const statement of splitStatements(m.sql(s))) await tx.query(statement);
      await tx.query(`INSERT INTO ${s}.loyalty_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    return { applied, version: Math.max(0, ...done, ...applied) };
  });
}

/** Splits a migration on `;` at line ends: each statement goes alone, as the extended protocol requires. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}
