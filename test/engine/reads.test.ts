/**
 * Reads show due work as made (issue 19, defect 7): a tier review that fell due is shown in the
 * summary before any sweep or write, exactly as the next write records it.
 */
import { describe, expect, it } from "vitest";
import { testEngine } from "../support/engine.js";
import { tierProgram } from "../support/programs.js";

describe("a read", () => {
  it("shows a tier review that fell due as made, the same as after a sweep, and no review in the past", async () => {
    const program = tierProgram();
    const run = async (sweep: boolean) => {
      const { engine, t } = testEngine(program, "2026-03-02T10:00:00Z");
      await engine.enroll({ key: "e", memberId: "m" });
      await engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "o", amount: "600.00", currency: "GBP" });
      expect((await engine.summary("m")).tier!.id).toBe("silver");
      // Silver is guaranteed through 2027; with no purchase since, the 1 January 2028 review demotes it.
      t.set("2028-06-01T10:00:00Z");
      if (sweep) await engine.reviewTiers();
      return engine.summary("m");
    };
    const unswept = await run(false);
    const swept = await run(true);
    expect(unswept.tier!.id).toBe("bronze");
    // Never a review in the past: none at all for the base tier here.
    const next = unswept.tier!.nextReviewAt;
    expect(next === null || Date.parse(next) > Date.parse("2028-06-01T10:00:00Z")).toBe(true);
    // (Expiries due by then are shown as expiredUnswept until a write records them: compare the tier.)
    expect(unswept.tier).toEqual(swept.tier);
  });
});
