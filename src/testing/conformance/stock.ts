/**
 * Stock counts and commits that touch two members (or none), asked of the store directly: a count
 * starts at its `initial`, never goes below zero, and a batch lands whole or not at all.
 */
import { describe, expect, it } from "vitest";
import { CommitConflict } from "../../store/port.js";
import { storeFingerprint } from "../invariants.js";
import { type ConformanceContext, P, enrollBatch } from "./context.js";

export function stockAndTwoMemberCommits(context: ConformanceContext): void {
  const { make, close } = context;
  describe("stock and two-member commits", () => {
    const R = "reward-1";
    it("answers null for a reward no commit has touched, starts a count at `initial`, and applies deltas", async () => {
      const store = await make();
      expect(await store.getStock(P, R)).toBeNull();
      await store.commit({ ...enrollBatch("m1", "k1"), stock: [{ rewardId: R, delta: -1, initial: 3 }] });
      expect(await store.getStock(P, R)).toBe(2);
      // The initial count only applies to the first change.
      await store.commit({ ...enrollBatch("m2", "k2"), stock: [{ rewardId: R, delta: -2, initial: 100 }] });
      expect(await store.getStock(P, R)).toBe(0);
      expect(await store.getStock(`${P}-other`, R)).toBeNull();
      await close(store);
    });

    it("refuses a change that would take a count below zero with CommitConflict('stock'), writing nothing", async () => {
      const store = await make();
      await store.commit({ ...enrollBatch("m1", "k1"), stock: [{ rewardId: R, delta: -1, initial: 1 }] });
      const before = await storeFingerprint(store, P, ["m1", "m2"], ["k2", "k3"], [R, "reward-2"]);
      for (const batch of [
        { ...enrollBatch("m2", "k2"), stock: [{ rewardId: R, delta: -1, initial: 1 }] },
        // A first change that starts below zero, beside one that would be fine.
        {
          ...enrollBatch("m2", "k3"),
          stock: [
            { rewardId: "reward-2", delta: -2, initial: 1 },
            { rewardId: R, delta: 1, initial: 0 },
          ],
        },
      ]) {
        const refused = await store.commit(batch).then(
          () => null,
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(CommitConflict);
        expect((refused as CommitConflict).reason).toBe("stock");
      }
      expect(await storeFingerprint(store, P, ["m1", "m2"], ["k2", "k3"], [R, "reward-2"])).toBe(before);
      await close(store);
    });

    it("commits a batch of no members (a restock): the idempotency record and the stock change", async () => {
      const store = await make();
      const record = {
        key: "restock-1",
        payloadHash: "h",
        result: { ok: true },
        committedAt: "2026-01-01T00:00:00.000Z",
      };
      await store.commit({
        programId: P,
        members: [],
        idempotency: record,
        stock: [{ rewardId: R, delta: 5, initial: 0 }],
      });
      expect(await store.getStock(P, R)).toBe(5);
      expect(await store.getIdempotency(P, "restock-1")).toEqual(record);
      await close(store);
    });

    it("commits two members at once, or neither when one of them changed", async () => {
      const store = await make();
      await store.commit(enrollBatch("a", "ka"));
      const b = enrollBatch("b", "kb");
      const a = (await store.loadMember(P, "a"))!;
      const a2 = { memberId: "a", expectedVersion: 1, snapshot: a.snapshot, entries: [], dueAt: null };
      // Written in either order in the batch: the store sorts them.
      await store.commit({ programId: P, members: [b.members[0]!, a2], idempotency: b.idempotency });
      expect((await store.loadMember(P, "a"))?.version).toBe(2);
      expect((await store.loadMember(P, "b"))?.version).toBe(1);
      const before = await storeFingerprint(store, P, ["a", "b", "c"], ["kc"]);
      const fresh = enrollBatch("c", "kc");
      const refused = await store
        .commit({ programId: P, members: [fresh.members[0]!, a2], idempotency: fresh.idempotency })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(refused).toBeInstanceOf(CommitConflict);
      expect(await storeFingerprint(store, P, ["a", "b", "c"], ["kc"])).toBe(before);
      await close(store);
    });
  });
}
