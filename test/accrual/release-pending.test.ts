/**
 * Pending points released on demand (issue 17): `releasePending` makes a member's pending points,
 * all of them or one purchase's, spendable now.
 *
 * Sources: Voucherify's pending points guide (https://support.voucherify.io/article/640-pending-points):
 * points of a paid order stay pending for a period matching the return window (1 to 90 days), and
 * can be activated by hand before it ends ("Activate"; the API's POST
 * /loyalties/members/{memberId}/pending-points/{pendingPointsId}/activate); Talon.One's loyalty
 * transactions (`startDate: "on_action"`: points become active on the customer's action). The
 * example: an order's points are activated when the order ships, the other order's stay pending.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LoyaltyEngine } from "../../src/index.js";
import { memberViolations, plainProgram, storeFingerprint } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { expectError } from "../support/errors.js";

const DAY = 86_400_000;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const START = "2026-03-01T12:00:00Z";
/** Voucherify's example period: a 14-day return window. */
const program = { ...plainProgram, id: "release", pending: { days: 14 } };

const buy = (engine: LoyaltyEngine, key: string, amount: string) =>
  engine.recordPurchase({ key, memberId: "ann", purchaseId: key, amount, currency: "GBP" });

async function annWithTwoOrders() {
  const made = testEngine(program, START);
  await made.engine.enroll({ key: "join", memberId: "ann" });
  await buy(made.engine, "order-1", "23.00");
  await buy(made.engine, "order-2", "23.00");
  return made;
}

describe("releasePending: an order's pending points activated when it ships", () => {
  it("makes the shipped order's points spendable now and leaves the other order's pending", async () => {
    const { engine, t } = await annWithTwoOrders();
    expect((await engine.summary("ann")).wallets.points).toMatchObject({ available: "0", pending: "46" });
    t.advance(2 * DAY); // order-1 ships two days later
    const shipped = await engine.releasePending({ key: "ship-order-1", memberId: "ann", purchaseId: "order-1" });
    expect(shipped).toMatchObject({
      memberId: "ann",
      purchaseId: "order-1",
      points: { points: "23", status: "23" },
      replayed: false,
    });
    expect(shipped.released.map((r) => [r.wallet, r.points, r.purchaseId, r.scheduledAt])).toEqual([
      ["points", "23", "order-1", "2026-03-15T12:00:00.000Z"],
      ["status", "23", "order-1", "2026-03-15T12:00:00.000Z"],
    ]);
    expect(shipped.entries.map((e) => e.kind)).toEqual(["release", "release"]);
    expect((await engine.summary("ann")).wallets.points).toMatchObject({ available: "23", pending: "23" });
    await engine.spend({ key: "coffee", memberId: "ann", wallet: "points", points: "23" });
    // The statement shows the release; the feed tells it once, with the command's key.
    const feed = await engine.events({ limit: 100 });
    const told = feed.events.filter((e) => e.type === "points.available");
    expect(told.map((e) => [e.key, e.payload.purchaseId, e.payload.early, e.payload.availableAt])).toEqual([
      ["ship-order-1", "order-1", true, "2026-03-03T12:00:00.000Z"],
      ["ship-order-1", "order-1", true, "2026-03-03T12:00:00.000Z"],
    ]);
    // At the end of the window only order-2's points are released by the clock.
    t.set(Date.parse("2026-03-15T12:00:00Z"));
    await engine.expire();
    const later = await engine.events({ after: feed.cursor, limit: 100 });
    expect(later.events.map((e) => [e.type, e.payload.purchaseId, e.payload.early])).toEqual([
      ["points.available", "order-2", false],
      ["points.available", "order-2", false],
    ]);
  });

  it("without a purchase, releases all of the member's pending points", async () => {
    const { engine } = await annWithTwoOrders();
    const all = await engine.releasePending({ key: "vip", memberId: "ann" });
    expect(all.purchaseId).toBeNull();
    expect(all.points).toEqual({ points: "46", status: "46" });
    expect(all.released).toHaveLength(4);
    expect((await engine.summary("ann")).wallets.points).toMatchObject({ available: "46", pending: "0" });
  });

  it("is idempotent by key: a retry replays, another payload under the key conflicts", async () => {
    const { engine, store } = await annWithTwoOrders();
    const first = await engine.releasePending({ key: "ship", memberId: "ann", purchaseId: "order-1" });
    const before = await storeFingerprint(store, program.id, ["ann"], ["ship"]);
    const again = await engine.releasePending({ key: "ship", memberId: "ann", purchaseId: "order-1" });
    expect(again).toEqual({ ...first, replayed: true });
    await expectError(
      engine.releasePending({ key: "ship", memberId: "ann", purchaseId: "order-2" }),
      "IDEMPOTENCY_CONFLICT",
    );
    expect(await storeFingerprint(store, program.id, ["ann"], ["ship"])).toBe(before);
  });

  it("nothing pending is an empty result, not an error: released by the clock, or refunded", async () => {
    const { engine, t } = await annWithTwoOrders();
    await engine.refund({ key: "return-2", memberId: "ann", purchaseId: "order-2", amount: "23.00", currency: "GBP" });
    const refunded = await engine.releasePending({ key: "ship-2", memberId: "ann", purchaseId: "order-2" });
    expect(refunded).toMatchObject({ released: [], points: {}, entries: [] });
    t.advance(20 * DAY); // the window has passed: order-1's points are available by the clock
    const late = await engine.releasePending({ key: "ship-1", memberId: "ann", purchaseId: "order-1" });
    expect(late.released).toEqual([]);
    // The late command's due work wrote the clock's release first: the feed still has one per lot.
    const feed = await engine.events({ limit: 100 });
    expect(feed.events.filter((e) => e.type === "points.available").map((e) => e.payload.early)).toEqual([
      false,
      false,
    ]);
  });

  it("refuses an unknown member, an unknown purchase and a bad command, writing nothing", async () => {
    const { engine, store } = await annWithTwoOrders();
    const before = await storeFingerprint(store, program.id, ["ann"], ["x1", "x2", "x3"]);
    await expectError(engine.releasePending({ key: "x1", memberId: "bob" }), "MEMBER_NOT_FOUND");
    const unknown = await expectError(
      engine.releasePending({ key: "x2", memberId: "ann", purchaseId: "order-9" }),
      "PURCHASE_NOT_FOUND",
    );
    expect(unknown.issues?.map((i) => i.path)).toEqual([["purchaseId"]]);
    const bad = await expectError(
      engine.releasePending({ key: "x3", memberId: "ann", purchaseId: 7 } as never),
      "INVALID_COMMAND",
    );
    expect(bad.issues?.map((i) => i.path)).toEqual([["purchaseId"]]);
    expect(await storeFingerprint(store, program.id, ["ann"], ["x1", "x2", "x3"])).toBe(before);
  });
});

