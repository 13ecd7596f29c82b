/**
 * Campaign budgets through the engine (issue 17): a rule's budget is kept in the store beside reward
 * stock and taken in the same commit as each award, so members racing for its last points never
 * overspend it, a commit that fails half-way takes nothing from it, and a retry takes nothing twice.
 */
import { describe, expect, it } from "vitest";
import type { LoyaltyEngine } from "../../engine/engine.js";
import { compileProgram } from "../../program/compile.js";
import { plainProgram } from "../fixtures.js";
import { memberViolations } from "../invariants.js";
import { type ConformanceContext, countFaultPoints, engineOn, storeFailingAt } from "./context.js";

/** The plain program with a double-points rule bounded to 100 points a month across all members. */
export const budgetProgram = compileProgram({
  ...plainProgram,
  id: "conformance-budgets",
  rules: [
    ...plainProgram.rules,
    {
      id: "double",
      on: "purchase",
      budget: { points: "100", period: "month" },
      awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }],
    },
  ],
});

/** The double points a purchase result says it was given (0 when the budget gave none). */
const doubled = (r: { awards: readonly { ruleId: string; points: string }[] }) =>
  Number(r.awards.find((a) => a.ruleId === "double")?.points ?? "0");

async function enrollAll(engine: LoyaltyEngine, ids: readonly string[]) {
  for (const id of ids) await engine.enroll({ key: `enroll-${id}`, memberId: id });
}

const buy = (engine: LoyaltyEngine, memberId: string, key: string, amount: string) =>
  engine.recordPurchase({ key, memberId, purchaseId: `o-${key}`, amount, currency: "GBP" });

export function campaignBudgets(context: ConformanceContext): void {
  const { make, close, concurrency: n } = context;
  const B = budgetProgram.id;

  describe("campaign budgets", () => {
    it(`never lets ${n} members buying at once take more than the budget, and gives out all of it`, async () => {
      const store = await make();
      const { engine, t } = engineOn(store, undefined, 3 * n + 10, budgetProgram);
      const ids = Array.from({ length: n }, (_, i) => `m${i}`);
      await enrollAll(engine, ids);
      // Each asks 30 of the month's 100: three get 30, one the last 10, the others none.
      const results = await Promise.all(ids.map((m, i) => buy(engine, m, `p${i}`, "30.00")));
      const given = results.map(doubled);
      expect(given.reduce((s, p) => s + p, 0)).toBe(100);
      expect([...given].sort((a, b) => b - a).slice(0, 4)).toEqual([30, 30, 30, 10]);
      const last = await buy(engine, "m0", "after", "30.00");
      expect(doubled(last)).toBe(0);
      expect(last.budgets?.find((b) => b.ruleId === "double")).toMatchObject({ left: "0", exhausted: true });
      for (const m of ids) expect(await memberViolations(store, B, m, t.now())).toEqual([]);
      await close(store);
    });

    it("takes nothing from the budget when a commit fails at any of its fault points, and a retry takes nothing twice", async () => {
      const prepare = async (engine: LoyaltyEngine) => {
        await enrollAll(engine, ["a", "b"]);
        await buy(engine, "a", "first", "60.00");
      };
      const points = await countFaultPoints(context, async (store, arm) => {
        const { engine } = engineOn(store, undefined, 10, budgetProgram);
        await prepare(engine);
        arm(true);
        await buy(engine, "b", "second", "60.00");
        arm(false);
      });
      expect(points).toBeGreaterThan(0);
      for (let failAt = 1; failAt <= points; failAt++) {
        const { store, arm } = await storeFailingAt(context, failAt);
        const { engine } = engineOn(store, undefined, 10, budgetProgram);
        await prepare(engine);
        arm(true);
        await expect(buy(engine, "b", "second", "60.00")).rejects.toThrow();
        arm(false);
        // Nothing was taken: the retry gets the 40 left, and its replay gets the same, taking no more.
        const retried = await buy(engine, "b", "second", "60.00");
        expect(doubled(retried), `fault point ${failAt}`).toBe(40);
        expect((await buy(engine, "b", "second", "60.00")).replayed).toBe(true);
        expect(doubled(await buy(engine, "a", "third", "10.00")), `fault point ${failAt}`).toBe(0);
        await close(store);
      }
    });
  });
}
