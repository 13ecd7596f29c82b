/**
 * The report's churn-risk and customer-value section (customers.ts's figures): the two models' fits
 * or why they did not converge, members at risk, their expected value, by tier, and each program's
 * cost against that value. The value figures are shown once: they do not depend on the program.
 */
import type { ModelFit, ProgramCustomerFigures } from "./customers.js";
import type { SimulationResult } from "./simulate.js";
import { assumptionsFor, cell } from "./report-cells.js";
import { escapeHtml as esc } from "./svg.js";

function fitRow(name: string, path: string, fit: ModelFit<object>, names: readonly string[]): string {
  if (fit.parameters === null)
    return `<tr><th>${name}</th><td colspan="${names.length + 1}" class="not-converged">did not converge: ${esc(fit.notConverged ?? "")}</td></tr>`;
  const p = fit.parameters as Record<string, number>;
  return `<tr><th>${name}</th>${names.map((n) => cell(`${path}.parameters.${n}`, p[n]!, "estimate")).join("")}${cell(`${path}.logLikelihood`, fit.logLikelihood, "estimate")}</tr>`;
}

const COST: readonly [keyof ProgramCustomerFigures, "number" | "ratio"][] = [
  ["pointsCost", "number"],
  ["pointsCostPerMember", "number"],
  ["rewardCostPerMember", "number"],
  ["costToValue", "ratio"],
  ["rewardCostToValue", "ratio"],
];

function byTier(role: "base" | "variant", p: ProgramCustomerFigures): string {
  return Object.entries(p.byTier)
    .map(
      ([t, v]) =>
        `<tr><th>${role}: ${esc(t)}</th>${cell(`customers.${role}.byTier.${t}.members`, v.members)}${cell(`customers.${role}.byTier.${t}.atRisk`, v.atRisk)}${cell(`customers.${role}.byTier.${t}.value`, v.value)}${cell(`customers.${role}.byTier.${t}.meanValue`, v.meanValue)}</tr>`,
    )
    .join("");
}

export function customersSection(r: SimulationResult): string {
  const c = r.customers,
    v = c.variant;
  const fits = `<table><tr><th>model</th><th colspan="4">parameters</th><th>log-likelihood</th></tr>
<tr><th></th><th>r / p</th><th>α / q</th><th>a / γ</th><th>b</th><th></th></tr>
${fitRow("BG/NBD (purchases)", "customers.purchases", c.purchases, ["r", "alpha", "a", "b"])}
${fitRow("Gamma-Gamma (spend)", "customers.spend", c.spend, ["p", "q", "gamma"])}</table>`;
  const members = `<table><tr><th>members the models see</th>${cell("customers.members", c.members)}</tr>
<tr><th>at risk (P(alive) &lt; ${c.aliveBelow})</th>${cell("customers.atRisk", c.atRisk)}</tr>
<tr><th>share at risk</th>${cell("customers.atRiskShare", c.atRiskShare, "ratio")}</tr>
<tr><th>expected purchase days, next ${c.horizonWeeks} weeks</th>${cell("customers.expectedPurchases", c.expectedPurchases)}</tr>
<tr><th>expected value of the member base</th>${cell("customers.expectedValue", c.expectedValue)}</tr>
<tr><th>expected value per member</th>${cell("customers.meanValue", c.meanValue)}</tr></table>`;
  const cost = `<table><tr><th>figure</th><th>base</th>${v ? "<th>variant</th>" : ""}</tr>${COST.map(
    ([f, kind]) =>
      `<tr><th>${f}</th>${cell(`customers.base.${f}`, c.base[f] as string | null, kind)}${v ? cell(`customers.variant.${f}`, v[f] as string | null, kind) : ""}</tr>`,
  ).join("")}</table>`;
  const same = v
    ? "<p>The fits, the members at risk and their value are the same for both programs (the models read the history, not the ledger); the cost set against them, and the end tiers, differ.</p>"
    : "";
  return `<h2>Churn risk and customer value</h2>
<p>Calibrated on members' purchases to ${esc(c.calibrationEnd ?? "–")}; see docs/insights.md for the models.</p>
${fits}${members}${same}
<h3>The program's cost against customer value</h3>${cost}
<h3>Customer value by end tier</h3><table><tr><th>tier</th><th>members</th><th>at risk</th><th>value</th><th>per member</th></tr>${byTier("base", c.base)}${v ? byTier("variant", v) : ""}</table>
${assumptionsFor(r.assumptions, ["atRisk", "expectedValue", "costToValue", "purchasesFit"])}`;
}
