/**
 * Concurrent commands on one member: spends against one balance, purchases that all land, and a
 * store that always loses the race.
 */
import { describe, expect, it } from "vitest";
import type { LoyaltyError } from "../../errors/loyalty-error.js";
import { memberViolations, storeFingerprint } from "../invariants.js";
import { racingStore } from "../stores.js";
import { type ConformanceContext, P, engineOn, expectCode } from "./context.js";

export function concurrencyOnOneMember(context: ConformanceContext): void {
  const { make, close, concurrency: n } = context;
  describe("concurrency on one member", () => {
    it(`lets exactly as many of ${n} concurrent spends succeed as the balance covers`, async () => {
      const store = await make();
      const { engine, t } = engineOn(store, undefined, n + 5);
      await engine.enroll({ key: "enroll", memberId: "m1" });
      const covers = Math.floor(n / 2) - 1;
      await engine.recordPurchase({
        key: "p1",
        memberId: "m1",
        purchaseId: "o1",
        amount: `${covers * 10 + 5}.00`,
        currency: "GBP",
      });
      const outcomes = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          engine.spend({ key: `s${i}`, memberId: "m1", wallet: "points", points: "10" }).then(
            () => "ok",
            (e: LoyaltyError) => e.code,
          ),
        ),
      );
      expect(outcomes.filter((o) => o === "ok")).toHaveLength(covers);
      expect(outcomes.filter((o) => o !== "ok").every((o) => o === "INSUFFICIENT_POINTS")).toBe(true);
      expect((await engine.summary("m1")).wallets.points!.available).toBe("5");
      expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
      await close(store);
    });

    it(`lands all of ${n} concurrent purchases, each once, with a gapless ledger`, async () => {
      const store = await make();
      const { engine, t } = engineOn(store, undefined, n + 5);
      await engine.enroll({ key: "enroll", memberId: "m1" });
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          engine.recordPurchase({
            key: `p${i}`,
            memberId: "m1",
            purchaseId: `o${i}`,
            amount: "3.00",
            currency: "GBP",
          }),
        ),
      );
      expect((await engine.summary("m1")).wallets.points!.available).toBe(String(3 * n));
      expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
      await close(store);
    });

    it("fails with CONCURRENCY_CONFLICT, writing nothing, when the member keeps changing", async () => {
      const inner = await make();
      const { engine: setup } = engineOn(inner);
      await setup.enroll({ key: "enroll", memberId: "m1" });
      // A store that always reports a lost race: the engine must give up cleanly.
      const racing = racingStore(inner, () => true);
      const { engine } = engineOn(racing, undefined, 3);
      const before = await storeFingerprint(inner, P, ["m1"], ["p1"]);
      const error = await expectCode(
        engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "10.00", currency: "GBP" }),
        "CONCURRENCY_CONFLICT",
      );
      expect(error.details.attempts).toBe(3);
      expect(await storeFingerprint(inner, P, ["m1"], ["p1"])).toBe(before);
      await close(inner);
    });
  });
}
