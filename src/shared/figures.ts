/**
 * The bound on figures that keeps the engine's arithmetic exact (README, "Figures"; docs/ledger.md,
 * "Exact arithmetic"). Every figure a program or a command writes is at most 10^15 with at most 8
 * decimals; one award, before caps, is at most 10^15 points; a wallet's running totals stay below
 * 10^30. Within these, src/shared/decimal.ts `PRECISION` holds every product and sum exactly.
 * Programs and commands outside are refused at the boundary (INVALID_PROGRAM, INVALID_COMMAND);
 * what only a computation reveals (an award, a total) is refused where it is computed.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { Decimal } from "./decimal.js";

/** Largest amount or point figure accepted: beyond any real purchase, within exact arithmetic. */
export const MAX_FIGURE = new Decimal("1e15");
/** Most decimals of any figure (the largest point scale; money has its currency's, at most 4). */
export const MAX_FIGURE_PLACES = 8;
/** A wallet's running totals (earned, spent, held...) stay below this. */
export const MAX_TOTAL = new Decimal("1e30");

/**
 * Refuses an award of more than MAX_FIGURE points (a rate times an amount, a multiplier over earlier
 * awards) with INVALID_COMMAND at `path`: beyond it the award, and the totals it feeds, would no
 * longer be exact. Returns the award.
 */
export function boundedAward(points: Decimal, command: string, path: readonly (string | number)[]): Decimal {
  if (points.abs().lte(MAX_FIGURE)) return points;
  const message = messages.field.awardTooLarge(points.toFixed(), MAX_FIGURE.toFixed());
  throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand(command, 1), {
    issues: [{ path: [...path], message }],
  });
}

const MIN_TOTAL = MAX_TOTAL.neg();

/**
 * Refuses a running total of `wallet` that reached MAX_TOTAL (PRECISION_EXCEEDED). Runs on every
 * entry a writer appends, so it compares without allocating.
 */
export function checkTotal(wallet: string, name: string, total: Decimal): void {
  // A finite Decimal's `e` is the exponent of its leading digit: below 30, |total| < 10^30 = MAX_TOTAL.
  // One field read instead of two comparisons (NaN and ±Infinity have no finite `e` and take the long way).
  if (total.e < 30) return;
  if (total.lt(MAX_TOTAL) && total.gt(MIN_TOTAL)) return;
  throw new LoyaltyError("PRECISION_EXCEEDED", messages.precisionExceeded(wallet, name, MAX_TOTAL.toFixed()), {
    details: { wallet, total: name },
  });
}
