/**
 * What the PostgreSQL store makes of the database's errors: which are transient (run the
 * transaction again) and which mean another command committed the same idempotency key first.
 */

const TRANSIENT = new Set(["40001", "40P01"]);

/** True for a serialisation failure or a deadlock: the transaction was rolled back and may be run again. */
export function isTransientPostgresError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && TRANSIENT.has(code);
}

/** Client errors raised before anything was sent: no connection could be made. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * A statement the adapter never sent because the connection was already lost (the server dropped
 * it while the transaction sat idle between statements): whatever that transaction did is rolled
 * back, so a COMMIT refused this way certainly wrote nothing.
 */
export class StatementNotSent extends Error {
  constructor(statement: string, lost: Error) {
    super(`${statement} not sent: the connection was lost first (${lost.message})`, { cause: lost });
    this.name = "StatementNotSent";
  }
}

/** pg's own refusals of a query on a client it knows is broken or closed: nothing was sent. */
const PG_NOT_QUERYABLE = /^Client (has encountered a connection error|was closed) and is not queryable$/;

/**
 * Whether a failed commit statement certainly wrote nothing: the server answered with an error
 * (a SQLSTATE: the statement or transaction was rolled back; a backend terminated in the middle of
 * a statement, 57P01, answers so too), or no connection was ever made. A lost connection (a client
 * error without a SQLSTATE, such as "Connection terminated unexpectedly", or a connection exception
 * of class 08) may have lost the reply of a commit that went through: its outcome is unknown.
 */
export function certainlyNotWritten(error: unknown): boolean {
  if (error instanceof StatementNotSent) return true;
  if (error instanceof Error && PG_NOT_QUERYABLE.test(error.message)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  if (/^[0-9A-Z]{5}$/.test(code)) return !code.startsWith("08");
  return NEVER_SENT.has(code);
}

/** A unique violation of the idempotency table's key: another command committed the key first. */
export function isIdempotencyViolation(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  return (
    e?.code === "23505" &&
    (e.constraint === "loyalty_idempotency_pkey" ||
      (typeof e.message === "string" && e.message.includes("loyalty_idempotency_pkey")))
  );
}
