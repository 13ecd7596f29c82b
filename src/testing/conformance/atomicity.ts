/**
 * Atomicity under injected faults: the store's fault hook fails a commit at each of its steps in
 * turn; nothing may be written, and the retry succeeds.
 */
import { describe, expect, it } from "vitest";
import { memberViolations, storeFingerprint } from "../invariants.js";
import { type ConformanceContext, P, countFaultPoints, engineOn, expectCode, storeFailingAt } from "./context.js";

export function atomicityUnderFaults(context: ConformanceContext): void {
  const { close } = context;
  describe("atomicity under injected faults", () => {
    it("leaves nothing written when a commit fails at any step, and the retry succeeds", async () => {
      // Count the fault points of one commit, then fail at each in turn.
      const points = await countFaultPoints(context, async (probe, arm) => {
        const { engine } = engineOn(probe);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        arm(true);
        await engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" });
      });
      expect(points).toBeGreaterThan(0);

      for (let failAt = 1; failAt <= points; failAt++) {
        const { store, arm } = await storeFailingAt(context, failAt);
        const { engine, t } = engineOn(store);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        const before = await storeFingerprint(store, P, ["m1"], ["p1"]);
        arm(true);
        await expectCode(
          engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" }),
          "STORE_FAILURE",
        );
        arm(false);
        expect(await storeFingerprint(store, P, ["m1"], ["p1"])).toBe(before);
        const retry = await engine.recordPurchase({
          key: "p1",
          memberId: "m1",
          purchaseId: "o1",
          amount: "10.00",
          currency: "GBP",
        });
        expect(retry.replayed).toBe(false);
        expect((await engine.summary("m1")).wallets.points!.available).toBe("10");
        expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
        await close(store);
      }
    });
  });
}
