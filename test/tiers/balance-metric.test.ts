/**
 * Tiers on the current balance of a wallet (issue 17): Voucherify's balance qualification, where a
 * member's tier follows the points they hold rather than the points they earned in a window.
 * Worked examples (promotion as the balance rises, demotion at the next review after a redemption
 * or an expiry lowers it, the daily guarantee ending at the midnight after the lots expire), the
 * window not applying to it, and validation.
 */
import { describe, expect, it } from "vitest";
import { compileProgram, type ProgramDefinition } from "../../src/index.js";
import { testEngine } from "../support/engine.js";
import { tierProgram } from "../support/programs.js";

type Tiers = NonNullable<ProgramDefinition["tiers"]>;

/** Silver from 500 points held, gold from 1,000, on the spendable wallet. */
const balanceLadder: Tiers["levels"] = [
  { id: "bronze" },
  { id: "silver", qualify: { thresholds: [{ metric: "balance", wallet: "points", min: "500" }] } },
  { id: "gold", qualify: { thresholds: [{ metric: "balance", wallet: "points", min: "1000" }] } },
];

async function setup(tiers: Partial<Tiers>, start: string) {
  const def = tierProgram({ levels: balanceLadder, ...tiers });
  const { engine, t } = testEngine(def, start, { maxAttempts: 50 });
  let n = 0;
  const buy = (amount: string) =>
    engine.recordPurchase({ key: `p${++n}`, memberId: "m", purchaseId: `o${n}`, amount, currency: "GBP" });
  const spend = (points: string) => engine.spend({ key: `s${++n}`, memberId: "m", wallet: "points", points });
  const tier = async () => (await engine.summary("m")).tier!;
  await engine.enroll({ key: "e", memberId: "m" });
  return { engine, t, buy, spend, tier };
}

describe("Voucherify's balance qualification", () => {
  it("promotes as the balance rises and demotes at the next daily review after a redemption lowers it", async () => {
    const s = await setup({ review: { schedule: { kind: "daily" }, demotion: "recompute" } }, "2026-03-02T12:00:00Z");
    await s.buy("1200.00");
    expect(await s.tier()).toMatchObject({ id: "gold", metrics: { "balance:points": "1200" } });
    await s.spend("400");
    // Spending does not demote on the spot: the member holds gold until the next review.
    expect(await s.tier()).toMatchObject({ id: "gold", metrics: { "balance:points": "800" } });
    s.t.set("2026-03-03T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    expect((await s.tier()).id).toBe("silver");
    // Earning it back promotes at once.
    s.t.set("2026-03-10T12:00:00Z");
    await s.buy("250.00");
    expect(await s.tier()).toMatchObject({ id: "gold", metrics: { "balance:points": "1050" } });
  });

  it("expiry lowers the balance: the daily guarantee ends at the midnight after the lots expire", async () => {
    const s = await setup({ review: { schedule: { kind: "daily" }, demotion: "recompute" } }, "2026-03-02T12:00:00Z");
    await s.buy("600.00");
    // The program's points expire after 24 months: 2 March 2028 at noon, London time (GMT).
    expect(await s.tier()).toMatchObject({ id: "silver", guaranteedUntil: "2028-03-03T00:00:00.000Z" });
    s.t.set("2028-03-03T00:00:00Z");
    await s.engine.reviewTiers();
    expect(await s.tier()).toMatchObject({ id: "bronze", metrics: { "balance:points": "0" } });
  });

  it("is not a window sum: last year's points still held count in a calendar-year window", async () => {
    const s = await setup(
      {
        window: { kind: "calendarYear" },
        review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
      },
      "2026-06-01T12:00:00Z",
    );
    await s.buy("700.00");
    s.t.set("2027-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    s.t.set("2027-02-01T12:00:00Z");
    await s.buy("300.00");
    expect(await s.tier()).toMatchObject({ id: "gold", metrics: { "balance:points": "1000" } });
  });

  it("a calendar window still holds a tier until the period closes; a lifetime window demotes at the next review", async () => {
    const monthly = { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" } as const;
    const held = await setup({ window: { kind: "calendarYear" }, review: monthly }, "2026-11-10T12:00:00Z");
    const loose = await setup({ window: { kind: "lifetime" }, review: monthly }, "2026-11-10T12:00:00Z");
    for (const s of [held, loose]) {
      await s.buy("1000.00");
      s.t.set("2027-01-15T12:00:00Z");
      await s.spend("900");
      s.t.set("2027-02-01T00:00:00Z");
      await s.engine.reviewTiers();
    }
    // A review inside a calendar year may promote but not demote, whatever the metric.
    expect(await held.tier()).toMatchObject({ id: "gold", metrics: { "balance:points": "100" } });
    expect(await loose.tier()).toMatchObject({ id: "bronze", metrics: { "balance:points": "100" } });
    held.t.set("2028-01-01T00:00:00Z");
    await held.engine.reviewTiers();
    expect((await held.tier()).id).toBe("bronze");
  });
});

describe("the program format", () => {
  it("refuses a balance threshold on an unknown wallet, with its path", () => {
    const def = tierProgram({
      levels: [
        { id: "bronze" },
        { id: "silver", qualify: { thresholds: [{ metric: "balance", wallet: "nope", min: "500" }] } },
      ],
    });
    try {
      compileProgram(def);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "INVALID_PROGRAM" });
      expect((error as { issues: { path: unknown[] }[] }).issues.map((i) => i.path)).toContainEqual([
        "tiers",
        "levels",
        1,
        "qualify",
        "thresholds",
        0,
        "wallet",
      ]);
    }
  });
});