describe("releasePending, property", () => {
  it("conserves each wallet's pending + available, moves only pending to available, and keeps the books", async () => {
    const order = fc.record({ amount: fc.integer({ min: 1, max: 300 }), after: fc.integer({ min: 0, max: 20 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(order, { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(5), { nil: null }),
        fc.integer({ min: 0, max: 20 }),
        async (orders, pick, wait) => {
          const { engine, store, t } = testEngine(program, START);
          await engine.enroll({ key: "join", memberId: "ann" });
          for (const [i, o] of orders.entries()) {
            t.advance(o.after * DAY);
            await buy(engine, `o${i}`, `${o.amount}.00`);
          }
          t.advance(wait * DAY);
          const purchaseId = pick === null ? undefined : `o${pick % orders.length}`;
          const before = await engine.summary("ann");
          const done = await engine.releasePending({
            key: "r",
            memberId: "ann",
            ...(purchaseId ? { purchaseId } : {}),
          });
          const after = await engine.summary("ann");
          for (const wallet of ["points", "status"]) {
            const b = before.wallets[wallet]!,
              a = after.wallets[wallet]!;
            const moved = Number(done.points[wallet] ?? "0");
            expect(Number(a.available) + Number(a.pending)).toBe(Number(b.available) + Number(b.pending));
            expect(Number(a.available)).toBe(Number(b.available) + moved);
            if (purchaseId === undefined) expect(a.pending).toBe("0");
          }
          expect(await memberViolations(store, program.id, "ann", t.now())).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
