/**
 * Campaign budgets in the shell (accrual/budgets.ts decides): what each budgeted rule of a trigger
 * has left, read from the store's counts before a command decides; the stock changes that take
 * what the awards used, committed with them; and the lines results show. A commit that would take
 * a budget below zero conflicts and the write path decides again on what is left then.
 */
import { budgetKey, budgetedRules, fromUnits, toUnits, type BudgetsLeft } from "../accrual/budgets.js";
import type { Evaluation } from "../accrual/evaluate.js";
import type { StockChange } from "../store/port.js";
import { stockLeftFrom } from "../store/stock.js";
import type { EngineContext } from "./context.js";
import type { BudgetLine } from "./results.js";
import { guard } from "./store-calls.js";

/** What the budgeted rules on `trigger` active at `at` have left now (none: an empty map). */
export async function readBudgets(ctx: EngineContext, trigger: string, at: number): Promise<BudgetsLeft> {
  const { program, store } = ctx;
  const left = new Map<string, ReturnType<typeof fromUnits>>();
  for (const rule of budgetedRules(program, trigger, at)) {
    const stored = await guard(() => store.getStock(program.id, budgetKey(program, rule, at)));
    left.set(rule.id, fromUnits(program, stockLeftFrom(stored, toUnits(program, rule.budget!.points))));
  }
  return left;
}

/** The stock changes that take what the evaluation's awards used from their budgets. */
export function budgetChanges(ctx: EngineContext, evaluation: Evaluation, at: number): StockChange[] {
  const { program } = ctx;
  return evaluation.budgets
    .filter((use) => use.taken.gt(0))
    .map((use) => {
      const rule = program.rules.get(use.ruleId)!;
      return {
        rewardId: budgetKey(program, rule, at),
        delta: -toUnits(program, use.taken),
        initial: toUnits(program, rule.budget!.points),
      };
    })
    .sort((a, b) => (a.rewardId < b.rewardId ? -1 : a.rewardId > b.rewardId ? 1 : 0));
}

/** The budget lines a result shows; absent when no budgeted rule matched. */
export function budgetLines(ctx: EngineContext, evaluation: Evaluation): { budgets?: BudgetLine[] } {
  if (evaluation.budgets.length === 0) return {};
  return {
    budgets: evaluation.budgets.map((use) => ({
      ruleId: use.ruleId,
      taken: ctx.fmt(use.taken),
      left: ctx.fmt(use.left),
      exhausted: use.cut || use.left.isZero(),
    })),
  };
}
