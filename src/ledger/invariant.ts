/**
 * The fold's refusal: an entry that does not fit the state is a bug or a corrupted ledger, never bad
 * input, so it is not a LoyaltyError.
 */

/** Thrown when an entry does not fit the state: a bug or a corrupted ledger, never bad input. */
export class LedgerInvariantError extends Error {
  override readonly name = "LedgerInvariantError";
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new LedgerInvariantError(message);
}
