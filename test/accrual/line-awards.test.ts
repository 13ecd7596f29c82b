/**
 * Awards tied to purchase lines (issue 17): points per unit (Odoo's "per unit paid" reward mode,
 * Voucherify's item quantity) and multipliers limited to some lines (Open Loyalty's product
 * multiplier: ×3 on SKU 123). Worked examples with the platforms' shapes and numbers, caps,
 * validation with paths, and properties: a per-unit award is the points times the selected units; a
 * multiplier over a filter and over its complement add up to the unlimited multiplier; a filter
 * that selects every line is the unlimited multiplier.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileProgram, isLoyaltyError } from "../../src/index.js";
import { line, mult, perUnit, rate, rule } from "../support/awards.js";
import { testEngine } from "../support/engine.js";
import { earningProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
type Json = any;

/** The points a purchase earns (a guest preview), total and per rule. */
async function earned(rules: Json[], purchase: Json) {
  const { engine } = testEngine(earningProgram(rules), "2030-01-01T00:00:00Z");
  const preview = await engine.previewPurchase({ currency: "GBP", ...purchase });
  const byRule: Record<string, string> = {};
  for (const a of preview.awards) byRule[a.ruleId] = a.points;
  return { total: preview.totals.points ?? "0", byRule };
}

describe("Open Loyalty's product multiplier: ×3 on SKU 123", () => {
  it("1 point per £1 on everything, tripled on the SKU 123 line only", async () => {
    // A £10 line of SKU 123 and a £20 line of SKU 456: 30 base points, 20 more for SKU 123.
    const r = await earned(
      [rule("base", [rate("1", "1")]), rule("sku123", [mult("3", { lines: { skus: ["123"] } })])],
      {
        amount: "30.00",
        lines: [line("123", 1, "10.00"), line("456", 2, "20.00")],
      },
    );
    expect(r).toEqual({ total: "50", byRule: { base: "30", sku123: "20" } });
  });

  it("multiplies only the rules it names, and only what they earned on the selected lines", async () => {
    // 1 per £1 on all; 2 more per £1 on category B; ×2 of the category bonus on SKU b1 only.
    const r = await earned(
      [
        rule("base", [rate("1", "1")]),
        rule("catB", [rate("2", "1", { lines: { categories: ["B"] } })]),
        rule("double-b1", [mult("2", { rules: ["catB"], lines: { skus: ["b1"] } })]),
      ],
      {
        amount: "100.00",
        lines: [line("a1", 1, "50.00", "A"), line("b1", 1, "30.00", "B"), line("b2", 1, "20.00", "B")],
      },
    );
    expect(r).toEqual({ total: "260", byRule: { base: "100", catB: "100", "double-b1": "60" } });
  });

  it("multiplies what a capped award gave, not what it would have given", async () => {
    // The base rule is capped at 50 per purchase of £100: each line earned half its rate.
    const r = await earned(
      [
        rule("base", [rate("1", "1")], { caps: { perCommand: "50" } }),
        rule("x3", [mult("3", { lines: { skus: ["s"] } })]),
      ],
      { amount: "100.00", lines: [line("s", 1, "40.00"), line("t", 1, "60.00")] },
    );
    expect(r).toEqual({ total: "90", byRule: { base: "50", x3: "40" } });
  });

  it("a purchase without lines gives a line-limited multiplier nothing to multiply", async () => {
    const r = await earned([rule("base", [rate("1", "1")]), rule("x3", [mult("3", { lines: { skus: ["123"] } })])], {
      amount: "30.00",
    });
    expect(r).toEqual({ total: "30", byRule: { base: "30" } });
  });
});

