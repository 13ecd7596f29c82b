/**
 * Campaign budgets (issue 17): the points a rule may award across all members, in total or per
 * local period (Open Loyalty's campaign limits, Talon.One's campaign budgets), taken in the same
 * commit as each award. Worked examples (a signup bonus for the first members, a monthly
 * double-points budget), previews and replays that take nothing, validation, concurrent members
 * on the memory store and on PostgreSQL (PGlite; the server too with DATABASE_URL) never
 * overspending it, and a property: each period's awards add up to min(budget, what was asked).
 */
import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  compileProgram,
  createMemoryStore,
  isLoyaltyError,
  type LoyaltyStore,
  type ProgramDefinition,
} from "../../src/index.js";
import { createPostgresStore, migrate, pgPool, pglite } from "../../src/postgres/index.js";
import { memberViolations } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { poundsProgram, purchaseRule } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

/** A signup bonus of 500 for the first 1,000 points' worth of members; double points up to 100 a month. */
function program(over: Partial<ProgramDefinition> = {}): ProgramDefinition {
  return poundsProgram({
    id: `budgets-${Math.random().toString(36).slice(2, 8)}`,
    rules: [
      purchaseRule(),
      {
        id: "signup",
        on: "signup",
        budget: { points: "1000" },
        awards: [{ kind: "fixed", points: "500", wallet: "points" }],
      },
      {
        id: "double",
        on: "purchase",
        budget: { points: "100", period: "month" },
        awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }],
      },
    ],
    ...over,
  });
}

async function members(engine: ReturnType<typeof testEngine>["engine"], ids: string[]) {
  for (const id of ids) await engine.enroll({ key: `e-${id}`, memberId: id });
}

describe("Talon.One's campaign budget: a signup bonus until the budget runs out", () => {
  it("two members get 500 each, the third none, and each result says what is left", async () => {
    const { engine } = testEngine(program(), "2026-05-01T12:00:00Z");
    await members(engine, ["a", "b", "c"]);
    const signup = (m: string) => engine.recordEvent({ key: `s-${m}`, memberId: m, type: "signup" });
    expect((await signup("a")).budgets).toEqual([{ ruleId: "signup", taken: "500", left: "500", exhausted: false }]);
    expect((await signup("b")).budgets).toEqual([{ ruleId: "signup", taken: "500", left: "0", exhausted: true }]);
    const third = await signup("c");
    expect(third.awards).toEqual([]);
    expect(third.budgets).toEqual([{ ruleId: "signup", taken: "0", left: "0", exhausted: true }]);
    // A retry replays the first result and takes nothing more.
    expect((await signup("a")).budgets).toEqual([{ ruleId: "signup", taken: "500", left: "500", exhausted: false }]);
    expect((await engine.summary("c")).wallets.points?.available ?? "0").toBe("0");
  });
});

describe("Open Loyalty's campaign limit per period: double points up to 100 a month", () => {
  it("cuts the award that crosses the budget and starts again next month; the base rule is untouched", async () => {
    const { engine, t } = testEngine(program(), "2026-05-10T12:00:00Z");
    await members(engine, ["a", "b"]);
    const buy = (m: string, n: number, amount: string) =>
      engine.recordPurchase({ key: `p${n}`, memberId: m, purchaseId: `o${n}`, amount, currency: "GBP" });
    expect((await buy("a", 1, "80.00")).totals).toEqual({ points: "160", status: "80" });
    const second = await buy("b", 2, "50.00");
    expect(second.awards.find((a) => a.ruleId === "double")).toMatchObject({ points: "20", uncapped: "50" });
    expect(second.budgets).toEqual([{ ruleId: "double", taken: "20", left: "0", exhausted: true }]);
    // The preview shows what is left and writes nothing.
    const preview = await engine.previewPurchase({ memberId: "a", amount: "10.00", currency: "GBP" });
    expect(preview.budgets).toEqual([{ ruleId: "double", taken: "0", left: "0", exhausted: true }]);
    t.set("2026-06-01T09:00:00Z");
    expect((await engine.previewPurchase({ amount: "30.00", currency: "GBP" })).budgets).toEqual([
      { ruleId: "double", taken: "30", left: "70", exhausted: false },
    ]);
    expect((await buy("b", 3, "30.00")).totals).toEqual({ points: "60", status: "30" });
  });
});

