/**
 * Earning rules: their cross-reference checks (awards into known wallets, multipliers over earlier
 * rules of the same trigger, campaign windows, the refunds' base rule) and their compiled form, in
 * evaluation order per trigger.
 */
import { SCHEDULED_TRIGGERS } from "./scheduled-triggers.js";
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { DECIMAL_LITERAL, Decimal } from "../shared/decimal.js";
import { instantMs } from "../shared/validation.js";
import { compileCondition, compileLineFilter } from "./compile-conditions.js";
import type { CompiledAward, CompiledRule, ValidDefinition } from "./compiled.js";
import { instantOf, isObj, list, text } from "./raw-input.js";

const f = messages.field;

/** Rules in evaluation order: priority high to low, then list order. */
export function evaluationOrder<R>(rules: readonly R[], priority: (rule: R) => number): { rule: R; index: number }[] {
  return rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => priority(b.rule) - priority(a.rule) || a.index - b.index);
}

/** Cross-field checks of the earning rules. */
export function ruleIssues(
  rules: readonly unknown[],
  walletIds: ReadonlySet<string>,
  finerThanScale: (value: unknown) => boolean,
  scale: number | null,
  referralTypes: ReadonlySet<string>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const triggerOf = new Map<string, unknown>();
  for (const r of rules) if (isObj(r) && typeof r.id === "string" && !triggerOf.has(r.id)) triggerOf.set(r.id, r.on);
  const order = evaluationOrder(rules, (r) => (isObj(r) && typeof r.priority === "number" ? r.priority : 0));
  const position = new Map<string, number>();
  order.forEach(({ rule }, pos) => {
    const id = isObj(rule) ? text(rule.id) : undefined;
    if (id !== undefined && !position.has(id)) position.set(id, pos);
  });
  const ruleIds = new Set<string>();
  for (const { rule, index } of order) {
    if (!isObj(rule)) continue;
    const at = ["rules", index];
    const id = text(rule.id);
    if (id !== undefined && ruleIds.has(id)) issues.push({ path: [...at, "id"], message: f.duplicateId(id) });
    if (id !== undefined) ruleIds.add(id);
    const on = text(rule.on);
    if (on !== undefined && on.startsWith("schedule:") && !(SCHEDULED_TRIGGERS as readonly string[]).includes(on))
      issues.push({ path: [...at, "on"], message: f.unknownSchedule(on) });
    if (isObj(rule.budget)) {
      if (finerThanScale(rule.budget.points))
        issues.push({ path: [...at, "budget", "points"], message: f.finerThanScale(scale!) });
      // Budgets are read before a command decides; tier and scheduled bonuses are due work, and
      // referral rules run inside refer: neither reads them, so neither may have one.
      if (on !== undefined && (on.startsWith("tier:") || on.startsWith("schedule:") || referralTypes.has(on)))
        issues.push({ path: [...at, "budget"], message: f.budgetTrigger(on) });
    }
    if (isObj(rule.caps)) {
      if (finerThanScale(rule.caps.perCommand))
        issues.push({ path: [...at, "caps", "perCommand"], message: f.finerThanScale(scale!) });
      list(rule.caps.perMember).forEach((c, k) => {
        if (isObj(c) && finerThanScale(c.points))
          issues.push({ path: [...at, "caps", "perMember", k, "points"], message: f.finerThanScale(scale!) });
      });
    }
    list(rule.awards).forEach((award, a) => {
      if (!isObj(award)) return;
      if ((award.kind === "fixed" || award.kind === "perUnit") && finerThanScale(award.points))
        issues.push({ path: [...at, "awards", a, "points"], message: f.finerThanScale(scale!) });
      if (award.kind === "rate" && typeof rule.on === "string" && rule.on !== "purchase")
        issues.push({ path: [...at, "awards", a, "kind"], message: f.rateOnEvent });
      if (award.kind === "perUnit" && typeof rule.on === "string" && rule.on !== "purchase")
        issues.push({ path: [...at, "awards", a, "kind"], message: f.perUnitOnEvent });
      if (
        award.kind === "multiplier" &&
        typeof award.factor === "string" &&
        DECIMAL_LITERAL.test(award.factor) &&
        new Decimal(award.factor).lt(1)
      )
        issues.push({ path: [...at, "awards", a, "factor"], message: f.factorBelowOne });
      const wallet = text(award.wallet);
      if (wallet !== undefined && walletIds.size > 0 && !walletIds.has(wallet))
        issues.push({ path: [...at, "awards", a, "wallet"], message: f.unknownWallet(wallet) });
      if (award.kind !== "multiplier") return;
      list(award.rules).forEach((ref, r) => {
        if (typeof ref !== "string") return;
        const refPos = position.get(ref);
        if (refPos === undefined) issues.push({ path: [...at, "awards", a, "rules", r], message: f.unknownRule(ref) });
        else if (triggerOf.get(ref) !== rule.on)
          issues.push({ path: [...at, "awards", a, "rules", r], message: f.multiplierTrigger(ref) });
        else if (id !== undefined && refPos >= position.get(id)!)
          issues.push({ path: [...at, "awards", a, "rules", r], message: f.multiplierOrder(ref) });
      });
    });
    const active = isObj(rule.active) ? rule.active : {};
    const from = instantOf(active.from),
      until = instantOf(active.until);
    if (from !== null && until !== null && until <= from)
      issues.push({ path: [...at, "active", "until"], message: f.rangeReversed });
  }
  return issues;
}