describe("Odoo's points per unit paid", () => {
  it("10 points per unit of the coffee category: 3 cups and a bag of beans earn 40", async () => {
    const r = await earned([rule("coffee", [perUnit("10", { lines: { categories: ["coffee"] } })])], {
      amount: "17.50",
      lines: [line("cup", 3, "7.50", "coffee"), line("beans", 1, "8.00", "coffee"), line("mug", 1, "2.00", "gifts")],
    });
    expect(r).toEqual({ total: "40", byRule: { coffee: "40" } });
  });

  it("Voucherify's item quantity: 1 point per unit of any line, doubled on SKU A by a multiplier", async () => {
    const r = await earned([rule("units", [perUnit("1")]), rule("doubleA", [mult("2", { lines: { skus: ["A"] } })])], {
      amount: "9.00",
      lines: [line("A", 4, "4.00"), line("B", 5, "5.00")],
    });
    expect(r).toEqual({ total: "13", byRule: { units: "9", doubleA: "4" } });
  });

  it("earns on a recorded purchase, pending and refundable like every purchase award", async () => {
    const { engine } = testEngine(earningProgram([rule("units", [perUnit("5")])]), "2030-01-01T00:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    const purchase = { memberId: "m", purchaseId: "o1", amount: "6.00", currency: "GBP" };
    const r = await engine.recordPurchase({ key: "p", ...purchase, lines: [line("x", 3, "6.00")] });
    expect(r.totals).toEqual({ points: "15" });
    const back = await engine.refund({ key: "r", memberId: "m", purchaseId: "o1", amount: "6.00", currency: "GBP" });
    expect(back.reversed).toEqual([{ wallet: "points", points: "15", debt: "0", forgiven: "0" }]);
  });
});

describe("the program format", () => {
  function issues(rules: Json[], extra: Json = {}): (readonly (string | number)[])[] {
    try {
      compileProgram(earningProgram(rules, extra));
    } catch (error) {
      if (!isLoyaltyError(error)) throw error;
      return (error.issues ?? []).map((i) => i.path);
    }
    return [];
  }

  it("refuses a per-unit award on a custom event, finer than the point scale, or with a bad filter, with paths", () => {
    expect(issues([{ id: "ev", on: "review", awards: [perUnit("5")] }])).toContainEqual([
      "rules",
      0,
      "awards",
      0,
      "kind",
    ]);
    expect(issues([rule("r", [perUnit("0.5")])])).toContainEqual(["rules", 0, "awards", 0, "points"]);
    expect(issues([rule("r", [perUnit("1", { lines: { skus: [] } })])])).toContainEqual([
      "rules",
      0,
      "awards",
      0,
      "lines",
      "skus",
    ]);
    expect(issues([rule("r", [rate("1", "1")]), rule("m", [mult("2", { lines: { nope: ["x"] } })])])).toContainEqual([
      "rules",
      1,
      "awards",
      0,
      "lines",
      "nope",
    ]);
  });
});

describe("properties", () => {
  const lineArb = fc.record({
    sku: fc.constantFrom("a", "b", "c", "d"),
    quantity: fc.integer({ min: 1, max: 20 }),
    pounds: fc.integer({ min: 1, max: 500 }),
  });
  const linesArb = fc.array(lineArb, { minLength: 1, maxLength: 6 });
  const skusArb = fc.subarray(["a", "b", "c", "d"], { minLength: 1 });
  const toLines = (ls: { sku: string; quantity: number; pounds: number }[]) =>
    ls.map((l) => line(l.sku, l.quantity, `${l.pounds}.00`));
  const amountOf = (ls: { pounds: number }[]) => `${ls.reduce((s, l) => s + l.pounds, 0)}.00`;

  it("a per-unit award is its points times the units of the lines it selects", async () => {
    await fc.assert(
      fc.asyncProperty(linesArb, skusArb, fc.integer({ min: 1, max: 50 }), async (ls, skus, points) => {
        const r = await earned([rule("u", [perUnit(String(points), { lines: { skus } })])], {
          amount: amountOf(ls),
          lines: toLines(ls),
        });
        const units = ls.filter((l) => skus.includes(l.sku)).reduce((s, l) => s + l.quantity, 0);
        expect(r.total).toBe(String(points * units));
      }),
      { numRuns: RUNS },
    );
  });

  it("a multiplier over a filter plus one over its complement is the unlimited multiplier; all lines is the unlimited one", async () => {
    const earlier = [rule("base", [rate("2", "1")]), rule("units", [perUnit("3", { lines: { skus: ["a", "c"] } })])];
    await fc.assert(
      fc.asyncProperty(linesArb, skusArb, fc.integer({ min: 2, max: 5 }), async (ls, skus, factor) => {
        const purchase = { amount: amountOf(ls), lines: toLines(ls) };
        const f = String(factor);
        const rest = ["a", "b", "c", "d"].filter((s) => !skus.includes(s));
        const unlimited = await earned([...earlier, rule("m", [mult(f)])], purchase);
        const every = await earned(
          [...earlier, rule("m", [mult(f, { lines: { skus: ["a", "b", "c", "d"] } })])],
          purchase,
        );
        const some = await earned([...earlier, rule("m", [mult(f, { lines: { skus } })])], purchase);
        const others =
          rest.length === 0
            ? "0"
            : ((await earned([...earlier, rule("m", [mult(f, { lines: { skus: rest } })])], purchase)).byRule.m ?? "0");
        expect(every.byRule.m).toBe(unlimited.byRule.m);
        expect(Number(some.byRule.m ?? "0") + Number(others)).toBe(Number(unlimited.byRule.m ?? "0"));
      }),
      { numRuns: RUNS },
    );
  });
});