describe("the program format", () => {
  function paths(def: ProgramDefinition): string[] {
    try {
      compileProgram(def);
    } catch (error) {
      if (!isLoyaltyError(error)) throw error;
      return (error.issues ?? []).map((i) => i.path.join("."));
    }
    return [];
  }
  const fixed = [{ kind: "fixed", points: "10", wallet: "points" }];

  it("refuses a budget on the engine's own triggers and on referrals, finer than the scale, and reserved reward ids", () => {
    const def = poundsProgram({
      id: "bad-budgets",
      rules: [
        purchaseRule(),
        { id: "bday", on: "schedule:birthday", budget: { points: "10" }, awards: fixed },
        { id: "ref", on: "referral", budget: { points: "10" }, awards: fixed },
        { id: "fine", on: "signup", budget: { points: "10.5" }, awards: fixed },
      ],
      rewards: [{ id: "budget#x", kind: "voucher", wallet: "points", price: "10" }],
    } as Partial<ProgramDefinition>);
    const found = paths(def);
    expect(found).toEqual(
      expect.arrayContaining(["rules.1.budget", "rules.2.budget", "rules.3.budget.points", "rewards.0.id"]),
    );
  });
});

// ---- concurrency: never overspent, on every store ------------------------------------------------

let lite: PGlite | undefined;
afterAll(async () => lite?.close());
let schemas = 0;

const stores: [string, () => Promise<{ store: LoyaltyStore; close: () => Promise<void> }>][] = [
  ["memory", async () => ({ store: createMemoryStore(), close: async () => {} })],
  [
    "PGlite",
    async () => {
      lite ??= await PGlite.create();
      const client = pglite(lite);
      const schema = `budgets_${process.pid}_${++schemas}`;
      await migrate(client, { schema });
      return { store: createPostgresStore(client, { schema }), close: async () => {} };
    },
  ],
];
if (process.env.DATABASE_URL) {
  stores.push([
    "PostgreSQL server",
    async () => {
      const { default: pg } = await import("pg");
      const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8 });
      const client = pgPool(pool);
      const schema = `budgets_${process.pid}_${++schemas}`;
      await migrate(client, { schema });
      return {
        store: createPostgresStore(client, { schema }),
        close: async () => {
          await pool.query(`DROP SCHEMA ${schema} CASCADE`);
          await pool.end();
        },
      };
    },
  ]);
}

describe.each(stores)("20 members spending one budget at once: %s", (_name, make) => {
  it("awards exactly the budget, never more, and every member's books hold", async () => {
    const { store, close } = await make();
    try {
      const def = program();
      const { engine } = testEngine(def, "2026-05-10T12:00:00Z", { store, maxAttempts: 60 });
      const ids = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, "0")}`);
      await members(engine, ids);
      // Each purchase asks 30 double points of a 100-point budget.
      const results = await Promise.all(
        ids.map((m, i) =>
          engine.recordPurchase({ key: `p${i}`, memberId: m, purchaseId: `o${i}`, amount: "30.00", currency: "GBP" }),
        ),
      );
      const doubled = results.map((r) => Number(r.awards.find((a) => a.ruleId === "double")?.points ?? "0"));
      expect(doubled.reduce((s, p) => s + p, 0)).toBe(100);
      expect(doubled.filter((p) => p === 30).length).toBe(3);
      for (const m of ids)
        expect(await memberViolations(store, def.id, m, Date.parse("2026-05-10T12:00:00Z"))).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);
});

describe("properties", () => {
  it("sequentially, each month's budgeted awards add up to min(budget, what the purchases asked)", async () => {
    const buyArb = fc.record({
      member: fc.constantFrom("a", "b", "c"),
      pounds: fc.integer({ min: 1, max: 60 }),
      days: fc.integer({ min: 0, max: 20 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(buyArb, { minLength: 1, maxLength: 20 }), async (buys) => {
        const { engine, t } = testEngine(program(), "2026-01-01T12:00:00Z");
        await members(engine, ["a", "b", "c"]);
        let at = Date.parse("2026-01-01T12:00:00Z");
        const asked = new Map<string, number>();
        const given = new Map<string, number>();
        for (const [i, b] of buys.entries()) {
          at += b.days * 86_400_000;
          t.set(at);
          const month = new Date(at).toISOString().slice(0, 7);
          const r = await engine.recordPurchase({
            key: `p${i}`,
            memberId: b.member,
            purchaseId: `o${i}`,
            amount: `${b.pounds}.00`,
            currency: "GBP",
          });
          asked.set(month, (asked.get(month) ?? 0) + b.pounds);
          given.set(
            month,
            (given.get(month) ?? 0) + Number(r.awards.find((a) => a.ruleId === "double")?.points ?? "0"),
          );
        }
        for (const [month, total] of asked) expect(given.get(month)).toBe(Math.min(100, total));
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
