/**
 * The port's own behaviour, asked of the store directly: reads of what is not there, commits of new
 * and known members, conflicts that write nothing, programs kept apart, copies, history pages and
 * the due-work index.
 */
import { describe, expect, it } from "vitest";
import { CommitConflict } from "../../store/port.js";
import { readAllEntries, storeFingerprint } from "../invariants.js";
import { loadForCommand } from "./load-for-command.js";
import { type ConformanceContext, DAY, P, engineOn, enrollBatch } from "./context.js";

export function portBehaviour(context: ConformanceContext): void {
  const { make, close } = context;
  describe("port behaviour", () => {
    it("answers null for an unknown member and key", async () => {
      const store = await make();
      expect(await store.loadMember(P, "nobody")).toBeNull();
      expect(await store.getIdempotency(P, "no-key")).toBeNull();
      expect((await store.readEntries(P, "nobody", { afterSeq: 0, limit: 10 })).entries).toEqual([]);
      await close(store);
    });

    loadForCommand(context);

    it("commits a new member with its entries, snapshot, version 1 and idempotency record", async () => {
      const store = await make();
      const batch = enrollBatch("m1", "k1");
      await store.commit(batch);
      const loaded = await store.loadMember(P, "m1");
      expect(loaded?.version).toBe(1);
      expect(loaded?.snapshot).toEqual(batch.members[0]!.snapshot);
      expect(await readAllEntries(store, P, "m1")).toEqual(batch.members[0]!.entries);
      expect(await store.getIdempotency(P, "k1")).toEqual(batch.idempotency);
      await close(store);
    });

    it("refuses a stale version or an existing member with CommitConflict and writes nothing", async () => {
      const store = await make();
      await store.commit(enrollBatch("m1", "k1"));
      const before = await storeFingerprint(store, P, ["m1"], ["k2", "k3"]);
      const again = await store.commit(enrollBatch("m1", "k2", null)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(again).toBeInstanceOf(CommitConflict);
      expect((again as CommitConflict).reason).toBe("version");
      const stale = await store.commit(enrollBatch("m1", "k3", 7)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(stale).toBeInstanceOf(CommitConflict);
      expect(await storeFingerprint(store, P, ["m1"], ["k2", "k3"])).toBe(before);
      await close(store);
    });

    it("refuses a used idempotency key with CommitConflict and writes nothing", async () => {
      const store = await make();
      await store.commit(enrollBatch("m1", "k1"));
      const before = await storeFingerprint(store, P, ["m1", "m2"], ["k1"]);
      const dup = await store.commit(enrollBatch("m2", "k1")).then(
        () => null,
        (e: unknown) => e,
      );
      expect(dup).toBeInstanceOf(CommitConflict);
      expect((dup as CommitConflict).reason).toBe("idempotency");
      expect(await storeFingerprint(store, P, ["m1", "m2"], ["k1"])).toBe(before);
      await close(store);
    });

    it("commits a batch without an idempotency record (system work such as an expiry sweep)", async () => {
      const store = await make();
      const batch = enrollBatch("m1", "k1");
      await store.commit({ ...batch, idempotency: null });
      expect((await store.loadMember(P, "m1"))?.version).toBe(1);
      expect(await store.getIdempotency(P, "k1")).toBeNull();
      const stale = await store.commit({ ...enrollBatch("m1", "k2"), idempotency: null }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(stale).toBeInstanceOf(CommitConflict);
      await close(store);
    });

    it("keeps programs apart: the same member id and key in two programs", async () => {
      const store = await make();
      await store.commit(enrollBatch("m1", "k1"));
      const other = { ...enrollBatch("m1", "k1"), programId: `${P}-other` };
      await store.commit(other);
      expect((await store.loadMember(`${P}-other`, "m1"))?.version).toBe(1);
      expect((await store.loadMember(P, "m1"))?.version).toBe(1);
      await close(store);
    });

    it("returns copies or frozen values: changing a loaded snapshot changes nothing stored", async () => {
      const store = await make();
      await store.commit(enrollBatch("m1", "k1"));
      const loaded = await store.loadMember(P, "m1");
      try {
        (loaded!.snapshot.attributes as Record<string, unknown>).tier = "mutated";
      } catch (error) {
        // A store that hands out frozen values refuses the change (strict mode: TypeError).
        expect(error).toBeInstanceOf(TypeError);
      }
      expect((await store.loadMember(P, "m1"))!.snapshot.attributes.tier).toBe("x");
      await close(store);
    });

    it("pages history in seq order", async () => {
      const store = await make();
      const { engine, t } = engineOn(store);
      await engine.enroll({ key: "e", memberId: "m1" });
      for (let i = 0; i < 4; i++) {
        t.advance(1000);
        await engine.recordPurchase({
          key: `p${i}`,
          memberId: "m1",
          purchaseId: `p${i}`,
          amount: "10.00",
          currency: "GBP",
        });
      }
      const all = await readAllEntries(store, P, "m1");
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      const first = await store.readEntries(P, "m1", { afterSeq: 0, limit: 5 });
      expect(first.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(first.nextAfterSeq).toBe(5);
      const rest = await readAllEntries(store, P, "m1", 3);
      expect(rest).toEqual(all);
      const last = await store.readEntries(P, "m1", { afterSeq: all.length - 1, limit: 5 });
      expect(last.entries).toHaveLength(1);
      expect(last.nextAfterSeq).toBeNull();
      await close(store);
    });

    it("finds members with due work by dueAt, in order, with a cursor, and follows updates", async () => {
      const store = await make();
      const base = Date.parse("2026-06-01T00:00:00Z");
      for (let i = 0; i < 6; i++)
        await store.commit(enrollBatch(`d${i}`, `kd${i}`, null, i === 5 ? null : base + (i % 3) * DAY));
      const due = await store.findDueMembers(P, { before: base + DAY, limit: 10 });
      expect(due.map((d) => d.memberId)).toEqual(["d0", "d3", "d1", "d4"]);
      const page1 = await store.findDueMembers(P, { before: base + 10 * DAY, limit: 2 });
      const page2 = await store.findDueMembers(P, { before: base + 10 * DAY, limit: 10, after: page1.at(-1)! });
      expect([...page1, ...page2].map((d) => d.memberId)).toEqual(["d0", "d3", "d1", "d4", "d2"]);
      // Moving a member's dueAt moves it in the index; null takes it out.
      const loaded = await store.loadMember(P, "d0");
      const move = enrollBatch("d0", "kmove", loaded!.version, base + 5 * DAY);
      await store.commit({ ...move, members: [{ ...move.members[0]!, entries: [], snapshot: loaded!.snapshot }] });
      expect((await store.findDueMembers(P, { before: base + DAY, limit: 10 })).map((d) => d.memberId)).toEqual([
        "d3",
        "d1",
        "d4",
      ]);
      await close(store);
    });
  });
}
