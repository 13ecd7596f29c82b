/**
 * Earning, through the facade: rate, fixed and multiplier awards, rounding (per award, never per
 * line), line filters, the condition language, caps per command and per member per period,
 * campaign windows, priority and stopFurtherRules, pending vs immediate points, and previews that
 * agree with the real command and write nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { evaluateEvent, evaluatePurchase } from "../../src/accrual/earn.js";
import {
  createLoyaltyEngine,
  createMemoryStore,
  fromSnapshot,
  isLoyaltyError,
  toSnapshot,
  type LoyaltyEngine,
  type MemberState,
  type PreviewResult,
  type ProgramInput,
} from "../../src/index.js";
import { Decimal, formatAmount, roundTo } from "../../src/shared/decimal.js";
import type { MemoryStore } from "../../src/store/memory.js";
import { testEngine } from "../support/engine.js";
import { earningProgram } from "../support/programs.js";

// ---- helpers ----------------------------------------------------------------------------------

const LATE = Date.parse("2030-01-01T00:00:00Z"); // a clock after every instant the previews use
const DAY = 86_400_000;

type Json = any;

const rate = (points: string, per: string, more: Record<string, unknown> = {}) => ({
  kind: "rate",
  points,
  per,
  wallet: "points",
  ...more,
});
const fixed = (points: string, more: Record<string, unknown> = {}) => ({
  kind: "fixed",
  points,
  wallet: "points",
  ...more,
});
const mult = (factor: string, more: Record<string, unknown> = {}) => ({
  kind: "multiplier",
  factor,
  wallet: "points",
  ...more,
});
const rule = (id: string, awards: Json | Json[], more: Record<string, unknown> = {}) => ({
  id,
  on: "purchase",
  awards: Array.isArray(awards) ? awards : [awards],
  ...more,
});

interface Harness {
  engine: LoyaltyEngine;
  store: MemoryStore;
  set(at: string | number): void;
}

function harness(def: ProgramInput, start: string | number = LATE): Harness {
  const { engine, store, t } = testEngine(def, start);
  return { engine, store, set: t.set };
}

const total = (r: PreviewResult, wallet = "points") => r.totals[wallet] ?? "0";

/** Points a purchase would earn into `wallet` (a guest preview unless memberId is given). */
async function earns(def: ProgramInput, input: Json, wallet = "points"): Promise<string> {
  const { engine } = harness(def);
  return total(await engine.previewPurchase({ currency: "GBP", ...input }), wallet);
}

let keySeq = 0;
const key = () => `key-${++keySeq}`;

async function fingerprint(store: MemoryStore, programId: string, memberIds: string[]): Promise<string> {
  const parts: unknown[] = [];
  for (const id of memberIds) {
    parts.push(await store.loadMember(programId, id));
    parts.push(await store.readEntries(programId, id, { afterSeq: 0, limit: 1000 }));
  }
  parts.push(await store.findDueMembers(programId, { before: Number.MAX_SAFE_INTEGER, limit: 1000 }));
  return JSON.stringify(parts);
}

// ---- rate, fixed, multiplier --------------------------------------------------------------------

describe("rate awards", () => {
  it("1 point per £1, rounded down by the program", async () => {
    const def = earningProgram([rule("base", [rate("1", "1"), rate("1", "1", { wallet: "status" })])]);
    expect(await earns(def, { amount: "12.99" })).toBe("12");
    expect(await earns(def, { amount: "12.99" }, "status")).toBe("12");
    expect(await earns(def, { amount: "0.99" })).toBe("0");
    expect(await earns(def, { amount: "1.00" })).toBe("1");
    expect(await earns(def, { amount: "1000000" })).toBe("1000000");
  });

  it("2.5 points per $1 in a USD program", async () => {
    const def = earningProgram([rule("base", rate("2.5", "1"))], { currency: "USD", timeZone: "America/New_York" });
    const { engine } = harness(def);
    const at = (amount: string) => engine.previewPurchase({ amount, currency: "USD" }).then((r) => total(r));
    expect(await at("10.00")).toBe("25");
    expect(await at("3.33")).toBe("8"); // 8.325
    expect(await at("0.40")).toBe("1");
    // the program's currency is enforced
    await expect(engine.previewPurchase({ amount: "10.00", currency: "GBP" })).rejects.toMatchObject({
      code: "CURRENCY_MISMATCH",
    });
  });

  it("a ratio that is not a terminating decimal is exact: 1 point per £3, 2 per £3", async () => {
    const perThree = earningProgram([rule("base", rate("1", "3"))]);
    expect(await earns(perThree, { amount: "2.99" })).toBe("0");
    expect(await earns(perThree, { amount: "3.00" })).toBe("1");
    expect(await earns(perThree, { amount: "30.00" })).toBe("10");
    expect(await earns(perThree, { amount: "299.99" })).toBe("99");
    const twoPerThree = earningProgram([rule("base", rate("2", "3", { rounding: "ceil" }))]);
    expect(await earns(twoPerThree, { amount: "3.00" })).toBe("2");
    expect(await earns(twoPerThree, { amount: "3.01" })).toBe("3");
    // 0.21 x 1958 / 0.14 is exactly 2937: rounding up must not add a point
    const up = earningProgram([rule("base", rate("1958", "0.14", { rounding: "ceil" }))]);
    expect(await earns(up, { amount: "0.21" })).toBe("2937");
  });

  it("1 point per £10", async () => {
    const def = earningProgram([rule("base", rate("1", "10"))]);
    expect(await earns(def, { amount: "9.99" })).toBe("0");
    expect(await earns(def, { amount: "10" })).toBe("1");
    expect(await earns(def, { amount: "99.99" })).toBe("9");
    expect(await earns(def, { amount: "100.00" })).toBe("10");
  });
});

describe("fixed awards", () => {
  it("give the same points whatever the amount", async () => {
    const def = earningProgram([rule("flat", fixed("50"))]);
    for (const amount of ["0.01", "1", "999.99"]) expect(await earns(def, { amount })).toBe("50");
  });

  it("custom events earn fixed points; unknown event types earn nothing", async () => {
    const def = earningProgram([
      rule("signup", fixed("100"), { on: "signup" }),
      rule("review", fixed("20"), { on: "review" }),
    ]);
    const { engine } = harness(def);
    expect((await engine.previewEvent({ type: "signup" })).totals).toEqual({ points: "100" });
    expect((await engine.previewEvent({ type: "review" })).totals).toEqual({ points: "20" });
    expect(await engine.previewEvent({ type: "survey" })).toEqual({ awards: [], totals: {} });
    // purchase rules do not fire on events and vice versa
    expect(await engine.previewPurchase({ amount: "10", currency: "GBP" })).toEqual({ awards: [], totals: {} });
  });
});

