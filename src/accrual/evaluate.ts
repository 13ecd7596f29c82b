/**
 * Rule evaluation: which rules a command matches and how many points each awards into each
 * wallet, after caps. Pure: the same program, context and counters always give the same awards.
 */
import type { AccrualContext, CompiledAward, CompiledRule, Program } from "../program/compile.js";
import { Decimal, ZERO, min, roundTo } from "../shared/decimal.js";
import { boundedAward } from "../shared/figures.js";
import { periodKey, type Period } from "../shared/periods.js";
import type { MemberView } from "../ledger/state.js";
import { assert } from "../ledger/invariant.js";
import type { BudgetsLeft } from "./budgets.js";
import { cappedShares, sharedOn, sharesOf, unitsOf, type EarlierAward, type LineShares } from "./line-shares.js";

/** The points one award of one rule gives, with what caps took off. */
export interface Award {
  readonly ruleId: string;
  readonly ruleName: string | undefined;
  readonly wallet: string;
  readonly points: Decimal;
  /** Points before caps; equal to `points` unless a cap applied. */
  readonly uncapped: Decimal;
  /** Period keys this award counts towards (only for periods the rule caps). */
  readonly capKeys: Partial<Record<Period, string>>;
  /**
   * What the award earned on each purchase line, exact and scaled to `points` (line-shares.ts):
   * present when a recorded purchase keeps what each line earned for refunds by line and the
   * award is tied to lines (`tiedToLines`). Absent otherwise.
   */
  readonly shares?: LineShares;
}

/** What a matched rule with a campaign budget took from it (accrual/budgets.ts). */
export interface BudgetUse {
  readonly ruleId: string;
  /** Points the command's awards took from the budget. */
  readonly taken: Decimal;
  /** Points the budget has left after them. */
  readonly left: Decimal;
  /** The budget cut the rule's awards (it ran out). */
  readonly cut: boolean;
}

export interface Evaluation {
  readonly awards: readonly Award[];
  /** Rules that matched but awarded nothing (a zero-amount line filter, an exhausted cap). */
  readonly matchedRuleIds: readonly string[];
  /** Budgeted rules that matched, with what they took; empty when none did. */
  readonly budgets: readonly BudgetUse[];
}

function eligibleAmount(award: Extract<CompiledAward, { kind: "rate" }>, ctx: AccrualContext): Decimal {
  if (award.lines === null) return ctx.amount;
  if (ctx.lines === null) return ZERO; // a line filter cannot match a purchase without lines
  let total = ZERO;
  for (const line of ctx.lines) if (award.lines(line)) total = total.plus(line.amount);
  return total;
}

/**
 * Points for an amount at a rate. `ratio` is `points / per` when that is exact (1 per 1, 2.5 per
 * 1, 1 per 10); otherwise (1 point per £3) multiply first and divide once.
 */
function rateOf(
  award: { readonly points: Decimal; readonly per: Decimal; readonly ratio: Decimal | null },
  amount: Decimal,
): Decimal {
  return award.ratio !== null ? amount.times(award.ratio) : amount.times(award.points).div(award.per);
}

/**
 * The points a rate award gives for `amount` of money: the one place a rate award is priced, for
 * purchases (`evaluateRules`) and for returns without a receipt (refund.ts), so that a return
 * takes back what the same purchase would have earned. One multiplication and one rounding, to
 * the program's scale, with the award's own rounding mode: compile.ts gives every award one,
 * its own `rounding` if the program names it, else the program's `points.rounding`.
 */
export function rateAwardPoints(
  program: Program,
  award: Extract<CompiledAward, { kind: "rate" }>,
  amount: Decimal,
): Decimal {
  return roundTo(rateOf(award, amount), placesOf(program, award.wallet), award.rounding);
}

/** Decimal places of `wallet`'s points: a counter holds whole units (1 key per $1 spent, rounded as the award says). */
function placesOf(program: Program, wallet: string): number {
  return program.wallets.get(wallet)?.kind === "counter" ? 0 : program.scale;
}

const NO_BUDGETS: BudgetsLeft = new Map();

/** Per trigger's rule list: whether a multiplier limited to lines reads the awards' line shares. */
const lineShareReaders = new WeakMap<readonly CompiledRule[], boolean>();

/** Line shares cost an array per award and line: kept only when some multiplier will read them. */
function readsLineShares(rules: readonly CompiledRule[]): boolean {
  let reads = lineShareReaders.get(rules);
  if (reads === undefined) {
    reads = rules.some((r) => r.awards.some((a) => a.kind === "multiplier" && a.lines !== null));
    lineShareReaders.set(rules, reads);
  }
  return reads;
}

/**
 * An award whose points depend on which lines were bought: a rate over some lines, points per
 * unit, a multiplier (of what earlier tied awards earned per line). A rate on the whole purchase
 * and a fixed award are not: they go back with the money a refund returns.
 */
function tiedToLines(award: CompiledAward): boolean {
  return award.kind === "perUnit" || award.kind === "multiplier" || (award.kind === "rate" && award.lines !== null);
}

function isActive(rule: CompiledRule, at: number): boolean {
  return (rule.activeFrom === null || at >= rule.activeFrom) && (rule.activeUntil === null || at < rule.activeUntil);
}

