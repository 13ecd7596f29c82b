/**
 * Idempotency keys: a replay answers the first result and writes nothing, another payload under
 * the same key is refused, and one purchase delivered many times at once is credited once.
 */
import { describe, expect, it } from "vitest";
import { memberViolations, storeFingerprint } from "../invariants.js";
import { type ConformanceContext, P, engineOn, expectCode } from "./context.js";

export function idempotency(context: ConformanceContext): void {
  const { make, close, concurrency: n } = context;
  describe("idempotency", () => {
    it("replays the first result for the same key and payload, and writes nothing", async () => {
      const store = await make();
      const { engine } = engineOn(store);
      await engine.enroll({ key: "enroll", memberId: "m1" });
      const cmd = { key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" };
      const first = await engine.recordPurchase(cmd);
      const before = await storeFingerprint(store, P, ["m1"], ["p1"]);
      const again = await engine.recordPurchase({ ...cmd });
      expect(again.replayed).toBe(true);
      expect({ ...again, replayed: false }).toEqual(first);
      expect(await storeFingerprint(store, P, ["m1"], ["p1"])).toBe(before);
      await close(store);
    });

    it("refuses the same key with another payload with IDEMPOTENCY_CONFLICT, and writes nothing", async () => {
      const store = await make();
      const { engine } = engineOn(store);
      await engine.enroll({ key: "enroll", memberId: "m1" });
      await engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" });
      const before = await storeFingerprint(store, P, ["m1"], ["p1"]);
      await expectCode(
        engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "11.00", currency: "GBP" }),
        "IDEMPOTENCY_CONFLICT",
      );
      await expectCode(
        engine.spend({ key: "p1", memberId: "m1", wallet: "points", points: "1" }),
        "IDEMPOTENCY_CONFLICT",
      );
      expect(await storeFingerprint(store, P, ["m1"], ["p1"])).toBe(before);
      await close(store);
    });

    it(`credits a purchase delivered ${n} times at once exactly once`, async () => {
      const store = await make();
      const { engine, t } = engineOn(store, undefined, n + 5);
      await engine.enroll({ key: "enroll", memberId: "m1" });
      const cmd = { key: "dup", memberId: "m1", purchaseId: "o1", amount: "42.00", currency: "GBP" };
      const results = await Promise.all(Array.from({ length: n }, () => engine.recordPurchase({ ...cmd })));
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect((await engine.summary("m1")).wallets.points!.available).toBe("42");
      expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
      await close(store);
    });
  });
}
