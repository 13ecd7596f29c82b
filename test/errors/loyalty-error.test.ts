/**
 * A validation failure's message names its first problem (issue 19): many logs print only
 * `.message`, and "1 problem (see issues)" tells them nothing.
 */
import { describe, expect, it } from "vitest";
import { compileProgram, isLoyaltyError } from "../../src/index.js";
import { testEngine } from "../support/engine.js";
import { poundsProgram } from "../support/programs.js";

describe("a validation failure's message", () => {
  it("names the first problem's path and text, and keeps every issue", async () => {
    const { engine } = testEngine(poundsProgram(), "2026-03-02T10:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    const error = await engine
      .recordPurchase({ key: "p", memberId: "m", purchaseId: "o", amount: "12,50", currency: "GBP", extra: 1 } as never)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isLoyaltyError(error, "INVALID_COMMAND")).toBe(true);
    const e = error as Error & { issues: { path: unknown[]; message: string }[] };
    expect(e.issues.length).toBe(2);
    const first = e.issues[0]!;
    expect(e.message).toContain(`First: ${first.path.join(".") || "the input"}: ${first.message}`);
  });

  it("names the first problem of an invalid program", () => {
    let message = "";
    try {
      compileProgram({ ...poundsProgram(), currency: "POUNDS" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^The program is invalid: 1 problem \(see issues\)\. First: currency: /);
  });
});
