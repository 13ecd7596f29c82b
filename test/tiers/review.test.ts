/**
 * Member tiers (issue 5): worked examples written from the documented behaviour of the anchors
 * (Talon.One's one_down and balance-based downgrades, Voucherify's downgrade grace period, Open
 * Loyalty's qualification on points earned in the window rather than the balance), the program
 * options one by one, the review sweep, the summary's progress, validation, and properties: the
 * tier is a pure function of the entries and the review instants, a second review changes nothing,
 * oneDown never drops two levels at once, promotion is monotone in the metric, and a grace period
 * never demotes early.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyEntries,
  createMemoryStore,
  foldEntries,
  isLoyaltyError,
  compileProgram,
  Decimal,
  type LoyaltyStore,
  type ProgramDefinition,
  type TierEntry,
} from "../../src/index.js";
import { memberViolations, readAllEntries } from "../../src/testing/index.js";
import { emptyState } from "../../src/ledger/state.js";
import { qualifiedIndex } from "../../src/tiers/qualify.js";
import { windowAt } from "../../src/tiers/window.js";
import { testEngine } from "../support/engine.js";
import { mugProgram, tierProgram } from "../support/programs.js";
import { T0, memberSetup } from "../support/members.js";
import { opArb, runScript, tierEntries, tierPath, variantArb, variantProgram } from "../support/tier-scripts.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const DAY = 86_400_000;

type Tiers = NonNullable<ProgramDefinition["tiers"]>;

async function setup(def: ProgramDefinition, start: string, store: LoyaltyStore = createMemoryStore()) {
  const { engine, t } = testEngine(def, start, { store, maxAttempts: 50 });
  let n = 0;
  const buy = (amount: string, memberId = "m") =>
    engine.recordPurchase({ key: `p${++n}`, memberId, purchaseId: `o${n}`, amount, currency: "GBP" });
  const tierOf = async (memberId = "m") => (await engine.summary(memberId)).tier!;
  return { engine, store, t, buy, tierOf, id: def.id };
}

describe("Talon.One: one_down versus balance-based downgrades", () => {
  // Talon.One's tier downgrade policies: one_down moves a member who failed to requalify down one
  // tier at a time; balance_based moves them to the tier their points support. Here: recompute.
  async function goldWithBronzeMetric(demotion: "oneDown" | "recompute") {
    const s = await setup(
      tierProgram({ review: { schedule: { kind: "periodEnd", period: "year" }, demotion } }),
      "2026-03-01T12:00:00Z",
    );
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("1200.00");
    expect((await s.tierOf()).id).toBe("gold");
    // 2026 requalifies gold at the review on 1 January 2027; 2027 earns only 100 status points.
    s.t.set("2027-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    s.t.set("2027-06-01T12:00:00Z");
    await s.buy("100.00");
    s.t.set("2028-01-01T00:00:00Z");
    return s;
  }

  it("oneDown: gold falls to silver at the 2028 review, and to bronze a year later", async () => {
    const s = await goldWithBronzeMetric("oneDown");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    expect((await s.tierOf()).id).toBe("silver");
    s.t.set("2029-01-01T00:00:00Z");
    await s.engine.reviewTiers();
    expect((await s.tierOf()).id).toBe("bronze");
    const demotions = tierEntries(await readAllEntries(s.store, s.id, "m")).filter((e) => e.reason === "demotion");
    expect(demotions.map((e) => [e.from, e.to, e.at])).toEqual([
      ["gold", "silver", "2028-01-01T00:00:00.000Z"],
      ["silver", "bronze", "2029-01-01T00:00:00.000Z"],
    ]);
  });

  it("recompute (balance-based): gold falls straight to bronze, the tier the 2027 points support", async () => {
    const s = await goldWithBronzeMetric("recompute");
    await s.engine.reviewTiers();
    expect((await s.tierOf()).id).toBe("bronze");
  });

  it("recompute keeps the member in silver when the year's points support silver", async () => {
    const s = await setup(tierProgram(), "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("1200.00");
    s.t.set("2027-05-01T12:00:00Z");
    await s.buy("600.00");
    s.t.set("2028-01-01T00:00:00Z");
    await s.engine.reviewTiers(); // 2027 review: requalified in 2026; 2028 review: 600 in 2027 supports silver
    const tier = await s.tierOf();
    expect(tier.id).toBe("silver");
    expect(tier.since).toBe("2028-01-01T00:00:00.000Z");
    expect(tier.guaranteedUntil).toBe("2029-01-01T00:00:00.000Z");
  });
});

describe("Voucherify: a downgrade grace period", () => {
  // Voucherify lets a program keep a member in their tier for a grace period after the tier
  // expires; the downgrade happens when the grace period ends unless the member requalifies.
  const def = tierProgram({
    review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute", graceMonths: 3 },
  });

  async function failedReview() {
    const s = await setup(def, "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("600.00"); // silver for 2026
    s.t.set("2027-01-01T00:00:00Z");
    await s.engine.reviewTiers(); // requalified on 2026
    s.t.set("2028-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ grace_started: 1 });
    return s;
  }

  it("holds the tier for three months after the failed review, then demotes exactly at the end", async () => {
    const s = await failedReview();
    const tier = await s.tierOf();
    // 1 April 2028, 00:00 in London (BST): three local months after the review.
    expect(tier).toMatchObject({
      id: "silver",
      graceUntil: "2028-03-31T23:00:00.000Z",
      nextReviewAt: "2028-03-31T23:00:00.000Z",
    });
    s.t.set(Date.parse("2028-03-31T23:00:00Z") - 1);
    expect((await s.engine.reviewTiers()).members).toBe(0);
    expect((await s.tierOf()).id).toBe("silver");
    s.t.set("2028-03-31T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    expect(await s.tierOf()).toMatchObject({ id: "bronze", graceUntil: null });
  });

  it("a member whose window meets the tier again during the grace period keeps it, and the review at its end requalifies", async () => {
    const s = await failedReview();
    s.t.set("2028-02-10T12:00:00Z");
    const result = await s.buy("550.00");
    // Requalifying is a review's step: the purchase leaves the grace running (issue 19, defect 10).
    expect(tierEntries(result.entries)).toEqual([]);
    expect(await s.tierOf()).toMatchObject({ id: "silver", graceUntil: "2028-03-31T23:00:00.000Z" });
    s.t.set("2028-04-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    expect(await s.tierOf()).toMatchObject({
      id: "silver",
      graceUntil: null,
      guaranteedUntil: "2029-01-01T00:00:00.000Z",
    });
    const last = tierEntries(await readAllEntries(s.store, s.id, "m")).at(-1)!;
    expect(last.tier.reviewedAt).toBe("2028-03-31T23:00:00.000Z");
  });

  it("a sweep that runs late still decides at the end of grace, not at the time it runs", async () => {
    const s = await failedReview();
    s.t.set("2028-09-15T08:00:00Z");
    await s.engine.reviewTiers();
    const last = tierEntries(await readAllEntries(s.store, s.id, "m")).at(-1)!;
    expect(last).toMatchObject({ reason: "demotion", to: "bronze" });
    expect(last.tier.since).toBe("2028-03-31T23:00:00.000Z");
  });
});

describe("Open Loyalty: qualification on points earned in the window, not on the balance", () => {
  // Open Loyalty's users asked for tiers on points earned in a period rather than the current
  // balance: spending points must not cost the tier, and old points must not keep it.
  const def = tierProgram({
    levels: [
      { id: "bronze" },
      { id: "silver", qualify: { thresholds: [{ metric: "points", wallet: "points", min: "500" }] } },
      { id: "gold", qualify: { thresholds: [{ metric: "points", wallet: "points", min: "1000" }] } },
    ],
    window: { kind: "rolling", months: 12 },
    review: { schedule: { kind: "daily" }, demotion: "recompute" },
  });

  it("spending the points keeps the tier; the points leaving the 12-month window take it", async () => {
    const s = await setup(def, "2026-03-10T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("600.00");
    expect((await s.tierOf()).id).toBe("silver");
    await s.engine.spend({ key: "s", memberId: "m", wallet: "points", points: "600" });
    const tier = await s.tierOf();
    expect(tier.id).toBe("silver");
    expect((await s.engine.summary("m")).wallets.points!.available).toBe("0");
    // The purchase's day (10 March 2026) is the last day of the window on 10 March 2027; the daily
    // review at the midnight that starts 11 March 2027 no longer counts it.
    expect(tier.guaranteedUntil).toBe("2027-03-11T00:00:00.000Z");
    s.t.set("2027-03-10T23:59:59.999Z");
    await s.engine.reviewTiers();
    expect((await s.tierOf()).id).toBe("silver");
    s.t.set("2027-03-11T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    expect((await s.tierOf()).id).toBe("bronze");
  });

  it("a large balance from last year does not promote: only this window's earning counts", async () => {
    const s = await setup(tierProgram({ window: { kind: "calendarYear" } }), "2025-06-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.engine.adjust({ key: "a", memberId: "m", wallet: "status", points: "400", reason: "migration" });
    s.t.set("2026-02-01T12:00:00Z");
    await s.buy("300.00");
    const tier = await s.tierOf();
    expect(tier.id).toBe("bronze");
    expect(tier.metrics["points:status"]).toBe("300");
    expect((await s.engine.summary("m")).wallets.status!.available).toBe("700");
  });
});

describe("reviews and windows of different lengths", () => {
  it("monthly reviews of a calendar-year window promote at a month end but demote only when the year closes", async () => {
    const s = await setup(
      tierProgram({
        promotion: "atReview",
        review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" },
      }),
      "2026-03-10T12:00:00Z",
    );
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("600.00");
    s.t.set("2026-03-31T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ promotion: 1 });
    expect(await s.tierOf()).toMatchObject({
      id: "silver",
      guaranteedUntil: "2027-01-01T00:00:00.000Z",
      nextReviewAt: "2027-01-01T00:00:00.000Z",
    });
    s.t.set("2027-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    // February 2027 reads a one-month-old year: no demotion until the year closes.
    s.t.set("2027-02-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).members).toBe(0);
    expect(await s.tierOf()).toMatchObject({ id: "silver", nextReviewAt: "2028-01-01T00:00:00.000Z" });
    s.t.set("2028-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
  });

  it("a membership year is judged when it closes: a review inside the next year demotes only on the year that closed", async () => {
    for (const period of ["month", "year"] as const) {
      const s = await setup(
        tierProgram({
          window: { kind: "membershipYear" },
          review: { schedule: { kind: "periodEnd", period }, demotion: "recompute" },
        }),
        "2025-03-15T12:00:00Z",
      );
      await s.engine.enroll({ key: "e", memberId: "m" });
      s.t.set("2025-04-10T12:00:00Z");
      await s.buy("600.00");
      expect((await s.tierOf()).id).toBe("silver");
      // The first review after the year closed (31 March 2026, or 1 January 2027) reads the new,
      // nearly empty year, but judges on 15 March 2025 to 14 March 2026: silver is kept.
      const firstReview = period === "month" ? "2026-03-31T23:00:00Z" : "2027-01-01T00:00:00Z";
      s.t.set(firstReview);
      expect((await s.engine.reviewTiers()).changes, period).toEqual({ requalified: 1 });
      expect((await s.tierOf()).id).toBe("silver");
      // The year to 14 March 2027 earned nothing: the first review after it closes demotes.
      const next = period === "month" ? "2027-03-31T23:00:00Z" : "2028-01-01T00:00:00Z";
      s.t.set(new Date(Date.parse(next) - 1).toISOString());
      await s.engine.reviewTiers();
      expect((await s.tierOf()).id, period).toBe("silver");
      s.t.set(next);
      expect((await s.engine.reviewTiers()).changes, period).toEqual({ demotion: 1 });
      expect((await s.tierOf()).id).toBe("bronze");
    }
  });
});

describe("daily (rolling) reviews", () => {
  const def = tierProgram({
    window: { kind: "rolling", days: 30 },
    review: { schedule: { kind: "daily" }, demotion: "oneDown" },
  });

  it("later activity pushes the guarantee out; oneDown then drops one level per midnight", async () => {
    const s = await setup(def, "2026-05-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("1100.00");
    // A 30-day window at the midnight that starts 1 June covers 2-31 May: 1 May has left it
    // (local midnight in BST: 31 May 23:00Z).
    expect(await s.tierOf()).toMatchObject({ id: "gold", guaranteedUntil: "2026-05-31T23:00:00.000Z" });
    s.t.set("2026-05-20T12:00:00Z");
    await s.buy("1000.00");
    expect(await s.tierOf()).toMatchObject({
      id: "gold",
      guaranteedUntil: "2026-06-19T23:00:00.000Z",
      nextReviewAt: "2026-06-19T23:00:00.000Z",
    });
    s.t.set(Date.parse("2026-06-19T23:00:00Z") - 1);
    expect((await s.engine.reviewTiers()).members).toBe(0);
    s.t.set("2026-06-19T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    expect((await s.tierOf()).id).toBe("silver");
    expect((await s.tierOf()).nextReviewAt).toBe("2026-06-20T23:00:00.000Z");
    s.t.set("2026-06-25T08:00:00Z"); // a late sweep catches up, deciding at the due midnight
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    const demotions = tierEntries(await readAllEntries(s.store, s.id, "m")).filter((e) => e.reason === "demotion");
    expect(demotions.map((e) => [e.to, e.at, e.tier.since])).toEqual([
      ["silver", "2026-06-19T23:00:00.000Z", "2026-06-19T23:00:00.000Z"],
      ["bronze", "2026-06-25T08:00:00.000Z", "2026-06-20T23:00:00.000Z"],
    ]);
  });
});

describe("thresholds and windows", () => {
  it("all: 5 purchases and £500; any: either", async () => {
    const levels = (match: "all" | "any") => [
      { id: "member" },
      {
        id: "vip",
        qualify: {
          match,
          thresholds: [
            { metric: "purchases", min: 5 },
            { metric: "spend", min: "500.00" },
          ],
        },
      },
    ];
    for (const match of ["all", "any"] as const) {
      const s = await setup(tierProgram({ levels: levels(match) as Tiers["levels"] }), "2026-03-01T12:00:00Z");
      await s.engine.enroll({ key: "e", memberId: "m" });
      await s.buy("600.00");
      expect((await s.tierOf()).id).toBe(match === "any" ? "vip" : "member");
      for (let i = 0; i < 4; i++) await s.buy("1.00");
      expect((await s.tierOf()).id).toBe("vip");
    }
  });

  it("counts custom events of one type", async () => {
    const s = await setup(
      tierProgram({
        levels: [
          { id: "reader" },
          { id: "critic", qualify: { thresholds: [{ metric: "events", type: "review", min: 3 }] } },
        ],
      }),
      "2026-03-01T12:00:00Z",
    );
    await s.engine.enroll({ key: "e", memberId: "m" });
    for (let i = 0; i < 3; i++)
      await s.engine.recordEvent({ key: `r${i}`, memberId: "m", type: i === 1 ? "survey" : "review" });
    expect((await s.tierOf()).id).toBe("reader");
    await s.engine.recordEvent({ key: "r9", memberId: "m", type: "review" });
    expect((await s.tierOf()).id).toBe("critic");
  });

  it("calendar years are local: 23:30 on 31 December in New York belongs to the old year", async () => {
    const s = await setup(tierProgram({}, { timeZone: "America/New_York" }), "2027-01-01T04:30:00Z");
    await s.engine.enroll({ key: "e", memberId: "m", joinedAt: "2026-06-01T12:00:00Z" });
    await s.buy("600.00"); // 23:30 on 31 December 2026, local
    expect((await s.tierOf()).window).toMatchObject({ from: "2026-01-01", to: "2026-12-31" });
    // At local midnight exactly the window is still the year that just ended (what a year-end
    // review reads); a moment later it is the new, empty year.
    s.t.set("2027-01-01T05:00:00Z");
    expect((await s.tierOf()).metrics["points:status"]).toBe("600");
    s.t.set("2027-01-01T05:00:00.001Z");
    const tier = await s.tierOf();
    expect(tier.metrics["points:status"]).toBe("0");
    expect(tier.id).toBe("silver");
  });

  it("membership years run from the joining anniversary", async () => {
    const s = await setup(tierProgram({ window: { kind: "membershipYear" } }), "2026-09-15T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m", joinedAt: "2025-09-20T10:00:00Z" });
    await s.buy("600.00");
    expect((await s.tierOf()).window).toMatchObject({
      from: "2025-09-20",
      to: "2026-09-15",
      endsAt: "2026-09-19T23:00:00.000Z",
    });
    s.t.set("2026-09-20T12:00:00Z");
    expect((await s.tierOf()).metrics["points:status"]).toBe("0");
  });

  it("since the last tier change: the count starts again at every change (tier anniversaries)", async () => {
    const s = await setup(
      tierProgram({
        window: { kind: "sinceTierChange" },
        review: { schedule: { kind: "tierAnniversary" }, demotion: "recompute" },
      }),
      "2026-03-01T12:00:00Z",
    );
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("600.00");
    const tier = await s.tierOf();
    expect(tier).toMatchObject({ id: "silver", nextReviewAt: "2027-03-01T12:00:00.000Z" });
    expect(tier.metrics["points:status"]).toBe("0");
    s.t.set("2026-12-01T12:00:00Z");
    await s.buy("500.00");
    s.t.set("2027-03-01T12:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    // A requalification is not a tier change: the count goes on, so 2028 requalifies as well.
    s.t.set("2028-03-01T12:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    expect((await s.tierOf()).metrics["points:status"]).toBe("500");
  });

  it("lifetime: never demoted, promoted when the lifetime total crosses", async () => {
    const s = await setup(tierProgram({ window: { kind: "lifetime" } }), "2020-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("400.00");
    s.t.set("2026-03-01T12:00:00Z");
    await s.buy("700.00");
    expect((await s.tierOf()).id).toBe("gold");
  });

  it("a membership year of a 29 February join ends at the next anniversary, never at its own start", async () => {
    const def = tierProgram({
      window: { kind: "membershipYear" },
      review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" },
      refunds: "atReview",
    });
    const compiled = compileProgram(def);
    for (const joined of ["2024-02-29T12:00:00Z", "2024-02-28T12:00:00Z", "2023-03-01T12:00:00Z"]) {
      const state = { ...emptyState("m"), joinedAt: Date.parse(joined) };
      for (let at = Date.parse("2024-03-01T06:00:00Z"); at < Date.parse("2033-03-05T00:00:00Z"); at += DAY) {
        const w = windowAt(compiled, state, at);
        expect(w.endsAt! > at, `${joined} at ${new Date(at).toISOString()}: ${JSON.stringify(w)}`).toBe(true);
        expect(w.endsAt! - Date.parse(`${w.from}T00:00:00Z`)).toBeGreaterThanOrEqual(364 * DAY);
      }
    }
    const s = await setup(def, "2024-02-29T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    s.t.set("2027-03-10T12:00:00Z");
    await s.buy("600.00");
    expect(await s.tierOf()).toMatchObject({
      id: "silver",
      window: { from: "2027-02-28", endsAt: "2028-02-29T00:00:00.000Z" },
      guaranteedUntil: "2028-03-01T00:00:00.000Z",
    });
    s.t.set("2027-03-20T12:00:00Z");
    await s.engine.refund({ key: "r", memberId: "m", purchaseId: "o1", amount: "200.00", currency: "GBP" });
    // The year has not closed: a monthly review reads a partial year and may not demote.
    s.t.set("2027-04-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({});
    expect((await s.tierOf()).id).toBe("silver");
  });
});

describe("promotion", () => {
  it("skips levels where earned, and pays the bonus of every tier passed", async () => {
    const def = tierProgram(
      {},
      {
        rules: [
          ...tierProgram().rules,
          { id: "silver-bonus", on: "tier:silver", awards: [{ kind: "fixed", points: "100", wallet: "points" }] },
          { id: "gold-bonus", on: "tier:gold", awards: [{ kind: "fixed", points: "250", wallet: "points" }] },
        ],
      },
    );
    const s = await setup(def, "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    const result = await s.buy("1500.00");
    expect(tierEntries(result.entries).map((e) => [e.from, e.to, e.reason])).toEqual([["bronze", "gold", "promotion"]]);
    const bonuses = result.entries
      .filter((e) => e.kind === "earn" && e.ruleId.endsWith("-bonus"))
      .map((e) => (e as { points: string }).points);
    expect(bonuses).toEqual(["100", "250"]);
    // Bonus points never count towards qualification.
    expect((await s.tierOf()).metrics["points:status"]).toBe("1500");
    expect((await s.engine.summary("m")).wallets.points!.available).toBe("1850");
  });

  it("at review: the purchase changes nothing until the review promotes", async () => {
    const s = await setup(
      tierProgram({
        promotion: "atReview",
        review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" },
      }),
      "2026-03-10T12:00:00Z",
    );
    await s.engine.enroll({ key: "e", memberId: "m" });
    const r = await s.buy("700.00");
    expect(tierEntries(r.entries)).toEqual([]);
    // The review at the end of March: 1 April 00:00 in London (BST).
    expect(await s.tierOf()).toMatchObject({
      id: "bronze",
      nextReviewAt: "2026-03-31T23:00:00.000Z",
      next: { tier: "silver", met: true, by: "2026-03-31T23:00:00.000Z" },
    });
    s.t.set("2026-03-31T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ promotion: 1 });
    expect(await s.tierOf()).toMatchObject({ id: "silver", since: "2026-03-31T23:00:00.000Z" });
    expect((await s.engine.reviewTiers()).members).toBe(0);
  });

  it("earning rules condition on the tier: gold earns 1.5x (a multiplier rule on { tier: [gold] })", async () => {
    const def = tierProgram(
      {},
      {
        rules: [
          ...tierProgram().rules,
          {
            id: "gold-boost",
            on: "purchase",
            when: { tier: ["gold"] },
            awards: [{ kind: "multiplier", factor: "1.5", wallet: "points", rules: ["base"] }],
          },
        ],
      },
    );
    const s = await setup(def, "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    const first = await s.buy("1000.00"); // earns at bronze, promotes to gold
    expect(first.totals.points).toBe("1000");
    const second = await s.buy("100.00");
    expect(second.totals.points).toBe("150");
    expect((await s.engine.previewPurchase({ memberId: "m", amount: "10.00", currency: "GBP" })).totals.points).toBe(
      "15",
    );
  });
});

describe("refunds", () => {
  it("atOnce: a refund that takes the metric under the threshold of a tier just reached demotes in the same commit", async () => {
    const s = await setup(tierProgram({ refunds: "atOnce" }), "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("300.00");
    await s.buy("300.00");
    expect((await s.tierOf()).id).toBe("silver");
    const r = await s.engine.refund({ key: "r", memberId: "m", purchaseId: "o2", amount: "300.00", currency: "GBP" });
    expect(tierEntries(r.entries).map((e) => [e.from, e.to, e.reason])).toEqual([["silver", "bronze", "refund"]]);
  });

  it("atReview: the tier stays until the next review", async () => {
    const s = await setup(tierProgram({ refunds: "atReview" }), "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("600.00");
    const r = await s.engine.refund({ key: "r", memberId: "m", purchaseId: "o1", amount: "300.00", currency: "GBP" });
    expect(tierEntries(r.entries)).toEqual([]);
    expect(await s.tierOf()).toMatchObject({ id: "silver", keep: { met: false, thresholds: [{ missing: "200" }] } });
    s.t.set("2027-01-01T00:00:00Z");
    await s.engine.reviewTiers();
    expect((await s.tierOf()).id).toBe("bronze");
  });

  it("atOnce never takes away a tier a review confirmed", async () => {
    const s = await setup(tierProgram({ refunds: "atOnce" }), "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("600.00");
    s.t.set("2027-01-01T00:00:00Z");
    await s.engine.reviewTiers();
    s.t.set("2027-02-01T12:00:00Z");
    await s.buy("600.00");
    await s.engine.refund({ key: "r", memberId: "m", purchaseId: "o2", amount: "600.00", currency: "GBP" });
    expect((await s.tierOf()).id).toBe("silver");
  });

  it("a refund reduces the purchase's own day, so the window never counts points taken back", async () => {
    const s = await setup(
      tierProgram({
        window: { kind: "rolling", days: 30 },
        review: { schedule: { kind: "daily" }, demotion: "recompute" },
      }),
      "2026-03-01T12:00:00Z",
    );
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("450.00");
    s.t.set("2026-03-20T12:00:00Z");
    await s.buy("100.00");
    await s.engine.refund({ key: "r", memberId: "m", purchaseId: "o1", amount: "450.00", currency: "GBP" });
    expect((await s.tierOf()).metrics["points:status"]).toBe("100");
  });

  describe("a reclaim on cancellation is a refund's take-back: atOnce demotes at the cancellation", () => {
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
      const s = memberSetup(
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
        const s = memberSetup(
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
      const s = memberSetup(
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
});

describe("manual assignment, floors and minimum stays", () => {
  it("a manual tier is a floor until its date, then the reviews decide", async () => {
    const s = await setup(tierProgram(), "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    const r = await s.engine.assignTier({
      key: "a",
      memberId: "m",
      tier: "gold",
      until: "2027-06-30T23:00:00Z",
      note: "status match",
    });
    expect(tierEntries(r.entries).at(-1)).toMatchObject({
      reason: "manual",
      from: "bronze",
      to: "gold",
      note: "status match",
    });
    s.t.set("2027-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).members).toBe(0);
    expect((await s.tierOf()).id).toBe("gold");
    // `until` is not a review: the first scheduled review at or after it (1 January 2028, reading all of 2027) decides.
    s.t.set("2027-06-30T23:00:00Z");
    expect((await s.engine.reviewTiers()).members).toBe(0);
    expect(await s.tierOf()).toMatchObject({ id: "gold", nextReviewAt: "2028-01-01T00:00:00.000Z" });
    s.t.set("2028-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ floor_ended: 1 });
    expect(await s.tierOf()).toMatchObject({ id: "bronze", floor: null });
  });

  it("refuses an unknown tier and a floor in the past", async () => {
    const s = await setup(tierProgram(), "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    const error = await s.engine
      .assignTier({ key: "a", memberId: "m", tier: "platinum", until: "2020-01-01T00:00:00Z" })
      .catch((e: unknown) => e);
    expect(isLoyaltyError(error, "INVALID_COMMAND") && error.issues.map((i) => i.path.join("."))).toEqual([
      "tier",
      "until",
    ]);
  });

  it("a minimum stay holds a promoted tier past the first review", async () => {
    const s = await setup(
      tierProgram({
        review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute", minimumStayMonths: 6 },
        window: { kind: "rolling", days: 30 },
      }),
      "2026-03-10T12:00:00Z",
    );
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("600.00");
    expect((await s.tierOf()).guaranteedUntil).toBe("2026-09-10T11:00:00.000Z");
    for (const at of ["2026-05-01T00:00:00Z", "2026-08-01T00:00:00Z"]) {
      s.t.set(at);
      await s.engine.reviewTiers();
      expect((await s.tierOf()).id).toBe("silver");
    }
    s.t.set("2026-10-01T00:00:00Z");
    await s.engine.reviewTiers();
    expect((await s.tierOf()).id).toBe("bronze");
  });

  it("a manual floor's until is not a review: the first scheduled review at or after it decides, reading the whole window", async () => {
    const s = await setup(
      tierProgram({ review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" } }),
      "2026-03-10T12:00:00Z",
    );
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.engine.assignTier({ key: "a", memberId: "m", tier: "gold", until: "2026-06-15T12:00:00Z" });
    s.t.set("2026-04-01T12:00:00Z");
    await s.buy("800.00");
    s.t.set("2026-06-16T12:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({});
    expect(await s.tierOf()).toMatchObject({ id: "gold", nextReviewAt: "2027-01-01T00:00:00.000Z" });
    s.t.set("2027-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ floor_ended: 1 });
    expect(await s.tierOf()).toMatchObject({ id: "silver", since: "2027-01-01T00:00:00.000Z", floor: null });
    const last = tierEntries(await readAllEntries(s.store, s.id, "m")).at(-1)!;
    expect(last).toMatchObject({
      reason: "floor_ended",
      from: "gold",
      to: "silver",
      tier: { reviewedAt: "2027-01-01T00:00:00.000Z" },
    });
  });

  it("a floor that ends while the window still holds the tier is a requalification at the next review, recorded as floor_ended", async () => {
    const s = await setup(
      tierProgram({ review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" } }),
      "2026-03-10T12:00:00Z",
    );
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.engine.assignTier({ key: "a", memberId: "m", tier: "silver", until: "2026-06-15T12:00:00Z" });
    await s.buy("600.00");
    s.t.set("2026-06-15T12:00:00Z");
    expect((await s.engine.reviewTiers()).members).toBe(0);
    s.t.set("2026-06-30T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ floor_ended: 1 });
    expect(await s.tierOf()).toMatchObject({ id: "silver", floor: null });
  });

  it("a manual assignment is held at least minimumStayMonths, with or without until", async () => {
    const tiers = {
      window: { kind: "rolling", months: 12 },
      review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute", minimumStayMonths: 6 },
    } as Partial<Tiers>;
    const s = await setup(tierProgram(tiers), "2026-03-10T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.engine.enroll({ key: "e2", memberId: "n" });
    await s.engine.assignTier({ key: "a", memberId: "m", tier: "gold" });
    await s.engine.assignTier({ key: "b", memberId: "n", tier: "gold", until: "2026-04-15T12:00:00Z" });
    expect((await s.tierOf("m")).guaranteedUntil).toBe("2026-09-10T11:00:00.000Z");
    expect((await s.tierOf("n")).guaranteedUntil).toBe("2026-09-10T11:00:00.000Z");
    for (const at of ["2026-04-02T12:00:00Z", "2026-06-01T00:00:00Z", "2026-09-01T00:00:00Z"]) {
      s.t.set(at);
      await s.engine.reviewTiers();
      expect([(await s.tierOf("m")).id, (await s.tierOf("n")).id]).toEqual(["gold", "gold"]);
    }
    s.t.set("2026-10-01T00:00:00Z");
    await s.engine.reviewTiers();
    expect([(await s.tierOf("m")).id, (await s.tierOf("n")).id]).toEqual(["bronze", "bronze"]);
    // An until beyond the stay is the guarantee.
    await s.engine.assignTier({ key: "c", memberId: "m", tier: "silver", until: "2027-06-01T12:00:00Z" });
    expect((await s.tierOf("m")).guaranteedUntil).toBe("2027-06-01T12:00:00.000Z");
  });
});

describe("earning rules that read the tier", () => {
  it("a back-dated purchase earns at the tier the member holds when it is recorded", async () => {
    const def = tierProgram();
    def.rules = [
      ...def.rules,
      {
        id: "silver-boost",
        on: "purchase",
        when: { tier: ["silver"] },
        awards: [{ kind: "multiplier", factor: "2", wallet: "points", rules: ["base"] }],
      },
    ] as ProgramDefinition["rules"];
    const s = await setup(def, "2026-05-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    s.t.set("2026-06-01T12:00:00Z");
    await s.buy("600.00");
    expect((await s.tierOf()).id).toBe("silver");
    s.t.set("2026-06-10T12:00:00Z");
    const r = await s.engine.recordPurchase({
      key: "late",
      memberId: "m",
      purchaseId: "late",
      amount: "100.00",
      currency: "GBP",
      occurredAt: "2026-05-15T12:00:00Z",
    });
    expect(r.awards.map((a) => [a.ruleId, a.wallet, a.points])).toEqual([
      ["base", "points", "100"],
      ["base", "status", "100"],
      ["silver-boost", "points", "100"],
    ]);
  });
});

describe("the review sweep", () => {
  it("touches only due members, is idempotent, and two sweeps at once write each review once", async () => {
    const store = createMemoryStore();
    const s = await setup(tierProgram(), "2026-03-01T12:00:00Z", store);
    for (let i = 0; i < 12; i++) {
      await s.engine.enroll({ key: `e${i}`, memberId: `m${i}` });
      if (i % 3 === 0) await s.buy("600.00", `m${i}`);
    }
    s.t.set("2027-01-01T00:00:00Z");
    const due = await store.findDueMembers(s.id, { before: s.t.now(), limit: 100 });
    expect(due.map((d) => d.memberId).sort()).toEqual(["m0", "m3", "m6", "m9"]);
    const [a, b] = await Promise.all([s.engine.reviewTiers({ batchSize: 1 }), s.engine.reviewTiers({ batchSize: 3 })]);
    expect((a.changes.requalified ?? 0) + (b.changes.requalified ?? 0)).toBe(4);
    expect(await s.engine.reviewTiers()).toMatchObject({ scanned: 0, members: 0 });
    for (let i = 0; i < 12; i++) {
      const entries = tierEntries(await readAllEntries(store, s.id, `m${i}`));
      expect(entries.filter((e) => e.reason === "requalified").length).toBe(i % 3 === 0 ? 1 : 0);
      expect(await memberViolations(store, s.id, `m${i}`, s.t.now())).toEqual([]);
    }
  });

  it("the statement lists every tier change with its reason", async () => {
    const s = await setup(tierProgram(), "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("600.00");
    const statement = await s.engine.statement("m");
    expect(statement.entries.filter((e) => e.kind === "tier").map((e) => (e as TierEntry).reason)).toEqual([
      "joined",
      "promotion",
    ]);
  });
});

describe("summary: tier, since, guaranteed until, progress", () => {
  it("shows what the next tier and keeping this one take, and by when", async () => {
    const s = await setup(tierProgram(), "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("650.00");
    const tier = await s.tierOf();
    expect(tier).toMatchObject({
      id: "silver",
      level: 1,
      since: "2026-03-01T12:00:00.000Z",
      guaranteedUntil: "2027-01-01T00:00:00.000Z",
      window: { from: "2026-01-01", to: "2026-03-01", endsAt: "2027-01-01T00:00:00.000Z" },
      next: {
        tier: "gold",
        met: false,
        by: "2027-01-01T00:00:00.000Z",
        thresholds: [{ metric: "points", wallet: "status", required: "1000", current: "650", missing: "350" }],
      },
      keep: { tier: "silver", met: true, by: "2027-01-01T00:00:00.000Z" },
    });
  });

  it("is null in a program without tiers, whose entries carry no tier entries and no counters", async () => {
    const def = tierProgram();
    delete (def as { tiers?: unknown }).tiers;
    const s = await setup(def, "2026-03-01T12:00:00Z");
    await s.engine.enroll({ key: "e", memberId: "m" });
    await s.buy("600.00");
    await s.engine.refund({ key: "r", memberId: "m", purchaseId: "o1", amount: "100.00", currency: "GBP" });
    expect((await s.engine.summary("m")).tier).toBeNull();
    const entries = await readAllEntries(s.store, s.id, "m");
    expect(entries.some((e) => e.kind === "tier" || "metrics" in e)).toBe(false);
    expect(await s.store.findDueMembers(s.id, { before: Date.parse("2030-01-01T00:00:00Z"), limit: 10 })).toEqual([
      { memberId: "m", dueAt: Date.parse("2028-03-01T12:00:00Z") },
    ]);
    const error = await s.engine.assignTier({ key: "a", memberId: "m", tier: "gold" }).catch((e: unknown) => e);
    expect(isLoyaltyError(error, "INVALID_COMMAND") && error.issues[0]!.path).toEqual(["tier"]);
  });
});

describe("validation", () => {
  it("lists every tier problem with its path", () => {
    const bad = tierProgram(
      {
        levels: [
          { id: "bronze", qualify: { thresholds: [{ metric: "spend", min: "1" }] } },
          { id: "silver" },
          {
            id: "silver",
            qualify: {
              thresholds: [
                { metric: "points", wallet: "nope", min: "5" },
                { metric: "visits", min: 1 },
              ],
            },
          },
        ] as Tiers["levels"],
        window: { kind: "sinceTierChange" },
        review: { schedule: { kind: "daily" }, demotion: "twoDown" } as unknown as Tiers["review"],
      },
      {
        rules: [
          ...tierProgram().rules,
          {
            id: "x",
            on: "tier:platinum",
            when: { tier: ["diamond"] },
            awards: [{ kind: "fixed", points: "1", wallet: "points" }],
          },
        ],
      },
    );
    const error = (() => {
      try {
        compileProgram(bad);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(isLoyaltyError(error, "INVALID_PROGRAM")).toBe(true);
    const paths = (error as { issues: { path: (string | number)[] }[] }).issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "tiers.levels.0.qualify",
        "tiers.levels.1.qualify",
        "tiers.levels.2.id",
        "tiers.levels.2.qualify.thresholds.0.wallet",
        "tiers.levels.2.qualify.thresholds.1.metric",
        "tiers.review.demotion",
        "tiers.review.schedule.kind",
        "rules.1.on",
        "rules.1.when.tier.0",
      ]),
    );
  });
});

// ---- Properties (the scripts and program variants: test/support/tier-scripts.ts) ------------------

describe("tier properties", () => {
  it("the tier is a pure function of the entries and the review instants: sweeps at any time, in any batch size, or none, lost races and chunked folds agree", async () => {
    await fc.assert(
      fc.asyncProperty(
        variantArb,
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        async (v, script, chunks) => {
          const def = variantProgram(v);
          const a = await runScript(def, script, { batchSize: 500 });
          const b = await runScript(def, script, { batchSize: 1, racing: true });
          expect(tierPath(b.entries)).toEqual(tierPath(a.entries));
          // With no sweeps at all until the end, every command catches up on the reviews due before it:
          // the same history again.
          const c = await runScript(
            def,
            script.filter((op) => op.kind !== "review"),
            { batchSize: 7 },
          );
          expect(tierPath(c.entries)).toEqual(tierPath(a.entries));
          // Folding the entries in chunks of any size gives the stored snapshot's tier.
          let state = null as ReturnType<typeof foldEntries> | null;
          for (let at = 0, k = 0; at < a.entries.length; k++) {
            const size = chunks[k % chunks.length]!;
            state = applyEntries(state, a.entries.slice(at, at + size));
            at += size;
          }
          expect(state!.tier).toEqual(foldEntries("m", a.entries).tier);
          expect(await memberViolations(a.inner, def.id, "m", a.now)).toEqual([]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  }, 60_000);

  it("a second review at the same instant changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(variantArb, fc.array(opArb, { minLength: 1, maxLength: 25 }), async (v, script) => {
        const { reviewResults } = await runScript(variantProgram(v), script, { batchSize: 500, reviewTwice: true });
        expect(reviewResults.every((n) => n === 0)).toBe(true);
      }),
      { numRuns: RUNS * 2 },
    );
  }, 60_000);

  it("oneDown never drops more than one level per review, and a grace period never demotes early", async () => {
    const level = (id: string | null) => (id === null ? 0 : Number(id.slice(1)));
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(variantArb, fc.array(opArb, { minLength: 1, maxLength: 30 }), async (v, script) => {
        const def = variantProgram(v);
        const { entries } = await runScript(def, script);
        let graceUntil: number | null = null;
        for (const e of tierEntries(entries)) {
          seen.set(e.reason, (seen.get(e.reason) ?? 0) + 1);
          if (e.reason === "demotion") {
            if (v.demotion === "oneDown") expect(level(e.from) - level(e.to)).toBe(1);
            if (v.graceMonths > 0) {
              expect(graceUntil).not.toBeNull();
              expect(Date.parse(e.tier.since)).toBeGreaterThanOrEqual(graceUntil!);
            }
          }
          expect(level(e.to) >= level(e.from) || e.reason === "demotion" || e.reason === "refund").toBe(true);
          graceUntil =
            e.tier.graceUntil === null ? (e.reason === "demotion" ? null : graceUntil) : Date.parse(e.tier.graceUntil);
          if (e.reason === "requalified" || e.reason === "promotion") graceUntil = null;
        }
      }),
      { numRuns: RUNS * 4 },
    );
    // The histories reached every kind of outcome, so the checks above were exercised.
    for (const reason of ["promotion", "requalified", "grace_started", "demotion", "refund"])
      expect(seen.get(reason) ?? 0, reason).toBeGreaterThan(0);
  }, 60_000);

  it("promotion is monotone in the metric: more of any metric never qualifies for a lower tier", () => {
    const def = compileProgram(
      variantProgram({
        demotion: "recompute",
        graceMonths: 0,
        minimumStayMonths: 0,
        promotion: "immediate",
        refunds: "atOnce",
        window: { kind: "lifetime" },
        t2Metric: "points",
        schedule: { kind: "periodEnd", period: "year" },
      }),
    );
    const at = Date.parse("2026-06-01T00:00:00Z");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 6 }),
        (points, purchases, morePoints, morePurchases) => {
          const state = (p: number, n: number) => {
            const s = emptyState("m");
            s.metrics["all"] = Object.assign(Object.create(null), {
              "points:status": new Decimal(p),
              purchases: new Decimal(n),
            });
            return s;
          };
          expect(qualifiedIndex(def, state(points + morePoints, purchases + morePurchases), at)).toBeGreaterThanOrEqual(
            qualifiedIndex(def, state(points, purchases), at),
          );
        },
      ),
      { numRuns: RUNS * 10 },
    );
  });
});
