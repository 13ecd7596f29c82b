/**
 * The economics report as one self-contained HTML page: inline SVG charts (svg.ts), no network.
 * Every figure's cell names its place in the JSON report (`data-figure`, a dotted path) and holds
 * its exact value (`data-value`), so a test can hold the page to the JSON; every table prints the
 * assumptions that affect its figures beside it.
 */
import type { Assumption, SimulationResult } from "./simulate.js";
import type { ProgramFigures } from "./figures.js";
import { escapeHtml as esc, lineChart, stackedBars } from "./svg.js";
import { assumptionsFor, cell } from "./report-cells.js";
import { customersSection } from "./report-customers.js";

export { shown } from "./report-cells.js";

/** What the report's JSON holds: the simulation's result and what reading the history found. */
export interface SimulationReport extends SimulationResult {
  readonly history: {
    readonly source: string;
    readonly rows: number;
    readonly mergedRows: number;
    readonly problems: readonly { readonly line: number; readonly message: string }[];
  };
}

const LISTED = 100; // refused or unread rows listed in the page; the JSON has them all

const TOTALS: readonly [string, "number" | "ratio"][] = [
  ["issued", "number"],
  ["redeemed", "number"],
  ["expired", "number"],
  ["reversed", "number"],
  ["outstanding", "number"],
  ["liability", "number"],
  ["sales", "number"],
  ["returns", "number"],
  ["rewardCost", "number"],
  ["rewardCostShareOfSales", "ratio"],
  ["breakage", "ratio"],
  ["memberSales", "number"],
  ["memberShareOfSales", "ratio"],
  ["redemptions", "number"],
  ["promotions", "number"],
  ["demotions", "number"],
];

const total = (p: ProgramFigures, f: string) => (p.totals as unknown as Record<string, string | number | null>)[f]!;

function totalsTable(r: SimulationReport): string {
  const v = r.variant;
  const diffs = new Map((r.comparison?.totals ?? []).map((d, i) => [d.figure, i]));
  const rows = TOTALS.map(([f, kind]) => {
    const d = diffs.get(f);
    return `<tr><th>${f}</th>${cell(`base.totals.${f}`, total(r.base, f), kind)}${v ? cell(`variant.totals.${f}`, total(v, f), kind) : ""}${
      v && d !== undefined
        ? cell(`comparison.totals.${d}.difference`, r.comparison!.totals[d]!.difference, kind)
        : v
          ? "<td></td>"
          : ""
    }</tr>`;
  });
  const head = `<tr><th>figure</th><th>${esc(r.base.program.id)} (base)</th>${v ? `<th>${esc(v.program.id)} v${v.program.version} (variant)</th><th>difference</th>` : ""}</tr>`;
  return `<table>${head}${rows.join("")}</table>${assumptionsFor(
    r.assumptions,
    TOTALS.map(([f]) => f),
  )}`;
}

const MONTHLY: readonly [string, "number" | "ratio"][] = [
  ["issued", "number"],
  ["redeemed", "number"],
  ["expired", "number"],
  ["reversed", "number"],
  ["outstanding", "number"],
  ["liability", "number"],
  ["liabilityShareOfRevenue", "ratio"],
  ["sales", "number"],
  ["rewardCost", "number"],
  ["rewardCostShareOfSales", "ratio"],
  ["members", "number"],
  ["promotions", "number"],
  ["demotions", "number"],
];

function monthTable(role: "base" | "variant", p: ProgramFigures, assumptions: readonly Assumption[]): string {
  const head = `<tr><th>month</th>${MONTHLY.map(([f]) => `<th>${f}</th>`).join("")}</tr>`;
  const rows = p.months.map(
    (m, i) =>
      `<tr><th>${m.month}</th>${MONTHLY.map(([f, kind]) => cell(`${role}.months.${i}.${f}`, m[f as keyof typeof m] as string | number | null, kind)).join("")}</tr>`,
  );
  return `<table class="months">${head}${rows.join("")}</table>${assumptionsFor(
    assumptions,
    MONTHLY.map(([f]) => f),
  )}`;
}

function charts(r: SimulationReport): string {
  const b = r.base,
    v = r.variant;
  const months = b.months.map((m) => m.month);
  const num = (xs: readonly (string | null)[]) => xs.map((x) => (x === null ? 0 : Number(x)));
  const points = lineChart("chart-points", "Points per month", months, [
    { name: "issued", values: num(b.months.map((m) => m.issued)) },
    { name: "redeemed", values: num(b.months.map((m) => m.redeemed)) },
    { name: "expired", values: num(b.months.map((m) => m.expired)) },
    { name: "outstanding", values: num(b.months.map((m) => m.outstanding)) },
    ...(v ? [{ name: "outstanding (variant)", values: num(v.months.map((m) => m.outstanding)), dashed: true }] : []),
    ...(v ? [{ name: "expired (variant)", values: num(v.months.map((m) => m.expired)), dashed: true }] : []),
  ]);
  const liability = lineChart("chart-liability", `Outstanding liability (${b.currency})`, months, [
    { name: "base", values: num(b.months.map((m) => m.liability)) },
    ...(v ? [{ name: "variant", values: num(v.months.map((m) => m.liability)), dashed: true }] : []),
  ]);
  const tierNames = [...new Set(b.months.flatMap((m) => Object.keys(m.tiers)))].sort();
  const tiers = stackedBars(
    "chart-tiers",
    "Members per tier at each month end (base)",
    months,
    tierNames.map((t) => ({ name: t, values: b.months.map((m) => m.tiers[t] ?? 0) })),
  );
  return `<h2>Charts</h2>${points}${liability}${tiers}${assumptionsFor(r.assumptions, ["outstanding", "expired", "liability", "tiers"])}`;
}

