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

/** A unique violation of the idempotency table's key: another command committed the key first. */
export function isIdempotencyViolation(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  return (
    e?.code === "23505" &&
    (e.constraint === "loyalty_idempotency_pkey" ||
      (typeof e.message === "string" && e.message.includes("loyalty_idempotency_pkey")))
  );
}
