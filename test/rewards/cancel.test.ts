/**
 * Cancelling a redemption (src/rewards/redeem.ts, moving to src/rewards/cancel.ts): points back into
 * the lots they came from, grace lots for points whose lot has expired since, debt repaid first,
 * units back to the stock and the limits, refunds and inactivity in between; then the property that
 * a cancellation made before anything expired leaves the member exactly as they were.
 * Over 300 lines: the examples and the property of one command, with the property's comparisons.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Decimal,
  LoyaltyError,
  createMemoryStore,
  walletBalance,
  type MemberState,
  type ProgramDefinition,
} from "../../src/index.js";
import { unitsToDecimal } from "../../src/testing/index.js";
import { periodKey, type Period } from "../../src/shared/periods.js";
import { expectError } from "../support/errors.js";
import { T0, memberSetup } from "../support/members.js";
import { ladder, mugProgram, rewardsProgram } from "../support/programs.js";
import {
  DAY,
  RUNS,
  cancelEntry,
  iso,
  lotOf,
  mug,
  redeemEntry,
  refuses,
  setup,
  startArb,
  type RewardInput,
} from "../support/rewards.js";

describe("cancelling a redemption", () => {
  it("puts the points back into the lots they came from, reopening emptied lots with their own dates", async () => {
    const s = await setup(rewardsProgram([mug]));
    await s.enroll();
    const p = lotOf(await s.event("promo")); // 50, expires 1 April 10:00 BST
    const a = lotOf(await s.credit("100"));
    const before = await s.state();
    const r = await s.redeem("mug", { key: "k" });
    expect(redeemEntry(r).lots).toEqual([
      { lotId: p, points: "50" },
      { lotId: a, points: "70" },
    ]);
    expect((await s.state()).lots.map((l) => [l.id, l.remaining.toString()])).toEqual([[a, "30"]]);
    s.t.advance(3 * DAY);

    const c = await s.cancel("k", "undo");
    expect(c).toMatchObject({
      memberId: "m",
      redemptionId: "k",
      rewardId: "mug",
      wallet: "points",
      restored: "120",
      regranted: "0",
      forfeited: "0",
      debtRepaid: "0",
      stock: 0,
      replayed: false,
    });
    expect(cancelEntry(c)).toMatchObject({
      lots: [
        { lotId: p, points: "50" },
        { lotId: a, points: "70" },
      ],
      lot: null,
      points: "120",
    });
    const after = await s.state();
    const shape = (st: MemberState) =>
      st.lots
        .map((l) => ({
          id: l.id,
          amount: l.amount.toString(),
          remaining: l.remaining.toString(),
          earnedAt: l.earnedAt,
          availableAt: l.availableAt,
          expiresAt: l.expiresAt,
        }))
        .sort((x, y) => x.id.localeCompare(y.id));
    expect(shape(after)).toEqual(shape(before));
    const w = await s.wallet();
    expect(w).toMatchObject({ available: "150", expiringSoon: [{ at: "2026-04-01T09:00:00.000Z", points: "50" }] });
    expect(w.lifetime).toMatchObject({ spent: "0", expired: "0" });
    expect((await s.engine.summary("m")).redemptions).toEqual([]);
    const kinds = (await s.engine.statement("m")).entries.map((e) => e.kind);
    expect(kinds).toEqual(["enroll", "event", "earn", "adjust", "redeem", "cancel"]);
    expect(await s.violations()).toEqual([]);
  });

  // Promo points earned on 10 February expire on 12 March; the cancellation is on 20 March (GMT),
  // so their grace lot's local days run across the change to BST on 29 March.
  it.each([
    ["the default 30 days", undefined, "2026-04-19T09:00:00.000Z"],
    ["10 days", 10, "2026-03-30T09:00:00.000Z"],
  ])(
    "points whose lot expired since come back as a grace lot lasting %s (local days)",
    async (_, graceDays, expiresAt) => {
      const start = Date.parse("2026-02-10T10:00:00Z");
      const s = await setup(
        rewardsProgram([mug], graceDays === undefined ? {} : { cancellation: { graceDays } }),
        start,
      );
      await s.enroll();
      const p = lotOf(await s.event("promo"));
      const a = lotOf(await s.credit("100"));
      await s.redeem("mug", { key: "k" });
      const cancelAt = Date.parse("2026-03-20T10:00:00Z");
      s.t.set(cancelAt);
      const c = await s.cancel("k");
      expect(c).toMatchObject({ restored: "70", regranted: "50", forfeited: "0", debtRepaid: "0" });
      const entry = cancelEntry(c);
      expect(entry.lots).toEqual([{ lotId: a, points: "70" }]);
      expect(entry.lots.some((l) => l.lotId === p)).toBe(false);
      expect(entry.lot).toEqual({ wallet: "points", earnedAt: iso(cancelAt), availableAt: iso(cancelAt), expiresAt });
      expect(await s.wallet()).toMatchObject({ available: "150", expiringSoonTotal: "50" });
      // The grace lot is the grace lot, spendable to the last millisecond and no longer.
      s.t.set(Date.parse(expiresAt) - 1);
      expect((await s.wallet()).available).toBe("150");
      s.t.set(Date.parse(expiresAt));
      expect(await s.wallet()).toMatchObject({ available: "100", expiredUnswept: "50" });
      await s.engine.expire();
      const w = await s.wallet();
      expect(w.lifetime).toMatchObject({ spent: "0", expired: "50" });
      expect(await s.violations()).toEqual([]);
    },
  );

  it("with graceDays 0 those points are forfeited, counted as expired", async () => {
    const s = await setup(rewardsProgram([mug], { cancellation: { graceDays: 0 } }), "2026-02-10T10:00:00Z");
    await s.enroll();
    await s.event("promo");
    const a = lotOf(await s.credit("100"));
    await s.redeem("mug", { key: "k" });
    s.t.set("2026-03-20T10:00:00Z");
    const c = await s.cancel("k");
    expect(c).toMatchObject({ restored: "70", regranted: "0", forfeited: "50", debtRepaid: "0" });
    expect(cancelEntry(c)).toMatchObject({ lots: [{ lotId: a, points: "70" }], lot: null, forfeited: "50" });
    const w = await s.wallet();
    expect(w).toMatchObject({ available: "100", expiredUnswept: "0" });
    expect(w.lifetime).toMatchObject({ earned: "50", adjusted: "100", spent: "0", expired: "50" });
    expect(await s.violations()).toEqual([]);
  });

  it("repays debt first (a refund under allow_debt after the redemption), then restores the rest", async () => {
    const s = await setup(rewardsProgram([{ ...mug, id: "big" }], { pending: { days: 0 } }));
    await s.enroll();
    const bought = await s.buy("100.00");
    const p1 = lotOf(bought);
    s.t.advance(3_600_000);
    const a = lotOf(await s.credit("50"));
    const r = await s.redeem("big", { key: "k" });
    expect(redeemEntry(r).lots).toEqual([
      { lotId: p1, points: "100" },
      { lotId: a, points: "20" },
    ]);
    const refund = await s.engine.refund({
      key: "refund",
      memberId: "m",
      purchaseId: bought.purchaseId!,
      amount: "100.00",
      currency: "GBP",
    });
    expect(refund.reversed.find((x) => x.wallet === "points")).toEqual({
      wallet: "points",
      points: "100",
      debt: "70",
      forgiven: "0",
    });
    expect(await s.wallet()).toMatchObject({ available: "0", debt: "70" });

    const c = await s.cancel("k");
    expect(c).toMatchObject({ restored: "50", regranted: "0", forfeited: "0", debtRepaid: "70" });
    // In spending order: the purchase's lot first (70 of its 100 repay the debt), then the credit.
    expect(cancelEntry(c).lots).toEqual([
      { lotId: p1, points: "30" },
      { lotId: a, points: "20" },
    ]);
    const w = await s.wallet();
    expect(w).toMatchObject({ available: "50", debt: "0" });
    expect(w.lifetime).toMatchObject({ earned: "100", adjusted: "50", spent: "0", reversed: "100" });
    expect(await s.violations()).toEqual([]);
  });

  it("gives the units back to the stock and to the member's limits", async () => {
    const s = await setup(
      rewardsProgram([
        {
          ...mug,
          stock: 3,
          limits: [
            { period: "day", count: 1 },
            { period: "lifetime", count: 2 },
          ],
        },
      ]),
    );
    await s.enroll();
    await s.credit("1000");
    await s.redeem("mug", { key: "k" });
    expect(await s.engine.stock("mug")).toBe(2);
    expect((await s.engine.rewards("m"))[0]).toMatchObject({
      unitsLeftInLimits: 0,
      stock: 2,
      redeemable: false,
      refusal: { code: "LIMIT_REACHED" },
    });
    const c = await s.cancel("k");
    expect(c.stock).toBe(1);
    expect(cancelEntry(c).stock).toBe(1);
    expect(await s.engine.stock("mug")).toBe(3);
    expect((await s.engine.rewards("m"))[0]).toMatchObject({ unitsLeftInLimits: 1, stock: 3, redeemable: true });
    await s.redeem("mug"); // the same day
    s.t.advance(DAY);
    await s.redeem("mug");
    expect(await s.engine.stock("mug")).toBe(1);
    s.t.advance(DAY);
    await refuses(s, "3rd", () => s.redeem("mug", { key: "3rd" }), "LIMIT_REACHED"); // lifetime 2
  });

  it("cancelling twice is REDEMPTION_CANCELLED; an unknown (or another member's) redemption is REDEMPTION_NOT_FOUND; a retry replays", async () => {
    const s = await setup(rewardsProgram([{ ...mug, stock: 5 }]));
    await s.enroll();
    await s.enroll("other");
    await s.credit("1000");
    await s.redeem("mug", { key: "k" });
    const first = await s.cancel("k", "undo");
    expect(await s.cancel("k", "undo")).toEqual({ ...first, replayed: true });
    expect(await s.engine.stock("mug")).toBe(5);
    const twice = await refuses(s, "undo-2", () => s.cancel("k", "undo-2"), "REDEMPTION_CANCELLED");
    expect(twice.details).toEqual({ redemptionId: "k" });
    await refuses(s, "undo-3", () => s.cancel("nope", "undo-3"), "REDEMPTION_NOT_FOUND");
    await s.redeem("mug", { key: "k2" });
    await refuses(s, "undo-4", () => s.cancel("k2", "undo-4", "other"), "REDEMPTION_NOT_FOUND", ["m", "other"]);
    await refuses(s, "undo-5", () => s.cancel("k2", "undo-5", "ghost"), "MEMBER_NOT_FOUND", ["ghost"]);
  });

  it("still works after the reward is withdrawn from the catalogue", async () => {
    const store = createMemoryStore();
    const s = await setup(rewardsProgram([{ ...mug, stock: 2 }]), T0, { store });
    await s.enroll();
    await s.credit("500");
    await s.redeem("mug", { key: "k" });
    const later = await setup(rewardsProgram([{ ...mug, stock: 2, enabled: false }]), T0 + DAY, {
      store,
      idPrefix: "later",
    });
    await refuses(later, "again", () => later.redeem("mug", { key: "again" }), "REWARD_UNAVAILABLE");
    expect((await later.cancel("k")).restored).toBe("120");
    expect(await later.engine.stock("mug")).toBe(2);
    expect((await later.wallet()).available).toBe("500");
  });

  describe("after the purchase was refunded", () => {
    it("control: cancel before the lot expires reclaims the forgiven points", async () => {
      const s = memberSetup(mugProgram({ expiry: { after: { days: 30 } } }));
      await s.enroll("m");
      await s.buy("m", "100", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
      const rf = await s.engine.refund({ key: "rf", memberId: "m", purchaseId: "P1", amount: "100", currency: "GBP" });
      expect(rf.reversed.find((r) => r.wallet === "points")!.forgiven).toBe("100");
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect(c.reclaimed).toBe("100");
      expect((await s.avail("m")).available).toBe("0");
    });

    it("regranted points of a refunded purchase are kept (laundering through an expired lot)", async () => {
      const s = memberSetup(mugProgram({ expiry: { after: { days: 30 } } }));
      await s.enroll("m");
      await s.buy("m", "100", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
      await s.engine.refund({ key: "rf", memberId: "m", purchaseId: "P1", amount: "100", currency: "GBP" });
      s.t.set(T0 + 31 * DAY); // the purchase's lot has expired
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      // The member paid nothing (fully refunded): the points come back (a grace lot) and are reclaimed
      expect({ regranted: c.regranted, reclaimed: c.reclaimed, available: (await s.avail("m")).available }).toEqual({
        regranted: "100",
        reclaimed: "100",
        available: "0",
      }); // given back as a grace lot, and taken at once
    });
  });

  describe("after the inactivity deadline lapsed the redeemed lot", () => {
    it("graceDays 0: points of a lot that lapsed for inactivity are forfeited, not restored, even after new activity", async () => {
      const s = memberSetup(
        mugProgram({ expiry: { kind: "inactivity", months: 1 } as never, cancellation: { graceDays: 0 } }),
      );
      await s.enroll("m");
      await s.buy("m", "100", "P1"); // lot L: 100, no expiry date of its own
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug", quantity: 1 }); // draws 100 from L... use price 100
      s.t.set(T0 + 40 * DAY); // deadline T0 + 1 month has passed: the wallet lapsed
      await s.buy("m", "10", "P2"); // new activity: the deadline moves on; nothing left to lapse from L
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect({ restored: c.restored, forfeited: c.forfeited, available: (await s.avail("m")).available }).toEqual({
        restored: "0",
        forfeited: "100",
        available: "10",
      });
    });

    it("graceDays 30: the same points are forfeited too, not revived as a grace lot (the lapse took them)", async () => {
      const s = memberSetup(mugProgram({ expiry: { kind: "inactivity", months: 1 } as never }));
      await s.enroll("m");
      await s.buy("m", "100", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
      s.t.set(T0 + 40 * DAY);
      await s.engine.recordEvent({ key: "ev", memberId: "m", type: "bonus" }); // activity after the lapse (+100 points)
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect({ restored: c.restored, regranted: c.regranted, forfeited: c.forfeited }).toEqual({
        restored: "0",
        regranted: "0",
        forfeited: "100",
      });
    });

    it("without activity in between, the same cancel forfeits the points", async () => {
      const s = memberSetup(
        mugProgram({ expiry: { kind: "inactivity", months: 1 } as never, cancellation: { graceDays: 0 } }),
      );
      await s.enroll("m");
      await s.buy("m", "100", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
      s.t.set(T0 + 40 * DAY);
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect({ restored: c.restored, forfeited: c.forfeited }).toEqual({ restored: "0", forfeited: "100" });
    });
  });

  // only_pending forgives every point that is not pending, spent or not: a cancellation gives the
  // member back what they would have kept without the redemption, and reclaims nothing.
  it("only_pending: a cancellation after a full refund reclaims nothing, as the refund would have taken nothing", async () => {
    const s = await setup(
      rewardsProgram([{ ...mug, price: "100" }], {
        pending: { days: 0 },
        refunds: { negativeBalance: "only_pending", baseRule: "base" },
      }),
    );
    await s.enroll();
    await s.credit("30");
    const bought = await s.buy("100.00");
    await s.redeem("mug", { key: "k" }); // 30 from the credit's lot (it expires first), 70 from the purchase's
    const refund = await s.engine.refund({
      key: "refund",
      memberId: "m",
      purchaseId: bought.purchaseId!,
      amount: "100.00",
      currency: "GBP",
    });
    expect(refund.reversed.find((r) => r.wallet === "points")).toMatchObject({ points: "0", forgiven: "100" });
    const c = await s.cancel("k");
    expect(c).toMatchObject({ restored: "100", reclaimed: "0" });
    expect(c.entries.map((e) => e.kind)).toEqual(["cancel"]);
    // As without the redemption: 30 credited + the purchase's 100, which only_pending lets the member keep.
    expect((await s.wallet()).available).toBe("130");
    expect(await s.violations()).toEqual([]);
    // A second refund finds nothing left to refund.
    await expectError(
      s.engine.refund({
        key: "refund-2",
        memberId: "m",
        purchaseId: bought.purchaseId!,
        amount: "1.00",
        currency: "GBP",
      }),
      "REFUND_EXCEEDS_PURCHASE",
    );
  });

  // Points whose wallet lapsed for inactivity after the redemption are forfeited, not given a grace
  // lot (defect 9; cancel-lapsed.test.ts). A grace lot in an inactivity wallet (a lot expired by its
  // own date) is spendable for graceDays: the cancellation is activity and moves the deadline.
  it("inactivity expiry: points the lapse took are forfeited on cancellation, not revived as a grace lot", async () => {
    const s = await setup(rewardsProgram([mug], { expiry: { kind: "inactivity", months: 2 } }), "2026-06-01T11:00:00Z");
    await s.enroll();
    await s.credit("400");
    s.t.set("2026-06-10T11:00:00Z");
    await s.redeem("mug", { key: "k" }); // activity: the deadline is 10 August
    s.t.set("2026-09-01T11:00:00Z");
    await s.engine.expire(); // 280 lapse
    const c = await s.cancel("k");
    expect(c).toMatchObject({ regranted: "0", forfeited: "120" });
    expect(cancelEntry(c).lot).toBeNull();
    expect(await s.wallet()).toMatchObject({ available: "0", expiredUnswept: "0" });
    expect(await s.violations()).toEqual([]);
  });

  // Under within_balance a refund forgives the points of a purchase that were spent. When the
  // spend is then cancelled, those points come back into the purchase's lot and the member keeps
  // points for a purchase refunded in full: the refund should take them now.
  it("within_balance: cancelling a redemption after its purchase was refunded does not hand back the refunded points", async () => {
    const s = await setup(
      rewardsProgram([{ ...mug, price: "100" }], {
        pending: { days: 0 },
        refunds: { negativeBalance: "within_balance", baseRule: "base" },
      }),
    );
    await s.enroll();
    const bought = await s.buy("100.00");
    await s.redeem("mug", { key: "k" });
    const refund = await s.engine.refund({
      key: "refund",
      memberId: "m",
      purchaseId: bought.purchaseId!,
      amount: "100.00",
      currency: "GBP",
    });
    expect(refund.reversed.find((r) => r.wallet === "points")).toEqual({
      wallet: "points",
      points: "0",
      debt: "0",
      forgiven: "100",
    });
    await s.cancel("k");
    expect((await s.wallet()).available).toBe("0"); // before the fix: 100
  });
});

// ---------------------------------------------------------------------------------------------

/** A member's state as the property compares it: lots as a set, totals, non-zero limit counters. */
function comparable(st: MemberState, current: readonly number[] = []) {
  const lots = st.lots
    .map((l) => ({
      id: l.id,
      wallet: l.wallet,
      remaining: l.remaining.toString(),
      amount: l.amount.toString(),
      expiresAt: l.expiresAt,
      availableAt: l.availableAt,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const totals = Object.fromEntries(
    Object.entries(st.wallets).map(([w, t]) => [
      w,
      Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v as Decimal).toString()])),
    ]),
  );
  const limits: Record<string, string> = {};
  for (const [counter, periods] of Object.entries(st.limits)) {
    for (const [period, keys] of Object.entries(periods)) {
      // Counters of past periods are pruned as periods go by (LIMIT_KEYS_KEPT): only current ones count.
      const live = new Set(current.map((at) => periodKey(at, "Europe/London", period as Period)));
      for (const [key, used] of Object.entries(keys ?? {}))
        if (!used.isZero() && live.has(key)) limits[`${counter}/${period}/${key}`] = used.toString();
    }
  }
  return { lots, totals, limits };
}

