/**
 * Churn risk and customer value in the simulation: the figures are those the insights functions give
 * when called directly on the same history; a history the models cannot fit still gives a report that
 * says so; the figures are deterministic and hold together (properties, over generated histories).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isLoyaltyError } from "../../src/errors/loyalty-error.js";
import {
  customerValue,
  expectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  probabilityAlive,
  readPurchaseHistory,
  summarizeHistory,
} from "../../src/insights/index.js";
import { Decimal } from "../../src/shared/decimal.js";
import { simulate, simulateRuns, type HistoryEvent } from "../../src/simulate/index.js";
import { renderReport } from "../../src/simulate/report-html.js";
import { bgNbdHistory } from "./customer-history.js";
import { smallProgram } from "./report-support.js";
import { historyArb } from "./support.js";

const history = bgNbdHistory(300, 5);
const variant = { ...smallProgram, version: 2, expiry: { after: { months: 18 } } };
/** The day in London (the program's zone), written out here rather than through the code under test. */
const londonDay = (ms: number) => new Date(ms).toLocaleDateString("en-CA", { timeZone: "Europe/London" });
const money = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

describe("churn risk and customer value", () => {
  it("equal what the insights functions give on the same history", async () => {
    const { result: r, runs } = await simulateRuns({
      program: smallProgram,
      compare: variant,
      history,
      customers: { horizonWeeks: 26, periods: 6, discountRate: 0.02, aliveBelow: 0.4 },
    });
    const rows = history.map((e) => ({ line: e.line, member: e.memberId!, date: londonDay(e.at), amount: e.amount }));
    const end = rows
      .map((x) => x.date)
      .sort()
      .at(-1)!;
    const members = summarizeHistory(readPurchaseHistory(rows).history, { calibrationEnd: end });
    const bg = fitBgNbd(members);
    const gg = fitGammaGamma(members);
    const c = r.customers;
    expect(c.calibrationEnd).toBe(end);
    expect(c.members).toBe(members.length);
    expect(c.purchases).toEqual({ parameters: bg.parameters, logLikelihood: bg.logLikelihood, notConverged: null });
    expect(c.spend).toEqual({ parameters: gg.parameters, logLikelihood: gg.logLikelihood, notConverged: null });
    const options = { horizon: 26, periods: 6, discountRate: 0.02 };
    const direct = members.map((m) => ({
      member: m.member,
      pAlive: probabilityAlive(bg.parameters, m),
      expectedPurchases: expectedPurchases(bg.parameters, m, 26),
      value: customerValue(bg.parameters, gg.parameters, m, options).value,
    }));
    expect(c.outlook).toEqual(direct);
    const atRisk = direct.filter((m) => m.pAlive < 0.4);
    expect(c.atRisk).toBe(atRisk.length);
    expect(c.atRisk).toBeGreaterThan(0);
    expect(c.atRisk).toBeLessThan(members.length);
    const value = direct.reduce((a, m) => a.plus(m.value), new Decimal(0)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    expect(c.expectedValue).toBe(money(value));
    expect(c.meanValue).toBe(money(value.div(members.length)));
    // Cost against value, and value by end tier, for each program.
    for (const [i, role] of (["base", "variant"] as const).entries()) {
      const p = role === "base" ? r.base : r.variant!;
      const costs = c[role]!;
      const pointsCost = new Decimal(p.totals.issued).times(p.pointValue!);
      expect(costs.pointsCost).toBe(money(pointsCost));
      expect(costs.costToValue).toBe(
        pointsCost.div(c.expectedValue!).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
      );
      for (const [tier, t] of Object.entries(costs.byTier)) {
        const inTier = direct.filter((m) => (runs[i]!.tally.members.get(m.member)!.tier ?? "(no tier)") === tier);
        expect(t.members).toBe(inTier.length);
        expect(t.atRisk).toBe(inTier.filter((m) => m.pAlive < 0.4).length);
        expect(t.value).toBe(money(inTier.reduce((a, m) => a.plus(m.value), new Decimal(0))));
      }
    }
    expect(Object.keys(c.base.byTier).length).toBeGreaterThan(1);
    expect(c.variant!.pointsCost).not.toBe(null);
    expect(r.assumptions.map((a) => a.id)).toEqual(expect.arrayContaining(["customer-models", "customer-horizon"]));
  }, 120_000);

  it("reports a fit that does not converge, with its reason, and still simulates", async () => {
    // Two members, one repeat purchase day between them: no maximum of either likelihood.
    const few: HistoryEvent[] = [0, 30, 60].map((day, i) => ({
      line: i + 2,
      memberId: i === 2 ? "b" : "a",
      at: Date.UTC(2024, 0, 5 + day, 12),
      kind: "purchase",
      amount: "40.00",
      currency: "GBP",
      id: `p${i}`,
      returnsPurchaseId: null,
    }));
    const fitError = (() => {
      try {
        const rows = few.map((e) => ({ line: e.line, member: e.memberId!, date: londonDay(e.at), amount: e.amount }));
        fitBgNbd(summarizeHistory(readPurchaseHistory(rows).history, { calibrationEnd: londonDay(few[2]!.at) }));
      } catch (e) {
        return isLoyaltyError(e) ? e : null;
      }
      return null;
    })();
    expect(fitError?.code).toBe("FIT_NOT_CONVERGED");
    const r = await simulate({ program: smallProgram, history: few });
    expect(r.base.totals.issued).not.toBe("0");
    const c = r.customers;
    expect(c.purchases).toEqual({ parameters: null, logLikelihood: null, notConverged: fitError!.message });
    expect(c.spend.parameters).toBe(null);
    expect([c.atRisk, c.expectedValue, c.base.costToValue]).toEqual([null, null, null]);
    expect(c.base.pointsCost).not.toBe(null);
    const page = renderReport({ ...r, history: { source: "few.csv", rows: 3, mergedRows: 0, problems: [] } });
    expect(page).toContain(`did not converge: ${fitError!.message}`);
  });

  it("refuses a bad option with its path, before replaying anything", async () => {
    const error = await simulate({ program: smallProgram, history, customers: { horizonWeeks: 0 } }).catch((e) => e);
    expect(error.code).toBe("INVALID_COMMAND");
    expect(error.issues[0].path).toEqual(["customers", "horizonWeeks"]);
  });

  it("is deterministic, and the models' figures do not depend on the program or the redemption draws", async () => {
    const a = await simulate({ program: smallProgram, compare: variant, history, seed: 4 });
    const b = await simulate({ program: smallProgram, compare: variant, history, seed: 4 });
    expect(JSON.stringify(b.customers) === JSON.stringify(a.customers)).toBe(true);
    const other = await simulate({ program: variant, history, seed: 9 });
    const { base: _a, variant: _v, ...models } = a.customers;
    const { base: _b, variant: _w, ...otherModels } = other.customers;
    expect(JSON.stringify(otherModels) === JSON.stringify(models)).toBe(true);
  }, 120_000);

  it("holds together on any history: counts within the members, tiers partition them, value adds up", async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (h) => void (await holdsTogether(h))),
      { numRuns: 20 },
    );
  }, 120_000);

  it("holds together where the models fit: histories drawn from the models' own story", async () => {
    let fitted = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), async (seed) => {
        if (await holdsTogether(bgNbdHistory(80, seed))) fitted++;
      }),
      { numRuns: 5 },
    );
    expect(fitted).toBeGreaterThan(0);
  }, 300_000);
});

