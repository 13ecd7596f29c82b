/**
 * The one thing the PostgreSQL store needs from a driver: run a parameterised statement, and run a
 * function inside one transaction on one connection. `pgPool` and `pglite` adapt the two clients we
 * test with; any other driver (a serverless driver, a pool of your own) fits in a few lines.
 *
 * Nothing here imports a driver: the adapters are typed structurally, so `pg` and PGlite stay
 * optional, and the store never loads one itself.
 */

import { StatementNotSent } from "./errors.js";

/** A row as the store reads it. The store casts every column it reads to text or JSON text in SQL. */
export type SqlRow = Record<string, unknown>;

/** Something that runs one statement: a connection, a pool, or an open transaction. */
export interface SqlQueryable {
  /**
   * Runs one statement with positional parameters (`$1`, `$2`, ...). The store only passes strings,
   * numbers and null, and reads `rows` only (never a row count: it uses `RETURNING`).
   */
  query(text: string, params?: readonly unknown[]): Promise<{ readonly rows: readonly SqlRow[] }>;
}

/** A client for the store: statements, and transactions on one connection. */
export interface SqlClient extends SqlQueryable {
  /**
   * Runs `fn` inside one transaction on one connection: BEGIN, then `fn`'s statements through the
   * `tx` it is given, then COMMIT; ROLLBACK (or dropping the connection) if `fn` throws, rethrowing
   * its error. A failed COMMIT must reject. The error of a failed statement must keep the server's
   * SQLSTATE in `code` (as `pg` and PGlite do): the store retries `40001` and `40P01`.
   */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

// ---- pg (node-postgres) ------------------------------------------------------------------------

/** The part of a `pg` Pool the adapter uses. */
export interface PgPoolLike {
  query(config: { text: string; values?: unknown[]; name?: string }): Promise<{ readonly rows: readonly SqlRow[] }>;
  connect(): Promise<PgPoolClientLike>;
  on?(event: "error", listener: (error: Error) => void): unknown;
}

/** The part of a `pg` PoolClient the adapter uses. */
export interface PgPoolClientLike {
  query(config: { text: string; values?: unknown[]; name?: string }): Promise<{ readonly rows: readonly SqlRow[] }>;
  release(destroy?: boolean | Error): void;
  on?(event: "error", listener: (error: Error) => void): unknown;
  removeListener?(event: "error", listener: (error: Error) => void): unknown;
}

export interface PgPoolAdapterOptions {
  /**
   * Send statements with parameters as named prepared statements, so that each connection parses
   * and plans each of them once (`pg` caches them per connection). Default true. Turn it off
   * behind a pooler that does not keep prepared statements across transactions (PgBouncer in
   * transaction mode before 1.21).
   */
  readonly prepare?: boolean;
  /**
   * Told of each error of an idle pooled connection (the server dropped it: a restart, a failover,
   * an idle timeout, `pg_terminate_backend`). The pool discards that connection and opens another
   * when needed; without a listener, the `'error'` event it emits would end the process. Default:
   * ignore it (statements that meet a dropped connection fail on their own). The first adapter made
   * for a pool sets the listener.
   */
  readonly onIdleError?: (error: Error) => void;
}

/** Pools the adapter listens to already, so that making several adapters adds one listener. */
const listening = new WeakSet<object>();

/** Prepared statement names, one per distinct text, process-wide: `pg` refuses a name reused for another text. */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `loyalty_${statementNames.size + 1}`));
  return name;
}

/**
 * Adapts a `pg` Pool (`new Pool({ connectionString })`). Statements outside a transaction go to
 * `pool.query`; a transaction checks out one connection, and a connection whose transaction failed
 * in a way that may have left it unusable (a lost connection, a failed ROLLBACK) is destroyed
 * rather than returned to the pool. The pool stays yours: end it when you are done.
 */
export function pgPool(pool: PgPoolLike, options: PgPoolAdapterOptions = {}): SqlClient {
  const prepare = options.prepare ?? true;
  if (typeof pool.on === "function" && !listening.has(pool)) {
    listening.add(pool);
    const told = options.onIdleError ?? (() => undefined);
    pool.on("error", (error) => told(error));
  }
  const config = (text: string, params: readonly unknown[] | undefined) =>
    params === undefined || params.length === 0
      ? { text }
      : prepare
        ? { name: statementName(text), text, values: [...params] }
        : { text, values: [...params] };
  const on = (q: { query: PgPoolLike["query"] }): SqlQueryable => ({
    query: (text, params) => q.query(config(text, params)),
  });
  return {
    query: on(pool).query,
    async transaction(fn) {
      const conn = await pool.connect();
      // A checked-out pg client has no 'error' listener: a server that drops the connection would
      // otherwise crash the process with an unhandled 'error' event. The failing query rejects too.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      conn.on?.("error", onError);
      // Set when the connection may be unusable: it is then destroyed, not returned to the pool.
      let broken: Error | undefined;
      const control = async (statement: string) => {
        // pg marks the client unqueryable and tells us in the same tick; a COMMIT refused here was
        // never sent, which the commit path must know to report "nothing written", not "unknown".
        if (lost !== undefined && statement !== "ROLLBACK") {
          broken = lost;
          throw new StatementNotSent(statement, lost);
        }
        try {
          await conn.query({ text: statement });
        } catch (error) {
          if (statement === "ROLLBACK" || isConnectionError(error)) broken = asError(error);
          throw error;
        }
      };
      try {
        await control("BEGIN");
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          result = await fn(on(conn));
        } catch (error) {
          await control("ROLLBACK").catch(() => undefined);
          throw error;
        }
        await control("COMMIT");
        return result;
      } finally {
        const destroy = broken ?? lost;
        // A connection given back to the pool gets the pool's own listener; one destroyed keeps
        // ours, as its socket may still report an error after it is gone.
        if (destroy === undefined) conn.removeListener?.("error", onError);
        conn.release(destroy);
      }
    },
  };
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention), or no SQLSTATE at all. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code !== "string" || code.startsWith("08") || code.startsWith("57P");
}

// ---- PGlite ------------------------------------------------------------------------------------

/** The part of a PGlite instance the adapter uses. */
export interface PGliteLike extends SqlQueryable {
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

/** One queue per PGlite instance, shared by every adapter made for it. */
const queues = new WeakMap<object, { tail: Promise<unknown> }>();

/**
 * Adapts a PGlite instance (`await PGlite.create()`). PGlite is one connection: a statement sent
 * while another caller's transaction is open would run inside that transaction. So every statement
 * and every transaction goes through one FIFO queue per instance (shared by every adapter made for
 * it), and runs alone. Concurrent commands still conflict as they would on a server (the engine's
 * compare-and-set on the version), they simply never overlap inside the database.
 */
export function pglite(db: PGliteLike): SqlClient {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = { tail: Promise.resolve() }));
  const q = queue;
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = q.tail.then(fn, fn);
    q.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  return {
    query: (text, params) => exclusive(() => db.query(text, params ? [...params] : undefined)),
    transaction: (fn) =>
      exclusive(() =>
        db.transaction((tx) => fn({ query: (text, params) => tx.query(text, params ? [...params] : undefined) })),
      ),
  };
}