const balances = (st: MemberState, at: number) =>
  Object.fromEntries(
    ["points", "status"].map((w) => {
      const b = walletBalance(st, w, at);
      return [
        w,
        {
          available: b.available.toString(),
          pending: b.pending.toString(),
          expiredUnswept: b.expiredUnswept.toString(),
          debt: b.debt.toString(),
        },
      ];
    }),
  );

function formatPoints(d: Decimal, scale: number): string {
  return d.toFixed(scale);
}

// ---------------------------------------------------------------------------------------------

describe("properties", () => {
  it("(1) a redemption cancelled before anything expired leaves the member as they were: lots, totals, limits, balances, stock", async () => {
    const rewardArb = fc.record({
      kind: fc.constantFrom("product", "voucher", "donation", "discount", "conversion"),
      priceUnits: fc.integer({ min: 1, max: 300 }),
      goldUnits: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
      limited: fc.boolean(),
      stock: fc.option(fc.integer({ min: 20, max: 100 }), { nil: undefined }),
    });
    const variantArb = fc.record({
      scale: fc.constantFrom(0, 2),
      pending: fc.constantFrom(0, 14),
      expiry: fc.constantFrom<ProgramDefinition["expiry"]>(
        { after: { months: 12 } },
        { kind: "term", after: { days: 40 } },
        { kind: "calendar", period: "quarter", after: 0 },
        { kind: "none" },
      ),
      gold: fc.boolean(),
    });
    const earnArb = fc.oneof(
      fc.record({ op: fc.constant("credit" as const), units: fc.integer({ min: 1, max: 800 }) }),
      fc.record({ op: fc.constant("buy" as const), pence: fc.integer({ min: 1, max: 60_000 }) }),
      fc.record({ op: fc.constant("promo" as const) }),
      fc.record({ op: fc.constant("advance" as const), hours: fc.integer({ min: 1, max: 24 * 12 }) }),
      fc.record({ op: fc.constant("spend" as const), units: fc.integer({ min: 1, max: 150 }) }),
      fc.record({ op: fc.constant("redeemOne" as const) }),
    );
    let exercised = 0;
    await fc.assert(
      fc.asyncProperty(
        startArb,
        variantArb,
        rewardArb,
        fc.array(earnArb, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 10 * DAY }),
        async (start, v, r, script, wanted, pause) => {
          const points = (units: number) => unitsToDecimal(units * (v.scale === 0 ? 1 : 37), v.scale);
          const reward = {
            kind: r.kind,
            id: "r",
            wallet: "points",
            price: points(r.priceUnits),
            ...(r.goldUnits === undefined ? {} : { tierPrices: { gold: points(r.goldUnits) } }),
            ...(r.limited
              ? {
                  limits: [
                    { period: "day", count: 1000 },
                    { period: "lifetime", count: 100_000 },
                  ],
                }
              : {}),
            ...(r.stock === undefined ? {} : { stock: r.stock }),
            ...(r.kind === "voucher" || r.kind === "conversion" ? { value: "0.50" } : {}),
            ...(r.kind === "discount" ? { discount: { percent: "5" } } : {}),
          } as RewardInput;
          const def = rewardsProgram([reward], {
            points: { scale: v.scale, rounding: "down" },
            pending: { days: v.pending },
            expiry: v.expiry,
            tiers: ladder(),
          });
          const s = await setup(def, start);
          await s.enroll();
          if (v.gold) await s.engine.assignTier({ key: "gold", memberId: "m", tier: "gold" });
          const cause = r.kind === "donation" ? { cause: "c1" } : {};
          for (const op of script) {
            if (op.op === "credit") await s.credit(points(op.units));
            else if (op.op === "buy") await s.buy(unitsToDecimal(op.pence, 2));
            else if (op.op === "promo") await s.event("promo");
            else if (op.op === "advance") s.t.advance(op.hours * 3_600_000);
            else if (op.op === "spend")
              await s.engine
                .spend({
                  key: `spend-${s.t.now()}-${op.units}`,
                  memberId: "m",
                  wallet: "points",
                  points: points(op.units),
                })
                .catch((e: unknown) => {
                  if (!(e instanceof LoyaltyError)) throw e;
                });
            else
              await s.redeem("r", { quantity: 1, ...cause }).catch((e: unknown) => {
                if (!(e instanceof LoyaltyError)) throw e;
              });
          }
          await s.event("visit"); // the member's due work (expiries, reviews) is written now, not by the redemption
          const now = s.t.now();
          const before = await s.state();
          const stockBefore = await s.engine.stock("r");
          const price = new Decimal(
            before.tier?.id === "gold" && r.goldUnits !== undefined ? points(r.goldUnits) : points(r.priceUnits),
          );
          const affordable = walletBalance(before, "points", now).available.div(price).floor().toNumber();
          const quantity = Math.min(wanted, affordable, stockBefore ?? Infinity);
          if (quantity < 1) return;
          exercised++;
          const redeemed = await s.redeem("r", { key: "the-one", quantity, ...cause });
          expect(redeemed.points).toBe(formatPoints(price.times(quantity), v.scale));
          // The cancellation comes later, but before any lot expires.
          const nextExpiry = Math.min(...before.lots.map((l) => l.expiresAt ?? Infinity));
          s.t.set(now + Math.max(0, Math.min(pause, nextExpiry - now - 1)));
          const c = await s.cancel("the-one");
          expect(c).toMatchObject({
            restored: redeemed.points,
            regranted: formatPoints(new Decimal(0), v.scale),
            forfeited: formatPoints(new Decimal(0), v.scale),
          });
          const after = await s.state();
          expect(comparable(after, [now, s.t.now()])).toEqual(comparable(before, [now, s.t.now()]));
          expect(balances(after, s.t.now())).toEqual(balances(before, s.t.now()));
          expect(await s.engine.stock("r")).toBe(stockBefore);
          expect(await s.violations()).toEqual([]);
        },
      ),
      { numRuns: RUNS * 3 },
    );
    expect(exercised).toBeGreaterThan(RUNS);
  }, 60_000);
});
