/**
 * A member's life through the engine on this store: the books kept exactly, expiry at the instant.
 */
import { describe, expect, it } from "vitest";
import { memberViolations, readAllEntries } from "../invariants.js";
import { type ConformanceContext, DAY, P, engineOn, expectCode } from "./context.js";

export function throughTheEngine(context: ConformanceContext): void {
  const { make, close } = context;
  describe("through the engine", () => {
    it("keeps the books of a member's life exactly", async () => {
      const store = await make();
      const { engine, t } = engineOn(store);
      await engine.enroll({ key: "enroll", memberId: "m1" });
      await engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "o1", amount: "120.50", currency: "GBP" });
      t.advance(DAY);
      await engine.spend({ key: "s1", memberId: "m1", wallet: "points", points: "100" });
      await engine.refund({ key: "r1", memberId: "m1", purchaseId: "o1", amount: "60.25", currency: "GBP" });
      const s = await engine.summary("m1");
      // 120 earned, 100 spent, refund of half takes back 60: 20 from the lot, 40 as debt.
      expect(s.wallets.points!).toMatchObject({ available: "0", debt: "40" });
      await engine.adjust({ key: "a1", memberId: "m1", wallet: "points", points: "50", reason: "goodwill" });
      expect((await engine.summary("m1")).wallets.points!).toMatchObject({ available: "10", debt: "0" });
      expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
      await close(store);
    });

    it("expires lots exactly at expiresAt and writes the expiry with the next command", async () => {
      const store = await make();
      const { engine, t } = engineOn(store);
      await engine.enroll({ key: "enroll", memberId: "m1" });
      const earned = await engine.recordPurchase({
        key: "p1",
        memberId: "m1",
        purchaseId: "o1",
        amount: "30.00",
        currency: "GBP",
      });
      const lot = earned.entries.find((e) => e.kind === "earn" && e.wallet === "points");
      const expiresAt = Date.parse((lot as { lot: { expiresAt: string } }).lot.expiresAt);
      t.set(expiresAt - 1);
      expect((await engine.summary("m1")).wallets.points!.available).toBe("30");
      t.set(expiresAt);
      expect((await engine.summary("m1")).wallets.points!.available).toBe("0");
      await expectCode(
        engine.spend({ key: "s1", memberId: "m1", wallet: "points", points: "1" }),
        "INSUFFICIENT_POINTS",
      );
      await engine.recordPurchase({ key: "p2", memberId: "m1", purchaseId: "o2", amount: "5.00", currency: "GBP" });
      const entries = await readAllEntries(store, P, "m1");
      expect(entries.filter((e) => e.kind === "expire").map((e) => (e as { points: string }).points)).toEqual(["30"]);
      expect(await memberViolations(store, P, "m1", t.now())).toEqual([]);
      await close(store);
    });
  });
}
