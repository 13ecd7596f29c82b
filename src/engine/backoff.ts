/**
 * Waiting after a lost race, before deciding again. Commands on one member serialise through the
 * compare-and-set on its version: when many arrive at once, all but one lose each round, and losers
 * that retry at once collide again (100 redemptions from 50 connections saw 19 of the 50 the balance
 * covered succeed within 10 attempts). A random delay up to a cap that doubles with each attempt
 * ("full jitter") spreads them out, so each round someone wins and the others find a fresh state.
 */

/** The first retry waits up to this; each later one up to twice the previous cap. */
const FIRST_CAP_MS = 2;
/** No single wait is longer than this. */
const MAX_CAP_MS = 250;

/** The longest wait before attempt `attempt` (2 for the first retry: attempt 2). */
export const backoffCap = (attempt: number): number =>
  Math.min(MAX_CAP_MS, FIRST_CAP_MS * 2 ** Math.max(0, attempt - 2));

/** Waits a random time up to `backoffCap(attempt)`. The engine is the shell: randomness and timers are its to use. */
export function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * backoffCap(attempt)));
}