describe("multiplier awards", () => {
  const rules = (multiplier: Json) => [
    rule("base", [rate("1", "1"), rate("1", "1", { wallet: "status" })]),
    rule("bonus", fixed("10")),
    rule("double", multiplier),
  ];

  it("factor 2 doubles only the named rules' points", async () => {
    const def = earningProgram(rules(mult("2", { rules: ["base"] })));
    const { engine } = harness(def);
    const r = await engine.previewPurchase({ amount: "30.00", currency: "GBP" });
    expect(r.awards.map((a) => [a.ruleId, a.wallet, a.points])).toEqual([
      ["base", "points", "30"],
      ["base", "status", "30"],
      ["bonus", "points", "10"],
      ["double", "points", "30"],
    ]);
    expect(r.totals).toEqual({ points: "70", status: "30" });
  });

  it("without `rules` the factor applies to every earlier rule's points in its wallet", async () => {
    const def = earningProgram(rules(mult("2")));
    const { engine } = harness(def);
    const r = await engine.previewPurchase({ amount: "30.00", currency: "GBP" });
    expect(r.totals).toEqual({ points: "80", status: "30" });
    expect(r.awards.at(-1)).toMatchObject({ ruleId: "double", points: "40", uncapped: "40" });
  });

  it("only counts rules evaluated before it, and only its own wallet", async () => {
    const def = earningProgram([
      rule("base", rate("1", "1"), { priority: 10 }),
      rule("double", mult("2"), { priority: 5 }),
      rule("late", fixed("10")),
      rule("status-double", mult("3", { wallet: "status" })),
    ]);
    const r = await harness(def).engine.previewPurchase({ amount: "20", currency: "GBP" });
    // status wallet has nothing earlier, so its multiplier adds nothing and is not listed
    expect(r.totals).toEqual({ points: "50" });
    expect(r.awards.map((a) => a.ruleId)).toEqual(["base", "double", "late"]);
  });

  it("rounds its own result once: factor 1.5 on 15 points adds 7 (down) or 8 (half_up)", async () => {
    const down = earningProgram([rule("base", rate("1", "1")), rule("extra", mult("1.5", { rules: ["base"] }))]);
    expect(await earns(down, { amount: "15" })).toBe("22");
    const halfUp = earningProgram([
      rule("base", rate("1", "1")),
      rule("extra", mult("1.5", { rules: ["base"], rounding: "half_up" })),
    ]);
    expect(await earns(halfUp, { amount: "15" })).toBe("23");
  });

  it("does nothing when the named rule did not match", async () => {
    const def = earningProgram([
      rule("web", rate("1", "1"), { when: { field: "attributes.channel", op: "eq", value: "web" } }),
      rule("double", mult("2", { rules: ["web"] })),
    ]);
    expect(await earns(def, { amount: "10", attributes: { channel: "store" } })).toBe("0");
    expect(await earns(def, { amount: "10", attributes: { channel: "web" } })).toBe("20");
  });
});

// ---- rounding -----------------------------------------------------------------------------------

describe("rounding", () => {
  // 1 point per £8 at scale 2: £1 -> 0.125, £3 -> 0.375, £10 -> 1.25 exactly, £1.01 -> 0.12625
  const cases: [string, Record<string, string>][] = [
    [
      "1.00",
      { down: "0.12", up: "0.13", half_up: "0.13", half_down: "0.12", half_even: "0.12", floor: "0.12", ceil: "0.13" },
    ],
    [
      "3.00",
      { down: "0.37", up: "0.38", half_up: "0.38", half_down: "0.37", half_even: "0.38", floor: "0.37", ceil: "0.38" },
    ],
    [
      "1.01",
      { down: "0.12", up: "0.13", half_up: "0.13", half_down: "0.13", half_even: "0.13", floor: "0.12", ceil: "0.13" },
    ],
    [
      "10.00",
      { down: "1.25", up: "1.25", half_up: "1.25", half_down: "1.25", half_even: "1.25", floor: "1.25", ceil: "1.25" },
    ],
  ];
  for (const mode of ["down", "up", "half_up", "half_down", "half_even", "floor", "ceil"] as const) {
    it(`per award with mode ${mode} at scale 2 (program-wide and as an award override)`, async () => {
      const programWide = earningProgram([rule("r", rate("1", "8"))], { points: { scale: 2, rounding: mode } });
      const override = earningProgram([rule("r", rate("1", "8", { rounding: mode }))], {
        points: { scale: 2, rounding: mode === "down" ? "up" : "down" },
      });
      for (const [amount, expected] of cases) {
        expect(await earns(programWide, { amount }), `${mode} ${amount}`).toBe(expected[mode]);
        expect(await earns(override, { amount }), `${mode} ${amount} override`).toBe(expected[mode]);
      }
    });
  }

  it("results are formatted with exactly `scale` decimals", async () => {
    const def = earningProgram([rule("r", rate("1", "1")), rule("f", fixed("5"))], {
      points: { scale: 2, rounding: "down" },
    });
    const r = await harness(def).engine.previewPurchase({ amount: "10", currency: "GBP" });
    expect(r.awards.map((a) => a.points)).toEqual(["10.00", "5.00"]);
    expect(r.totals).toEqual({ points: "15.00" });
  });

  const lines = (amount: string, n = 3) => Array.from({ length: n }, (_, i) => ({ sku: `s${i}`, quantity: 1, amount }));
  const allLines = { excludeSkus: ["none"] };

  it("rounds the sum of the lines once: three lines of 0.33 at 1 per £1, scale 0, down -> 0", async () => {
    const def = earningProgram([rule("r", rate("1", "1", { lines: allLines }))]);
    expect(await earns(def, { amount: "0.99", lines: lines("0.33") })).toBe("0");
  });

  it("per-line rounding would differ: rounding up gives 1 (not 3 x 1), half_up on 3 x 0.50 gives 2 (not 3), down on 3 x 0.60 gives 1 (not 0)", async () => {
    const up = earningProgram([rule("r", rate("1", "1", { lines: allLines, rounding: "up" }))]);
    expect(await earns(up, { amount: "0.99", lines: lines("0.33") })).toBe("1");
    const halfUp = earningProgram([rule("r", rate("1", "1", { lines: allLines, rounding: "half_up" }))]);
    expect(await earns(halfUp, { amount: "1.50", lines: lines("0.50") })).toBe("2");
    const down = earningProgram([rule("r", rate("1", "1", { lines: allLines }))]);
    expect(await earns(down, { amount: "1.80", lines: lines("0.60") })).toBe("1");
    // and without a line filter the purchase amount is rounded once too
    expect(
      await earns(earningProgram([rule("r", rate("1", "1", { rounding: "up" }))]), {
        amount: "0.99",
        lines: lines("0.33"),
      }),
    ).toBe("1");
  });

  it("rounds each award separately: two awards of 0.5 each give 0 + 0, not round(1.0)", async () => {
    const def = earningProgram([rule("r", [rate("1", "2"), rate("1", "2")])]);
    expect(await earns(def, { amount: "1" })).toBe("0");
  });
});

// ---- line filters ------------------------------------------------------------------------------

describe("line-item filters", () => {
  const basket = [
    { sku: "A", category: "food", quantity: 2, amount: "10.00" },
    { sku: "B", category: "wine", quantity: 1, amount: "20.00" },
    { sku: "C", category: "food", quantity: 1, amount: "5.00" },
    { sku: "D", quantity: 3, amount: "7.00" },
  ];
  const earnWith = (lines: Json) =>
    earns(earningProgram([rule("r", rate("1", "1", { lines }))]), { amount: "42.00", lines: basket });

  it("include skus", async () => {
    expect(await earnWith({ skus: ["A"] })).toBe("10");
    expect(await earnWith({ skus: ["A", "D"] })).toBe("17");
    expect(await earnWith({ skus: ["Z"] })).toBe("0");
  });

  it("include categories", async () => {
    expect(await earnWith({ categories: ["food"] })).toBe("15");
    expect(await earnWith({ categories: ["food", "wine"] })).toBe("35");
  });

  it("skus and categories together include the union", async () => {
    expect(await earnWith({ skus: ["D"], categories: ["wine"] })).toBe("27");
  });

  it("exclude skus and categories; lines without a category survive a category exclusion", async () => {
    expect(await earnWith({ excludeSkus: ["B"] })).toBe("22");
    expect(await earnWith({ excludeCategories: ["food"] })).toBe("27");
    expect(await earnWith({ excludeSkus: ["D"], excludeCategories: ["wine"] })).toBe("15");
  });

  it("excludes win over includes", async () => {
    expect(await earnWith({ categories: ["food"], excludeSkus: ["A"] })).toBe("5");
    expect(await earnWith({ skus: ["A", "B"], excludeCategories: ["food"] })).toBe("20");
  });

  it("a purchase without lines gets 0 from a filtered award, while an unfiltered award uses the amount", async () => {
    const def = earningProgram([
      rule("filtered", rate("1", "1", { lines: { categories: ["food"] } })),
      rule("plain", rate("1", "1", { wallet: "status" })),
    ]);
    const r = await harness(def).engine.previewPurchase({ amount: "42.00", currency: "GBP" });
    expect(r.totals).toEqual({ status: "42" });
  });
});

