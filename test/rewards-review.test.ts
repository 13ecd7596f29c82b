/**
 * Regression tests from a review of the rewards code: each describe block is a defect the review
 * proved (laundering refunded points through an expired lot, reviving lapsed points, sweep-timing
 * dependence of conversions and tier bonuses, time order of two conversions, reads that priced a
 * due conversion at a stale tier, transfers extending a point's life, refusal order), now fixed,
 * plus the review's random comparison of histories with and without sweeps.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProgramDefinition } from "../src/index.js";
import { memberViolations, operationArb, runOperations } from "../src/testing/index.js";
import { testEngine } from "./support/engine.js";
import { bonusRule, mugProgram, poundsProgram, promoRule, purchaseRule } from "./support/programs.js";
import { DAY, T0, setup } from "./support/members.js";

// ---- cancel ------------------------------------------------------------------------------------
{
  describe("cancel after refund", () => {
    it("control: cancel before the lot expires reclaims the forgiven points", async () => {
      const s = setup(mugProgram({ expiry: { after: { days: 30 } } }));
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
      const s = setup(mugProgram({ expiry: { after: { days: 30 } } }));
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
}

// ---- inactivity --------------------------------------------------------------------------------
{
  describe("cancel after the inactivity deadline lapsed the redeemed lot", () => {
    it("graceDays 0: points of a lot that lapsed for inactivity are forfeited, not restored, even after new activity", async () => {
      const s = setup(
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

    it("graceDays 30: the same points come back with no expiry at all instead of a 30-day grace lot", async () => {
      const s = setup(mugProgram({ expiry: { kind: "inactivity", months: 1 } as never }));
      await s.enroll("m");
      await s.buy("m", "100", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
      s.t.set(T0 + 40 * DAY);
      await s.engine.recordEvent({ key: "ev", memberId: "m", type: "bonus" }); // activity after the lapse (+100 points)
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect({ restored: c.restored, regranted: c.regranted }).toEqual({ restored: "0", regranted: "100" });
    });
  });

  describe("control", () => {
    it("without activity in between, the same cancel forfeits the points", async () => {
      const s = setup(
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
}

// ---- determinism -------------------------------------------------------------------------------
{
  const def = mugProgram({
    tiers: {
      levels: [
        { id: "bronze" },
        { id: "gold", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "100" }] } },
      ],
      window: { kind: "calendarYear" },
      promotion: "atReview",
      review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" },
      refunds: "atOnce",
    } as never,
    rules: [
      {
        id: "base",
        on: "purchase",
        awards: [
          { kind: "rate", points: "1", per: "1", wallet: "points" },
          { kind: "rate", points: "1", per: "1", wallet: "status" },
        ],
      },
      { id: "gold-bonus", on: "tier:gold", awards: [{ kind: "fixed", points: "500", wallet: "points" }] },
    ] as never,
    rewards: [
      { kind: "conversion", id: "cash", wallet: "points", price: "100", value: "1.00", automatic: { period: "year" } },
    ],
  });

  async function run(sweepInDecember: boolean) {
    const s = setup(def, Date.parse("2026-11-02T10:00:00Z"));
    await s.enroll("m");
    await s.buy("m", "150");
    if (sweepInDecember) {
      s.t.set(Date.parse("2026-12-02T10:00:00Z"));
      const r = await s.engine.reviewTiers();
      expect(r.changes.promotion).toBe(1);
    }
    s.t.set(Date.parse("2027-01-05T10:00:00Z"));
    await s.engine.recordEvent({ key: "e", memberId: "m", type: "noop" });
    const sum = await s.engine.summary("m");
    return { available: sum.wallets.points!.available, tier: sum.tier!.id };
  }

  describe("automatic conversion does not depend on when the review sweep ran", () => {
    it("tier bonus of a review promotion converted at year end either way", async () => {
      const withSweep = await run(true);
      const withoutSweep = await run(false);
      expect(withoutSweep).toEqual(withSweep);
    });
  });
}

// ---- two-conversions ---------------------------------------------------------------------------
{
  // Two automatic conversions of one wallet (say a quarterly one at a better rate, and a monthly one).
  const def = mugProgram({
    rewards: [
      {
        kind: "conversion",
        id: "quarterly",
        wallet: "points",
        price: "100",
        value: "2.00",
        automatic: { period: "quarter" },
      },
      {
        kind: "conversion",
        id: "monthly",
        wallet: "points",
        price: "100",
        value: "1.00",
        automatic: { period: "month" },
      },
    ],
  });

  async function run(sweepInFebruary: boolean) {
    const s = setup(def, Date.parse("2026-01-15T10:00:00Z"));
    await s.enroll("m");
    await s.engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "100", reason: "seed" });
    if (sweepInFebruary) {
      s.t.set(Date.parse("2026-02-02T10:00:00Z"));
      await s.engine.convertPoints();
    }
    s.t.set(Date.parse("2026-04-05T10:00:00Z"));
    await s.engine.recordEvent({ key: "e", memberId: "m", type: "noop" });
    const sum = await s.engine.summary("m");
    return sum.redemptions.map((r) => `${r.rewardId}@${r.at}`);
  }

  describe("conversions of several rewards run in time order", () => {
    it("the same conversions whether or not a sweep ran in between", async () => {
      expect(await run(false)).toEqual(await run(true));
    });
  });
}

// ---- asof --------------------------------------------------------------------------------------
{
  const tiers = {
    levels: [
      { id: "bronze" },
      { id: "gold", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "1000" }] } },
    ],
    window: { kind: "calendarYear" },
    promotion: "immediate",
    review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
    refunds: "atOnce",
  } as const;

  describe("reads show due conversions as the next write makes them", () => {
    it("summary/rewards before a year-end review + conversion match the write that follows", async () => {
      const def = mugProgram({
        tiers: tiers as never,
        rewards: [
          {
            kind: "conversion",
            id: "cash",
            wallet: "points",
            price: "150",
            tierPrices: { gold: "100" },
            value: "1.00",
            automatic: { period: "year" },
          },
        ],
      });
      const start = Date.parse("2026-11-02T10:00:00Z");
      const s = setup(def, start);
      await s.enroll("m");
      await s.engine.assignTier({ key: "gold", memberId: "m", tier: "gold" });
      await s.engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "250", reason: "goodwill" });
      s.t.set(Date.parse("2027-01-05T10:00:00Z"));
      const before = (await s.engine.summary("m")).wallets.points!.available;
      await s.engine.recordEvent({ key: "e", memberId: "m", type: "noop" });
      const after = (await s.engine.summary("m")).wallets.points!.available;
      const tier = (await s.engine.summary("m")).tier!.id;
      expect({ before, after, tier }).toEqual({ before: after, after, tier });
    });
  });
}

// ---- transfer ----------------------------------------------------------------------------------
{
  describe("a transfer never extends a point's life (README)", () => {
    it("inactivity wallet whose activity excludes transfers: points about to lapse live on at the receiver", async () => {
      const s = setup(
        mugProgram({
          expiry: { kind: "inactivity", months: 2, activity: ["purchase"] } as never,
          transfers: { wallets: ["points"] },
        }),
      );
      await s.enroll("a");
      await s.enroll("b");
      await s.buy("a", "100"); // a's points lapse at T0 + 2 months
      s.t.set(T0 + 55 * DAY);
      await s.buy("b", "1"); // b's deadline: T0 + 55 days + 2 months
      s.t.set(T0 + 58 * DAY);
      await s.engine.transfer({ key: "t", fromMemberId: "a", toMemberId: "b", wallet: "points", points: "100" });
      s.t.set(T0 + 70 * DAY); // past a's deadline: the 100 points would have lapsed by now
      expect((await s.avail("b")).available).toBe("1");
    });
  });
}

// ---- order -------------------------------------------------------------------------------------
{
  describe("refusal order (README: REWARD_UNAVAILABLE first, INSUFFICIENT_POINTS last)", () => {
    it("a withdrawn conversion redeemed without quantity by a member with too few points", async () => {
      const s = setup(
        mugProgram({
          rewards: [{ kind: "conversion", id: "cash", wallet: "points", price: "150", value: "1.50", enabled: false }],
        }),
      );
      await s.enroll("m");
      await s.buy("m", "100");
      const offers = await s.engine.rewards("m");
      const err = await s.engine.redeem({ key: "r", memberId: "m", rewardId: "cash" }).catch((e) => e);
      expect({ offer: offers[0]!.refusal!.code, redeem: err.code }).toEqual({
        offer: "REWARD_UNAVAILABLE",
        redeem: "REWARD_UNAVAILABLE",
      });
    });
  });
}

// ---- fuzz: the same random history with and without sweeps, under each policy, with and without tier bonuses
const fuzzProgram = (
  policy: "within_balance" | "only_pending" | "allow_debt",
  withBonus: boolean,
  promotion: "immediate" | "atReview",
  inactive: boolean,
): ProgramDefinition =>
  poundsProgram({
    id: "fz",
    expiry: inactive ? { kind: "inactivity", months: 2 } : { after: { months: 3 } },
    pending: { days: 14 },
    refunds: { negativeBalance: policy, baseRule: "base" },
    rules: [
      purchaseRule(),
      promoRule(),
      bonusRule(),
      ...(withBonus
        ? [{ id: "gold-bonus", on: "tier:gold", awards: [{ kind: "fixed" as const, points: "77", wallet: "points" }] }]
        : []),
    ],
    tiers: {
      levels: [
        { id: "bronze" },
        { id: "gold", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "300" }] } },
      ],
      window: { kind: "rolling", months: 2 },
      promotion,
      review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" },
      refunds: "atOnce",
    },
    rewards: [
      { kind: "product", id: "mug", wallet: "points", price: "120", stock: 3, tierPrices: { gold: "90" } },
      { kind: "voucher", id: "v5", wallet: "points", price: "200", value: "5.00" },
      {
        kind: "conversion",
        id: "cash",
        wallet: "points",
        price: "150",
        tierPrices: { gold: "100" },
        value: "1.50",
        automatic: { period: "month" },
      },
    ],
  });

const configs = [
  { policy: "within_balance", withBonus: true, promotion: "atReview", inactive: false },
  { policy: "only_pending", withBonus: false, promotion: "immediate", inactive: true },
  { policy: "allow_debt", withBonus: true, promotion: "immediate", inactive: false },
] as const;

describe.each(configs)(
  "sweep timing does not change outcomes ($policy, tier bonus $withBonus, promotion $promotion, inactivity $inactive)",
  (config) => {
    const def = fuzzProgram(config.policy, config.withBonus, config.promotion, config.inactive);
    function make() {
      const { t, store, engine } = testEngine(def, T0, { codes: (r) => `C-${r.redemptionId}-${r.index}` });
      return { t, store, engine };
    }
    it("random histories, with and without sweeps, end in the same balances, tier and redemptions", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(operationArb(["promo", "bonus"], { rewards: true }), { minLength: 5, maxLength: 40 }),
          fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
          async (ops, sweepAt) => {
            const a = make(),
              b = make();
            for (const x of [a, b]) await x.engine.enroll({ key: "e", memberId: "m" });
            const target = (x: typeof a) => ({
              engine: x.engine,
              memberId: "m",
              currency: "GBP",
              spendWallet: "points",
              advance: (ms: number) => x.t.advance(ms),
              rewards: ["mug", "v5", "cash"],
            });
            let i = 0;
            const ra = await runOperations(target(a), ops);
            const rb = await runOperations(target(b), ops, async (op) => {
              if (op.op === "advance" && sweepAt[i++ % 40]) {
                await b.engine.reviewTiers();
                await b.engine.convertPoints();
                await b.engine.expire();
              }
            });
            for (const x of [a, b]) await x.engine.recordEvent({ key: "final", memberId: "m", type: "noop" });
            const sa = await a.engine.summary("m"),
              sb = await b.engine.summary("m");
            const pick = (s: typeof sa) => ({
              w: s.wallets.points,
              tier: s.tier?.id,
              red: s.redemptions.map((r) => [r.rewardId, r.points, r.quantity, r.at]),
            });
            expect({ refusals: rb, ...pick(sb) }).toEqual({ refusals: ra, ...pick(sa) });
            expect(await memberViolations(b.store, def.id, "m", b.t.now())).toEqual([]);
            expect(await memberViolations(a.store, def.id, "m", a.t.now())).toEqual([]);
          },
        ),
        { numRuns: Number(process.env.PROPERTY_RUNS ?? 100) },
      );
    });
  },
);

// ---- reclaim and atOnce ------------------------------------------------------------------------
{
  // The ladder reads the spendable wallet, so a reclaim on cancellation moves the metric.
  const ladder = (refunds: "atOnce" | "atReview") =>
    ({
      levels: [
        { id: "bronze" },
        { id: "silver", qualify: { thresholds: [{ metric: "points", wallet: "points", min: "500" }] } },
      ],
      window: { kind: "calendarYear" },
      promotion: "immediate",
      review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
      refunds,
    }) as never;

  /** P1 600 and P2 300 make silver; a redemption of 600 spends P1's lot; P1's refund reverses the 300 left and forgives 300. */
  async function refundedWhileRedeemed(refunds: "atOnce" | "atReview") {
    const s = setup(
      mugProgram({
        tiers: ladder(refunds),
        rewards: [{ kind: "product", id: "hamper", wallet: "points", price: "600" }],
      }),
    );
    await s.enroll("m");
    await s.buy("m", "600", "P1");
    await s.buy("m", "300", "P2");
    await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "hamper" });
    const rf = await s.engine.refund({ key: "rf", memberId: "m", purchaseId: "P1", amount: "600", currency: "GBP" });
    expect(rf.reversed.find((r) => r.wallet === "points")).toMatchObject({ points: "300", forgiven: "300" });
    expect((await s.engine.summary("m")).tier!.id).toBe("silver"); // 900 earned, 300 taken back: still over 500
    return s;
  }

  describe("a reclaim on cancellation is a refund's take-back: atOnce demotes at the cancellation", () => {
    it("atOnce: the cancellation that reclaims the forgiven points takes the member under silver and demotes at once", async () => {
      const s = await refundedWhileRedeemed("atOnce");
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect(c.reclaimed).toBe("300");
      const tierEntries = c.entries.filter((e) => e.kind === "tier");
      expect(tierEntries).toMatchObject([{ from: "silver", to: "bronze", reason: "refund" }]);
      expect((await s.engine.summary("m")).tier!.id).toBe("bronze");
      expect(await s.violations("m")).toEqual([]);
    });

    it("atReview: the same cancellation leaves the tier to the next review", async () => {
      const s = await refundedWhileRedeemed("atReview");
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect(c.reclaimed).toBe("300");
      expect(c.entries.filter((e) => e.kind === "tier")).toEqual([]);
      expect((await s.engine.summary("m")).tier!.id).toBe("silver");
    });

    // A review due at the command's write (a promotion that resets a sinceTierChange window) is due
    // work, not the command's doing: neither a cancellation nor a refund may demote for it.
    it.each(["cancellation", "refund of another purchase"])(
      "atOnce: a %s after a due review that reset the window promotes only, never demotes",
      async (what) => {
        const s = setup(
          mugProgram({
            tiers: {
              levels: [
                { id: "bronze" },
                { id: "silver", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "500" }] } },
              ],
              window: { kind: "sinceTierChange" },
              promotion: "atReview",
              review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" },
              refunds: "atOnce",
            } as never,
          }),
        );
        await s.enroll("m");
        await s.buy("m", "600", "P1");
        await s.buy("m", "10", "P2");
        await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
        s.t.set(T0 + 40 * DAY); // past the month-end review: the promotion to silver is due
        const result =
          what === "cancellation"
            ? await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" })
            : await s.engine.refund({ key: "rf", memberId: "m", purchaseId: "P2", amount: "1.00", currency: "GBP" });
        expect(
          result.entries.filter((e) => e.kind === "tier").map((e) => e.kind === "tier" && [e.from, e.to, e.reason]),
        ).toEqual([["bronze", "silver", "promotion"]]);
        expect((await s.engine.summary("m")).tier!.id).toBe("silver");
        expect(await s.violations("m")).toEqual([]);
      },
    );

    it("atOnce: a cancellation that reclaims nothing never demotes", async () => {
      const s = setup(
        mugProgram({
          tiers: ladder("atOnce"),
          rewards: [{ kind: "product", id: "hamper", wallet: "points", price: "600" }],
        }),
      );
      await s.enroll("m");
      await s.buy("m", "600", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "hamper" });
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect(c).toMatchObject({ restored: "600", reclaimed: "0" });
      expect(c.entries.filter((e) => e.kind === "tier")).toEqual([]);
      expect((await s.engine.summary("m")).tier!.id).toBe("silver");
    });
  });
}
