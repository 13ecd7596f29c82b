/**
 * Counters kept per period key (src/shared/periods.ts `countInPeriods`): what caps and limits
 * count with. Checked against a model that keeps every key, trimmed to the latest ones at the end.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/shared/decimal.js";
import { countInPeriods, type Period, type PeriodCounters } from "../../src/shared/periods.js";
import { InternalInvariantError } from "../../src/shared/invariant.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const keyArb = fc.integer({ min: 2020, max: 2035 }).map(String);

describe("countInPeriods", () => {
  it("adds up non-negative counts per key and keeps only the latest keys", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyArb, fc.integer({ min: 0, max: 100 })), { maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (steps, kept) => {
          const counters: PeriodCounters = {};
          const all = new Map<string, number>();
          for (const [key, n] of steps) {
            countInPeriods(counters, { year: key }, new Decimal(n), () => kept);
            all.set(key, (all.get(key) ?? 0) + n);
            // A key trimmed away starts again from zero if it comes back.
            for (const k of all.keys()) if (counters.year?.[k] === undefined) all.delete(k);
          }
          const year = counters.year ?? {};
          expect(Object.keys(year).length).toBeLessThanOrEqual(kept);
          for (const [k, v] of Object.entries(year)) expect(v.toNumber()).toBe(all.get(k));
          // Trimming drops the earliest keys, so the keys kept are the latest ones ever counted.
          const seen = [...new Set(steps.map(([key]) => key))].sort();
          expect(Object.keys(year).sort()).toEqual(seen.slice(Math.max(0, seen.length - kept)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("gives back no more than was counted, and nothing for a key that is gone", () => {
    const counters: PeriodCounters = {};
    countInPeriods(counters, { month: "2026-01" }, new Decimal(2), () => 1);
    countInPeriods(counters, { month: "2026-01" }, new Decimal(-5), () => 1);
    expect(counters.month?.["2026-01"]?.toString()).toBe("0");
    countInPeriods(counters, { month: "2026-02" }, new Decimal(1), () => 1);
    countInPeriods(counters, { month: "2026-01" }, new Decimal(-1), () => 1);
    expect(Object.keys(counters.month ?? {})).toEqual(["2026-02"]);
  });

  it("refuses a period it has no bound for instead of growing without one", () => {
    const counters: PeriodCounters = {};
    expect(() => countInPeriods(counters, { week: "2026-W01" }, new Decimal(1), () => Number.NaN)).toThrow(
      InternalInvariantError,
    );
  });

  it("refuses a bound it cannot keep (negative), whatever the counter held", () => {
    const counters: PeriodCounters = {};
    countInPeriods(counters, { week: "2026-W01" }, new Decimal(1), () => 1);
    expect(() => countInPeriods(counters, { week: "2026-W02" }, new Decimal(1), () => -1)).toThrow(
      InternalInvariantError,
    );
  });

  it("trims each period to its own bound when one action counts in several", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyArb, fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        (steps, keptYears, keptMonths) => {
          const kept = (period: Period) => (period === "year" ? keptYears : period === "month" ? keptMonths : 1);
          const counters: PeriodCounters = {};
          for (const [year, month] of steps) {
            const keys = { year, month: `${year}-${String(month).padStart(2, "0")}`, lifetime: "all" };
            countInPeriods(counters, keys, new Decimal(1), kept);
            expect(Object.keys(counters.year ?? {}).length).toBeLessThanOrEqual(keptYears);
            expect(Object.keys(counters.month ?? {}).length).toBeLessThanOrEqual(keptMonths);
          }
          // Lifetime has one key for ever: every action counted in it.
          expect(counters.lifetime?.all?.toNumber()).toBe(steps.length);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
