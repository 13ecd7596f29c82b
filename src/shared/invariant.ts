/**
 * Internal invariants: conditions the code itself guarantees, checked where a violation would
 * otherwise pass silently. A failure is a bug in the library (or a corrupted ledger), never bad
 * input, so it is not a LoyaltyError: callers must not branch on it.
 */

/** Thrown when an internal invariant does not hold. */
export class InternalInvariantError extends Error {
  override readonly name = "InternalInvariantError";
}

/** Throws an InternalInvariantError saying `message` unless `condition` holds. */
export function invariant(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new InternalInvariantError(typeof message === "string" ? message : message());
}
