/**
 * What an HTTP backend answers for each error code, and which codes a client retries with the same
 * idempotency key. One table, so that every backend built on the engine answers alike; it is typed
 * over every code, so a new code cannot ship without its status. docs/errors.md explains each row.
 */
import { isLoyaltyError } from "./loyalty-error.js";
import type { ErrorCode } from "./messages.js";

export const HTTP_STATUS = {
  INVALID_PROGRAM: 500, // the operator's program is wrong: a deployment fault, not the caller's
  INVALID_COMMAND: 400,
  MEMBER_NOT_FOUND: 404,
  MEMBER_EXISTS: 409,
  PURCHASE_NOT_FOUND: 404,
  DUPLICATE_PURCHASE: 409,
  REFUND_EXCEEDS_PURCHASE: 422,
  REFUND_WINDOW_CLOSED: 422,
  LINE_NOT_IN_PURCHASE: 422,
  CURRENCY_MISMATCH: 422,
  INSUFFICIENT_POINTS: 422,
  IDEMPOTENCY_CONFLICT: 422, // as the IETF Idempotency-Key draft answers a key reused with another payload
  CONCURRENCY_CONFLICT: 409,
  STORE_FAILURE: 503,
  OUTCOME_UNKNOWN: 503,
  CODES_FAILURE: 503,
  CLOCK_FAILURE: 500,
  IDS_FAILURE: 500,
  REWARD_UNAVAILABLE: 422,
  OUT_OF_STOCK: 409,
  LIMIT_REACHED: 422,
  TIER_NOT_ELIGIBLE: 403,
  SEGMENT_NOT_ELIGIBLE: 403,
  REDEMPTION_NOT_FOUND: 404,
  REDEMPTION_CANCELLED: 409,
  DUPLICATE_REDEMPTION: 409,
  SELF_REFERRAL: 422,
  ALREADY_REFERRED: 409,
  REFERRAL_EXPIRED: 422,
  RECIPIENT_INACTIVE: 422,
  PRECISION_EXCEEDED: 422,
  INVALID_HISTORY: 400,
  FIT_NOT_CONVERGED: 422, // the history does not pin the model down: more data, not a retry, changes that
  HOLD_EXISTS: 409,
  HOLD_NOT_FOUND: 404,
  SHARE_OUT_OF_BOUNDS: 422,
} as const satisfies Record<ErrorCode, number>;

/**
 * Codes after which the same command, with the same idempotency key, may succeed: it replays if the
 * first attempt was written and commits once if not. Every other code needs a different command.
 */
export const RETRY_WITH_SAME_KEY: readonly ErrorCode[] = [
  "CONCURRENCY_CONFLICT",
  "STORE_FAILURE",
  "OUTCOME_UNKNOWN",
  "CODES_FAILURE",
];

/** The HTTP status for an error: its code's, or 500 for anything that is not a LoyaltyError. */
export function httpStatusOf(error: unknown): number {
  return isLoyaltyError(error) ? HTTP_STATUS[error.code] : 500;
}
