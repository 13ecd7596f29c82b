/**
 * Campaign budgets (issue 17; Open Loyalty's campaign limits, Talon.One's budgets): the points a
 * rule may award across all members, in total or per local period. A budget is a count the store
 * keeps beside reward stock, in whole units of the program's point scale (a budget of 1,000.50
 * points at scale 2 is 100,050 units), taken in the same commit as the award and never below zero,
 * so concurrent members can never overspend it: a commit that would is refused
 * (`CommitConflict("stock")`) and decides again on what is left.
 */
import type { CompiledRule, Program } from "../program/compile.js";
import { Decimal } from "../shared/decimal.js";
import { periodKey } from "../shared/periods.js";

/** What each budgeted rule has left for a command, in points, by rule id. */
export type BudgetsLeft = ReadonlyMap<string, Decimal>;

/** The store key of a rule's budget for the period holding `at`, beside reward stock (no reward id may start with "budget#"). */
export function budgetKey(program: Program, rule: CompiledRule, at: number): string {
  return `budget#${rule.id}#${periodKey(at, program.timeZone, rule.budget!.period)}`;
}

/** Points as the store's whole units. */
export const toUnits = (program: Program, points: Decimal): number =>
  points.times(new Decimal(10).pow(program.scale)).toNumber();

/** The store's whole units as points. */
export const fromUnits = (program: Program, units: number): Decimal =>
  new Decimal(units).div(new Decimal(10).pow(program.scale));

/** The rules on a trigger that have a budget, active at `at`. */
export function budgetedRules(program: Program, trigger: string, at: number): CompiledRule[] {
  return (program.rulesByTrigger.get(trigger) ?? []).filter(
    (r) =>
      r.budget !== null &&
      (r.activeFrom === null || at >= r.activeFrom) &&
      (r.activeUntil === null || at < r.activeUntil),
  );
}
