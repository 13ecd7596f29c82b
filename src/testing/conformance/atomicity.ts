/**
 * Atomicity under injected faults: the store's fault hook fails a commit at each of its steps in
 * turn; nothing may be written, and the retry succeeds.
 */
import { describe, expect, it } from "vitest";
import { memberViolations, storeFingerprint } from "../invariants.js";
import { type ConformanceContext, P, engineOn, expectCode } from "./context.js";

export function atomicityUnderFaults(context: ConformanceContext): void {
  const { make, close } = context;
  describe("atomicity under injected faults", () => {
    it("leaves nothing written when a commit fails at any step, and the retry succeeds", async () => {
      // Count the fault points of one commit, then fail at each in turn.
      let points = 0;
      const probe = await make(() => {
        points++;
      });
      const { engine: probeEngine } = engineOn(probe);
      await probeEngine.enroll({ key: "enroll", memberId: "m1" });
      points = 0;
      await probeEngine.recordPurchase({
        key: "p1",
        memberId: "m1",
        purchaseId: "o1",
        amount: "10.00",
        currency: "GBP",
      });
      await close(probe);
      expect(points).toBeGreaterThan(0);

      for (let failAt = 1; failAt <= points; failAt++) {
        let armed = false,
          seen = 0;
        const store = await make(() => {
          if (armed && ++seen === failAt) throw new Error(`injected fault ${failAt}`);
        });
        const { engine, t } = engineOn(store);
        await engine.enroll({ key: "enroll", memberId: "m1" });
        const before = await storeFingerprint(store, P, ["m1"], ["p1"]);
        armed = true;
        await expectCode(
          engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" }),
          "STORE_FAILURE",
        );
        armed = false;
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
