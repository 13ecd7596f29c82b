/**
 * The report as a browser shows it: headless Chromium loads the page from disk (no network), runs
 * its script, and dumps the DOM; the charts must have drawn (each series laid out with a size) and
 * every figure the page shows must equal the JSON's. Skips, saying why, where Chromium is missing
 * (.ci/run installs it).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { shown } from "../../src/simulate/report-html.js";
import type { FigureKind } from "../../src/simulate/report-cells.js";
import { bgNbdHistory, csvOf } from "./customer-history.js";
import { at, figureCells, readJson, simulateSmall } from "./report-support.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (CHROMIUM === undefined)
  console.warn("report-browser: skipped, no chromium at /usr/bin/chromium (apt-get install chromium)");

describe.skipIf(CHROMIUM === undefined)("the report in headless Chromium", () => {
  it("draws its charts and shows the JSON's figures", async () => {
    const { code, file } = await simulateSmall();
    expect(code).toBe(0);
    const dom = dumpDom(file("report.html"));
    const charts = [...dom.matchAll(/<svg id="(chart-[a-z]+)"[^>]*data-drawn="(\d+)"/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(charts.map(([id]) => id)).toEqual(["chart-points", "chart-liability", "chart-tiers"]);
    for (const [, drawn] of charts) expect(drawn).toBeGreaterThan(0);
    const cells = figuresEqualJson(dom, readJson(file("report.json")));
    expect(cells.length).toBeGreaterThan(300);
    // Three members are too few for the models: the page says so.
    expect(dom).toContain("did not converge: ");
  });

  it("shows the churn-risk and customer-value figures of the JSON when the models fit", async () => {
    const { code, file } = await simulateSmall([], false, csvOf(bgNbdHistory(300, 5)));
    expect(code).toBe(0);
    const json = readJson(file("report.json")) as { customers: { purchases: { notConverged: string | null } } };
    expect(json.customers.purchases.notConverged).toBe(null);
    const cells = figuresEqualJson(dumpDom(file("report.html")), json);
    const shownPaths = cells.map((c) => c.path).filter((p) => p.startsWith("customers."));
    expect(shownPaths).toEqual(
      expect.arrayContaining([
        "customers.purchases.parameters.r",
        "customers.spend.parameters.gamma",
        "customers.atRiskShare",
        "customers.expectedValue",
        "customers.base.costToValue",
        "customers.variant.costToValue",
        "customers.base.byTier.gold.value",
      ]),
    );
    for (const p of shownPaths) expect(at(json, p)).not.toBe(null);
  }, 120_000);
});

function dumpDom(page: string): string {
  return execFileSync(
    CHROMIUM!,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      `--user-data-dir=${mkdtempSync(join(tmpdir(), "chromium-"))}`,
      "--virtual-time-budget=5000",
      "--dump-dom",
      pathToFileURL(page).href,
    ],
    { encoding: "utf8", timeout: 90_000, stdio: ["ignore", "pipe", "ignore"] },
  );
}

/** Every figure cell of the page shows the JSON's value at its path; returns the cells. */
function figuresEqualJson(dom: string, json: unknown) {
  const cells = figureCells(dom);
  for (const c of cells) {
    const value = at(json, c.path) as string | number | null;
    expect({ path: c.path, text: c.text }).toEqual({
      path: c.path,
      text: shown(value, c.kind as FigureKind),
    });
  }
  return cells;
}
