/**
 * The optional listing (capabilities.listing): the store keeps each commit's member index, returns
 * it with the member, and `listMembers` pages through the program's members by id with every
 * filter (tier, segment, last purchase before / from), as the engine's `members` and `lapsing`
 * read them. Skipped for a store that does not declare the capability.
 */
import { describe, expect, it } from "vitest";
import type { LoyaltyStore, MemberIndex, MemberListQuery } from "../../store/port.js";
import { CommitConflict } from "../../store/port.js";
import { testClock } from "../fixtures.js";
import { type ConformanceContext, P, engineOn, enrollBatch, tierProgram } from "./context.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");

/** A hand-made index: what the engine would commit, with segments it cannot make yet. */
const indexOf = (i: number): MemberIndex => ({
  tier: i % 3 === 0 ? "gold" : "silver",
  segments: i % 2 === 0 ? ["even", i % 4 === 0 ? "four" : "two"].sort() : ["odd"],
  joinedAt: T0 + i * DAY,
  lastPurchaseAt: i % 5 === 0 ? null : T0 + i * DAY,
  spendByMonth: i % 5 === 0 ? {} : { "2026-01": `${i}.50` },
});

/** Members m00..m11 committed with `indexOf`'s index, in a shuffled order. */
async function population(store: LoyaltyStore) {
  for (const i of [7, 0, 11, 3, 9, 1, 4, 10, 2, 8, 6, 5]) {
    const batch = enrollBatch(`m${String(i).padStart(2, "0")}`, `enroll-${i}`);
    await store.commit({ ...batch, members: [{ ...batch.members[0]!, index: indexOf(i) }] });
  }
}

/** Every page of a query, concatenated, `limit` at a time. */
async function allPages(store: LoyaltyStore, query: Omit<MemberListQuery, "after">) {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listMembers!(P, { ...query, ...(after === undefined ? {} : { after }) });
    out.push(...page.map((m) => m.memberId));
    if (page.length < query.limit) return out;
    after = page.at(-1)!.memberId;
  }
}

const ids = (wanted: (i: number) => boolean) =>
  Array.from({ length: 12 }, (_, i) => i)
    .filter(wanted)
    .map((i) => `m${String(i).padStart(2, "0")}`);

