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

describe("INSUFFICIENT_POINTS", () => {
  it("says how many points are pending and when the first become available", async () => {
    const { engine } = testEngine(poundsProgram({ pending: { days: 14 } }), "2026-03-02T10:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "5", reason: "welcome" });
    await engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "o", amount: "40.00", currency: "GBP" });
    const error = await engine.spend({ key: "s", memberId: "m", wallet: "points", points: "20" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isLoyaltyError(error, "INSUFFICIENT_POINTS")).toBe(true);
    const e = error as Error & { details: Record<string, unknown> };
    expect(e.message).toBe(
      'Wallet "points" has 5 points available; 20 were asked for. 40 more are pending; the first become available at 2026-03-16T10:00:00.000Z.',
    );
    expect(e.details).toMatchObject({
      available: "5",
      requested: "20",
      pending: "40",
      nextAvailableAt: "2026-03-16T10:00:00.000Z",
    });
  });
});
