/**
 * The outbox (capabilities.events): a commit's events are written with it and never without it,
 * and a reader that follows the cursor while many writers race sees every committed event exactly
 * once, each member's in commit order, and none of a commit that failed (a lost compare-and-set, an
 * injected fault). Skipped for a store that does not declare the capability.
 */
import { describe, expect, it } from "vitest";
import type { OutboxEvent } from "../../events/event.js";
import { eventsOf } from "../../events/derive.js";
import { LoyaltyError } from "../../errors/loyalty-error.js";
import { mulberry32 } from "../../shared/mulberry32.js";
import { readAllEntries } from "../invariants.js";
import { racingStore } from "../stores.js";
import { BadCursor, CommitConflict, type CommitBatch, type LoyaltyStore } from "../../store/port.js";
import { type ConformanceContext, P, engineOn, enrollBatch } from "./context.js";

/** An event of `member` for the commit that makes `version`: what the tests write and then look for. */
const eventOf = (memberId: string, version: number, index: number, tag = ""): OutboxEvent => ({
  id: `${memberId}/v${version}/${index}${tag}`,
  type: "points.adjusted",
  memberId,
  seq: version,
  occurredAt: "2026-01-01T00:00:00.000Z",
  key: null,
  payload: { version, index },
});

/** The enrolment batch with its events: version 1 of the member. */
const enrolled = (memberId: string): CommitBatch => ({
  ...enrollBatch(memberId, `enroll-${memberId}`),
  events: [eventOf(memberId, 1, 0), eventOf(memberId, 1, 1)],
});

/** A commit on `memberId` at the version read, changing nothing but the version, with two events. */
async function bump(store: LoyaltyStore, memberId: string, tag: string): Promise<CommitBatch> {
  const stored = await store.loadMember(P, memberId);
  if (!stored) throw new Error(`conformance: member ${memberId} is missing`);
  const version = stored.version + 1;
  return {
    programId: P,
    members: [{ memberId, expectedVersion: stored.version, snapshot: stored.snapshot, entries: [], dueAt: null }],
    idempotency: null,
    events: [eventOf(memberId, version, 0, tag), eventOf(memberId, version, 1, tag)],
  };
}

