/**
 * A process can hold two copies of the library (its ESM and CJS builds, two bundles). The error
 * classes answer `instanceof` by a registered symbol, so a guard works whichever copy threw.
 * Here the second copy is the same source loaded again as another module (a query string gives
 * Vite a module of its own); .ci/run checks the built ESM and CJS files the same way.
 */
import { describe, expect, it } from "vitest";
import { isLoyaltyError, LoyaltyError } from "../../src/errors/index.js";
import type * as errorsModule from "../../src/errors/loyalty-error.js";
import type * as portModule from "../../src/store/port.js";
import { BadCursor, CommitConflict, CommitOutcomeUnknown } from "../../src/store/port.js";

/** The module at `path` loaded again, as a module of its own: a second copy of the library's classes. */
const secondCopy = <M>(path: string): Promise<M> => import(`${path}?copy=2`) as Promise<M>;

describe("errors from another copy of the library", () => {
  it("are LoyaltyErrors to this copy's instanceof and isLoyaltyError, and the other way round", async () => {
    const other = await secondCopy<typeof errorsModule>("../../src/errors/loyalty-error.js");
    expect(other.LoyaltyError).not.toBe(LoyaltyError); // two classes, as in a dual-package process
    const theirs = new other.LoyaltyError("INSUFFICIENT_POINTS", "not enough");
    expect(theirs instanceof LoyaltyError).toBe(true);
    expect(isLoyaltyError(theirs, "INSUFFICIENT_POINTS")).toBe(true);
    expect(isLoyaltyError(theirs, "OUT_OF_STOCK")).toBe(false);
    const ours = new LoyaltyError("OUT_OF_STOCK", "gone");
    expect(ours instanceof other.LoyaltyError).toBe(true);
    expect(other.isLoyaltyError(ours, "OUT_OF_STOCK")).toBe(true);
    expect(ours instanceof Error).toBe(true);
  });

  it("a store's CommitConflict and CommitOutcomeUnknown are recognised by another copy's engine", async () => {
    const other = await secondCopy<typeof portModule>("../../src/store/port.js");
    expect(new other.CommitConflict("version", "m") instanceof CommitConflict).toBe(true);
    expect(new other.CommitOutcomeUnknown("lost") instanceof CommitOutcomeUnknown).toBe(true);
    expect(new other.CommitConflict("version", "m") instanceof CommitOutcomeUnknown).toBe(false);
    expect(new other.BadCursor("x") instanceof BadCursor).toBe(true);
    expect(new other.BadCursor("x") instanceof CommitConflict).toBe(false);
  });

  it("nothing else passes: plain errors, look-alikes with a code, primitives", () => {
    const lookAlike = Object.assign(new Error("x"), { name: "LoyaltyError", code: "INVALID_COMMAND" });
    for (const value of [lookAlike, new Error("x"), { code: "INVALID_COMMAND" }, null, undefined, "LoyaltyError", 7])
      expect(isLoyaltyError(value) || value instanceof LoyaltyError).toBe(false);
    // The brand stays out of JSON and of the error's own keys.
    const error = new LoyaltyError("INVALID_COMMAND", "bad", { issues: [{ path: ["a"], message: "m" }] });
    expect(Object.keys(error)).not.toContain(expect.stringContaining("loyalty-engine"));
    expect(JSON.parse(JSON.stringify(error))).toEqual(error.toJSON());
  });
});
