/**
 * Small inline-SVG charts for the report: a line chart and a stacked bar chart over months, drawn
 * by our own code so that the report opens offline with no chart library. Plotting uses floats: a
 * pixel position needs no decimal exactness, the figures beside each chart carry it.
 */
export interface Series {
  readonly name: string;
  readonly values: readonly number[];
  /** Draw dashed (a variant beside its base). */
  readonly dashed?: boolean;
}

const W = 720,
  H = 260,
  LEFT = 70,
  RIGHT = 150,
  TOP = 20,
  BOTTOM = 40;
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"];

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A short axis label: 1,234 / 12.3k / 4.5M. */
function tick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function frame(id: string, title: string, months: readonly string[], min: number, max: number, body: string[]) {
  const plotW = W - LEFT - RIGHT,
    plotH = H - TOP - BOTTOM;
  const y = (v: number) => TOP + plotH - ((v - min) / (max - min || 1)) * plotH;
  const parts = [`<svg id="${id}" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img">`];
  parts.push(`<title>${escapeHtml(title)}</title>`);
  for (let i = 0; i <= 4; i++) {
    const v = min + ((max - min) * i) / 4;
    parts.push(
      `<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${tick(v)}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(months.length / 12));
  months.forEach((m, i) => {
    if (i % step !== 0) return;
    const x = LEFT + ((i + 0.5) * plotW) / months.length;
    parts.push(
      `<text x="${x.toFixed(1)}" y="${H - BOTTOM + 16}" text-anchor="middle" font-size="10">${escapeHtml(m)}</text>`,
    );
  });
  parts.push(...body, "</svg>");
  return parts.join("");
}

function legend(names: readonly { name: string; colour: string; dashed?: boolean }[]): string[] {
  return names.map(
    (s, i) =>
      `<line x1="${W - RIGHT + 10}" x2="${W - RIGHT + 30}" y1="${TOP + 10 + i * 18}" y2="${TOP + 10 + i * 18}" stroke="${s.colour}" stroke-width="3"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>` +
      `<text x="${W - RIGHT + 36}" y="${TOP + 14 + i * 18}" font-size="11">${escapeHtml(s.name)}</text>`,
  );
}

export function lineChart(id: string, title: string, months: readonly string[], series: readonly Series[]): string {
  const all = series.flatMap((s) => s.values);
  const min = Math.min(0, ...all),
    max = Math.max(1, ...all);
  const plotW = W - LEFT - RIGHT,
    plotH = H - TOP - BOTTOM;
  const body: string[] = [];
  const named = series.map((s, i) => ({
    name: s.name,
    colour: COLOURS[i % COLOURS.length]!,
    dashed: s.dashed ?? false,
  }));
  series.forEach((s, i) => {
    const points = s.values
      .map((v, j) => {
        const x = LEFT + ((j + 0.5) * plotW) / months.length;
        const y = TOP + plotH - ((v - min) / (max - min || 1)) * plotH;
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join(" ");
    body.push(
      `<polyline class="series" data-series="${escapeHtml(s.name)}" fill="none" stroke="${named[i]!.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""} points="${points}"/>`,
    );
  });
  return frame(id, title, months, min, max, [...body, ...legend(named)]);
}

/** Stacked bars per month: each series a layer (e.g. members per tier). */
export function stackedBars(id: string, title: string, months: readonly string[], series: readonly Series[]): string {
  const totals = months.map((_, j) => series.reduce((t, s) => t + (s.values[j] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotW = W - LEFT - RIGHT,
    plotH = H - TOP - BOTTOM;
  const barW = (plotW / months.length) * 0.7;
  const body: string[] = [];
  months.forEach((_, j) => {
    let base = 0;
    series.forEach((s, i) => {
      const v = s.values[j] ?? 0;
      const h = (v / max) * plotH;
      const x = LEFT + (j * plotW) / months.length + (plotW / months.length - barW) / 2;
      const y = TOP + plotH - ((base + v) / max) * plotH;
      body.push(
        `<rect class="series" data-series="${escapeHtml(s.name)}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"/>`,
      );
      base += v;
    });
  });
  const named = series.map((s, i) => ({ name: s.name, colour: COLOURS[i % COLOURS.length]! }));
  return frame(id, title, months, 0, max, [...body, ...legend(named)]);
}