/**
 * Evaluates the rules for `ctx.trigger`. `member` supplies the per-period cap counters; pass null
 * for a guest (period caps then bound this command alone). `keepShares`: every award keeps its
 * line shares (a purchase being recorded keeps what each line earned, for refunds by line).
 */
export function evaluateRules(
  program: Program,
  ctx: AccrualContext,
  member: MemberView | null,
  budgets: BudgetsLeft = NO_BUDGETS,
  keepShares = false,
): Evaluation {
  const rules = program.rulesByTrigger.get(ctx.trigger) ?? [];
  const awards: Award[] = [];
  // Each award's points per purchase line (line-shares.ts), for multipliers limited to lines.
  const earlier: EarlierAward[] = [];
  const matchedRuleIds: string[] = [];
  const uses: BudgetUse[] = [];
  for (const rule of rules) {
    if (!isActive(rule, ctx.occurredAt)) continue;
    if (rule.test !== null && !rule.test(ctx)) continue;
    matchedRuleIds.push(rule.id);
    // A budgeted rule is only ever evaluated with its budget read: never silently unbounded.
    const budget = rule.budget === null ? null : budgets.get(rule.id);
    assert(budget !== undefined, `rule ${rule.id} evaluated without its budget`);
    let budgetLeft = budget;
    let cut = false;
    for (const award of rule.awards) {
      let raw: Decimal;
      switch (award.kind) {
        case "rate":
          // One award over the eligible lines' total: summing rounded lines would drift.
          raw = rateAwardPoints(program, award, eligibleAmount(award, ctx));
          break;
        case "fixed":
          raw = award.points;
          break;
        case "perUnit":
          raw = award.points.times(unitsOf(award.lines, ctx.lines));
          break;
        case "multiplier": {
          let base = ZERO;
          if (award.lines === null) {
            for (const a of awards)
              if (a.wallet === award.wallet && (award.rules === null || award.rules.has(a.ruleId)))
                base = base.plus(a.points);
          } else {
            for (const a of earlier)
              if (a.wallet === award.wallet && (award.rules === null || award.rules.has(a.ruleId)))
                base = base.plus(sharedOn(a.shares, award.lines, ctx.lines));
          }
          raw = roundTo(base.times(award.extra), placesOf(program, award.wallet), award.rounding);
          break;
        }
      }
      // Before caps: an award beyond the bound is refused, never cut (src/shared/figures.ts).
      if (ctx.trigger === "purchase") boundedAward(raw, "recordPurchase", ["amount"]);
      else boundedAward(raw, "recordEvent", []);
      let points = raw;
      const capKeys: Partial<Record<Period, string>> = {};
      if (rule.perCommandCap !== null || rule.periodCaps.length > 0)
        points = applyCaps(program, rule, award.wallet, raw, awards, ctx, member, capKeys);
      if (budgetLeft !== null && points.gt(budgetLeft)) {
        points = budgetLeft;
        cut = true;
      }
      if (budgetLeft !== null) budgetLeft = budgetLeft.minus(points);
      if (points.gt(0)) {
        // Kept for the purchase record only where the award is tied to lines: an award on the whole
        // purchase goes back with the money (refund-lines.ts), and costs nothing here.
        const keep = keepShares && tiedToLines(award);
        let shares: LineShares | undefined;
        if (ctx.lines !== null && (keep || readsLineShares(rules))) {
          const price = (amount: Decimal) => (award.kind === "rate" ? rateOf(award, amount) : ZERO);
          shares = cappedShares(sharesOf(award, ctx.lines, price, earlier), points, raw);
          earlier.push({ ruleId: rule.id, wallet: award.wallet, shares });
        }
        const base = { ruleId: rule.id, ruleName: rule.name, wallet: award.wallet, points, uncapped: raw, capKeys };
        awards.push(keep && shares !== undefined ? { ...base, shares } : base);
      }
    }
    if (budget !== null && budgetLeft !== null)
      uses.push({ ruleId: rule.id, taken: budget.minus(budgetLeft), left: budgetLeft, cut });
    if (rule.stopFurtherRules) break;
  }
  return { awards, matchedRuleIds, budgets: uses };
}

/** Caps bound a rule's points per wallet: per command, and per member per local period. */
function applyCaps(
  program: Program,
  rule: CompiledRule,
  wallet: string,
  raw: Decimal,
  awards: readonly Award[],
  ctx: AccrualContext,
  member: MemberView | null,
  capKeys: Partial<Record<Period, string>>,
): Decimal {
  // Earlier awards of this rule into the wallet, in this command, count against its caps.
  let already = ZERO;
  for (const a of awards) if (a.ruleId === rule.id && a.wallet === wallet) already = already.plus(a.points);
  let points = raw;
  if (rule.perCommandCap !== null) points = min(points, Decimal.max(rule.perCommandCap.minus(already), ZERO));
  const counters = member?.caps[rule.id]?.[wallet];
  for (const cap of rule.periodCaps) {
    const key = periodKey(ctx.occurredAt, program.timeZone, cap.period);
    capKeys[cap.period] = key;
    const used = (counters?.[cap.period]?.[key] ?? ZERO).plus(already);
    points = min(points, Decimal.max(cap.points.minus(used), ZERO));
  }
  return points;
}