/** The invariants of the customer figures on one history; true when both models fitted. */
async function holdsTogether(h: HistoryEvent[]): Promise<boolean> {
  const { customers: c } = await simulate({ program: smallProgram, history: h });
  const tiers = Object.values(c.base.byTier);
  expect(tiers.reduce((n, t) => n + t.members, 0)).toBe(c.members);
  expect(new Set(c.outlook.map((m) => m.member)).size).toBe(c.members);
  if (c.atRisk !== null) {
    expect(c.atRisk).toBeLessThanOrEqual(c.members);
    expect(tiers.reduce((n, t) => n + t.atRisk!, 0)).toBe(c.atRisk);
    for (const m of c.outlook) expect(m.pAlive! >= 0 && m.pAlive! <= 1 && m.expectedPurchases! >= 0).toBe(true);
  } else expect(c.purchases.notConverged).toEqual(expect.any(String));
  if (c.expectedValue === null) return false;
  const byTier = tiers.reduce((a, t) => a.plus(t.value!), new Decimal(0));
  // Each tier's value is rounded to cents: their sum is within half a cent per tier of the whole.
  expect(
    byTier
      .minus(c.expectedValue)
      .abs()
      .lte(0.005 * tiers.length),
  ).toBe(true);
  for (const m of c.outlook) expect(m.value!).toBeGreaterThanOrEqual(0);
  return true;
}
