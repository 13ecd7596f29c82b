/**
 * The descriptive measures (RFM, tenure, repeat purchase rate, cohort retention, share of wallet),
 * the slipping flag and customer value, on small histories worked by hand and as properties.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  customerValue,
  expectedPurchases,
  expectedSpend,
  readPurchaseHistory,
  repeatPurchaseRate,
  retentionByCohort,
  rfm,
  shareOfWallet,
  slipping,
  type HistoryRow,
} from "../../src/insights/index.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

function history(text: string) {
  const rows: HistoryRow[] = text
    .trim()
    .split("\n")
    .map((line, i) => {
      const [member, date, amount] = line.trim().split(/\s+/);
      return { line: i + 1, member, date, amount };
    });
  return readPurchaseHistory(rows).history;
}

const shop = history(`
  ann 2026-01-05 10.00
  ann 2026-01-05 5.00
  ann 2026-02-10 20.00
  ann 2026-04-01 7.50
  bob 2026-01-20 100
  bob 2026-01-25 -40
  cat 2026-02-03 12.34
  cat 2026-03-03 1
  dan 2026-05-01 9
`);

describe("descriptive measures", () => {
  it("RFM and tenure on a day: purchase days, exact spend, members who had not bought yet left out", () => {
    expect(rfm(shop, "2026-04-30")).toEqual([
      { member: "ann", recencyDays: 29, frequency: 3, monetary: "14.17", totalSpend: "42.5", tenureDays: 115 },
      { member: "bob", recencyDays: 100, frequency: 1, monetary: "100.00", totalSpend: "100", tenureDays: 100 },
      { member: "cat", recencyDays: 58, frequency: 2, monetary: "6.67", totalSpend: "13.34", tenureDays: 86 },
    ]);
  });

  it("the repeat purchase rate counts members with a second purchase day", () => {
    expect(repeatPurchaseRate(shop, "2026-04-30")).toEqual({ members: 3, repeaters: 2, rate: 2 / 3 });
    expect(repeatPurchaseRate(shop, "2026-02-05")).toEqual({ members: 3, repeaters: 0, rate: 0 });
    expect(repeatPurchaseRate(shop, "2025-12-31")).toEqual({ members: 0, repeaters: 0, rate: 0 });
  });

  it("retention by joining cohort: who bought in each month after the joining month", () => {
    expect(retentionByCohort(shop, "2026-04-30")).toEqual([
      { cohort: "2026-01", members: 2, active: [2, 1, 0, 1], retention: [1, 0.5, 0, 0.5] },
      { cohort: "2026-02", members: 1, active: [1, 1, 0], retention: [1, 1, 0] },
    ]);
  });

  it("the cohort table's first month is everyone, and no month has more buyers than the cohort", () => {
    const purchase = fc.record({ member: fc.integer({ min: 1, max: 8 }), day: fc.integer({ min: 0, max: 400 }) });
    fc.assert(
      fc.property(fc.array(purchase, { minLength: 1, maxLength: 80 }), (list) => {
        const rows = list.map((p, i) => ({
          line: i + 1,
          member: `m${p.member}`,
          date: new Date(Date.UTC(2025, 0, 1 + p.day)).toISOString().slice(0, 10),
          amount: "1",
        }));
        const table = retentionByCohort(readPurchaseHistory(rows).history, "2026-12-31");
        expect(table.reduce((s, c) => s + c.members, 0)).toBe(new Set(list.map((p) => p.member)).size);
        for (const c of table) {
          expect(c.retention[0]).toBe(1);
          for (const n of c.active) expect(n).toBeLessThanOrEqual(c.members);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("share of wallet: spend in the period over the member's category budget, exactly", () => {
    const shares = shareOfWallet(shop, { from: "2026-02-01", to: "2026-03-31", budgets: { ann: "80", cat: "13.34" } });
    expect(shares).toEqual([
      { member: "ann", spend: "20", budget: "80", share: "0.2500" },
      { member: "cat", spend: "13.34", budget: "13.34", share: "1.0000" },
    ]);
    expect(() =>
      shareOfWallet(shop, { from: "2026-02-01", to: "2026-03-31", budgets: { ann: "0", cat: "x" } }),
    ).toThrow(
      expect.objectContaining({
        code: "INVALID_COMMAND",
        issues: [
          expect.objectContaining({ path: ["budgets", "ann"] }),
          expect.objectContaining({ path: ["budgets", "cat"] }),
        ],
      }),
    );
  });
});

describe("slipping", () => {
  const regular = history(
    Array.from(
      { length: 24 },
      (_, k) => `eve ${new Date(Date.UTC(2025, k, 3)).toISOString().slice(0, 10)} ${k < 18 ? 30 : 5}`,
    ).join("\n"),
  ).members[0]!;

  it("flags a member whose recent half-year spend fell below half their earlier rate, or whose P(alive) is low", () => {
    expect(slipping(regular, 0.9, { now: "2026-12-31" })).toEqual({ slipping: true, reasons: ["spend_falling"] });
    expect(slipping(regular, 0.9, { now: "2026-06-30" })).toEqual({ slipping: false, reasons: [] });
    expect(slipping(regular, 0.2, { now: "2026-06-30" })).toEqual({ slipping: true, reasons: ["unlikely_alive"] });
    expect(slipping(regular, 0.2, { now: "2026-06-30", aliveBelow: 0.1 }).slipping).toBe(false);
  });

  it("a member newer than two windows is judged on P(alive) alone", () => {
    const ann = shop.members[0]!;
    expect(slipping(ann, 0.9, { now: "2026-04-30" })).toEqual({ slipping: false, reasons: [] });
  });
});

describe("customer value", () => {
  const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const gg = { p: 6.25, q: 3.74, gamma: 15.44 };
  const member = fc.record({
    member: fc.constant("m"),
    x: fc.integer({ min: 0, max: 20 }),
    T: fc.double({ min: 1, max: 78, noNaN: true }),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
    meanRepeatSpend: fc.double({ min: 1, max: 500, noNaN: true }),
  });
  const summary = (m: { member: string; x: number; T: number; share: number; meanRepeatSpend: number }) => ({
    member: m.member,
    x: m.x,
    T: m.T,
    tx: m.x === 0 ? 0 : m.T * m.share,
    meanRepeatSpend: m.x === 0 ? 0 : m.meanRepeatSpend,
  });

  it("undiscounted, is expected purchases × expected spend; discounting only lowers it", () => {
    fc.assert(
      fc.property(member, fc.double({ min: 0.001, max: 0.5, noNaN: true }), (raw, rate) => {
        const m = summary(raw);
        const plain = customerValue(bg, gg, m, { horizon: 52 });
        expect(plain.expectedPurchases).toBeCloseTo(expectedPurchases(bg, m, 52), 12);
        expect(plain.value).toBeCloseTo(plain.expectedPurchases * expectedSpend(gg, m), 8);
        const discounted = customerValue(bg, gg, m, { horizon: 52, discountRate: rate, margin: 0.3 });
        expect(discounted.value).toBeLessThanOrEqual(plain.value * 0.3 + 1e-12);
      }),
      { numRuns: RUNS },
    );
  });

  it("expected spend lies between the population's mean and the member's own", () => {
    fc.assert(
      fc.property(member, (raw) => {
        const m = summary(raw);
        const population = (gg.p * gg.gamma) / (gg.q - 1);
        const spend = expectedSpend(gg, m);
        if (m.x === 0) expect(spend).toBeCloseTo(population, 12);
        else {
          expect(spend).toBeGreaterThanOrEqual(Math.min(population, m.meanRepeatSpend) - 1e-9);
          expect(spend).toBeLessThanOrEqual(Math.max(population, m.meanRepeatSpend) + 1e-9);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses a horizon, period count or discount rate that means nothing", () => {
    const m = { member: "m", x: 1, tx: 1, T: 2, meanRepeatSpend: 10 };
    for (const [options, field] of [
      [{ horizon: 0 }, "horizon"],
      [{ horizon: 52, periods: 1.5 }, "periods"],
      [{ horizon: 52, discountRate: -1 }, "discountRate"],
    ] as const)
      expect(() => customerValue(bg, gg, m, options)).toThrow(
        expect.objectContaining({ code: "INVALID_COMMAND", issues: [expect.objectContaining({ path: [field] })] }),
      );
  });
});