// ---- conditions --------------------------------------------------------------------------------

describe("conditions", () => {
  const bonusDef = (when: Json, extra: Record<string, unknown> = {}) =>
    earningProgram([rule("bonus", fixed("10"), { when })], extra);
  /** Does the bonus rule match this purchase (guest unless a member is enrolled first)? */
  async function matches(
    when: Json,
    input: Json,
    member?: Json,
    extra: Record<string, unknown> = {},
  ): Promise<boolean> {
    const { engine } = harness(bonusDef(when, extra));
    if (member) await engine.enroll({ key: key(), memberId: "m", ...member });
    const r = await engine.previewPurchase({
      currency: "GBP",
      amount: "10.00",
      ...input,
      ...(member ? { memberId: "m" } : {}),
    });
    return total(r) === "10";
  }

  it("amount comparisons on decimal strings (and whole numbers)", async () => {
    const gte = { field: "amount", op: "gte", value: "100.00" };
    expect(await matches(gte, { amount: "99.99" })).toBe(false);
    expect(await matches(gte, { amount: "100" })).toBe(true);
    expect(await matches(gte, { amount: "100.00" })).toBe(true);
    expect(await matches(gte, { amount: "100.01" })).toBe(true);
    expect(await matches({ field: "amount", op: "gt", value: "99.99" }, { amount: "99.99" })).toBe(false);
    expect(await matches({ field: "amount", op: "gt", value: "99.99" }, { amount: "100" })).toBe(true);
    expect(await matches({ field: "amount", op: "lt", value: 50 }, { amount: "49.99" })).toBe(true);
    expect(await matches({ field: "amount", op: "lt", value: 50 }, { amount: "50" })).toBe(false);
    expect(await matches({ field: "amount", op: "lte", value: "0.1" }, { amount: "0.10" })).toBe(true);
    // decimal, not lexicographic, comparison
    expect(await matches({ field: "amount", op: "gte", value: "9" }, { amount: "10.00" })).toBe(true);
    expect(await matches({ field: "amount", op: "eq", value: "10" }, { amount: "10.00" })).toBe(true);
  });

  it("attributes.channel eq / ne, and exists", async () => {
    const eq = { field: "attributes.channel", op: "eq", value: "web" };
    expect(await matches(eq, { attributes: { channel: "web" } })).toBe(true);
    expect(await matches(eq, { attributes: { channel: "store" } })).toBe(false);
    expect(await matches(eq, {})).toBe(false);
    expect(
      await matches({ field: "attributes.channel", op: "ne", value: "web" }, { attributes: { channel: "store" } }),
    ).toBe(true);
    expect(await matches({ field: "attributes.first", op: "eq", value: true }, { attributes: { first: true } })).toBe(
      true,
    );
    expect(await matches({ field: "attributes.first", op: "eq", value: true }, { attributes: { first: false } })).toBe(
      false,
    );
    const exists = { field: "attributes.coupon", op: "exists" };
    expect(await matches(exists, { attributes: { coupon: "SPRING" } })).toBe(true);
    expect(await matches(exists, { attributes: { other: "x" } })).toBe(false);
  });

  it("eq treats a number and its decimal string alike in both directions", async () => {
    const numberRule = await matches(
      { field: "attributes.store", op: "eq", value: 12 },
      { attributes: { store: "12" } },
    );
    const stringRule = await matches(
      { field: "attributes.store", op: "eq", value: "12" },
      { attributes: { store: 12 } },
    );
    expect(numberRule).toBe(stringRule);
    expect(await matches({ field: "attributes.store", op: "eq", value: 12 }, { attributes: { store: 12 } })).toBe(true);
    expect(await matches({ field: "attributes.store", op: "eq", value: "12" }, { attributes: { store: "12" } })).toBe(
      true,
    );
  });

  it("numeric attributes compare as decimals", async () => {
    expect(await matches({ field: "attributes.items", op: "gte", value: 3 }, { attributes: { items: 3 } })).toBe(true);
    expect(await matches({ field: "attributes.items", op: "gte", value: 3 }, { attributes: { items: 2 } })).toBe(false);
    expect(
      await matches({ field: "attributes.items", op: "gte", value: 3 }, { attributes: { items: "not a number" } }),
    ).toBe(false);
  });

  it("member.attributes.segment in / nin", async () => {
    const inGold = { field: "member.attributes.segment", op: "in", value: ["gold", "platinum"] };
    expect(await matches(inGold, {}, { attributes: { segment: "gold" } })).toBe(true);
    expect(await matches(inGold, {}, { attributes: { segment: "platinum" } })).toBe(true);
    expect(await matches(inGold, {}, { attributes: { segment: "silver" } })).toBe(false);
    expect(await matches(inGold, {}, { attributes: {} })).toBe(false);
    expect(await matches(inGold, {})).toBe(false); // guest preview: no member
    const nin = { field: "member.attributes.segment", op: "nin", value: ["blocked"] };
    expect(await matches(nin, {}, { attributes: { segment: "gold" } })).toBe(true);
    expect(await matches(nin, {}, { attributes: { segment: "blocked" } })).toBe(false);
    // the command's attributes are not the member's
    expect(await matches(inGold, { attributes: { segment: "gold" } }, { attributes: { segment: "silver" } })).toBe(
      false,
    );
  });

  it("lines.count and lines.quantity", async () => {
    const lines = [
      { sku: "a", quantity: 2, amount: "1.00" },
      { sku: "b", quantity: 3, amount: "1.00" },
    ];
    expect(await matches({ field: "lines.count", op: "gte", value: 2 }, { lines })).toBe(true);
    expect(await matches({ field: "lines.count", op: "gte", value: 3 }, { lines })).toBe(false);
    expect(await matches({ field: "lines.quantity", op: "gte", value: 5 }, { lines })).toBe(true);
    expect(await matches({ field: "lines.quantity", op: "gt", value: 5 }, { lines })).toBe(false);
    expect(await matches({ field: "lines.count", op: "eq", value: 0 }, {})).toBe(true);
  });

  it("all / any / not", async () => {
    const web = { field: "attributes.channel", op: "eq", value: "web" };
    const big = { field: "amount", op: "gte", value: "50" };
    expect(await matches({ all: [web, big] }, { amount: "60", attributes: { channel: "web" } })).toBe(true);
    expect(await matches({ all: [web, big] }, { amount: "40", attributes: { channel: "web" } })).toBe(false);
    expect(await matches({ any: [web, big] }, { amount: "40", attributes: { channel: "web" } })).toBe(true);
    expect(await matches({ any: [web, big] }, { amount: "40", attributes: { channel: "app" } })).toBe(false);
    expect(await matches({ not: web }, { attributes: { channel: "app" } })).toBe(true);
    expect(await matches({ not: { any: [web, big] } }, { amount: "40", attributes: { channel: "app" } })).toBe(true);
    expect(
      await matches(
        { all: [{ not: web }, { any: [big, { field: "attributes.vip", op: "exists" }] }] },
        { amount: "1", attributes: { vip: true } },
      ),
    ).toBe(true);
  });

  it("dayOfWeek reads the local day in the program's time zone", async () => {
    const weekend = { dayOfWeek: ["sat", "sun"] };
    // 2026-05-01 is a Friday; London is on BST (UTC+1)
    expect(await matches(weekend, { occurredAt: "2026-05-01T22:59:59Z" })).toBe(false); // Fri 23:59:59
    expect(await matches(weekend, { occurredAt: "2026-05-01T23:00:00Z" })).toBe(true); // Sat 00:00
    expect(await matches(weekend, { occurredAt: "2026-05-03T22:59:00Z" })).toBe(true); // Sun 23:59
    expect(await matches(weekend, { occurredAt: "2026-05-03T23:00:00Z" })).toBe(false); // Mon 00:00
    expect(await matches(weekend, { occurredAt: "2026-05-02T07:00:00+09:00" })).toBe(false); // Sat 07:00 in Tokyo, Fri 23:00 in London
    // the same instant in New York is still Friday evening
    const ny = { currency: "GBP", timeZone: "America/New_York" };
    expect(await matches(weekend, { occurredAt: "2026-05-02T02:00:00Z" }, undefined, ny)).toBe(false);
    expect(await matches(weekend, { occurredAt: "2026-05-02T04:00:00Z" }, undefined, ny)).toBe(true);
  });

  it("dateRange is inclusive of both local dates", async () => {
    const xmas = { dateRange: { from: "2026-12-24", to: "2026-12-26" } };
    expect(await matches(xmas, { occurredAt: "2026-12-23T23:59:59Z" })).toBe(false);
    expect(await matches(xmas, { occurredAt: "2026-12-24T00:00:00Z" })).toBe(true);
    expect(await matches(xmas, { occurredAt: "2026-12-26T23:59:59Z" })).toBe(true);
    expect(await matches(xmas, { occurredAt: "2026-12-27T00:00:00Z" })).toBe(false);
    // local, not UTC: 23:30 UTC on 31 May is 1 June in London
    expect(await matches({ dateRange: { from: "2026-06-01" } }, { occurredAt: "2026-05-31T23:30:00Z" })).toBe(true);
    expect(await matches({ dateRange: { to: "2026-05-31" } }, { occurredAt: "2026-05-31T23:30:00Z" })).toBe(false);
  });

  it("timeOfDay: [from, to) in local time", async () => {
    const evening = { timeOfDay: { from: "18:00", to: "22:00" } };
    // January: London is on GMT
    expect(await matches(evening, { occurredAt: "2026-01-15T17:59:00Z" })).toBe(false);
    expect(await matches(evening, { occurredAt: "2026-01-15T18:00:00Z" })).toBe(true);
    expect(await matches(evening, { occurredAt: "2026-01-15T21:59:59Z" })).toBe(true);
    expect(await matches(evening, { occurredAt: "2026-01-15T22:00:00Z" })).toBe(false);
    // July: BST, so 17:30 UTC is 18:30 local
    expect(await matches(evening, { occurredAt: "2026-07-15T17:30:00Z" })).toBe(true);
    expect(await matches(evening, { occurredAt: "2026-07-15T21:30:00Z" })).toBe(false);
  });

  it("timeOfDay: a window that wraps midnight", async () => {
    const night = { timeOfDay: { from: "22:00", to: "02:00" } };
    const at = (hhmm: string) => matches(night, { occurredAt: `2026-01-15T${hhmm}:00Z` });
    expect(await at("21:59")).toBe(false);
    expect(await at("22:00")).toBe(true);
    expect(await at("23:59")).toBe(true);
    expect(await at("00:00")).toBe(true);
    expect(await at("01:59")).toBe(true);
    expect(await at("02:00")).toBe(false);
    expect(await at("12:00")).toBe(false);
  });

  it("birthday: the day and the month, in local time", async () => {
    const member = { birthday: "1990-05-17" };
    expect(await matches({ birthday: "day" }, { occurredAt: "2026-05-17T12:00:00Z" }, member)).toBe(true);
    expect(await matches({ birthday: "day" }, { occurredAt: "2026-05-16T12:00:00Z" }, member)).toBe(false);
    expect(await matches({ birthday: "day" }, { occurredAt: "2026-05-16T23:30:00Z" }, member)).toBe(true); // 00:30 BST on the 17th
    expect(await matches({ birthday: "day" }, { occurredAt: "2026-05-17T23:30:00Z" }, member)).toBe(false);
    expect(await matches({ birthday: "month" }, { occurredAt: "2026-05-01T00:00:00Z" }, member)).toBe(true);
    expect(await matches({ birthday: "month" }, { occurredAt: "2026-05-31T22:59:00Z" }, member)).toBe(true);
    expect(await matches({ birthday: "month" }, { occurredAt: "2026-05-31T23:00:00Z" }, member)).toBe(false); // June locally
    expect(await matches({ birthday: "month" }, { occurredAt: "2026-04-30T23:30:00Z" }, member)).toBe(true); // May locally
    // MM-DD birthdays work too; no birthday or no member never matches
    expect(await matches({ birthday: "day" }, { occurredAt: "2026-05-17T12:00:00Z" }, { birthday: "05-17" })).toBe(
      true,
    );
    expect(await matches({ birthday: "month" }, { occurredAt: "2026-05-17T12:00:00Z" }, {})).toBe(false);
    expect(await matches({ birthday: "month" }, { occurredAt: "2026-05-17T12:00:00Z" })).toBe(false);
  });

  it("birthday: 29 February counts on 28 February in a common year, on 29 February in a leap year", async () => {
    for (const birthday of ["2000-02-29", "02-29"]) {
      const member = { birthday };
      expect(await matches({ birthday: "day" }, { occurredAt: "2026-02-27T12:00:00Z" }, member)).toBe(false);
      expect(await matches({ birthday: "day" }, { occurredAt: "2026-02-28T12:00:00Z" }, member)).toBe(true);
      expect(await matches({ birthday: "day" }, { occurredAt: "2026-03-01T12:00:00Z" }, member)).toBe(false);
      expect(await matches({ birthday: "day" }, { occurredAt: "2028-02-28T12:00:00Z" }, member)).toBe(false);
      expect(await matches({ birthday: "day" }, { occurredAt: "2028-02-29T12:00:00Z" }, member)).toBe(true);
    }
    // a 28 February birthday is not celebrated twice in a leap year
    expect(await matches({ birthday: "day" }, { occurredAt: "2028-02-29T12:00:00Z" }, { birthday: "1990-02-28" })).toBe(
      false,
    );
  });

  it("lines condition with minQuantity and minAmount", async () => {
    const lines = (wineQty: number, wineAmount: string) => [
      { sku: "bread", category: "food", quantity: 5, amount: "10.00" },
      { sku: "red", category: "wine", quantity: wineQty, amount: wineAmount },
    ];
    const twoBottles = { lines: { categories: ["wine"] }, minQuantity: 2 };
    expect(await matches(twoBottles, { amount: "100.00", lines: lines(1, "30.00") })).toBe(false);
    expect(await matches(twoBottles, { amount: "100.00", lines: lines(2, "30.00") })).toBe(true);
    const twentyPounds = { lines: { categories: ["wine"] }, minAmount: "20.00" };
    expect(await matches(twentyPounds, { amount: "100.00", lines: lines(1, "19.99") })).toBe(false);
    expect(await matches(twentyPounds, { amount: "100.00", lines: lines(1, "20") })).toBe(true);
    const both = { lines: { categories: ["wine"] }, minQuantity: 2, minAmount: "20.00" };
    expect(await matches(both, { amount: "100.00", lines: lines(2, "19.99") })).toBe(false);
    expect(await matches(both, { amount: "100.00", lines: lines(1, "25.00") })).toBe(false);
    expect(await matches(both, { amount: "100.00", lines: lines(3, "25.00") })).toBe(true);
    // default minQuantity is 1; no lines never match
    expect(await matches({ lines: { skus: ["red"] } }, { amount: "100.00", lines: lines(1, "1.00") })).toBe(true);
    expect(await matches({ lines: { skus: ["white"] } }, { amount: "100.00", lines: lines(1, "1.00") })).toBe(false);
    expect(await matches({ lines: { skus: ["red"] } }, {})).toBe(false);
  });
});

