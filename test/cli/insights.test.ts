/**
 * `loyalty-engine insights`, run in-process on the shipped data sets with column-mapping flags and
 * no preprocessing: the CDNOW sample (no header, columns by number), the full CDNOW history and the
 * UCI Online Retail invoices (by header name, with a quantity column and a "(blank)" member).
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";
import { capture } from "../support/cli-io.js";
import type { InsightsReport } from "../../src/cli/insights-report.js";

const SAMPLE = [
  "--history",
  "test/fixtures/cdnow_sample.txt",
  "--no-header",
  "--member",
  "2",
  "--date",
  "3",
  "--amount",
  "5",
];
const COMPACT = ["--date-format", "compact", "--calibration-end", "1997-09-30"];
const MASTER = [
  "--history",
  "bench/data/cdnow_master.txt",
  "--member",
  "customer_id",
  "--date",
  "date",
  "--amount",
  "dollar_value",
];
const RETAIL = [
  "--history",
  "examples/data/online_retail_invoices.csv",
  "--member",
  "CustomerID",
  "--date",
  "InvoiceDate",
  "--date-format",
  "mdy",
  "--amount",
  "UnitPrice",
  "--quantity",
  "Quantity",
  "--blank-member",
  "(blank)",
];

describe("loyalty-engine insights", () => {
  it("prints the sample's fitted parameters, the holdout check, the cohort table and the members most at risk", async () => {
    const io = capture();
    expect(await runCli(["insights", ...SAMPLE, ...COMPACT, "--top", "3"], io)).toBe(0);
    expect(io.stdout).toContain("History: 6,919 rows (0 left out), 2,357 members.");
    expect(io.stdout).toMatch(/r = 0\.2426 .* α = 4\.414 .* a = 0\.7929 .* b = 2\.426/);
    expect(io.stdout).toContain("log-likelihood -9582.4");
    expect(io.stdout).toMatch(/p = 6\.25 .* q = 3\.744 .* γ = 15\.44/);
    expect(io.stdout).toContain("Holdout 1997-10-01 to 1998-06-30 (39 weeks)");
    expect(io.stdout).toMatch(/1997-01 +781 +100%/);
    const atRisk = io.stdout.split("Members most at risk")[1]!.trim().split("\n");
    expect(atRisk).toHaveLength(2 + 3);
    expect(io.stderr).toBe("");
  });

  it("--json gives every member's P(alive) and expected purchases, with the fits and the holdout", async () => {
    const io = capture();
    expect(await runCli(["insights", ...SAMPLE, ...COMPACT, "--json"], io)).toBe(0);
    const report = JSON.parse(io.stdout) as InsightsReport;
    expect(report.scores).toHaveLength(2357);
    for (const s of report.scores) {
      expect(s.pAlive).toBeGreaterThanOrEqual(0);
      expect(s.pAlive).toBeLessThanOrEqual(1);
      if (s.x === 0) expect(s.pAlive).toBe(1);
      expect(s.expectedPurchases).toBeGreaterThanOrEqual(0);
      // Slipping on P(alive) exactly when P(alive) is under the default 0.5.
      expect(s.slipping.includes("unlikely_alive")).toBe(s.pAlive < 0.5);
      expect(s.value).toBeGreaterThanOrEqual(0);
    }
    expect(report.scores.some((s) => s.slipping.includes("spend_falling"))).toBe(false); // no member has two half-year windows of history yet
    expect(report.holdout).toMatchObject({ from: "1997-10-01", to: "1998-06-30", weeks: 39, members: 2357 });
    expect(report.holdout!.expected).toBeCloseTo(
      report.scores.reduce((s, m) => s + m.expectedPurchases, 0),
      6,
    );
    expect(report.bgNbd.parameters.r.toPrecision(3)).toBe("0.243");
  });

  it("reads the full CDNOW history by its header's column names", async () => {
    const io = capture();
    expect(await runCli(["insights", ...MASTER, ...COMPACT, "--json"], io)).toBe(0);
    const report = JSON.parse(io.stdout) as InsightsReport;
    expect(report.members).toBe(23570);
    expect(report.rows).toBe(69659);
    expect(report.scores).toHaveLength(23570);
    expect(report.bgNbd.members).toBe(23570);
    expect(report.holdout!.actual).toBeGreaterThan(0);
  });

  it("reads the Online Retail invoices, leaving out the (blank) members and receipt-less returns with a warning", async () => {
    const io = capture();
    expect(await runCli(["insights", ...RETAIL, "--top", "5"], io)).toBe(0);
    expect(io.stderr).toMatch(/left out \d+ bad row\(s\)/);
    expect(io.stderr).toContain("line 45, member: No member");
    expect(io.stdout).toContain("Calibration: purchases to 2011-12-09");
    expect(io.stdout).toMatch(/2010-12 +\d+ +100%/);
    expect(io.stdout).toContain("BG/NBD (");
  });

  it("--strict refuses the whole file at its bad rows and exits 1", async () => {
    const io = capture();
    expect(await runCli(["insights", ...RETAIL, "--strict"], io)).toBe(1);
    expect(io.stderr).toContain("bad rows");
    expect(io.stderr).toContain("line 45, member: No member");
    expect(io.stdout).toBe("");
  });

  it.each([
    [[], "--history FILE is required"],
    [["--history", "test/fixtures/cdnow_sample.txt", "--member", "nope"], 'column "nope" is not in the header'],
    [[...SAMPLE, "--date-format", "yyyy"], "--date-format must be one of"],
    [[...SAMPLE, "--date-format", "compact", "--calibration-end", "30/09/1997"], "calibrationEnd"],
    [[...SAMPLE, "--bogus"], "Unknown option"],
  ])("bad usage exits 2 and says why: %j", async (args, words) => {
    const io = capture();
    expect(await runCli(["insights", ...args], io)).toBe(2);
    expect(io.stderr).toContain(words);
  });

  it("a file that cannot be read exits 1", async () => {
    const io = capture();
    expect(await runCli(["insights", "--history", "no/such/file.csv"], io)).toBe(1);
    expect(io.stderr).toContain("cannot read no/such/file.csv");
  });
});
