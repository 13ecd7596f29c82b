/**
 * Where this session's features meet (issue 17): checkout holds with refunds, expiry, debt and
 * sweeps; paid-with-points purchases with donations and refunds by line; counters fed by lines and
 * rates; retries of the new commands. Each case checks the member's stored state against the fold
 * of its entries and the ledger invariants (memberViolations).
 *
 * Numbers: Selflane's "Point Voucher" (docs.selflane.com/biz/customer/member/point_voucher.html),
 * "50 Points for $5 ... if an order total payment is $20, the $5 voucher can be redeemed with 50
 * points": a point pays $0.10; $1 earns 1 point; points live 12 months.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMemoryStore, type ProgramDefinition } from "../../src/index.js";
import { memberViolations, storeFingerprint } from "../../src/testing/index.js";
import { checkoutLife, checkoutProgram } from "../support/checkout-lives.js";
import { testEngine } from "../support/engine.js";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const DAY = 86_400_000;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 15);

function selflane(over: Record<string, unknown> = {}): ProgramDefinition {
  return {
    id: "selflane",
    version: 1,
    currency: "USD",
    timeZone: "America/New_York",
    points: { scale: 0, rounding: "down" },
    wallets: [
      { id: "points", kind: "spendable" },
      { id: "status", kind: "qualifying", expiresAfter: null },
    ],
    expiry: { after: { months: 12 } },
    refunds: { negativeBalance: "allow_debt" },
    rules: [{ id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] }],
    checkout: { pointValue: "0.10", holdMinutes: 30 },
    ...over,
  } as ProgramDefinition;
}

async function member(def: ProgramDefinition) {
  const { engine, store, t } = testEngine(def, T0);
  await engine.enroll({ key: "e", memberId: "ann", attributes: { cause: "c" } });
  let n = 0;
  const buy = (amount: string, extra: Record<string, unknown> = {}) => {
    const purchaseId = `p${++n}`;
    return engine.recordPurchase({ key: purchaseId, memberId: "ann", purchaseId, amount, currency: "USD", ...extra });
  };
  const refund = (purchaseId: string, amount: string, extra: Record<string, unknown> = {}) =>
    engine.refund({ key: `r-${++n}`, memberId: "ann", purchaseId, amount, currency: "USD", ...extra });
  const hold = (holdId: string, points: string, orderAmount: string, extra: Record<string, unknown> = {}) =>
    engine.hold({ key: `h-${holdId}`, memberId: "ann", holdId, wallet: "points", points, orderAmount, ...extra });
  const wallet = async () => {
    const w = (await engine.summary("ann")).wallets.points!;
    return { available: w.available, held: w.held, debt: w.debt, reversed: w.lifetime.reversed };
  };
  const violations = () => memberViolations(store, def.id, "ann", t.now());
  return { engine, store, t, buy, refund, hold, wallet, violations };
}

describe("a hold that drew every lot of a purchase", () => {
  it("gives the purchase's record back when released, so the stored state stays the fold of the entries", async () => {
    const m = await member(selflane());
    await m.buy("50.00"); // 50 points, all in one lot
    await m.hold("order-1", "50", "20.00"); // the $5 voucher on a $20 order
    await m.engine.releaseHold({ key: "rel", memberId: "ann", holdId: "order-1" });
    expect(await m.wallet()).toMatchObject({ available: "50", held: "0" });
    expect(await m.violations()).toEqual([]);
    // The purchase is still refundable against its record: all 50 points go back with its $50.
    const r = await m.refund("p1", "50.00");
    expect(r.reversed).toEqual([{ wallet: "points", points: "50", debt: "0", forgiven: "0" }]);
    expect(await m.violations()).toEqual([]);
  });

  it("does so when the hold expires in a sweep, and when it is captured in part", async () => {
    const m = await member(selflane());
    await m.buy("50.00");
    await m.hold("order-1", "50", "20.00");
    m.t.set(T0 + 31 * 60_000);
    await m.engine.expire();
    expect(await m.wallet()).toMatchObject({ available: "50", held: "0" });
    expect(await m.violations()).toEqual([]);
    await m.hold("order-2", "50", "20.00");
    await m.engine.captureHold({ key: "cap", memberId: "ann", holdId: "order-2", points: "30" });
    expect(await m.wallet()).toMatchObject({ available: "20", held: "0" });
    expect(await m.violations()).toEqual([]);
  });
});

describe("a refund while points are held", () => {
  it("allow_debt: the refund's debt is repaid first by the points the release gives back", async () => {
    const m = await member(selflane());
    await m.buy("100.00"); // 100 points
    await m.hold("order-1", "50", "20.00");
    // A refund of everything takes back the 50 points not held, and the 50 held become debt.
    const r = await m.refund("p1", "100.00");
    expect(r.reversed).toEqual([{ wallet: "points", points: "100", debt: "50", forgiven: "0" }]);
    expect(await m.wallet()).toMatchObject({ available: "0", held: "50", debt: "50" });
    const released = await m.engine.releaseHold({ key: "rel", memberId: "ann", holdId: "order-1" });
    expect(released.entries.map((e) => e.kind)).toEqual(["holdRelease"]);
    expect(released.entries[0]).toMatchObject({ lots: [], forfeited: "0", debtRepaid: "50" });
    // The feed says so: a consumer keeping balances sees 50 points go to the debt, none to the lots.
    const last = (await m.engine.events({ limit: 100 })).events.at(-1)!;
    expect([last.type, last.payload]).toEqual([
      "points.hold_released",
      { holdId: "order-1", wallet: "points", points: "50", forfeited: "0", debtRepaid: "50", expired: false },
    ]);
    expect(await m.wallet()).toMatchObject({ available: "0", held: "0", debt: "0" });
    expect(await m.violations()).toEqual([]);
  });

  it("allow_debt: a partial capture repays the debt with the points it gives back", async () => {
    const m = await member(selflane());
    await m.buy("100.00");
    await m.hold("order-1", "50", "20.00");
    await m.refund("p1", "100.00"); // debt 50
    await m.engine.captureHold({ key: "cap", memberId: "ann", holdId: "order-1", points: "20" });
    // 30 points come back: they repay 30 of the 50 owed.
    expect(await m.wallet()).toMatchObject({ available: "0", held: "0", debt: "20" });
    expect(await m.violations()).toEqual([]);
  });

  it("within_balance: points the refund forgave because they were held are taken back on release", async () => {
    const m = await member(selflane({ refunds: { negativeBalance: "within_balance" } }));
    await m.buy("100.00");
    await m.hold("order-1", "50", "20.00");
    const r = await m.refund("p1", "100.00");
    expect(r.reversed).toEqual([{ wallet: "points", points: "50", debt: "0", forgiven: "50" }]);
    const released = await m.engine.releaseHold({ key: "rel", memberId: "ann", holdId: "order-1" });
    // As a redemption's cancellation does: the refund takes now what it could not take then.
    expect(released.entries.map((e) => e.kind)).toEqual(["holdRelease", "reverse"]);
    expect(released.entries[1]).toMatchObject({ points: "50", forgiven: "-50", purchaseId: "p1" });
    expect(released).toMatchObject({ returned: "50", forfeited: "0" });
    expect(await m.wallet()).toMatchObject({ available: "0", held: "0", debt: "0", reversed: "100" });
    expect(await m.violations()).toEqual([]);
  });
  it("within_balance: a read after the hold expired shows what the write releasing it will book", async () => {
    const m = await member(selflane({ refunds: { negativeBalance: "within_balance" } }));
    await m.buy("100.00");
    await m.hold("order-1", "100", "1000.00"); // every point: the purchase's record retires
    await m.refund("p1", "100.00"); // forgives all 100
    m.t.set(T0 + 31 * 60_000); // the hold has expired; no write since
    expect(await m.wallet()).toMatchObject({ available: "0", held: "0", reversed: "100" });
    await m.engine.expire();
    expect(await m.wallet()).toMatchObject({ available: "0", held: "0", reversed: "100" });
    expect(await m.violations()).toEqual([]);
  });
});

describe("points that expire while held", () => {
  it("are forfeited unused: a later refund of their purchase does not take them from another purchase's points", async () => {
    const m = await member(selflane({ refunds: { negativeBalance: "within_balance" } }));
    await m.buy("100.00"); // p1: 100 points, expiring 2027-03-02T10:00Z
    m.t.set(T0 + 300 * DAY);
    await m.buy("100.00"); // p2: 100 points, expiring later
    // A day-long hold made a minute before p1's points expire draws them (soonest-expiring first).
    m.t.set(Date.parse("2027-03-02T09:59:00Z"));
    await m.hold("order-1", "100", "1000.00", { expiresInMinutes: 24 * 60 });
    m.t.set(Date.parse("2027-03-04T00:00:00Z"));
    await m.engine.expire(); // the hold expired after p1's lot did: its 100 points are forfeited
    expect(await m.wallet()).toMatchObject({ available: "100", held: "0" });
    const r = await m.refund("p1", "100.00");
    expect(r.reversed).toEqual([{ wallet: "points", points: "0", debt: "0", forgiven: "100" }]);
    expect(await m.wallet()).toMatchObject({ available: "100", reversed: "0" });
    expect(await m.violations()).toEqual([]);
  });
});

describe("retries of the checkout commands", () => {
  it("replay with the same key, conflict on another payload, and a refusal writes nothing", async () => {
    const m = await member(selflane());
    await m.buy("80.00"); // 80 points
    const keys = ["h-order-1", "cap", "rel", "h-order-2"];
    const print = () => storeFingerprint(m.store, "selflane", ["ann"], keys);
    // Refusals: more points than the member has; a share above the whole basket; no such hold.
    let before = await print();
    await expect(m.hold("order-1", "90", "20.00")).rejects.toMatchObject({ code: "INSUFFICIENT_POINTS" });
    await expect(m.hold("order-2", "50", "4.00")).rejects.toMatchObject({ code: "SHARE_OUT_OF_BOUNDS" });
    await expect(m.engine.captureHold({ key: "cap", memberId: "ann", holdId: "order-1" })).rejects.toMatchObject({
      code: "HOLD_NOT_FOUND",
    });
    expect(await print()).toBe(before);
    // The cause gone (a top-up), the same key succeeds (invariant 9).
    await m.engine.adjust({ key: "top-up", memberId: "ann", wallet: "points", points: "20", reason: "goodwill" });
    const held = await m.hold("order-1", "90", "20.00");
    expect(held).toMatchObject({ points: "90", replayed: false });
    before = await print();
    expect(await m.hold("order-1", "90", "20.00")).toEqual({ ...held, replayed: true });
    await expect(m.hold("order-1", "80", "20.00")).rejects.toMatchObject({ code: "IDEMPOTENCY_CONFLICT" });
    expect(await print()).toBe(before);

    const captured = await m.engine.captureHold({ key: "cap", memberId: "ann", holdId: "order-1", points: "50" });
    expect(captured).toMatchObject({ captured: "50", returned: "40", forfeited: "0" });
    before = await print();
    expect(await m.engine.captureHold({ key: "cap", memberId: "ann", holdId: "order-1", points: "50" })).toEqual({
      ...captured,
      replayed: true,
    });
    await expect(m.engine.captureHold({ key: "cap", memberId: "ann", holdId: "order-1" })).rejects.toMatchObject({
      code: "IDEMPOTENCY_CONFLICT",
    });
    // A release of the captured hold under a new key: it is closed.
    await expect(m.engine.releaseHold({ key: "rel", memberId: "ann", holdId: "order-1" })).rejects.toMatchObject({
      code: "HOLD_NOT_FOUND",
    });
    expect(await print()).toBe(before);
    expect(await m.wallet()).toMatchObject({ available: "50", held: "0" });
    expect(await m.violations()).toEqual([]);
  });
});

describe("budgets with counters and with donations of points", () => {
  const counted = (over: Record<string, unknown>) =>
    selflane({
      wallets: [
        { id: "points", kind: "spendable" },
        { id: "status", kind: "qualifying", expiresAfter: null },
        { id: "stamps", kind: "counter" },
      ],
      ...over,
    });

  it("a budget on a rule feeding a counter stops its units; the milestone converts what was given; a refund gives no budget back", async () => {
    const def = counted({
      rules: [
        { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
        // A launch stamp card: 3 stamps in all across members.
        {
          id: "stamp",
          on: "purchase",
          budget: { points: "3" },
          awards: [{ kind: "fixed", points: "1", wallet: "stamps" }],
        },
      ],
      milestones: [{ from: "stamps", every: 2, into: "points", units: 25 }],
    });
    const m = await member(def);
    await m.buy("10.00");
    const second = await m.buy("10.00");
    expect(second.totals).toEqual({ points: "10", stamps: "1" });
    expect(second.entries.filter((e) => e.kind === "milestone")).toHaveLength(1);
    await m.buy("10.00");
    const fourth = await m.buy("10.00");
    expect(fourth.budgets).toEqual([{ ruleId: "stamp", taken: "0", left: "0", exhausted: true }]);
    const s = (await m.engine.summary("ann")).wallets;
    expect([s.points!.available, s.stamps!.available]).toEqual(["65", "1"]); // 40 + 25, and the third stamp
    // Refunding the second purchase takes its 10 points and a stamp: the member still holds one
    // (the third's), so no conversion is undone (stamps are alike, as Tesco's keys are).
    await m.refund("p2", "10.00");
    const after = (await m.engine.summary("ann")).wallets;
    expect([after.points!.available, after.stamps!.available]).toEqual(["55", "0"]);
    // The refund gave no budget back.
    expect((await m.buy("10.00")).budgets).toEqual([{ ruleId: "stamp", taken: "0", left: "0", exhausted: true }]);
    expect(await m.violations()).toEqual([]);
  });

  it("a donation of points gives a share of what the purchase earned after its budget cut the award", async () => {
    const def = selflane({
      rules: [
        {
          id: "base",
          on: "purchase",
          budget: { points: "150" },
          awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }],
        },
      ],
      donations: { share: "0.1", of: "points", wallet: "points", causes: ["c"] },
    });
    const m = await member(def);
    await m.buy("100.00"); // 100 points: 10 given
    const cut = await m.buy("100.00"); // the budget leaves 50: 5 given
    expect(cut.totals).toEqual({ points: "50" });
    expect(cut.entries.find((e) => e.kind === "donation")).toMatchObject({ amount: "5", of: "points" });
    const back = await m.refund("p2", "50.00"); // half the money: 25 of its 50 points, 2 of its 5 given (5 × 50/100 = 2.5 kept, rounded down to 2)
    expect(back.reversed).toEqual([{ wallet: "points", points: "25", debt: "0", forgiven: "0" }]);
    expect(back.entries.find((e) => e.kind === "donation")).toMatchObject({ amount: "-3" });
    expect(await m.violations()).toEqual([]);
  });
});

describe("property: holds, refunds, paid-with-points purchases, milestones and donations together", () => {
  for (const policy of ["only_pending", "within_balance", "allow_debt"] as const) {
    it(`keep the stored state the fold of its entries and the ledger invariants, after every command (${policy})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), async (seed) => {
          const store = createMemoryStore();
          const program = checkoutProgram(policy);
          await checkoutLife(store, seed, program, async (t) => {
            expect(await memberViolations(store, program.id, "m", t.now())).toEqual([]);
          });
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe("a tier on the balance while a hold is open (Voucherify's balance qualification)", () => {
  // Gold from 1,000 points held, silver from 500, reviewed daily at midnight.
  const balanceTiers = selflane({
    tiers: {
      levels: [
        { id: "bronze" },
        { id: "silver", qualify: { thresholds: [{ metric: "balance", wallet: "points", min: "500" }] } },
        { id: "gold", qualify: { thresholds: [{ metric: "balance", wallet: "points", min: "1000" }] } },
      ],
      window: { kind: "calendarYear" },
      promotion: "immediate",
      review: { schedule: { kind: "daily" }, demotion: "recompute" },
      refunds: "atReview",
    },
  });

  it("counts the held points: checking out across midnight does not demote, whenever the review runs", async () => {
    for (const reviewAt of ["2026-03-03T05:10:00Z", "2026-03-03T05:30:00Z"]) {
      const m = await member(balanceTiers);
      await m.buy("1200.00");
      expect((await m.engine.summary("ann")).tier?.id).toBe("gold");
      // 23:50 in New York; an hour-long hold on 500 points ($50 of a $200 order) spans midnight.
      m.t.set("2026-03-03T04:50:00Z");
      await m.hold("order-1", "500", "200.00", { expiresInMinutes: 60 });
      // The midnight review runs while the hold is open (00:10), or after it expired (00:30 + 1h).
      m.t.set(reviewAt === "2026-03-03T05:10:00Z" ? reviewAt : "2026-03-03T06:30:00Z");
      expect((await m.engine.reviewTiers()).changes).toEqual({});
      expect((await m.engine.summary("ann")).tier?.id).toBe("gold");
      expect(await m.violations()).toEqual([]);
    }
  });

  it("a captured hold is spent: the next review demotes as after any spend", async () => {
    const m = await member(balanceTiers);
    await m.buy("1200.00");
    m.t.set("2026-03-03T04:50:00Z");
    await m.hold("order-1", "500", "200.00");
    await m.engine.captureHold({ key: "cap", memberId: "ann", holdId: "order-1" });
    m.t.set("2026-03-03T05:10:00Z");
    expect((await m.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    expect((await m.engine.summary("ann")).tier?.id).toBe("silver");
  });
});