// ---- caps --------------------------------------------------------------------------------------

describe("caps", () => {
  it("perCommand bounds a rule's points per wallet, with uncapped shown", async () => {
    const def = earningProgram([
      rule("base", [rate("1", "1"), rate("1", "1", { wallet: "status" })], { caps: { perCommand: "100" } }),
    ]);
    const r = await harness(def).engine.previewPurchase({ amount: "250.00", currency: "GBP" });
    expect(r.awards).toEqual([
      { ruleId: "base", ruleName: null, wallet: "points", points: "100", uncapped: "250" },
      { ruleId: "base", ruleName: null, wallet: "status", points: "100", uncapped: "250" },
    ]);
    expect(await earns(def, { amount: "99.99" })).toBe("99");
  });

  it("perCommand counts every award of the rule into the same wallet", async () => {
    const def = earningProgram([rule("r", [rate("1", "1"), fixed("50")], { caps: { perCommand: "100" } })]);
    const r = await harness(def).engine.previewPurchase({ amount: "80", currency: "GBP" });
    expect(r.awards.map((a) => [a.points, a.uncapped])).toEqual([
      ["80", "80"],
      ["20", "50"],
    ]);
    expect(r.totals).toEqual({ points: "100" });
  });

  /** Records events of `type` at the given instants; returns the points each earned. */
  async function eventsEarn(def: Json, type: string, instants: string[]): Promise<string[]> {
    const h = harness(def, instants[0]!);
    await h.engine.enroll({ key: key(), memberId: "m" });
    const out: string[] = [];
    for (const at of instants) {
      h.set(at);
      const r = await h.engine.recordEvent({ key: key(), memberId: "m", type, occurredAt: at });
      out.push(r.totals.points ?? "0");
    }
    return out;
  }

  it("a review capped at 60 a month, 20 each: 20, 20, 20, 0, then 20 next month", async () => {
    const def = earningProgram([
      rule("review", fixed("20"), { on: "review", caps: { perMember: [{ period: "month", points: "60" }] } }),
    ]);
    expect(
      await eventsEarn(def, "review", [
        "2026-05-02T10:00:00Z",
        "2026-05-10T10:00:00Z",
        "2026-05-20T10:00:00Z",
        "2026-05-31T22:59:00Z",
        "2026-05-31T23:00:00Z",
      ]),
    ).toEqual(["20", "20", "20", "0", "20"]);
  });

  it("the example program's review cap works the same way", async () => {
    expect(
      await eventsEarn(exampleProgram, "review", [
        "2026-05-02T10:00:00Z",
        "2026-05-03T10:00:00Z",
        "2026-05-04T10:00:00Z",
        "2026-05-05T10:00:00Z",
        "2026-06-01T10:00:00Z",
        "2026-06-02T10:00:00Z",
      ]),
    ).toEqual(["20", "20", "20", "0", "20", "20"]);
  });

  it("a cap that does not divide the award leaves a partial award with uncapped shown", async () => {
    const def = earningProgram([
      rule("r", fixed("30"), { on: "survey", caps: { perMember: [{ period: "day", points: "50" }] } }),
    ]);
    const h = harness(def, "2026-05-01T10:00:00Z");
    await h.engine.enroll({ key: key(), memberId: "m" });
    const first = await h.engine.recordEvent({ key: key(), memberId: "m", type: "survey" });
    const second = await h.engine.recordEvent({ key: key(), memberId: "m", type: "survey" });
    const third = await h.engine.recordEvent({ key: key(), memberId: "m", type: "survey" });
    expect(first.awards).toEqual([{ ruleId: "r", ruleName: null, wallet: "points", points: "30", uncapped: "30" }]);
    expect(second.awards).toEqual([{ ruleId: "r", ruleName: null, wallet: "points", points: "20", uncapped: "30" }]);
    expect(third.totals.points ?? "0").toBe("0");
    expect((await h.engine.summary("m")).wallets.points!.available).toBe("50");
  });

  it("per day resets at local midnight", async () => {
    const def = earningProgram([
      rule("r", fixed("30"), { on: "survey", caps: { perMember: [{ period: "day", points: "50" }] } }),
    ]);
    expect(
      await eventsEarn(def, "survey", [
        "2026-05-01T08:00:00Z",
        "2026-05-01T12:00:00Z",
        "2026-05-01T22:59:00Z",
        "2026-05-01T23:00:00Z",
        "2026-05-02T09:00:00Z",
      ]),
    ).toEqual(["30", "20", "0", "30", "20"]);
  });

  it("per week resets on Monday (ISO weeks, local time)", async () => {
    const def = earningProgram([
      rule("r", fixed("30"), { on: "survey", caps: { perMember: [{ period: "week", points: "50" }] } }),
    ]);
    // Mon 4 May .. Sun 10 May 2026; the next week starts Mon 11 May 00:00 BST = 10 May 23:00Z
    expect(
      await eventsEarn(def, "survey", [
        "2026-05-04T08:00:00Z",
        "2026-05-07T08:00:00Z",
        "2026-05-10T22:59:00Z",
        "2026-05-10T23:00:00Z",
        "2026-05-12T08:00:00Z",
      ]),
    ).toEqual(["30", "20", "0", "30", "20"]);
  });

  it("per year resets on 1 January (local)", async () => {
    const def = earningProgram([
      rule("r", fixed("30"), { on: "survey", caps: { perMember: [{ period: "year", points: "50" }] } }),
    ]);
    expect(
      await eventsEarn(def, "survey", [
        "2026-01-05T08:00:00Z",
        "2026-06-01T08:00:00Z",
        "2026-12-31T23:59:00Z",
        "2027-01-01T00:00:00Z",
      ]),
    ).toEqual(["30", "20", "0", "30"]);
  });

  it("per month follows the program's zone, not UTC", async () => {
    const def = earningProgram(
      [rule("r", fixed("30"), { on: "survey", caps: { perMember: [{ period: "month", points: "30" }] } })],
      { timeZone: "Asia/Tokyo" },
    );
    // 2026-05-31T15:00Z is 1 June 00:00 in Tokyo
    expect(await eventsEarn(def, "survey", ["2026-05-31T14:59:00Z", "2026-05-31T15:00:00Z"])).toEqual(["30", "30"]);
  });

  it("lifetime never resets", async () => {
    const def = earningProgram([
      rule("signup", fixed("100"), { on: "signup", caps: { perMember: [{ period: "lifetime", points: "100" }] } }),
    ]);
    expect(
      await eventsEarn(def, "signup", ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2028-06-01T00:00:00Z"]),
    ).toEqual(["100", "0", "0"]);
  });

  it("several periods at once: the tightest applies", async () => {
    const def = earningProgram([
      rule("r", fixed("30"), {
        on: "survey",
        caps: {
          perMember: [
            { period: "day", points: "40" },
            { period: "month", points: "70" },
          ],
        },
      }),
    ]);
    expect(
      await eventsEarn(def, "survey", [
        "2026-05-01T08:00:00Z",
        "2026-05-01T09:00:00Z",
        "2026-05-02T08:00:00Z",
        "2026-05-03T08:00:00Z",
        "2026-06-01T08:00:00Z",
      ]),
    ).toEqual(["30", "10", "30", "0", "30"]);
  });

  it("counters are per rule and per wallet", async () => {
    const def = earningProgram([
      rule("a", [fixed("30"), fixed("30", { wallet: "status" })], {
        on: "survey",
        caps: { perMember: [{ period: "day", points: "50" }] },
      }),
      rule("b", fixed("30"), { on: "survey", caps: { perMember: [{ period: "day", points: "50" }] } }),
    ]);
    const h = harness(def, "2026-05-01T10:00:00Z");
    await h.engine.enroll({ key: key(), memberId: "m" });
    const first = await h.engine.recordEvent({ key: key(), memberId: "m", type: "survey" });
    expect(first.totals).toEqual({ points: "60", status: "30" });
    const second = await h.engine.recordEvent({ key: key(), memberId: "m", type: "survey" });
    expect(second.awards.map((a) => [a.ruleId, a.wallet, a.points, a.uncapped])).toEqual([
      ["a", "points", "20", "30"],
      ["a", "status", "20", "30"],
      ["b", "points", "20", "30"],
    ]);
  });

  it("a backdated command does not reset the current period's counter", async () => {
    // Commands may carry a past occurredAt (an offline till syncing late). A late April review
    // must count towards April, and must not let May's reviews exceed May's cap.
    const def = earningProgram([
      rule("review", fixed("20"), { on: "review", caps: { perMember: [{ period: "month", points: "60" }] } }),
    ]);
    const h = harness(def, "2026-05-20T10:00:00Z");
    await h.engine.enroll({ key: key(), memberId: "m", joinedAt: "2026-01-01T00:00:00Z" });
    const review = async (occurredAt: string) =>
      (await h.engine.recordEvent({ key: key(), memberId: "m", type: "review", occurredAt })).totals.points ?? "0";
    expect(await review("2026-05-10T10:00:00Z")).toBe("20");
    expect(await review("2026-05-11T10:00:00Z")).toBe("20");
    expect(await review("2026-04-30T10:00:00Z")).toBe("20"); // April
    expect(await review("2026-05-12T10:00:00Z")).toBe("20"); // May: 60
    expect(await review("2026-05-13T10:00:00Z")).toBe("0"); // May is full
    const s = await h.engine.summary("m");
    expect(s.wallets.points!.lifetime.earned).toBe("80");
  });

  it("purchases count towards period caps too, and previews see the counters", async () => {
    const def = earningProgram([
      rule("base", rate("1", "1"), { caps: { perMember: [{ period: "month", points: "100" }] } }),
    ]);
    const h = harness(def, "2026-05-05T10:00:00Z");
    await h.engine.enroll({ key: key(), memberId: "m" });
    await h.engine.recordPurchase({ key: key(), memberId: "m", purchaseId: "p1", amount: "70.00", currency: "GBP" });
    expect(total(await h.engine.previewPurchase({ memberId: "m", amount: "70.00", currency: "GBP" }))).toBe("30");
    // a guest preview has no counters: the cap bounds this command alone
    expect(total(await h.engine.previewPurchase({ amount: "70.00", currency: "GBP" }))).toBe("70");
    expect(total(await h.engine.previewPurchase({ amount: "170.00", currency: "GBP" }))).toBe("100");
    const second = await h.engine.recordPurchase({
      key: key(),
      memberId: "m",
      purchaseId: "p2",
      amount: "70.00",
      currency: "GBP",
    });
    expect(second.awards).toEqual([{ ruleId: "base", ruleName: null, wallet: "points", points: "30", uncapped: "70" }]);
  });
});

// ---- campaign windows, priority, stopFurtherRules -----------------------------------------------

describe("campaign windows", () => {
  const from = "2026-05-01T00:00:00Z",
    until = "2026-05-08T00:00:00Z";
  const at = (def: Json, ms: number) => earns(def, { amount: "10", occurredAt: new Date(ms).toISOString() });

  it("a rule applies in [from, until)", async () => {
    const def = earningProgram([rule("campaign", fixed("10"), { active: { from, until } })]);
    expect(await at(def, Date.parse(from) - 1)).toBe("0");
    expect(await at(def, Date.parse(from))).toBe("10");
    expect(await at(def, Date.parse(until) - 1)).toBe("10");
    expect(await at(def, Date.parse(until))).toBe("0");
  });

  it("open-ended windows", async () => {
    const fromOnly = earningProgram([rule("campaign", fixed("10"), { active: { from } })]);
    expect(await at(fromOnly, Date.parse(from) - 1)).toBe("0");
    expect(await at(fromOnly, Date.parse("2029-01-01T00:00:00Z"))).toBe("10");
    const untilOnly = earningProgram([rule("campaign", fixed("10"), { active: { until } })]);
    expect(await at(untilOnly, Date.parse("2000-01-01T00:00:00Z"))).toBe("10");
    expect(await at(untilOnly, Date.parse(until))).toBe("0");
  });

  it("the window is judged on the command's occurredAt, not on the clock", async () => {
    const def = earningProgram([rule("campaign", fixed("10"), { active: { from, until } })]);
    const h = harness(def, "2026-06-01T00:00:00Z");
    await h.engine.enroll({ key: key(), memberId: "m", joinedAt: "2026-01-01T00:00:00Z" });
    const r = await h.engine.recordPurchase({
      key: key(),
      memberId: "m",
      purchaseId: "p",
      amount: "10",
      currency: "GBP",
      occurredAt: "2026-05-07T23:59:59Z",
    });
    expect(r.totals).toEqual({ points: "10" });
  });
});

describe("priority and stopFurtherRules", () => {
  const vip = { field: "member.attributes.segment", op: "eq", value: "gold" };
  const def = earningProgram([
    rule("base", rate("1", "1")),
    rule("bonus", fixed("5")),
    rule("vip", rate("3", "1"), { priority: 10, when: vip, stopFurtherRules: true }),
  ]);

  it("a matching stopFurtherRules rule ends evaluation; when it does not match, the others run", async () => {
    const { engine } = harness(def);
    await engine.enroll({ key: key(), memberId: "gold", attributes: { segment: "gold" } });
    await engine.enroll({ key: key(), memberId: "silver", attributes: { segment: "silver" } });
    const gold = await engine.previewPurchase({ memberId: "gold", amount: "10", currency: "GBP" });
    expect(gold.awards.map((a) => [a.ruleId, a.points])).toEqual([["vip", "30"]]);
    const silver = await engine.previewPurchase({ memberId: "silver", amount: "10", currency: "GBP" });
    expect(silver.awards.map((a) => [a.ruleId, a.points])).toEqual([
      ["base", "10"],
      ["bonus", "5"],
    ]);
  });

  it("an inactive stopFurtherRules rule does not stop anything", async () => {
    const d = earningProgram([
      rule("stop", fixed("1"), { priority: 1, stopFurtherRules: true, active: { until: "2020-01-01T00:00:00Z" } }),
      rule("base", rate("1", "1")),
    ]);
    expect(await earns(d, { amount: "10" })).toBe("10");
  });

  it("a stopFurtherRules rule in the middle keeps the rules before it", async () => {
    const d = earningProgram([
      rule("first", fixed("1"), { priority: 5 }),
      rule("stop", fixed("2"), { stopFurtherRules: true }),
      rule("after", fixed("4")),
    ]);
    const r = await harness(d).engine.previewPurchase({ amount: "10", currency: "GBP" });
    expect(r.awards.map((a) => a.ruleId)).toEqual(["first", "stop"]);
    expect(r.totals).toEqual({ points: "3" });
  });

  it("priorities order the result; equal priorities keep the list order", async () => {
    const d = earningProgram([
      rule("c", fixed("1")),
      rule("a", fixed("1"), { priority: 2 }),
      rule("d", fixed("1")),
      rule("b", fixed("1"), { priority: 1 }),
    ]);
    const r = await harness(d).engine.previewPurchase({ amount: "10", currency: "GBP" });
    expect(r.awards.map((x) => x.ruleId)).toEqual(["a", "b", "c", "d"]);
  });
});

// ---- wallets, pending, results -----------------------------------------------------------------

describe("earning into wallets, pending and immediate points", () => {
  it("awards go into the qualifying wallet too (the example's status credits)", async () => {
    const h = harness(exampleProgram, "2026-05-05T10:00:00Z"); // a Tuesday
    await h.engine.enroll({ key: key(), memberId: "m" });
    const r = await h.engine.recordPurchase({
      key: key(),
      memberId: "m",
      purchaseId: "p",
      amount: "42.50",
      currency: "GBP",
    });
    expect(r.totals).toEqual({ points: "42", status: "42" });
    const s = await h.engine.summary("m");
    expect(s.wallets.status).toMatchObject({ kind: "qualifying", pending: "42", available: "0" });
    expect(s.wallets.status!.lifetime.earned).toBe("42");
    expect(s.wallets.points).toMatchObject({ kind: "spendable", pending: "42", available: "0" });
  });

  it("purchase points are pending for the return window (local days, across DST), then available", async () => {
    const h = harness(exampleProgram, "2026-03-20T12:00:00Z"); // GMT; 14 days later is BST
    await h.engine.enroll({ key: key(), memberId: "m" });
    const r = await h.engine.recordPurchase({
      key: key(),
      memberId: "m",
      purchaseId: "p",
      amount: "20.00",
      currency: "GBP",
    });
    expect(r.availableAt).toBe("2026-04-03T11:00:00.000Z"); // 12:00 local on both dates
    expect((await h.engine.summary("m")).wallets.points).toMatchObject({ available: "0", pending: "20" });
    h.set("2026-04-03T10:59:59Z");
    expect((await h.engine.summary("m")).wallets.points).toMatchObject({ available: "0", pending: "20" });
    h.set("2026-04-03T11:00:00Z");
    expect((await h.engine.summary("m")).wallets.points).toMatchObject({ available: "20", pending: "0" });
  });

  it("custom events (signup, review) earn immediately: no pending", async () => {
    const h = harness(exampleProgram, "2026-05-05T10:00:00Z");
    await h.engine.enroll({ key: key(), memberId: "m", joinedAt: "2026-05-01T00:00:00Z" });
    const signup = await h.engine.recordEvent({ key: key(), memberId: "m", type: "signup" });
    expect(signup.totals).toEqual({ points: "100" });
    expect(signup.availableAt).toBe("2026-05-05T10:00:00.000Z");
    const review = await h.engine.recordEvent({
      key: key(),
      memberId: "m",
      type: "review",
      occurredAt: "2026-05-05T09:00:00Z",
    });
    expect(review.availableAt).toBe("2026-05-05T09:00:00.000Z");
    expect((await h.engine.summary("m")).wallets.points).toMatchObject({ available: "120", pending: "0" });
    // and can be spent at once
    await expect(h.engine.spend({ key: key(), memberId: "m", wallet: "points", points: "120" })).resolves.toMatchObject(
      { points: "120" },
    );
    const nothing = await h.engine.recordEvent({ key: key(), memberId: "m", type: "unknown-event" });
    expect(nothing).toMatchObject({ awards: [], totals: {}, availableAt: null });
  });
});

describe("results list awards rule by rule", () => {
  it("a Saturday £250 purchase in the birthday month, then a capped second one", async () => {
    const h = harness(exampleProgram, "2026-05-02T10:00:00Z"); // Saturday, May
    await h.engine.enroll({ key: key(), memberId: "m", birthday: "1990-05-17" });
    const first = await h.engine.recordPurchase({
      key: key(),
      memberId: "m",
      purchaseId: "p1",
      amount: "250.00",
      currency: "GBP",
    });
    expect(first.awards).toEqual([
      { ruleId: "base", ruleName: "1 point per £1", wallet: "points", points: "250", uncapped: "250" },
      { ruleId: "base", ruleName: "1 point per £1", wallet: "status", points: "250", uncapped: "250" },
      {
        ruleId: "weekend-double",
        ruleName: "Double points at weekends",
        wallet: "points",
        points: "250",
        uncapped: "250",
      },
      {
        ruleId: "big-basket",
        ruleName: "50 bonus points on orders of £200 or more",
        wallet: "points",
        points: "50",
        uncapped: "50",
      },
      {
        ruleId: "birthday-month",
        ruleName: "Extra 50% in your birthday month",
        wallet: "points",
        points: "125",
        uncapped: "125",
      },
    ]);
    expect(first.totals).toEqual({ points: "675", status: "250" });
    expect(first.purchaseId).toBe("p1");
    expect(first.replayed).toBe(false);
    expect(first.entries.filter((e) => e.kind === "earn")).toHaveLength(5);

    const second = await h.engine.recordPurchase({
      key: key(),
      memberId: "m",
      purchaseId: "p2",
      amount: "300.00",
      currency: "GBP",
    });
    const weekend = second.awards.find((a) => a.ruleId === "weekend-double")!;
    expect(weekend).toMatchObject({ points: "250", uncapped: "300" }); // 500 a day
    expect(second.awards.find((a) => a.ruleId === "big-basket")).toMatchObject({ points: "50", uncapped: "50" });
    expect(second.totals).toEqual({ points: "750", status: "300" }); // 300 + 250 + 50 + 150
  });
});

// ---- previews ------------------------------------------------------------------------------------

describe("previews", () => {
  it("return the same awards as the real command would, and write nothing", async () => {
    const h = harness(exampleProgram, "2026-05-02T10:00:00Z");
    await h.engine.enroll({ key: key(), memberId: "m", birthday: "05-20", attributes: { segment: "gold" } });
    await h.engine.recordPurchase({ key: key(), memberId: "m", purchaseId: "p0", amount: "120.00", currency: "GBP" });
    await h.engine.recordEvent({ key: key(), memberId: "m", type: "review" });
    const before = await fingerprint(h.store, "uk-retail", ["m"]);

    const purchase = {
      amount: "260.00",
      currency: "GBP",
      lines: [{ sku: "x", quantity: 1, amount: "260.00" }],
      attributes: { channel: "web" },
    };
    const preview = await h.engine.previewPurchase({ memberId: "m", ...purchase });
    const event = await h.engine.previewEvent({ memberId: "m", type: "review" });
    await h.engine.previewPurchase(purchase);
    await h.engine.previewEvent({ type: "signup" });
    expect(await fingerprint(h.store, "uk-retail", ["m"])).toBe(before);

    const real = await h.engine.recordPurchase({ key: key(), memberId: "m", purchaseId: "p1", ...purchase });
    expect(real.awards).toEqual(preview.awards);
    expect(real.totals).toEqual(preview.totals);
    const realEvent = await h.engine.recordEvent({ key: key(), memberId: "m", type: "review" });
    expect(realEvent.awards).toEqual(event.awards);
    expect(realEvent.totals).toEqual(event.totals);
  });

  it("work without memberId (a guest: no member conditions, no counters)", async () => {
    const { engine, store } = harness(exampleProgram, "2026-05-02T10:00:00Z");
    const r = await engine.previewPurchase({ amount: "250.00", currency: "GBP" });
    expect(r.awards.map((a) => a.ruleId)).toEqual(["base", "base", "weekend-double", "big-basket"]);
    expect(r.totals).toEqual({ points: "550", status: "250" });
    expect((await engine.previewEvent({ type: "signup" })).totals).toEqual({ points: "100" });
    expect(await store.loadMember("uk-retail", "m")).toBeNull();
  });

  it("refuse an unknown member, a wrong currency, a future instant and a bad command, writing nothing", async () => {
    const { engine, store } = harness(exampleProgram, "2026-05-02T10:00:00Z");
    await expect(engine.previewPurchase({ memberId: "ghost", amount: "1", currency: "GBP" })).rejects.toMatchObject({
      code: "MEMBER_NOT_FOUND",
    });
    await expect(engine.previewEvent({ memberId: "ghost", type: "signup" })).rejects.toMatchObject({
      code: "MEMBER_NOT_FOUND",
    });
    await expect(engine.previewPurchase({ amount: "1", currency: "EUR" })).rejects.toMatchObject({
      code: "CURRENCY_MISMATCH",
    });
    await expect(
      engine.previewPurchase({ amount: "1", currency: "GBP", occurredAt: "2026-05-02T10:00:01Z" }),
    ).rejects.toMatchObject({ code: "INVALID_COMMAND" });
    await expect(engine.previewPurchase({ amount: "1.001", currency: "GBP" })).rejects.toMatchObject({
      code: "INVALID_COMMAND",
    });
    await expect(engine.previewPurchase({ amount: 1 as unknown as string, currency: "GBP" })).rejects.toSatisfy(
      (e: unknown) => isLoyaltyError(e, "INVALID_COMMAND"),
    );
    expect(await fingerprint(store, "uk-retail", ["ghost"])).toBe(
      JSON.stringify([null, { entries: [], nextAfterSeq: null }, []]),
    );
  });
});

// ---- properties ----------------------------------------------------------------------------------

const ROUNDING = ["down", "up", "half_up", "half_down", "half_even", "floor", "ceil"] as const;
const pence = (p: number) => `${Math.floor(p / 100)}.${String(p % 100).padStart(2, "0")}`;
const decimalArb = fc
  .tuple(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 3 }))
  .map(([units, places]) => new Decimal(units).div(new Decimal(10).pow(places)).toString());