export function listing(context: ConformanceContext): void {
  const { make, close } = context;
  describe("listing (capabilities.listing)", () => {
    it("keeps each commit's index, returns it with the member, and lists by id with every filter", async (test) => {
      const store = await make();
      if (!store.capabilities.listing || !store.listMembers) return void (await close(store), test.skip());
      await population(store);
      expect((await store.loadMember(P, "m04"))?.index).toEqual(indexOf(4));
      if (store.loadForCommand)
        expect((await store.loadForCommand(P, ["m04"], "none")).members[0]?.index).toEqual(indexOf(4));
      const page = await store.listMembers(P, { limit: 3 });
      expect(page).toEqual([0, 1, 2].map((i) => ({ memberId: ids((j) => j === i)[0], index: indexOf(i) })));
      for (const limit of [1, 2, 5, 100]) {
        expect(await allPages(store, { limit })).toEqual(ids(() => true));
        expect(await allPages(store, { limit, tier: "gold" })).toEqual(ids((i) => i % 3 === 0));
        expect(await allPages(store, { limit, segment: "even" })).toEqual(ids((i) => i % 2 === 0));
        expect(await allPages(store, { limit, segment: "four", tier: "gold" })).toEqual(ids((i) => i % 12 === 0));
        const before = T0 + 6 * DAY;
        expect(await allPages(store, { limit, lastPurchaseBefore: before })).toEqual(ids((i) => i % 5 !== 0 && i < 6));
        expect(await allPages(store, { limit, lastPurchaseFrom: before })).toEqual(ids((i) => i % 5 !== 0 && i >= 6));
      }
      expect(await store.listMembers(P, { limit: 10, segment: "none" })).toEqual([]);
      expect(await store.listMembers(P, { limit: 10, after: "m11" })).toEqual([]);
      expect(await store.listMembers(`${P}-other`, { limit: 10 })).toEqual([]);
      await close(store);
    });

    it("replaces the index on each commit, keeps none for a commit without one, and keeps it through a lost race", async (test) => {
      const store = await make();
      if (!store.capabilities.listing || !store.listMembers) return void (await close(store), test.skip());
      await population(store);
      const base = enrollBatch("m03", "again", 1).members[0]!;
      const moved = { ...indexOf(3), tier: "bronze", segments: ["moved"] };
      // A lost compare-and-set writes nothing: the index stays as it was.
      await expect(
        store.commit({
          ...enrollBatch("m03", "stale", 7),
          members: [{ ...base, expectedVersion: 7, entries: [], index: moved }],
        }),
      ).rejects.toBeInstanceOf(CommitConflict);
      expect(await allPages(store, { limit: 5, segment: "moved" })).toEqual([]);
      await store.commit({ programId: P, members: [{ ...base, entries: [], index: moved }], idempotency: null });
      expect(await allPages(store, { limit: 5, segment: "moved" })).toEqual(["m03"]);
      expect(await allPages(store, { limit: 5, tier: "gold" })).toEqual(["m00", "m06", "m09"]);
      expect(await allPages(store, { limit: 5, segment: "odd" })).toEqual(ids((i) => i % 2 === 1 && i !== 3));
      // Written without an index (a store written by an older engine): listed, but matches no filter.
      await store.commit({ programId: P, members: [{ ...base, expectedVersion: 2, entries: [] }], idempotency: null });
      expect((await store.loadMember(P, "m03"))?.index ?? null).toBeNull();
      expect((await store.listMembers(P, { limit: 1, after: "m02" }))[0]).toEqual({ memberId: "m03", index: null });
      expect(await allPages(store, { limit: 5, segment: "moved" })).toEqual([]);
      expect(await allPages(store, { limit: 5, lastPurchaseFrom: 0 })).not.toContain("m03");
      await close(store);
    });

    it("serves the engine's members and lapsing: by tier, no purchase for N days, spend fallen by a share", async (test) => {
      const store = await make();
      if (!store.capabilities.listing || !store.listMembers) return void (await close(store), test.skip());
      const t = testClock("2026-01-05T12:00:00Z");
      const { engine } = engineOn(store, t, 10, tierProgram);
      const buy = (m: string, n: number, amount: string, at: string) =>
        engine.recordPurchase({
          key: `${m}-${n}`,
          memberId: m,
          purchaseId: `${m}-${n}`,
          amount,
          currency: "GBP",
          occurredAt: at,
        });
      for (const m of ["a", "b", "c", "d"])
        await engine.enroll({ key: `e-${m}`, memberId: m, joinedAt: "2025-01-01T00:00:00Z" });
      // a: £100 a month, January to June; b: £100 a month January to March, then £20; c: bought
      // £600 once in January, which makes it silver; d: never bought.
      for (let month = 1; month <= 6; month++) {
        t.set(`2026-0${month}-10T12:00:00Z`);
        await buy("a", month, "100.00", `2026-0${month}-10T12:00:00Z`);
        await buy("b", month, month <= 3 ? "100.00" : "20.00", `2026-0${month}-10T12:00:00Z`);
      }
      await buy("c", 1, "600.00", "2026-01-20T12:00:00Z");
      t.set("2026-07-02T12:00:00Z");
      expect((await engine.members({ tier: "silver" })).members.map((m) => m.memberId)).toEqual(["a", "c"]);
      const listed = await engine.members({ limit: 2 });
      expect(listed.members.map((m) => m.memberId)).toEqual(["a", "b"]);
      expect(listed.members[1]).toMatchObject({ tier: "bronze", joinedAt: "2025-01-01T00:00:00.000Z" });
      expect((await engine.members({ after: listed.after! })).members.map((m) => m.memberId)).toEqual(["c", "d"]);

      const idle = await engine.lapsing({ noPurchaseForDays: 90 });
      expect(idle.members).toEqual([
        { memberId: "c", lastPurchaseAt: "2026-01-20T12:00:00.000Z", daysSincePurchase: 163 },
      ]);
      const fell = await engine.lapsing({ months: 3, fallenBy: "0.5" });
      expect(fell.windows).toEqual({
        recent: { from: "2026-04", to: "2026-06" },
        earlier: { from: "2026-01", to: "2026-03" },
      });
      expect(fell.members).toEqual([
        {
          memberId: "b",
          lastPurchaseAt: "2026-06-10T12:00:00.000Z",
          daysSincePurchase: 22,
          spend: { recent: "60", earlier: "300", fallenBy: "0.8000" },
        },
        {
          memberId: "c",
          lastPurchaseAt: "2026-01-20T12:00:00.000Z",
          daysSincePurchase: 163,
          spend: { recent: "0", earlier: "600", fallenBy: "1.0000" },
        },
      ]);
      // A refund of a recent purchase makes the fall steeper; one of an earlier purchase, shallower.
      await engine.refund({ key: "r-a", memberId: "a", purchaseId: "a-5", amount: "100.00", currency: "GBP" });
      expect((await engine.lapsing({ months: 3, fallenBy: "0.3" })).members.map((m) => m.memberId)).toEqual([
        "a",
        "b",
        "c",
      ]);
      await close(store);
    }, 30_000);
  });
}