function reach(role: "base" | "variant", p: ProgramFigures): string {
  const q = p.reach;
  return `<tr><th>${role}</th><td>${esc(q.rewardId ?? "–")}</td>${cell(`${role}.reach.price`, q.price)}${cell(`${role}.reach.members`, q.members)}${cell(`${role}.reach.reached`, q.reached)}${cell(`${role}.reach.share`, q.share, "ratio")}${cell(`${role}.reach.medianDays`, q.medianDays)}</tr>`;
}

function tierSales(role: "base" | "variant", p: ProgramFigures): string {
  return Object.entries(p.totals.memberSalesByTier)
    .map(
      ([t, s]) =>
        `<tr><th>${role}: ${esc(t)}</th>${cell(`${role}.totals.memberSalesByTier.${t}.sales`, s.sales)}${cell(`${role}.totals.memberSalesByTier.${t}.share`, s.share, "ratio")}</tr>`,
    )
    .join("");
}

function movers(r: SimulationReport): string {
  const c = r.comparison;
  if (!c) return "";
  const rows = c.movers.map(
    (m, i) =>
      `<tr><th>${esc(m.memberId)}</th>${cell(`comparison.movers.${i}.baseOutstanding`, m.baseOutstanding)}${cell(`comparison.movers.${i}.variantOutstanding`, m.variantOutstanding)}${cell(`comparison.movers.${i}.difference`, m.difference)}<td>${esc(m.baseTier ?? "–")} → ${esc(m.variantTier ?? "–")}</td></tr>`,
  );
  return `<h2>Members the change moves most</h2><p>Members whose end balance differs: ${cell("comparison.membersWithOtherBalance", c.membersWithOtherBalance).replace(/<\/?td[^>]*>/g, "")}; whose end tier differs: ${c.membersWithOtherTier}.</p>
<table><tr><th>member</th><th>base points</th><th>variant points</th><th>difference</th><th>tier</th></tr>${rows.join("")}</table>`;
}

function refused(r: SimulationReport): string {
  const p = r.base;
  const list = p.refused
    .slice(0, LISTED)
    .map(
      (x) =>
        `<tr><td>${x.line}</td><td>${esc(x.memberId ?? "")}</td><td>${x.command}</td><td>${esc(x.code)}</td><td>${esc(x.message)}</td></tr>`,
    );
  const unread = r.history.problems
    .slice(0, LISTED)
    .map((x) => `<tr><td>${x.line}</td><td colspan="4">${esc(x.message)}</td></tr>`);
  return `<h2>Rows the engine refused (base program)</h2><p>${p.refused.length} refused${p.stopped ? " (stopped at the first: --strict)" : ""}: ${esc(JSON.stringify(p.refusedByCode))}${p.refused.length > LISTED ? `; the first ${LISTED} listed, all in the JSON` : ""}.</p>
<table><tr><th>line</th><th>member</th><th>command</th><th>code</th><th>reason</th></tr>${list.join("")}</table>
<h2>Rows not read</h2><p>${r.history.problems.length} row(s) of ${esc(r.history.source)} could not be read.</p><table>${unread.join("")}</table>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}td.figure{text-align:right;font-variant-numeric:tabular-nums}
.assumptions{font-size:12px;color:#444;background:#f6f6f6;padding:.5em 1.5em}svg.chart{display:block;margin:1em 0}`;

/** Marks each chart drawn once the browser has laid it out: what the headless-browser test reads. */
const SCRIPT = `for(const s of document.querySelectorAll("svg.chart")){let n=0;for(const e of s.querySelectorAll(".series")){const b=e.getBBox();if(b.width>0||b.height>0)n++}s.setAttribute("data-drawn",String(n))}`;

export function renderReport(r: SimulationReport): string {
  const v = r.variant;
  const title = `Simulation of ${r.base.program.id} v${r.base.program.version}${v ? ` against ${v.program.id} v${v.program.version}` : ""}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>
<h1>${esc(title)}</h1>
<p>History: ${esc(r.history.source)}, ${cell("history.rows", r.history.rows).replace(/<\/?td[^>]*>/g, "")} rows (${r.history.mergedRows} merged into an earlier row of the same purchase), ${r.base.events} events, ${r.base.members} members, ${r.base.commands} commands. Seed ${r.seed}.${r.until ? ` Until ${esc(r.until)}.` : ""}</p>
<h2>Assumptions</h2>${assumptionsFor(r.assumptions, ["all"]) || `<ul class="assumptions">${r.assumptions.map((a) => `<li><b>${esc(a.id)}</b>: ${esc(a.text)}</li>`).join("")}</ul>`}
<h2>Totals</h2>${totalsTable(r)}
${customersSection(r)}
${charts(r)}
<h2>Per month: base</h2>${monthTable("base", r.base, r.assumptions)}
${v ? `<h2>Per month: variant</h2>${monthTable("variant", v, r.assumptions)}` : ""}
<h2>Time to the first affordable reward</h2><table><tr><th></th><th>reward</th><th>price</th><th>members</th><th>reached it</th><th>share</th><th>median days</th></tr>${reach("base", r.base)}${v ? reach("variant", v) : ""}</table>${assumptionsFor(r.assumptions, ["reach"])}
<h2>Members' share of sales by tier</h2><table>${tierSales("base", r.base)}${v ? tierSales("variant", v) : ""}</table>${assumptionsFor(r.assumptions, ["memberShareOfSales"])}
${movers(r)}
${refused(r)}
<script>${SCRIPT}</script></body></html>
`;
}
