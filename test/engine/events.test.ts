/**
 * `engine.events` and `engine.notify`: the feed through the engine (what a command writes, and what a
 * refusal or a replay does not), its errors, and the "points expiring soon" notices, written once.
 */
import { describe, expect, it } from "vitest";
import { createMemoryStore, type LoyaltyEngine, type OutboxEvent } from "../../src/index.js";
import { plainProgram, wrapStore } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { expectError as expectCode } from "../support/errors.js";

const DAY = 86_400_000;

async function all(engine: LoyaltyEngine, after: string | null = null) {
  const events: OutboxEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await engine.events({ after: cursor, limit: 3 });
    if (page.events.length === 0) return { events, cursor: page.cursor };
    events.push(...page.events);
    cursor = page.cursor;
  }
}

const buy = (engine: LoyaltyEngine, key: string, memberId: string, amount: string) =>
  engine.recordPurchase({ key, memberId, purchaseId: key, amount, currency: "GBP" });

describe("engine.events", () => {
  it("gives each command's events with its key, none for a refusal or a replay", async () => {
    const { engine } = testEngine(plainProgram, "2026-03-01T12:00:00Z");
    await engine.enroll({ key: "e1", memberId: "m1", attributes: { email: "a@example.com" } });
    await buy(engine, "p1", "m1", "40.00");
    const first = await all(engine);
    expect(first.events.map((e) => [e.type, e.key, e.seq])).toEqual([
      ["member.enrolled", "e1", 1],
      ["purchase.recorded", "p1", 2],
      ["points.earned", "p1", 3],
      ["points.earned", "p1", 4],
    ]);
    expect(first.events[2]).toMatchObject({
      id: "m1/3/0",
      memberId: "m1",
      occurredAt: "2026-03-01T12:00:00.000Z",
      payload: { wallet: "points", points: "40", purchaseId: "p1" },
    });
    await expectCode(
      engine.spend({ key: "s1", memberId: "m1", wallet: "points", points: "500" }),
      "INSUFFICIENT_POINTS",
    );
    await buy(engine, "p1", "m1", "40.00"); // a replay
    expect(await engine.events({ after: first.cursor })).toEqual({ events: [], cursor: first.cursor });
    await engine.spend({ key: "s2", memberId: "m1", wallet: "points", points: "15" });
    expect((await all(engine, first.cursor)).events.map((e) => [e.type, e.payload.points])).toEqual([
      ["points.spent", "15"],
    ]);
  });

  it("writes a transfer's two sides in one commit, the sender's first", async () => {
    const { engine } = testEngine({ ...plainProgram, transfers: { wallets: ["points"] } }, "2026-03-01T12:00:00Z");
    await engine.enroll({ key: "e1", memberId: "m1" });
    await engine.enroll({ key: "e2", memberId: "m2" });
    await buy(engine, "p1", "m1", "40.00");
    const { cursor } = await all(engine);
    await engine.transfer({ key: "t1", fromMemberId: "m1", toMemberId: "m2", wallet: "points", points: "10" });
    const transfer = (await all(engine, cursor)).events;
    expect(transfer.map((e) => [e.type, e.memberId, e.payload.counterpartyId, e.payload.points, e.key])).toEqual([
      ["points.transferred.out", "m1", "m2", "10", "t1"],
      ["points.transferred.in", "m2", "m1", "10", "t1"],
    ]);
  });

  it("refuses a cursor it did not make, bad options, and a store without an outbox", async () => {
    const { engine } = testEngine(plainProgram, "2026-03-01T12:00:00Z");
    const bad = await expectCode(engine.events({ after: "not-a-cursor" }), "INVALID_COMMAND");
    expect(bad.issues.map((i) => i.path)).toEqual([["after"]]);
    await expectCode(engine.events({ limit: 0 }), "INVALID_COMMAND");
    await expectCode(engine.events({ after: "1", extra: true } as never), "INVALID_COMMAND");
    const inner = createMemoryStore();
    const store = { ...wrapStore(inner, {}), capabilities: { durable: false, multiProcess: false } };
    const { engine: without } = testEngine(plainProgram, "2026-03-01T12:00:00Z", { store });
    await without.enroll({ key: "e1", memberId: "m1" });
    await expectCode(without.events(), "STORE_FAILURE");
    await expectCode(without.notify({ expiringWithinDays: 30 }), "STORE_FAILURE");
    // A store without the capability is handed no events.
    expect((await inner.readEvents("plain", { after: null, limit: 10 })).events).toEqual([]);
  });
});

