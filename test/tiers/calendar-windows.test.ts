/**
 * Calendar qualification windows shorter than a year (issue 17): the current local month, quarter or
 * half-year, as Voucherify's tier qualification periods (`current_month`, `current_quarter`,
 * `current_half_year`) and Talon.One's calendar tier periods define them. A worked example per
 * window from those docs' shape (points collected in the current period; reviewed when it closes),
 * the window's bounds across a DST change, and properties: the window at T starts on the first day
 * of T's period and holds T's day, and it closes exactly at the next period's local midnight.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileProgram, type ProgramDefinition } from "../../src/index.js";
import { emptyState } from "../../src/ledger/state.js";
import { dayKey, windowAt } from "../../src/tiers/window.js";
import { dayStart } from "../../src/shared/calendar.js";
import { testEngine } from "../support/engine.js";
import { tierProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
type Tiers = NonNullable<ProgramDefinition["tiers"]>;
type CalendarKind = "calendarMonth" | "calendarQuarter" | "calendarHalfYear" | "calendarYear";
const MONTHS: Record<CalendarKind, number> = {
  calendarMonth: 1,
  calendarQuarter: 3,
  calendarHalfYear: 6,
  calendarYear: 12,
};

function program(window: Tiers["window"], period: "month" | "quarter" | "year") {
  return tierProgram({
    window,
    promotion: "immediate",
    review: { schedule: { kind: "periodEnd", period }, demotion: "recompute" },
  });
}

async function setup(def: ProgramDefinition, start: string) {
  const { engine, t } = testEngine(def, start, { maxAttempts: 50 });
  let n = 0;
  const buy = (amount: string) =>
    engine.recordPurchase({ key: `p${++n}`, memberId: "m", purchaseId: `o${n}`, amount, currency: "GBP" });
  const tier = async () => (await engine.summary("m")).tier!;
  await engine.enroll({ key: "e", memberId: "m" });
  return { engine, t, buy, tier };
}

describe("Voucherify's current_quarter: points collected in the calendar quarter", () => {
  it("Q1's points reach silver; Q2 starts at zero; the Q2 close demotes on Q2's points alone", async () => {
    const s = await setup(program({ kind: "calendarQuarter" }, "quarter"), "2026-02-10T12:00:00Z");
    await s.buy("300.00");
    s.t.set("2026-03-20T12:00:00Z");
    await s.buy("250.00");
    // 550 status points in Q1 (silver at 500).
    expect(await s.tier()).toMatchObject({ id: "silver", metrics: { "points:status": "550" } });
    expect((await s.engine.summary("m")).tier!.window).toMatchObject({
      from: "2026-01-01",
      endsAt: "2026-03-31T23:00:00.000Z",
    });
    // Q1 closes at local midnight on 1 April (BST: 31 March 23:00 UTC); the review reads Q1.
    s.t.set("2026-03-31T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    s.t.set("2026-05-05T12:00:00Z");
    await s.buy("200.00");
    expect(await s.tier()).toMatchObject({ id: "silver", metrics: { "points:status": "200" } });
    s.t.set("2026-06-30T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    expect((await s.tier()).id).toBe("bronze");
  });
});

describe("Voucherify's current_month with monthly reviews", () => {
  it("each month is judged on its own points: 500 in May keeps silver through June, 100 in June loses it", async () => {
    const s = await setup(program({ kind: "calendarMonth" }, "month"), "2026-05-03T12:00:00Z");
    await s.buy("500.00");
    expect((await s.tier()).id).toBe("silver");
    s.t.set("2026-05-31T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    s.t.set("2026-06-15T12:00:00Z");
    await s.buy("100.00");
    expect(await s.tier()).toMatchObject({ id: "silver", metrics: { "points:status": "100" } });
    s.t.set("2026-06-30T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
  });
});

describe("Voucherify's current_half_year with quarterly reviews", () => {
  it("a review inside the half-year may promote but not demote; the half-year's close decides", async () => {
    const s = await setup(
      tierProgram({
        window: { kind: "calendarHalfYear" },
        promotion: "atReview",
        review: { schedule: { kind: "periodEnd", period: "quarter" }, demotion: "recompute" },
      }),
      "2026-02-01T12:00:00Z",
    );
    await s.buy("700.00");
    s.t.set("2026-03-31T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ promotion: 1 });
    expect(await s.tier()).toMatchObject({ id: "silver", guaranteedUntil: "2026-06-30T23:00:00.000Z" });
    // The second half-year: nothing bought; its first quarterly review (30 September) reads a
    // half-open half-year and so holds silver; the close on 1 January demotes.
    s.t.set("2026-06-30T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    s.t.set("2026-09-30T23:00:00Z");
    await s.engine.reviewTiers();
    expect((await s.tier()).id).toBe("silver");
    s.t.set("2027-01-01T00:00:00Z");
    await s.engine.reviewTiers();
    expect((await s.tier()).id).toBe("bronze");
  });
});

describe("the program format", () => {
  it("accepts each calendar window and refuses an unknown one with its path", () => {
    for (const kind of Object.keys(MONTHS) as CalendarKind[])
      expect(() => compileProgram(program({ kind }, "month"))).not.toThrow();
    try {
      compileProgram(program({ kind: "calendarWeek" } as unknown as Tiers["window"], "month"));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "INVALID_PROGRAM" });
      expect(JSON.stringify(error)).toContain("tiers");
    }
  });
});

describe("window bounds (properties)", () => {
  const zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"];
  const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2032, 0, 1) });
  const kind = fc.constantFrom(...(Object.keys(MONTHS) as CalendarKind[]));

  it("starts on the first local day of the period holding T's last day, and closes at the next period's midnight", () => {
    fc.assert(
      fc.property(instant, kind, fc.constantFrom(...zones), (at, k, zone) => {
        const compiled = compileProgram({ ...program({ kind: k }, "year"), timeZone: zone });
        const range = windowAt(compiled, emptyState("m"), at);
        const last = dayKey(at - 1, zone);
        expect(range.to).toBe(last);
        const month = Number(last.slice(5, 7));
        expect(range.from).toBe(`${last.slice(0, 4)}-${String(month - ((month - 1) % MONTHS[k])).padStart(2, "0")}-01`);
        expect(range.from! <= last).toBe(true);
        // The close is a local midnight strictly after T's last day, and the window at the close
        // still reads this period (a review at the close judges the period that just ended).
        expect(range.endsAt! >= at).toBe(true);
        expect(windowAt(compiled, emptyState("m"), range.endsAt!).from).toBe(range.from);
        expect(windowAt(compiled, emptyState("m"), range.endsAt! + 1).from).toBe(dayKey(range.endsAt!, zone));
        expect(dayStart(dayKey(range.endsAt!, zone), zone)).toBe(range.endsAt);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
