/**
 * Purchase ids across members (`purchases.uniqueAcrossMembers`): a store that declares
 * `capabilities.purchaseClaims` claims each purchase id for one member in the commit that records
 * it, refuses another member's claim (also when both commit at once), and names the owner. A
 * store without the capability gets no engine for such a program. Off (the default), two members
 * recording one purchase id both earn.
 */
import { describe, expect, it } from "vitest";
import { createLoyaltyEngine } from "../../engine/engine.js";
import { compileProgram } from "../../program/compile.js";
import { CommitConflict, type LoyaltyStore } from "../../store/port.js";
import { plainProgram, testClock } from "../fixtures.js";
import { storeFingerprint } from "../invariants.js";
import { type ConformanceContext, P, engineOn, enrollBatch, expectCode } from "./context.js";

/** The plain program, recording each purchase id once across members. */
export const uniquePurchasesProgram = compileProgram({
  ...plainProgram,
  id: "conformance-unique-purchases",
  purchases: { uniqueAcrossMembers: true },
});
const U = uniquePurchasesProgram.id;

const canClaim = (store: LoyaltyStore) =>
  store.capabilities.purchaseClaims === true && typeof store.findPurchaseOwner === "function";

const purchase = (key: string, memberId: string, purchaseId = "receipt-1") => ({
  key,
  memberId,
  purchaseId,
  amount: "20.00",
  currency: "GBP",
});

export function purchaseClaims(context: ConformanceContext): void {
  const { make, close, concurrency: n } = context;
  describe("purchase ids across members", () => {
    it("claims: a claim commits with its batch and names its member; another member's is refused, writing nothing", async () => {
      const store = await make();
      if (!canClaim(store)) {
        // Without the capability, an engine for a program that needs it is refused at creation.
        expect(() => engineOn(store, undefined, 10, uniquePurchasesProgram)).toThrow(
          expect.objectContaining({ code: "INVALID_COMMAND" }),
        );
        return close(store);
      }
      expect(await store.findPurchaseOwner!(P, "r1")).toBeNull();
      await store.commit({ ...enrollBatch("m1", "k1"), purchaseClaims: [{ purchaseId: "r1", memberId: "m1" }] });
      expect(await store.findPurchaseOwner!(P, "r1")).toBe("m1");
      expect(await store.findPurchaseOwner!(`${P}-other`, "r1")).toBeNull();
      const before = await storeFingerprint(store, P, ["m1", "m2"], ["k1", "k2"]);
      const refused = await store
        .commit({
          ...enrollBatch("m2", "k2"),
          purchaseClaims: [
            { purchaseId: "r0", memberId: "m2" },
            { purchaseId: "r1", memberId: "m2" },
          ],
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(refused).toBeInstanceOf(CommitConflict);
      expect((refused as CommitConflict).reason).toBe("purchase");
      expect(await storeFingerprint(store, P, ["m1", "m2"], ["k1", "k2"])).toBe(before);
      expect(await store.findPurchaseOwner!(P, "r0")).toBeNull();
      expect(await store.findPurchaseOwner!(P, "r1")).toBe("m1");
      await close(store);
    });

    it("the engine refuses a purchase id another member recorded (DUPLICATE_PURCHASE at purchaseId), writing nothing", async () => {
      const store = await make();
      if (!canClaim(store)) {
        expect(() => engineOn(store, undefined, 10, uniquePurchasesProgram)).toThrow(
          expect.objectContaining({ code: "INVALID_COMMAND" }),
        );
        return close(store);
      }
      const { engine } = engineOn(store, undefined, 10, uniquePurchasesProgram);
      await engine.enroll({ key: "e1", memberId: "m1" });
      await engine.enroll({ key: "e2", memberId: "m2" });
      const first = await engine.recordPurchase(purchase("p1", "m1"));
      const before = await storeFingerprint(store, U, ["m1", "m2"], ["p1", "p2"]);
      const error = await expectCode(engine.recordPurchase(purchase("p2", "m2")), "DUPLICATE_PURCHASE");
      expect(error.issues.map((i) => i.path)).toEqual([["purchaseId"]]);
      expect(JSON.stringify(error)).not.toContain('"m1"'); // the owner is not disclosed
      expect(await storeFingerprint(store, U, ["m1", "m2"], ["p1", "p2"])).toBe(before);
      // The owner's own retry replays; another purchase id is recorded as usual.
      expect(await engine.recordPurchase(purchase("p1", "m1"))).toEqual({ ...first, replayed: true });
      await engine.recordPurchase(purchase("p3", "m2", "receipt-2"));
      expect((await engine.summary("m2")).wallets.points!.available).toBe("20");
      await close(store);
    });

    it(`${n} members recording one purchase id at once: exactly one earns`, async () => {
      const store = await make();
      if (!canClaim(store)) {
        expect(() => engineOn(store, undefined, 10, uniquePurchasesProgram)).toThrow(
          expect.objectContaining({ code: "INVALID_COMMAND" }),
        );
        return close(store);
      }
      const members = Array.from({ length: n }, (_, i) => `m${i}`);
      // An engine per member, as separate processes would have: no in-process queue between them.
      const engines = members.map(() => {
        const t = testClock("2026-03-01T12:00:00Z");
        return createLoyaltyEngine({
          program: uniquePurchasesProgram,
          store,
          clock: t.clock,
          ids: t.ids,
          maxAttempts: n + 5,
        });
      });
      for (const [i, m] of members.entries()) await engines[i]!.enroll({ key: `e-${m}`, memberId: m });
      const outcomes = await Promise.allSettled(
        members.map((m, i) => engines[i]!.recordPurchase(purchase(`p-${m}`, m))),
      );
      const earned = outcomes.filter((o) => o.status === "fulfilled");
      expect(earned).toHaveLength(1);
      for (const o of outcomes)
        if (o.status === "rejected") expect((o.reason as { code?: string }).code).toBe("DUPLICATE_PURCHASE");
      const owner = await store.findPurchaseOwner!(U, "receipt-1");
      const totals = await Promise.all(
        members.map(async (m) => (await engines[0]!.summary(m)).wallets.points!.available),
      );
      expect(totals.filter((t) => t === "20")).toHaveLength(1);
      expect(totals[members.indexOf(owner!)]).toBe("20");
      await close(store);
    });

    it("off (the default): two members recording one purchase id both earn", async () => {
      const store = await make();
      const { engine } = engineOn(store);
      await engine.enroll({ key: "e1", memberId: "m1" });
      await engine.enroll({ key: "e2", memberId: "m2" });
      await engine.recordPurchase(purchase("p1", "m1"));
      await engine.recordPurchase(purchase("p2", "m2"));
      expect((await engine.summary("m1")).wallets.points!.available).toBe("20");
      expect((await engine.summary("m2")).wallets.points!.available).toBe("20");
      await close(store);
    });
  });
}