describe("properties", () => {
  const rateCase = fc.tuple(decimalArb, decimalArb, fc.constantFrom(...ROUNDING), fc.integer({ min: 0, max: 4 }));

  it("(a) a rate award is monotone in the amount", async () => {
    await fc.assert(
      fc.asyncProperty(
        rateCase,
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        async ([points, per, rounding, scale], x, y) => {
          const def = earningProgram([rule("r", rate(points, per))], { points: { scale, rounding } });
          const { engine } = harness(def);
          const [lo, hi] = x <= y ? [x, y] : [y, x];
          const a = new Decimal(total(await engine.previewPurchase({ amount: pence(lo), currency: "GBP" })));
          const b = new Decimal(total(await engine.previewPurchase({ amount: pence(hi), currency: "GBP" })));
          expect(a.lte(b)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("(a') a rate award is amount x points / per, computed exactly and rounded once", async () => {
    await fc.assert(
      fc.asyncProperty(rateCase, fc.integer({ min: 1, max: 10_000_000 }), async ([points, per, rounding, scale], x) => {
        const def = earningProgram([rule("r", rate(points, per))], { points: { scale, rounding } });
        const got = total(await harness(def).engine.previewPurchase({ amount: pence(x), currency: "GBP" }));
        // multiply first, divide once: exact whenever the true figure is a multiple of the scale's unit
        const expected = roundTo(new Decimal(pence(x)).times(points).div(per), scale, rounding);
        expect(got).toBe(expected.gt(0) ? formatAmount(expected, scale) : "0");
      }),
      {
        numRuns: 200,
        examples: [
          [["1", "3", "down", 0], 300],
          [["1958", "0.14", "ceil", 0], 21],
          [["5", "3", "ceil", 1], 1822650],
        ],
      },
    );
  });

  it("(b) a preview equals the awards of the real command, for random amounts and dates", async () => {
    const start = Date.parse("2026-01-01T00:00:00Z");
    const step = fc.record({
      kind: fc.constantFrom("purchase", "purchase", "purchase", "review", "signup"),
      pennies: fc.integer({ min: 1, max: 60_000 }),
      gap: fc.integer({ min: 0, max: 5 * DAY }),
      lag: fc.integer({ min: 0, max: DAY }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.constantFrom("01-15", "02-29", "05-17", "12-31"), { nil: undefined }),
        fc.integer({ min: 0, max: 330 * DAY }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        async (birthday, offset, steps) => {
          const h = harness(exampleProgram, start + offset);
          await h.engine.enroll({ key: key(), memberId: "m", ...(birthday ? { birthday } : {}) });
          let at = start + offset;
          let n = 0;
          for (const s of steps) {
            at += s.gap;
            h.set(at + s.lag);
            const occurredAt = new Date(at).toISOString();
            if (s.kind === "purchase") {
              const input = { amount: pence(s.pennies), currency: "GBP", occurredAt };
              const preview = await h.engine.previewPurchase({ memberId: "m", ...input });
              const real = await h.engine.recordPurchase({
                key: key(),
                memberId: "m",
                purchaseId: `p${n++}`,
                ...input,
              });
              expect(real.awards).toEqual(preview.awards);
              expect(real.totals).toEqual(preview.totals);
            } else {
              const preview = await h.engine.previewEvent({ memberId: "m", type: s.kind, occurredAt });
              const real = await h.engine.recordEvent({ key: key(), memberId: "m", type: s.kind, occurredAt });
              expect(real.awards).toEqual(preview.awards);
              expect(real.totals).toEqual(preview.totals);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("(c) evaluating never changes the member state passed in", async () => {
    const program = createLoyaltyEngine({ program: exampleProgram, store: createMemoryStore() }).program;
    const deepFreeze = <T>(o: T): T => {
      if (o !== null && typeof o === "object" && !Object.isFrozen(o)) {
        Object.freeze(o);
        for (const v of Object.values(o as object)) deepFreeze(v);
      }
      return o;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom("purchase", "review", "signup"), fc.integer({ min: 1, max: 60_000 })), {
          minLength: 0,
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 80_000 }),
        fc.integer({ min: 0, max: 40 * DAY }),
        fc.constantFrom("purchase", "review", "signup", "other"),
        async (history, amount, later, type) => {
          const start = Date.parse("2026-05-01T09:00:00Z");
          const h = harness(exampleProgram, start);
          await h.engine.enroll({ key: key(), memberId: "m", birthday: "1990-05-09", attributes: { segment: "gold" } });
          for (const [i, [kind, p]] of history.entries()) {
            h.set(start + (i + 1) * DAY);
            if (kind === "purchase")
              await h.engine.recordPurchase({
                key: key(),
                memberId: "m",
                purchaseId: `p${i}`,
                amount: pence(p),
                currency: "GBP",
              });
            else await h.engine.recordEvent({ key: key(), memberId: "m", type: kind });
          }
          const state: MemberState = fromSnapshot((await h.store.loadMember("uk-retail", "m"))!.snapshot);
          const before = JSON.stringify(toSnapshot(state));
          const occurredAt = start + later;
          const facts = {
            amount: new Decimal(pence(amount)),
            occurredAt,
            lines: [{ sku: "s", quantity: 1, amount: new Decimal(pence(amount)) }],
            attributes: { channel: "web" },
          };
          const open =
            type === "purchase"
              ? evaluatePurchase(program, state, facts)
              : evaluateEvent(program, state, { type, occurredAt, attributes: {} });
          expect(JSON.stringify(toSnapshot(state))).toBe(before);
          // and with the state deeply frozen, evaluating neither throws nor answers differently
          deepFreeze(state);
          const frozen =
            type === "purchase"
              ? evaluatePurchase(program, state, facts)
              : evaluateEvent(program, state, { type, occurredAt, attributes: {} });
          expect(frozen.awards.map((a) => [a.ruleId, a.wallet, a.points.toString(), a.uncapped.toString()])).toEqual(
            open.awards.map((a) => [a.ruleId, a.wallet, a.points.toString(), a.uncapped.toString()]),
          );
          expect(JSON.stringify(toSnapshot(state))).toBe(before);
        },
      ),
      { numRuns: 80 },
    );
  });
});
