/**
 * Conversions (src/rewards/redeem.ts, moving to src/rewards/convert.ts): on request, and automatic at
 * each local period end on the points spendable then, caught up by any later command or sweep; the
 * due index; and the property that automatic conversions do not depend on when sweeps run.
 * Over 300 lines: the examples and the property of one behaviour, whose histories are long.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LoyaltyError,
  type CodeGenerator,
  type Entry,
  type ProgramDefinition,
  type RedeemEntry,
} from "../../src/index.js";
import { unitsToDecimal } from "../../src/testing/index.js";
import { compileProgram } from "../../src/program/compile.js";
import { LedgerWriter } from "../../src/ledger/writer.js";
import { convertDue } from "../../src/rewards/convert.js";
import { T0, memberSetup } from "../support/members.js";
import { ladder, mugProgram, rewardsProgram } from "../support/programs.js";
import {
  DAY,
  JULY_END,
  JUNE_END,
  RUNS,
  cash,
  conversions,
  lotOf,
  monthly,
  mug,
  refuses,
  setup,
  startArb,
  type RewardInput,
} from "../support/rewards.js";

describe("conversions", () => {
  it("on request: every whole step by default, or an explicit number of steps; pending points do not count", async () => {
    const s = await setup(rewardsProgram([cash]));
    await s.enroll();
    await s.credit("500");
    await s.buy("1000.00"); // pending
    await refuses(s, "four", () => s.redeem("cash", { key: "four", quantity: 4 }), "INSUFFICIENT_POINTS");
    expect(await s.redeem("cash", { quantity: 1 })).toMatchObject({
      quantity: 1,
      points: "150",
      grant: { value: "1.50" },
    });
    expect(await s.redeem("cash")).toMatchObject({ quantity: 2, points: "300", grant: { value: "3.00" } });
    expect(await s.wallet()).toMatchObject({ available: "50", pending: "1000" });
  });

  async function summer(trigger?: "convertPoints" | "expire" | "command") {
    const s = await setup(rewardsProgram([monthly]), "2026-06-01T11:00:00Z");
    await s.enroll();
    const a = lotOf(await s.credit("400")); // expires June 2027
    s.t.set("2026-06-10T11:00:00Z");
    const p = lotOf(await s.event("promo")); // 50, expires 10 July
    s.t.set("2026-06-25T11:00:00Z");
    const b = lotOf(await s.buy("200.00")); // pending until 9 July
    s.t.set("2026-07-15T11:00:00Z"); // past the June end, the promo lot's expiry and the purchase's return window
    let written: readonly Entry[] = [];
    if (trigger === "convertPoints") {
      const sweep = await s.engine.convertPoints();
      expect(sweep).toEqual({
        asOf: "2026-07-15T11:00:00.000Z",
        scanned: 1,
        members: 1,
        conversions: 1,
        points: { points: "450" },
        failed: [],
      });
      written = await s.entries();
    } else if (trigger === "expire") {
      const sweep = await s.engine.expire();
      expect(sweep).toMatchObject({ scanned: 1, members: 1, lots: 0, points: {} }); // the promo lot was converted before it expired
      written = await s.entries();
    } else if (trigger === "command") {
      const r = await s.event("visit");
      // The purchase's pending lots (points and status) are released first, at 9 July, as due work.
      expect(r.entries.map((e) => e.kind)).toEqual(["release", "release", "redeem", "event"]);
      written = r.entries;
    }
    return { s, a, p, b, written };
  }

  it.each(["convertPoints", "expire", "command"] as const)(
    "automatic, run by %s: at the local month end, on the points spendable then",
    async (trigger) => {
      const { s, a, p, written } = await summer(trigger);
      const [c, ...more] = conversions(written);
      expect(more).toEqual([]);
      // At the June end: 400 + 50 spendable (the promo lot expired only on 10 July; the purchase was still pending) = 3 steps.
      expect(c).toMatchObject({
        redemptionId: `cash@${JUNE_END}`,
        rewardId: "cash",
        rewardKind: "conversion",
        wallet: "points",
        points: "450",
        quantity: 3,
        stock: 0,
        limitKeys: {},
        lots: [
          { lotId: p, points: "50" },
          { lotId: a, points: "400" },
        ],
        periodEnd: JUNE_END,
        reference: null,
        grant: { codes: [`C-cash@${JUNE_END}-0`], value: "4.50", cause: null },
        command: { type: { convertPoints: "convert", expire: "expire", command: "event" }[trigger] },
      });
      expect(s.calls).toEqual([{ rewardId: "cash", memberId: "m", redemptionId: `cash@${JUNE_END}`, index: 0 }]);
      const w = await s.wallet();
      expect(w).toMatchObject({ available: "200", pending: "0", expiredUnswept: "0" });
      expect(w.lifetime).toMatchObject({ spent: "450", expired: "0" });

      // The July end: the purchase's 200 are available by then: one more step.
      s.t.set("2026-08-05T11:00:00Z");
      const july = await s.engine.convertPoints();
      expect(july).toMatchObject({ scanned: 1, members: 1, conversions: 1, points: { points: "150" } });
      expect(conversions(await s.entries()).map((e) => [e.periodEnd, e.points, e.grant.value])).toEqual([
        [JUNE_END, "450", "4.50"],
        [JULY_END, "150", "1.50"],
      ]);
      expect((await s.engine.convertPoints()).conversions).toBe(0);
      expect((await s.wallet()).available).toBe("50");
      expect(await s.violations()).toEqual([]);
    },
  );

  it.each([
    ["month", "Europe/London", "2026-06-10T11:00:00Z", JUNE_END],
    ["quarter", "America/New_York", "2026-05-10T16:00:00Z", "2026-07-01T04:00:00.000Z"],
    ["year", "Asia/Tokyo", "2026-11-10T03:00:00Z", "2026-12-31T15:00:00.000Z"],
  ] as const)("automatic per %s in %s: due exactly at the local period end", async (period, timeZone, start, end) => {
    const s = await setup(rewardsProgram([{ ...cash, automatic: { period } } as RewardInput], { timeZone }), start);
    await s.enroll();
    await s.credit("400");
    expect(await s.store.findDueMembers(s.id, { before: Date.parse("2030-01-01T00:00:00Z"), limit: 10 })).toEqual([
      { memberId: "m", dueAt: Date.parse(end) },
    ]);
    s.t.set(Date.parse(end) - 1);
    expect(await s.engine.convertPoints()).toMatchObject({ scanned: 0, conversions: 0 });
    await s.event("visit"); // a command a millisecond early converts nothing either
    expect(conversions(await s.entries())).toEqual([]);
    s.t.set(end);
    expect(await s.engine.convertPoints()).toMatchObject({
      scanned: 1,
      members: 1,
      conversions: 1,
      points: { points: "300" },
    });
    expect(conversions(await s.entries()).map((e) => [e.periodEnd, e.quantity])).toEqual([[end, 2]]);
  });

  /** Pending 40 days: purchases on 2 and 25 June become available on 12 July and 4 August. */
  async function catchUp(sweeps: string[]) {
    const s = await setup(rewardsProgram([monthly], { pending: { days: 40 } }), "2026-06-02T11:00:00Z");
    await s.enroll();
    const b1 = lotOf(await s.buy("160.00"));
    s.t.set("2026-06-25T11:00:00Z");
    const b2 = lotOf(await s.buy("300.00"));
    s.t.set("2026-06-30T11:00:00Z");
    const a = lotOf(await s.credit("10"));
    for (const at of sweeps) {
      s.t.set(at);
      await s.engine.convertPoints();
    }
    s.t.set("2026-10-15T11:00:00Z");
    const last = await s.event("visit");
    return { s, b1, b2, a, last };
  }

  it("a member idle for months catches up every missed period end, each on what was spendable at it", async () => {
    const { s, b1, b2, last } = await catchUp([]);
    // The two purchases' pending lots (points and status each) are released first, as due work.
    expect(last.entries.map((e) => e.kind)).toEqual([
      "release",
      "release",
      "release",
      "release",
      "redeem",
      "redeem",
      "event",
    ]);
    // June end: 10 (the purchases are pending): nothing. July end: 10 + 160: one step. August end:
    // 20 + 300: two steps. September end: 20: nothing.
    expect(
      conversions(last.entries).map((e) => ({
        periodEnd: e.periodEnd,
        points: e.points,
        quantity: e.quantity,
        lots: e.lots,
      })),
    ).toEqual([
      { periodEnd: JULY_END, points: "150", quantity: 1, lots: [{ lotId: b1, points: "150" }] },
      {
        periodEnd: "2026-08-31T23:00:00.000Z",
        points: "300",
        quantity: 2,
        lots: [
          { lotId: b1, points: "10" },
          { lotId: b2, points: "290" },
        ],
      },
    ]);
    expect((await s.wallet()).available).toBe("20");

    // The same history with a sweep after every month end: the same conversions.
    const swept = await catchUp([
      "2026-07-01T08:00:00Z",
      "2026-08-01T08:00:00Z",
      "2026-09-01T08:00:00Z",
      "2026-10-01T08:00:00Z",
    ]);
    const strip = (e: RedeemEntry) => ({
      periodEnd: e.periodEnd,
      points: e.points,
      quantity: e.quantity,
      lots: e.lots,
      grant: e.grant,
    });
    expect(conversions(await swept.s.entries()).map(strip)).toEqual(conversions(last.entries).map(strip));
    expect(await swept.s.engine.summary("m")).toEqual({
      ...(await s.engine.summary("m")),
      redemptions: expect.anything(),
    });
  });

  it("the due index names members due for a conversion: at the period end at which they will have a whole step", async () => {
    const s = await setup(rewardsProgram([monthly]), "2026-06-01T11:00:00Z");
    for (const m of ["m", "poor", "pend"]) await s.enroll(m);
    await s.credit("400", "m");
    await s.credit("100", "poor");
    await s.credit("100", "pend");
    s.t.set("2026-06-25T11:00:00Z");
    await s.buy("100.00", "pend"); // available on 9 July: a whole step at the July end
    const due = (before: string) => s.store.findDueMembers(s.id, { before: Date.parse(before), limit: 10 });
    // "pend" is due first when its purchase's points are released (points.available), then at the July end.
    const PEND_RELEASE = Date.parse("2026-07-09T11:00:00Z");
    expect(await due("2026-12-31T00:00:00Z")).toEqual([
      { memberId: "m", dueAt: Date.parse(JUNE_END) },
      { memberId: "pend", dueAt: PEND_RELEASE },
    ]);
    // "poor" never reaches a step: due only when its lot expires.
    expect((await due("2030-01-01T00:00:00Z")).find((d) => d.memberId === "poor")).toEqual({
      memberId: "poor",
      dueAt: Date.parse("2027-06-01T11:00:00Z"),
    });

    s.t.set("2026-07-01T00:00:00Z");
    expect(await s.engine.convertPoints()).toMatchObject({
      scanned: 1,
      members: 1,
      conversions: 1,
      points: { points: "300" },
    });
    // m has 100 left: due again when its lot expires.
    expect(await due("2026-12-31T00:00:00Z")).toEqual([{ memberId: "pend", dueAt: PEND_RELEASE }]);
    s.t.set(PEND_RELEASE);
    expect(await s.engine.expire()).toMatchObject({ scanned: 1, members: 1, lots: 0 }); // the release alone
    expect(await due("2026-12-31T00:00:00Z")).toEqual([{ memberId: "pend", dueAt: Date.parse(JULY_END) }]);
    s.t.set(JULY_END);
    expect(await s.engine.convertPoints()).toMatchObject({
      scanned: 1,
      members: 1,
      conversions: 1,
      points: { points: "150" },
    });
    expect((await s.wallet("pend")).available).toBe("50");
  });

  it("automatic conversions are not member activity: they do not push back an inactivity deadline", async () => {
    const s = await setup(
      rewardsProgram([monthly, { ...mug, price: "50" }], { expiry: { kind: "inactivity", months: 3 } }),
      "2026-06-01T11:00:00Z",
    );
    await s.enroll("m");
    await s.enroll("m2");
    await s.credit("400", "m");
    await s.credit("400", "m2");
    s.t.set("2026-07-05T11:00:00Z");
    expect(await s.engine.convertPoints()).toMatchObject({ members: 2, conversions: 2 });
    await s.redeem("mug", { memberId: "m2" }); // a redemption on request is activity (spend)
    expect((await s.wallet("m")).inactivityDeadline).toBe("2026-09-01T11:00:00.000Z");
    expect((await s.wallet("m2")).inactivityDeadline).toBe("2026-10-05T11:00:00.000Z");
    s.t.set("2026-09-01T11:00:00Z");
    await s.engine.expire();
    expect(await s.wallet("m")).toMatchObject({ available: "0" });
    expect((await s.wallet("m")).lifetime).toMatchObject({ spent: "300", expired: "100" });
    expect(await s.wallet("m2")).toMatchObject({ available: "50" });
  });

  it("a redemption on request cannot take the id an automatic conversion will have (else the conversion could never be written)", async () => {
    const s = await setup(rewardsProgram([monthly]), "2026-06-10T11:00:00Z");
    await s.enroll();
    await s.credit("500");
    const taken = `cash@${JUNE_END}`;
    const e = await refuses(
      s,
      "r1",
      () => s.redeem("cash", { key: "r1", quantity: 1, redemptionId: taken }),
      "INVALID_COMMAND",
    );
    expect(e.issues.map((i) => i.path)).toEqual([["redemptionId"]]);
    // The key is the default redemption id: the same holds for a key of that form.
    await refuses(s, taken, () => s.redeem("cash", { key: taken, quantity: 1 }), "INVALID_COMMAND");
    // Ids that merely look alike are fine.
    await s.redeem("cash", { quantity: 1, redemptionId: "cash@home" });
    await s.redeem("cash", { quantity: 1, redemptionId: "cash@2026-06-30" });
    s.t.set("2026-07-02T11:00:00Z");
    await s.credit("1"); // catches up on the June end
    expect(conversions(await s.entries()).map((c) => [c.redemptionId, c.points])).toEqual([[taken, "150"]]); // 500 - 2 x 150 on request = 200: one step
    expect(await s.violations()).toEqual([]);
  });

  it("respects the reward's window and tiers: no period end at or after available.until, none for other tiers", async () => {
    const def = rewardsProgram([{ ...monthly, available: { until: JULY_END }, tiers: ["gold"] } as RewardInput], {
      tiers: ladder(),
    });
    const s = await setup(def, "2026-06-01T11:00:00Z");
    await s.enroll("m");
    await s.enroll("bronze");
    await s.engine.assignTier({ key: "gold", memberId: "m", tier: "gold" });
    await s.credit("400", "m");
    await s.credit("400", "bronze");
    s.t.set("2026-07-15T11:00:00Z");
    await s.credit("300", "m");
    s.t.set("2026-08-15T11:00:00Z");
    await s.engine.convertPoints();
    await s.event("visit", "m");
    await s.event("visit", "bronze");
    expect(conversions(await s.entries("m")).map((e) => [e.periodEnd, e.points])).toEqual([[JUNE_END, "300"]]);
    expect(conversions(await s.entries("bronze"))).toEqual([]);
    expect((await s.wallet("m")).available).toBe("400");
  });

  describe("automatic conversion does not depend on when the review sweep ran", () => {
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
        {
          kind: "conversion",
          id: "cash",
          wallet: "points",
          price: "100",
          value: "1.00",
          automatic: { period: "year" },
        },
      ],
    });

    async function run(sweepInDecember: boolean) {
      const s = memberSetup(def, Date.parse("2026-11-02T10:00:00Z"));
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

    it("tier bonus of a review promotion converted at year end either way", async () => {
      const withSweep = await run(true);
      const withoutSweep = await run(false);
      expect(withoutSweep).toEqual(withSweep);
    });
  });

  describe("conversions of several rewards run in time order", () => {
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
      const s = memberSetup(def, Date.parse("2026-01-15T10:00:00Z"));
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

    it("the same conversions whether or not a sweep ran in between", async () => {
      expect(await run(false)).toEqual(await run(true));
    });
  });

  describe("reads show due conversions as the next write makes them", () => {
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
      const s = memberSetup(def, start);
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

  // A codes generator that failed for one member stopped the whole sweep at that member.
  it("a sweep skips and reports a member whose write fails, and converts the others", async () => {
    const s = await setup(rewardsProgram([monthly]), "2026-06-01T11:00:00Z", {
      codes: (r) => {
        if (r.memberId === "m2") throw new Error("code service down for m2");
        return `C-${r.redemptionId}`;
      },
    });
    for (const m of ["m1", "m2", "m3"]) {
      await s.enroll(m);
      await s.credit("400", m);
    }
    s.t.set("2026-07-02T11:00:00Z");
    const sweep = await s.engine.convertPoints();
    expect(sweep).toMatchObject({ scanned: 3, members: 2, conversions: 2, points: { points: "600" } });
    expect(sweep.failed).toEqual([
      { memberId: "m2", code: "CODES_FAILURE", message: expect.stringContaining("code service down for m2") },
    ]);
    expect((await s.wallet("m2")).available).toBe("100"); // the read shows the conversion the next write will make
    expect(conversions(await s.entries("m2"))).toEqual([]);
    for (const m of ["m1", "m3"]) expect(conversions(await s.entries(m)).map((e) => e.points)).toEqual(["300"]);
  });

  // runDueWork runs convertDue (every period end up to now) before reviewTier (every review up to
  // now): without a sweep, a conversion at a period end after a review instant is priced (and
  // checked for eligibility) with the tier from before the review. With a review sweep in between,
  // it sees the new tier. The outcome depends on when the sweep ran.
  it("a conversion after a tier review sees the tier the review gave, whether or not a review sweep ran", async () => {
    const def = rewardsProgram([{ ...monthly, tierPrices: { gold: "100" } } as RewardInput], {
      tiers: ladder(),
      expiry: { kind: "none" },
    });
    async function run(sweepAtReview: boolean) {
      const s = await setup(def, T0);
      await s.enroll();
      await s.buy("1200.00"); // gold; converted at the March end at the gold price
      s.t.set("2027-12-25T12:00:00Z");
      await s.buy("200.00"); // 2027 earned 200 status: demoted to bronze on 1 January 2028; available on 8 January
      if (sweepAtReview) {
        s.t.set("2028-01-01T00:00:00Z");
        await s.engine.reviewTiers();
      }
      s.t.set("2028-02-10T12:00:00Z");
      await s.event("visit");
      return conversions(await s.entries()).map((e) => [e.periodEnd, e.points]);
    }
    const swept = await run(true);
    expect(swept).toEqual([
      ["2026-03-31T23:00:00.000Z", "1200"],
      ["2028-02-01T00:00:00.000Z", "150"],
    ]); // bronze price
    expect(await run(false)).toEqual(swept); // before the fix: 200 at the gold price
  });

  // summary().redemptions shows each redemption's write time and sorts by it: automatic
  // conversions caught up by one late command all carry that command's time, in the order they
  // were written (oldest first among equals), while sweeps give each its own time. The list
  // should show a conversion at its period end, so that it does not depend on when sweeps ran.
  it("summary().redemptions shows automatic conversions at their period ends, newest first, whatever the sweep timing", async () => {
    const def = rewardsProgram([monthly], { pending: { days: 40 } });
    async function run(sweep: boolean) {
      const s = await setup(def, "2026-06-02T11:00:00Z");
      await s.enroll();
      await s.buy("160.00"); // available 12 July
      s.t.set("2026-06-25T11:00:00Z");
      await s.buy("300.00"); // available 4 August
      if (sweep)
        for (const at of ["2026-08-01T08:00:00Z", "2026-09-01T08:00:00Z"]) {
          s.t.set(at);
          await s.engine.convertPoints();
        }
      s.t.set("2026-10-15T11:00:00Z");
      return (await s.engine.summary("m")).redemptions;
    }
    const expected = [
      {
        redemptionId: "cash@2026-08-31T23:00:00.000Z",
        rewardId: "cash",
        points: "300",
        quantity: 2,
        at: "2026-08-31T23:00:00.000Z",
      },
      { redemptionId: `cash@${JULY_END}`, rewardId: "cash", points: "150", quantity: 1, at: JULY_END },
    ];
    expect(await run(true)).toEqual(expected);
    expect(await run(false)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------

describe("properties", () => {
  it("(4) automatic conversions do not depend on when sweeps run: two stores, different sweep timings, the same outcome", async () => {
    type Op =
      | { op: "buy"; pence: number }
      | { op: "promo" }
      | { op: "credit"; points: number }
      | { op: "spend"; points: number }
      | { op: "refund"; pick: number }
      | { op: "convertNow" }
      | { op: "advance"; hours: number }
      | { op: "sweep"; kind: "expire" | "convert" | "review"; a: boolean; b: boolean };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant("buy" as const), pence: fc.integer({ min: 100, max: 40_000 }) }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("promo" as const) }) },
      {
        weight: 2,
        arbitrary: fc.record({ op: fc.constant("credit" as const), points: fc.integer({ min: 1, max: 400 }) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ op: fc.constant("spend" as const), points: fc.integer({ min: 1, max: 200 }) }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("refund" as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("convertNow" as const) }) },
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant("advance" as const), hours: fc.integer({ min: 1, max: 24 * 50 }) }),
      },
      // Mostly one side only: the two stores' sweeps run at different times.
      {
        weight: 4,
        arbitrary: fc
          .record({
            op: fc.constant("sweep" as const),
            kind: fc.constantFrom("expire" as const, "convert" as const, "convert" as const, "review" as const),
            a: fc.boolean(),
          })
          .map((o) => ({ ...o, b: !o.a })),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant("sweep" as const),
          kind: fc.constantFrom("expire" as const, "convert" as const, "review" as const),
          a: fc.constant(true),
          b: fc.constant(true),
        }),
      },
    );
    const variantArb = fc.record({
      period: fc.constantFrom("month" as const, "quarter" as const),
      pending: fc.constantFrom(0, 10, 40),
      expiry: fc.constantFrom<ProgramDefinition["expiry"]>(
        { after: { months: 12 } },
        { kind: "term", after: { days: 45 } },
        { kind: "calendar", period: "month", after: 1 },
        { kind: "inactivity", months: 3 },
      ),
      price: fc.constantFrom("100", "150"),
      timeZone: fc.constantFrom("Europe/London", "America/New_York", "Australia/Sydney"),
    });
    let conversionsSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        startArb,
        variantArb,
        fc.array(opArb, { minLength: 5, maxLength: 25, size: "max" }),
        fc.integer({ min: 0, max: 90 * DAY }),
        async (start, v, script, tail) => {
          const def = rewardsProgram([{ ...cash, price: v.price, automatic: { period: v.period } } as RewardInput], {
            pending: { days: v.pending },
            expiry: v.expiry,
            timeZone: v.timeZone,
          });
          const compiled = compileProgram(def);
          const codes: CodeGenerator = (r) => `C-${r.redemptionId}-${r.index}`;
          async function play(side: "a" | "b") {
            const s = await setup(def, start, { codes });
            await s.enroll();
            const purchases: string[] = [];
            const outcomes: string[] = [];
            let n = 0;
            const note = (p: Promise<unknown>) =>
              p.then(
                () => "ok",
                (e: unknown) => {
                  if (!(e instanceof LoyaltyError)) throw e;
                  return e.code;
                },
              );
            for (const op of script) {
              const key = `k${++n}`;
              if (op.op === "advance") {
                s.t.advance(op.hours * 3_600_000);
                continue;
              }
              if (op.op === "sweep") {
                if (!op[side]) continue;
                if (op.kind === "expire") await s.engine.expire();
                else if (op.kind === "review") await s.engine.reviewTiers();
                else {
                  await s.engine.convertPoints();
                  // The due index named everyone with a conversion due: nothing is left to convert now.
                  const w = LedgerWriter.copying(await s.state(), {
                    now: s.t.now(),
                    newId: () => "probe",
                    command: { key: "probe", type: "convert" },
                  });
                  convertDue(w, compiled, codes);
                  expect(w.entries).toEqual([]);
                }
                continue;
              }
              if (op.op === "buy")
                outcomes.push(
                  await note(
                    s.engine
                      .recordPurchase({
                        key,
                        memberId: "m",
                        purchaseId: key,
                        amount: unitsToDecimal(op.pence, 2),
                        currency: "GBP",
                      })
                      .then(() => purchases.push(key)),
                  ),
                );
              else if (op.op === "promo") outcomes.push(await note(s.event("promo")));
              else if (op.op === "credit") outcomes.push(await note(s.credit(String(op.points))));
              else if (op.op === "spend")
                outcomes.push(
                  await note(s.engine.spend({ key, memberId: "m", wallet: "points", points: String(op.points) })),
                );
              else if (op.op === "convertNow") outcomes.push(await note(s.redeem("cash", { key })));
              else if (purchases.length > 0)
                outcomes.push(
                  await note(
                    s.engine.refund({
                      key,
                      memberId: "m",
                      purchaseId: purchases[op.pick % purchases.length]!,
                      amount: "1.00",
                      currency: "GBP",
                    }),
                  ),
                );
            }
            s.t.advance(tail);
            await s.event("visit"); // the last command catches up on whatever is due
            const entries = await s.entries();
            const summary = await s.engine.summary("m");
            return {
              outcomes,
              conversions: conversions(entries).map((e) => ({
                periodEnd: e.periodEnd,
                points: e.points,
                quantity: e.quantity,
                grant: e.grant,
                redemptionId: e.redemptionId,
              })),
              onRequest: entries
                .filter((e): e is RedeemEntry => e.kind === "redeem" && e.periodEnd === null)
                .map((e) => [e.at, e.points]),
              wallets: summary.wallets,
              // As a set: summary.redemptions orders by write time (see "known defects").
              redemptions: summary.redemptions
                .map(({ at: _, ...r }) => r)
                .sort((x, y) => (x.redemptionId < y.redemptionId ? -1 : 1)),
              violations: await s.violations(),
            };
          }
          const a = await play("a");
          const b = await play("b");
          expect(b).toEqual(a);
          expect(a.violations).toEqual([]);
          conversionsSeen += a.conversions.length;
        },
      ),
      { numRuns: RUNS * 2 },
    );
    expect(conversionsSeen).toBeGreaterThan(RUNS);
  }, 60_000);
});
