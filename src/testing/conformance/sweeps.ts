/**
 * The sweeps of due work over a population: expiry sweeps and tier reviews find exactly the due
 * members in the store's due index, run twice at once without writing anything twice, and move the
 * members on in the index.
 */
import { describe, expect, it } from "vitest";
import { createLoyaltyEngine } from "../../engine/engine.js";
import { Decimal } from "../../shared/decimal.js";
import type { LoyaltyStore } from "../../store/port.js";
import { testClock } from "../fixtures.js";
import { memberViolations, readAllEntries, storeFingerprint } from "../invariants.js";
import { type ConformanceContext, P, program, tierProgram } from "./context.js";

export function dueWorkSweeps(context: ConformanceContext): void {
  const { make, close } = context;
  describe("expiry sweeps", () => {
    /** 12 members; those with i % 3 === 0 earn on 2 Jan (due by March 2027), the rest a year later. */
    async function population(store: LoyaltyStore) {
      const t = testClock("2026-01-02T12:00:00Z");
      const engine = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids, maxAttempts: 20 });
      for (let i = 0; i < 12; i++) {
        t.set(i % 3 === 0 ? "2026-01-02T12:00:00Z" : "2027-01-02T12:00:00Z");
        await engine.enroll({ key: `e${i}`, memberId: `s${i}` });
        await engine.recordPurchase({
          key: `p${i}`,
          memberId: `s${i}`,
          purchaseId: `o${i}`,
          amount: "25.00",
          currency: "GBP",
        });
      }
      t.set("2027-03-01T00:00:00Z");
      return { engine, t };
    }

    it("indexes each member's next expiry, so due-lot queries name exactly the due members", async () => {
      const store = await make();
      const { t } = await population(store);
      const due = await store.findDueMembers(P, { before: t.now(), limit: 100 });
      expect(due.map((d) => d.memberId).sort()).toEqual(["s0", "s3", "s6", "s9"]);
      expect(due.every((d) => d.dueAt === Date.parse("2027-01-02T12:00:00Z"))).toBe(true);
      await close(store);
    });

    it("two sweeps at once expire each due lot once, and take the members out of the due index", async () => {
      const store = await make();
      const { engine, t } = await population(store);
      const [a, b] = await Promise.all([engine.expire({ batchSize: 2 }), engine.expire({ batchSize: 3 })]);
      expect(new Decimal(a.points.points ?? 0).plus(b.points.points ?? 0).toString()).toBe("100");
      expect(await store.findDueMembers(P, { before: t.now(), limit: 100 })).toEqual([]);
      for (let i = 0; i < 12; i++) {
        const expired = (await readAllEntries(store, P, `s${i}`)).filter((e) => e.kind === "expire");
        expect(expired.length).toBe(i % 3 === 0 ? 1 : 0);
        expect(await memberViolations(store, P, `s${i}`, t.now())).toEqual([]);
      }
      expect((await engine.expire()).members).toBe(0);
      await close(store);
    });
  });

  describe("tier reviews", () => {
    const T = tierProgram.id;
    /** 12 members enrolled in 2026; those with i % 3 === 0 reach silver in March (due for review on 1 January 2027). */
    async function population(store: LoyaltyStore) {
      const t = testClock("2026-03-02T12:00:00Z");
      const engine = createLoyaltyEngine({
        program: tierProgram,
        store,
        clock: t.clock,
        ids: t.ids,
        maxAttempts: 20,
      });
      for (let i = 0; i < 12; i++) {
        await engine.enroll({ key: `e${i}`, memberId: `t${i}` });
        await engine.recordPurchase({
          key: `p${i}`,
          memberId: `t${i}`,
          purchaseId: `o${i}`,
          amount: i % 3 === 0 ? "600.00" : "50.00",
          currency: "GBP",
        });
      }
      return { engine, t };
    }
    const REVIEW = Date.parse("2027-01-01T00:00:00Z");
    const EXPIRY = Date.parse("2027-03-02T12:00:00Z");

    it("indexes the earliest of a member's next review and next expiry, so due-review queries name exactly the due members", async () => {
      const store = await make();
      const { t } = await population(store);
      t.set(REVIEW);
      const due = await store.findDueMembers(T, { before: REVIEW, limit: 100 });
      expect(due.map((d) => d.memberId).sort()).toEqual(["t0", "t3", "t6", "t9"]);
      expect(due.every((d) => d.dueAt === REVIEW)).toBe(true);
      // Just before the review instant, nobody is due; the bronze members are due only at their expiry.
      expect(await store.findDueMembers(T, { before: REVIEW - 1, limit: 100 })).toEqual([]);
      const later = await store.findDueMembers(T, { before: EXPIRY, limit: 100 });
      expect(
        later
          .filter((d) => d.dueAt === EXPIRY)
          .map((d) => d.memberId)
          .sort(),
      ).toEqual(["t1", "t10", "t11", "t2", "t4", "t5", "t7", "t8"]);
      await close(store);
    });

    it("two review sweeps at once write each review once and move the members on in the due index; a rerun changes nothing", async () => {
      const store = await make();
      const { engine, t } = await population(store);
      t.set(REVIEW);
      const [a, b] = await Promise.all([engine.reviewTiers({ batchSize: 1 }), engine.reviewTiers({ batchSize: 3 })]);
      expect((a.changes.requalified ?? 0) + (b.changes.requalified ?? 0)).toBe(4);
      expect(await store.findDueMembers(T, { before: REVIEW, limit: 100 })).toEqual([]);
      // After the review, the next due work of the silver members is their points' expiry.
      const next = await store.findDueMembers(T, { before: EXPIRY, limit: 100 });
      expect(next.filter((d) => ["t0", "t3", "t6", "t9"].includes(d.memberId)).every((d) => d.dueAt === EXPIRY)).toBe(
        true,
      );
      const before = await storeFingerprint(store, T, ["t0", "t1", "t3"], []);
      expect(await engine.reviewTiers()).toMatchObject({ members: 0 });
      expect(await storeFingerprint(store, T, ["t0", "t1", "t3"], [])).toBe(before);
      for (let i = 0; i < 12; i++) {
        const reviews = (await readAllEntries(store, T, `t${i}`)).filter(
          (e) => e.kind === "tier" && e.reason === "requalified",
        );
        expect(reviews.length).toBe(i % 3 === 0 ? 1 : 0);
        expect(await memberViolations(store, T, `t${i}`, t.now())).toEqual([]);
      }
      await close(store);
    });
  });
}
