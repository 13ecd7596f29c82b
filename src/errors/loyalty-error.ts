import { brand, hasBrand, mark } from "./brand.js";
import { firstProblemText, type ErrorCode } from "./messages.js";

const LOYALTY_ERROR = brand("LoyaltyError");

/** One problem with one field: where it is (`path`, as in zod) and what to fix. */
export interface FieldIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The one error type the library throws on purpose. `code` is stable across versions and is what
 * callers branch on; `issues` lists every bad field of a validation failure; `details` carries the
 * figures of a business refusal (how many points were available, for instance).
 *
 * Every LoyaltyError means that nothing was written, except OUTCOME_UNKNOWN (the store lost its
 * connection after the commit was sent: retry with the same key). A validation failure's message
 * names its first problem too, since many logs print only `.message`.
 *
 * `instanceof LoyaltyError` and `isLoyaltyError` hold for an error thrown by any copy of the
 * library in the process (its ESM and CJS builds, another bundle): see errors/brand.ts.
 */
export class LoyaltyError extends Error {
  override readonly name = "LoyaltyError";
  readonly code: ErrorCode;
  readonly issues: readonly FieldIssue[];
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { issues?: FieldIssue[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    const first = options.issues?.[0];
    const text =
      first !== undefined && (code === "INVALID_COMMAND" || code === "INVALID_PROGRAM")
        ? firstProblemText(message, first.path, first.message)
        : message;
    super(text, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
    mark(this, LOYALTY_ERROR);
  }

  /** True for a LoyaltyError of any copy of the library. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, LOYALTY_ERROR);
  }

  /** A plain object for logs and HTTP responses. */
  toJSON(): {
    code: ErrorCode;
    message: string;
    issues: readonly FieldIssue[];
    details: Readonly<Record<string, unknown>>;
  } {
    return { code: this.code, message: this.message, issues: this.issues, details: this.details };
  }
}

export function isLoyaltyError(value: unknown, code?: ErrorCode): value is LoyaltyError {
  return hasBrand(value, LOYALTY_ERROR) && (code === undefined || (value as LoyaltyError).code === code);
}