describe("engine.notify", () => {
  it("writes one points.expiring_soon per wallet and expiry within the window, once however often it runs", async () => {
    const { engine, t } = testEngine(plainProgram, "2026-03-01T12:00:00Z");
    await engine.enroll({ key: "e1", memberId: "m1" });
    await engine.enroll({ key: "e2", memberId: "m2" });
    await buy(engine, "p1", "m1", "40.00");
    t.advance(20 * DAY);
    await buy(engine, "p2", "m2", "25.00");
    const { cursor } = await all(engine);
    // The points expire after 12 months: 30 days before m1's, nothing is due for m2 yet.
    t.set("2027-01-31T12:00:00Z");
    const run = await engine.notify({ expiringWithinDays: 30 });
    expect(run).toMatchObject({ members: 1, notices: 1, failed: [] });
    const notices = (await all(engine, cursor)).events;
    expect(notices).toEqual([
      {
        id: "m1/expiring/points/2027-03-01T12:00:00.000Z",
        type: "points.expiring_soon",
        memberId: "m1",
        seq: 4,
        occurredAt: "2027-01-31T12:00:00.000Z",
        key: null,
        payload: { wallet: "points", points: "40", expiresAt: "2027-03-01T12:00:00.000Z" },
      },
    ]);
    // A rerun, the next day too, writes no second notice of the same expiry.
    await engine.notify({ expiringWithinDays: 30 });
    t.advance(DAY);
    await engine.notify({ expiringWithinDays: 30 });
    const later = await all(engine, cursor);
    expect(later.events.map((e) => e.id)).toEqual([notices[0]!.id]);
    // m2's comes when it enters the window; what has already expired is written off, not announced.
    t.set("2027-03-05T12:00:00Z");
    await engine.notify({ expiringWithinDays: 30 });
    expect((await all(engine, later.cursor)).events.map((e) => [e.type, e.memberId, e.payload.points])).toEqual([
      ["points.expired", "m1", "40"],
      ["points.expiring_soon", "m2", "25"],
    ]);
    await expectCode(engine.notify({ expiringWithinDays: 0 }), "INVALID_COMMAND");
  });

  it("two sweeps at once, from two engines sharing the store, write each notice once", async () => {
    const { engine, store, t } = testEngine(plainProgram, "2026-03-01T12:00:00Z");
    for (const m of ["m1", "m2", "m3"]) {
      await engine.enroll({ key: `e-${m}`, memberId: m });
      await buy(engine, `p-${m}`, m, "10.00");
    }
    const { cursor } = await all(engine);
    t.set("2027-02-20T12:00:00Z");
    // A second engine on the same store with a member queue of its own: the two really race.
    const { engine: second } = testEngine(plainProgram, "2027-02-20T12:00:00Z", { store: wrapStore(store, {}) });
    const runs = await Promise.all([
      engine.notify({ expiringWithinDays: 30 }),
      second.notify({ expiringWithinDays: 30 }),
    ]);
    expect(runs.flatMap((r) => r.failed)).toEqual([]);
    const notices = (await all(engine, cursor)).events;
    expect(notices.map((e) => [e.type, e.memberId])).toEqual([
      ["points.expiring_soon", "m1"],
      ["points.expiring_soon", "m2"],
      ["points.expiring_soon", "m3"],
    ]);
  });
});