/** The refunds' base rule must be a purchase rule with a rate award. */
export function baseRuleIssues(input: Record<string, unknown>, rules: readonly unknown[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const baseRule = isObj(input.refunds) ? text(input.refunds.baseRule) : undefined;
  if (baseRule !== undefined) {
    const rule = rules.find((r) => isObj(r) && r.id === baseRule);
    if (!isObj(rule)) issues.push({ path: ["refunds", "baseRule"], message: f.unknownRule(baseRule) });
    else if (rule.on !== "purchase")
      issues.push({ path: ["refunds", "baseRule"], message: f.baseRuleNotPurchase(baseRule) });
    else if (!list(rule.awards).some((a) => isObj(a) && a.kind === "rate"))
      issues.push({ path: ["refunds", "baseRule"], message: f.baseRuleNotRate(baseRule) });
  }
  return issues;
}

/** The rules, by id and per trigger in evaluation order. */
export function compileRules(def: ValidDefinition): {
  rules: Map<string, CompiledRule>;
  rulesByTrigger: Map<string, CompiledRule[]>;
} {
  const rules = new Map<string, CompiledRule>();
  const rulesByTrigger = new Map<string, CompiledRule[]>();
  for (const { rule } of evaluationOrder(def.rules, (r) => r.priority ?? 0)) {
    const awards: CompiledAward[] = rule.awards.map((award) => {
      switch (award.kind) {
        case "rate":
          return {
            kind: "rate",
            wallet: award.wallet,
            ...rate(award.points, award.per),
            lines: award.lines ? compileLineFilter(award.lines) : null,
            rounding: award.rounding ?? def.points.rounding,
          };
        case "fixed":
          return { kind: "fixed", wallet: award.wallet, points: new Decimal(award.points) };
        case "multiplier":
          return {
            kind: "multiplier",
            wallet: award.wallet,
            extra: new Decimal(award.factor).minus(1),
            rules: award.rules ? new Set(award.rules) : null,
            lines: award.lines ? compileLineFilter(award.lines) : null,
            rounding: award.rounding ?? def.points.rounding,
          };
        case "perUnit":
          return {
            kind: "perUnit",
            wallet: award.wallet,
            points: new Decimal(award.points),
            lines: award.lines ? compileLineFilter(award.lines) : null,
          };
      }
    });
    const compiled: CompiledRule = {
      id: rule.id,
      name: rule.name,
      trigger: rule.on,
      test: rule.when === undefined ? null : compileCondition(rule.when),
      awards,
      perCommandCap: rule.caps?.perCommand === undefined ? null : new Decimal(rule.caps.perCommand),
      periodCaps: (rule.caps?.perMember ?? []).map((c) => ({ period: c.period, points: new Decimal(c.points) })),
      budget:
        rule.budget === undefined
          ? null
          : { points: new Decimal(rule.budget.points), period: rule.budget.period ?? "lifetime" },
      activeFrom: rule.active?.from === undefined ? null : instantMs(rule.active.from),
      activeUntil: rule.active?.until === undefined ? null : instantMs(rule.active.until),
      stopFurtherRules: rule.stopFurtherRules ?? false,
      expiry: rule.expiry ?? null,
    };
    rules.set(rule.id, compiled);
    const forTrigger = rulesByTrigger.get(compiled.trigger) ?? [];
    forTrigger.push(compiled);
    rulesByTrigger.set(compiled.trigger, forTrigger);
  }
  return { rules, rulesByTrigger };
}

/**
 * Digits a rate's `ratio` may have: an amount has at most 19 (10^15 with 4 decimals), so an amount
 * times the ratio stays within the precision, exact (src/shared/figures.ts).
 */
const RATIO_DIGITS = Decimal.precision - 20;

/**
 * The rate's figures, with `ratio` only when points / per is an exact (terminating) decimal short
 * enough that an amount times it is exact; otherwise evaluation multiplies first and divides once.
 */
function rate(pointsText: string, perText: string) {
  const points = new Decimal(pointsText),
    per = new Decimal(perText);
  const ratio = points.div(per);
  // A quotient that used every significant digit may have been rounded: treat it as inexact.
  return { points, per, ratio: ratio.sd() <= RATIO_DIGITS ? ratio : null };
}