/** Every event after `after`, a page of `limit` at a time, until a page comes back empty. */
async function readAll(store: LoyaltyStore, after: string | null = null, limit = 3) {
  const events: OutboxEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readEvents!(P, { after: cursor, limit });
    if (page.events.length === 0) return { events, cursor: page.cursor };
    expect(page.events.length).toBeLessThanOrEqual(limit);
    events.push(...page.events);
    cursor = page.cursor;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Empty pages (20 ms apart) a reader may see after the writers stopped before it gives up catching
 * up (about a minute): counted rather than timed, so the suite reads no clock of its own.
 */
const CATCH_UP_POLLS = 3000;

export function outboxEvents(context: ConformanceContext): void {
  const { make, close, concurrency: n } = context;
  const skipWithout = async (store: LoyaltyStore, test: { skip: () => void }) => {
    if (store.capabilities.events && store.readEvents) return false;
    await close(store);
    test.skip();
    return true;
  };

  describe("outbox events (capabilities.events)", () => {
    it("writes a commit's events with it, in order, per program, and none of a refused commit", async (test) => {
      const store = await make();
      if (await skipWithout(store, test)) return;
      expect(await store.readEvents!(P, { after: null, limit: 10 })).toEqual({ events: [], cursor: null });
      await store.commit(enrolled("m1"));
      const first = await readAll(store);
      expect(first.events.map((e) => e.id)).toEqual(["m1/v1/0", "m1/v1/1"]);
      expect(first.events[0]).toEqual(eventOf("m1", 1, 0));
      // Nothing new: the cursor stays where it is.
      expect(await store.readEvents!(P, { after: first.cursor, limit: 10 })).toEqual({
        events: [],
        cursor: first.cursor,
      });
      // A lost compare-and-set and a used key write no event.
      const stale = { ...(await bump(store, "m1", "")), members: [] as CommitBatch["members"] };
      const conflict = await bump(store, "m1", "-stale");
      await store.commit(await bump(store, "m1", ""));
      await expect(store.commit(conflict)).rejects.toBeInstanceOf(CommitConflict);
      const dupKey = { ...enrolled("m2"), idempotency: { ...enrolled("m1").idempotency! } };
      await expect(store.commit(dupKey)).rejects.toBeInstanceOf(CommitConflict);
      // Events must name a member of the commit: one that names none is refused, writing nothing.
      await expect(store.commit({ ...stale, idempotency: null })).rejects.toThrow();
      const next = await readAll(store, first.cursor);
      expect(next.events.map((e) => e.id)).toEqual(["m1/v2/0", "m1/v2/1"]);
      // Another program's feed is its own.
      const other = { ...enrolled("m9"), programId: `${P}-other` };
      await store.commit(other);
      expect((await readAll(store, next.cursor)).events).toEqual([]);
      expect((await store.readEvents!(`${P}-other`, { after: null, limit: 10 })).events.map((e) => e.id)).toEqual([
        "m9/v1/0",
        "m9/v1/1",
      ]);
      await close(store);
    });

    it("skips an event whose id the feed holds (a notice written again), and refuses a cursor it did not make", async (test) => {
      const store = await make();
      if (await skipWithout(store, test)) return;
      await store.commit(enrolled("m1"));
      const again = await bump(store, "m1", "");
      await store.commit({ ...again, events: [eventOf("m1", 1, 0), eventOf("m1", 2, 0)] });
      expect((await readAll(store)).events.map((e) => e.id)).toEqual(["m1/v1/0", "m1/v1/1", "m1/v2/0"]);
      for (const bad of ["", "x", "-1", "1.2.3.4", "99999999999999999999999999"])
        await expect(store.readEvents!(P, { after: bad, limit: 1 })).rejects.toBeInstanceOf(BadCursor);
      await close(store);
    });

    it("writes no event of a commit that fails at any step", async (test) => {
      let armed = false;
      const store = await make(() => {
        if (armed) throw new Error("injected fault");
      });
      if (await skipWithout(store, test)) return;
      await store.commit(enrolled("m1"));
      const { cursor } = await readAll(store);
      armed = true;
      await expect(store.commit(await bump(store, "m1", ""))).rejects.toThrow();
      await expect(store.commit(enrolled("m2"))).rejects.toThrow();
      armed = false;
      expect(await store.readEvents!(P, { after: cursor, limit: 10 })).toEqual({ events: [], cursor });
      await close(store);
    });

    it(`gives a reader that follows the cursor, while ${n} writers race, every committed event once, in per-member order`, async (test) => {
      // One fault point in 12 fails its commit (seeded): those commits must leave no event behind.
      const random = mulberry32(14);
      const store = await make(() => {
        if (random() < 1 / 12) throw new Error("injected fault");
      });
      if (await skipWithout(store, test)) return;
      const members = Array.from({ length: 6 }, (_, i) => `m${i}`);
      const committed: string[] = [];
      const failed: string[] = [];
      for (const m of members)
        for (;;) {
          const batch = enrolled(m);
          try {
            await store.commit(batch);
            committed.push(...batch.events!.map((e) => e.id));
            break;
          } catch {
            if (await store.loadMember(P, m)) break; // a commit whose outcome the store got wrong would show here
          }
        }
      const perWriter = 6;
      let writing = true;
      const writers = Array.from({ length: n }, async (_, w) => {
        for (let j = 0; j < perWriter; j++) {
          const memberId = members[(w + j) % members.length]!;
          for (let attempt = 0; ; attempt++) {
            const batch = await bump(store, memberId, `-w${w}.${j}.${attempt}`);
            try {
              await store.commit(batch);
              committed.push(...batch.events!.map((e) => e.id));
              break;
            } catch (error) {
              // A lost race or an injected fault: nothing written, so none of its events may show.
              failed.push(...batch.events!.map((e) => e.id));
              if (!(error instanceof CommitConflict) && !(error instanceof Error)) throw error;
            }
          }
        }
      });
      // The reader follows the cursor while the writers run, then until it has caught up.
      const seen: OutboxEvent[] = [];
      const reader = (async () => {
        let cursor: string | null = null;
        let idle = 0;
        while (writing || (seen.length < committed.length && idle < CATCH_UP_POLLS)) {
          const page = await store.readEvents!(P, { after: cursor, limit: 7 });
          seen.push(...page.events);
          idle = page.events.length === 0 && !writing ? idle + 1 : 0;
          if (page.events.length === 0) await sleep(writing ? 1 : 20);
          else expect(page.cursor).not.toBe(cursor);
          cursor = page.cursor;
        }
        return cursor;
      })();
      await Promise.all(writers);
      writing = false;
      const cursor = await reader;
      const ids = seen.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...committed].sort());
      expect(failed.filter((id) => ids.includes(id))).toEqual([]);
      expect(failed.length).toBeGreaterThan(0);
      // Per member: versions 1, 2, 3, ... each with its events 0, 1, in that order.
      for (const m of members) {
        const mine = seen.filter((e) => e.memberId === m).map((e) => [e.payload.version, e.payload.index]);
        expect(mine).toEqual(Array.from({ length: mine.length }, (_, i) => [Math.floor(i / 2) + 1, i % 2]));
        expect(mine.length / 2).toBe((await store.loadMember(P, m))!.version);
      }
      // A second pass from the start reads the same events in the same order: the order is final.
      expect((await readAll(store, null, 11)).events.map((e) => e.id)).toEqual(ids);
      expect(await store.readEvents!(P, { after: cursor, limit: 5 })).toEqual({ events: [], cursor });
      await close(store);
    });

    it(`through the engine: ${n} racing commands that lose races and meet faults leave exactly their entries' events`, async (test) => {
      const random = mulberry32(41);
      let faulty = false,
        met = false;
      // The first fault point once armed always fails, then one in ten: the commands meet at least
      // one fault however the race falls (a server may pass few fault points before they commit).
      const store = await make(() => {
        if (faulty && (!met || random() < 1 / 10)) {
          met = true;
          throw new Error("injected fault");
        }
      });
      if (await skipWithout(store, test)) return;
      // Two engines on two wrappers of the store: each has its own member queue, so they really race,
      // and each loses one commit in six on top (CommitConflict: the engine reads and decides again).
      const engines = [0, 1].map(
        () =>
          engineOn(
            racingStore(store, () => random() < 1 / 6),
            undefined,
            60,
          ).engine,
      );
      const members = ["a", "b", "c", "d"];
      for (const m of members) await engines[0]!.enroll({ key: `enroll-${m}`, memberId: m });
      faulty = true;
      let writing = true;
      const outcomes = Promise.all(
        Array.from({ length: n }, (_, i) =>
          engines[i % 2]!.recordPurchase({
            key: `p${i}`,
            memberId: members[i % members.length]!,
            purchaseId: `o${i}`,
            amount: `${i + 1}.00`,
            currency: "GBP",
          }).then(
            () => "ok",
            (e: unknown) => (e instanceof LoyaltyError ? e.code : "thrown"),
          ),
        ),
      ).finally(() => (writing = false));
      const seen: OutboxEvent[] = [];
      let cursor: string | null = null;
      const expected = async () =>
        eventsOf((await Promise.all(members.map((m) => readAllEntries(store, P, m)))).flat()).length;
      let idle = 0;
      while (writing || (seen.length < (await expected()) && idle < CATCH_UP_POLLS)) {
        const page = await store.readEvents!(P, { after: cursor, limit: 5 });
        seen.push(...page.events);
        cursor = page.cursor;
        idle = page.events.length === 0 && !writing ? idle + 1 : 0;
        if (page.events.length === 0) await sleep(writing ? 1 : 20);
      }
      faulty = false;
      const codes = await outcomes;
      expect(codes.filter((c) => c !== "ok" && c !== "STORE_FAILURE")).toEqual([]);
      expect(codes).toContain("ok");
      expect(codes).toContain("STORE_FAILURE");
      // Every member's feed is exactly the events of its ledger, in ledger order: none of a commit
      // that failed (its seq was taken again by a later commit with other events), none twice.
      for (const m of members)
        expect(seen.filter((e) => e.memberId === m)).toEqual(eventsOf(await readAllEntries(store, P, m)));
      expect(seen.length).toBe(await expected());
      await close(store);
    });
  });
}
