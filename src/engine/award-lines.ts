/**
 * An evaluation as results and previews show it: one line per rule that awarded points, and the
 * points per wallet, formatted at the program's scale.
 */
import type { Evaluation } from "../accrual/evaluate.js";
import { Decimal } from "../shared/decimal.js";
import type { EngineContext } from "./context.js";
import type { AwardLine } from "./results.js";

export function awardLines(
  ctx: EngineContext,
  evaluation: Evaluation,
): { awards: AwardLine[]; totals: Record<string, string> } {
  const { fmt } = ctx;
  const totals = new Map<string, Decimal>();
  const awards = evaluation.awards.map((a) => {
    totals.set(a.wallet, (totals.get(a.wallet) ?? new Decimal(0)).plus(a.points));
    return {
      ruleId: a.ruleId,
      ruleName: a.ruleName ?? null,
      wallet: a.wallet,
      points: fmt(a.points),
      uncapped: fmt(a.uncapped),
    };
  });
  return { awards, totals: Object.fromEntries([...totals].map(([w, p]) => [w, fmt(p)])) };
}
