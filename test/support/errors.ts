import { expect } from "vitest";
import { LoyaltyError, type ErrorCode } from "../../src/index.js";

/** Awaits a command that must be refused with `code`, and returns the error for further checks. */
export async function expectError(promise: Promise<unknown>, code: ErrorCode): Promise<LoyaltyError> {
  const error = await promise.then(
    (r) => {
      throw new Error(`expected ${code}, got success ${JSON.stringify(r).slice(0, 300)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoyaltyError);
  expect((error as LoyaltyError).code).toBe(code);
  return error as LoyaltyError;
}
