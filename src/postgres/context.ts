/**
 * What the PostgreSQL store's functions run with: the client, the statements of its schema, and
 * for a commit the retry bound and the faults a test injects.
 */
import type { SqlClient, SqlQueryable } from "./client.js";
import type { LayoutCache } from "./layout.js";
import type { Statements } from "./statements.js";

/**
 * Where a test may make a commit fail, inside its transaction: after locking the members of a
 * multi-member commit, after each member's statement, after a lone idempotency record, after each
 * stock change, after each purchase claim, after an erasure's rewrites.
 */
export type PostgresFaultPoint = "lock" | "member" | "stock" | "claim" | "idempotency" | "erasure";

/** What every read runs on: a client (or an open transaction) and the statements. */
export interface SqlContext {
  readonly client: SqlQueryable;
  readonly sql: Statements;
  /** Where the reads remember each member's layout for its next commit (layout.ts). */
  readonly layouts?: LayoutCache;
}

/** What a commit runs with: the store's client, statements, retry bound and test faults. */
export interface CommitContext {
  readonly client: SqlClient;
  readonly sql: Statements;
  readonly maxRetries: number;
  readonly faults: ((point: PostgresFaultPoint) => void | Promise<void>) | undefined;
  readonly layouts: LayoutCache;
}
