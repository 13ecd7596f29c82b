/**
 * The optional `liability` aggregate (capabilities.liability): outstanding points by wallet and by
 * expiry month, as the engine's own summaries add up, per program, expired lots apart. Skipped for
 * a store that does not declare the capability.
 */
import { describe, expect, it } from "vitest";
import { Decimal } from "../../shared/decimal.js";
import { testClock } from "../fixtures.js";
import { type ConformanceContext, P, engineOn, expectCode } from "./context.js";

export function liabilityAggregate(context: ConformanceContext): void {
  const { make, close } = context;
  describe("liability (capabilities.liability)", () => {
    /** Three members: m1 buys £100 on 1 March and £30 on 20 April, m2 £50 on 15 April and spends 20, m3 only joins. */
    async function scenario() {
      const store = await make();
      const clock = testClock("2026-03-01T12:00:00Z");
      const { engine } = engineOn(store, clock);
      for (const m of ["m1", "m2", "m3"]) await engine.enroll({ key: `enroll-${m}`, memberId: m });
      await engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "p1", amount: "100.00", currency: "GBP" });
      clock.set("2026-04-15T12:00:00Z");
      await engine.recordPurchase({ key: "p2", memberId: "m2", purchaseId: "p2", amount: "50.00", currency: "GBP" });
      clock.set("2026-04-20T12:00:00Z");
      await engine.recordPurchase({ key: "p3", memberId: "m1", purchaseId: "p3", amount: "30.00", currency: "GBP" });
      await engine.spend({ key: "s1", memberId: "m2", wallet: "points", points: "20" });
      return { store, engine, clock };
    }

    it("sums outstanding points by wallet and local expiry month, as the members' summaries add up", async (test) => {
      const { store, engine, clock } = await scenario();
      if (!store.capabilities.liability || !store.liability) return void (await close(store), test.skip());
      clock.set("2026-05-01T00:00:00Z");
      const asOf = clock.now();
      const report = await store.liability(P, { asOf, timeZone: "Europe/London" });
      expect(report).toEqual([
        {
          wallet: "points",
          points: "160",
          pending: "0",
          expiredUnswept: "0",
          members: 2,
          byExpiryMonth: [
            { month: "2027-03", points: "100" },
            { month: "2027-04", points: "60" },
          ],
        },
        {
          wallet: "status",
          points: "180",
          pending: "0",
          expiredUnswept: "0",
          members: 2,
          byExpiryMonth: [{ month: null, points: "180" }],
        },
      ]);
      // The same figure the members' own summaries give, summed one by one.
      for (const w of report) {
        let held = new Decimal(0);
        for (const m of ["m1", "m2", "m3"]) {
          const s = (await engine.summary(m)).wallets[w.wallet]!;
          held = held.plus(s.available).plus(s.pending);
        }
        expect(w.points).toBe(held.toFixed());
      }
      expect(await store.liability(`${P}-other`, { asOf, timeZone: "Europe/London" })).toEqual([]);
      await close(store);
    });

    it("counts lots past their expiry that no write has written off apart, and values points through the engine", async (test) => {
      const { store, engine, clock } = await scenario();
      if (!store.capabilities.liability || !store.liability) return void (await close(store), test.skip());
      clock.set("2027-03-15T12:00:00Z");
      const [points] = await store.liability(P, { asOf: clock.now(), timeZone: "Europe/London" });
      expect(points).toMatchObject({
        points: "60",
        expiredUnswept: "100",
        members: 2,
        byExpiryMonth: [{ month: "2027-04", points: "60" }],
      });
      const report = await engine.liability({ pointValue: "0.01" });
      expect(report.asOf).toBe("2027-03-15T12:00:00.000Z");
      expect(report.wallets[0]).toMatchObject({ wallet: "points", value: "0.60", pointValue: "0.01" });
      expect(report.wallets[0]!.byExpiryMonth).toEqual([{ month: "2027-04", points: "60", value: "0.60" }]);
      await expectCode(engine.liability({ pointValue: "-1" }), "INVALID_COMMAND");
      await close(store);
    });
  });
}
