/**
 * A figure's cell in the report: it names its place in the JSON (`data-figure`, a dotted path) and
 * holds its exact value (`data-value`) beside the shown text, so a test can hold the page to the JSON.
 */
import type { Assumption } from "./simulate.js";
import { escapeHtml as esc } from "./svg.js";

const grouped = (t: string) =>
  t.replace(/^(-?)(\d+)/, (_, s: string, w: string) => s + w.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
export type FigureKind = "number" | "ratio" | "estimate";

/**
 * The displayed text of a value: thousands separated, a ratio as a percentage to 2 places, or a
 * model's estimate (a fitted parameter, a log-likelihood) to 4 significant digits: the JSON keeps
 * every digit, which would only be noise on the page.
 */
export function shown(value: string | number | null, kind: FigureKind): string {
  if (value === null) return "–";
  if (kind === "estimate") return grouped(Number(value).toPrecision(4));
  if (kind === "ratio") {
    const [w, f = ""] = String(value).split(".");
    const digits = `${w}${f.padEnd(4, "0")}`.replace(/^(-?)0+(?=\d{3})/, "$1");
    return `${digits.slice(0, -2)}.${digits.slice(-2)}%`;
  }
  return grouped(String(value));
}
export const cell = (path: string, value: string | number | null, kind: FigureKind = "number") =>
  `<td class="figure" data-figure="${path}" data-value="${value === null ? "" : esc(String(value))}" data-kind="${kind}">${shown(value, kind)}</td>`;

export function assumptionsFor(all: readonly Assumption[], figures: readonly string[]): string {
  const hit = all.filter((a) => a.affects.includes("all") || a.affects.some((f) => figures.includes(f)));
  if (hit.length === 0) return "";
  return `<ul class="assumptions">${hit.map((a) => `<li><b>${esc(a.id)}</b>: ${esc(a.text)}</li>`).join("")}</ul>`;
}
