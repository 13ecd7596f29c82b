/**
 * Purchase and redemption records, asked of the store directly: written with the commit that
 * carries them (and only if it lands), read back by id (and in one go with the member, where the
 * store reads a command in one go), replaced by id, listed newest first for the summary.
 */
import { describe, expect, it } from "vitest";
import type { PurchaseSnapshot, RedemptionSnapshot } from "../../ledger/snapshot.js";
import { CommitConflict, type CommitBatch, type MemberRecords } from "../../store/port.js";
import { type ConformanceContext, P, enrollBatch } from "./context.js";

const purchase = (amount: string): PurchaseSnapshot => ({
  amount,
  occurredAt: 1_767_225_600_000,
  earned: { points: amount },
});
const redemption = (at: number, cancelled = false): RedemptionSnapshot => ({
  rewardId: "mug",
  wallet: "points",
  points: "100",
  quantity: 1,
  at,
  stock: 1,
  limitKeys: {},
  cancelled,
  draws: cancelled
    ? []
    : [
        {
          lot: {
            id: "l1",
            wallet: "points",
            amount: "100",
            earnedAt: 0,
            availableAt: 0,
            expiresAt: null,
            ruleId: null,
            purchaseId: null,
          },
          points: "100",
        },
      ],
});

/** `batch` (one member) carrying `records`. */
const withRecords = (batch: CommitBatch, records: MemberRecords): CommitBatch => ({
  ...batch,
  members: [{ ...batch.members[0]!, records }],
});

export function recordRows(context: ConformanceContext): void {
  const { make, close } = context;
  describe("purchase and redemption records", () => {
    it("writes them with the commit, reads them back by id, and leaves out ids it has not", async () => {
      const store = await make();
      const records = { purchases: { o1: purchase("12"), "o'2": purchase("3.5") }, redemptions: { r1: redemption(5) } };
      await store.commit(withRecords(enrollBatch("m1", "k1"), records));
      expect(await store.loadRecords(P, "m1", { purchases: ["o1", "o'2", "nope"], redemptions: ["r1", "o1"] })).toEqual(
        records,
      );
      expect(await store.loadRecords(P, "m2", { purchases: ["o1"], redemptions: ["r1"] })).toEqual({
        purchases: {},
        redemptions: {},
      });
      expect(await store.loadRecords(P, "m1", { purchases: [], redemptions: [] })).toEqual({
        purchases: {},
        redemptions: {},
      });
      await close(store);
    });

    it("replaces a record by id, and keeps the others", async () => {
      const store = await make();
      await store.commit(
        withRecords(enrollBatch("m1", "k1"), { purchases: { o1: purchase("12"), o2: purchase("7") }, redemptions: {} }),
      );
      const loaded = (await store.loadMember(P, "m1"))!;
      const refunded: PurchaseSnapshot = {
        ...purchase("12"),
        refunded: "2.00",
        settled: { points: "2" },
        reversed: { points: "2" },
      };
      await store.commit({
        programId: P,
        members: [
          {
            memberId: "m1",
            expectedVersion: loaded.version,
            snapshot: loaded.snapshot,
            entries: [],
            dueAt: null,
            records: { purchases: { o1: refunded }, redemptions: {} },
          },
        ],
        idempotency: null,
      });
      expect((await store.loadRecords(P, "m1", { purchases: ["o1", "o2"], redemptions: [] })).purchases).toEqual({
        o1: refunded,
        o2: purchase("7"),
      });
      await close(store);
    });

    it("writes no record when the commit does not land", async () => {
      const store = await make();
      await store.commit(enrollBatch("m1", "k1"));
      const lost = await store
        .commit(
          withRecords(enrollBatch("m1", "k2", 7), {
            purchases: { o1: purchase("1") },
            redemptions: { r1: redemption(1) },
          }),
        )
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(lost).toBeInstanceOf(CommitConflict);
      expect(await store.loadRecords(P, "m1", { purchases: ["o1"], redemptions: ["r1"] })).toEqual({
        purchases: {},
        redemptions: {},
      });
      expect(await store.listRedemptions(P, "m1", { limit: 10 })).toEqual([]);
      await close(store);
    });

    it("lists redemptions not cancelled, newest first (ties by id, descending), at most `limit`", async () => {
      const store = await make();
      await store.commit(
        withRecords(enrollBatch("m1", "k1"), {
          purchases: {},
          redemptions: {
            a: redemption(10),
            b: redemption(30),
            c: redemption(20, true),
            d: redemption(30),
            e: redemption(5),
          },
        }),
      );
      const ids = async (limit: number) => (await store.listRedemptions(P, "m1", { limit })).map((r) => r.redemptionId);
      expect(await ids(10)).toEqual(["d", "b", "a", "e"]);
      expect(await ids(2)).toEqual(["d", "b"]);
      expect((await store.listRedemptions(P, "m1", { limit: 1 }))[0]!.record).toEqual(redemption(30));
      expect(await store.listRedemptions(P, "other", { limit: 10 })).toEqual([]);
      await close(store);
    });

    it("reads a command's records with its member in loadForCommand, as loadRecords reads them", async () => {
      const store = await make();
      if (store.loadForCommand === undefined) return close(store);
      const records = { purchases: { o1: purchase("12") }, redemptions: { r1: redemption(5) } };
      await store.commit(withRecords(enrollBatch("m1", "k1"), records));
      await store.commit(enrollBatch("m2", "k2"));
      const ids = { purchases: ["o1", "x"], redemptions: ["r1"] };
      const one = await store.loadForCommand(P, ["m1"], "k9", [ids]);
      expect(one.records).toEqual([await store.loadRecords(P, "m1", ids)]);
      const two = await store.loadForCommand(P, ["m2", "m1"], "k1", [null, ids]);
      expect(two.records).toEqual([{ purchases: {}, redemptions: {} }, records]);
      expect(two.idempotency?.key).toBe("k1");
      const none = await store.loadForCommand(P, ["m1"], "k9");
      expect(none.records).toBeUndefined();
      await close(store);
    });
  });
}
