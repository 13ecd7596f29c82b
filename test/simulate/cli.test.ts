import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";
import { shown } from "../../src/simulate/report-html.js";
import type { FigureKind } from "../../src/simulate/report-cells.js";
import { at, capture, figureCells, readJson, simulateSmall } from "./report-support.js";

describe("loyalty-engine simulate", () => {
  it("writes the report and its JSON, prints the time per command, and lists the refused rows", async () => {
    const { io, code, file } = await simulateSmall();
    expect(io.stderr).toBe("");
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/commands in [\d.]+ s, \d+ µs per command/);
    const json = readJson(file("report.json")) as any;
    expect(json.base.refused).toEqual([
      expect.objectContaining({ line: 48, memberId: "m2", command: "return", code: "REFUND_EXCEEDS_PURCHASE" }),
    ]);
    expect(json.variant.refused).toHaveLength(1);
    expect(json.base.totals.memberShareOfSales).not.toBe("1.0000"); // the non-member's sale counts in sales only
    expect(json.base.months.length).toBe(15);
    expect(json.comparison.totals.find((d: any) => d.figure === "expired").difference).toMatch(/^-\d/);
    const html = readFileSync(file("report.html"), "utf8");
    expect(html).not.toMatch(/<script src|<link|https?:\/\//); // self-contained, nothing fetched
    expect(html).toContain("REFUND_EXCEEDS_PURCHASE");
  });

  it("shows in the page exactly the figures of the JSON", async () => {
    const { file } = await simulateSmall();
    const json = readJson(file("report.json"));
    const cells = figureCells(readFileSync(file("report.html"), "utf8"));
    expect(cells.length).toBeGreaterThan(300);
    for (const c of cells) {
      const value = at(json, c.path);
      expect({ path: c.path, value: c.value }).toEqual({ path: c.path, value: value === null ? "" : String(value) });
      expect({ path: c.path, text: c.text }).toEqual({
        path: c.path,
        text: shown(value as string | null, c.kind as FigureKind),
      });
    }
  });

  it("draws a progress bar on a terminal only: members, commands, rate, time left", async () => {
    const { io, code } = await simulateSmall([], true);
    expect(code).toBe(0);
    expect(io.stderr).toMatch(/\r\[#+ *\] program 2\/2 · 3 members · [\d,]+ commands · [\d,]+\/s · \d+ s left/);
    expect(io.stderr.endsWith("\n")).toBe(true);
  });

  it("stops at the first refused row with --strict and exits 1", async () => {
    const { io, code, file } = await simulateSmall(["--strict"]);
    expect(code).toBe(1);
    expect(io.stdout).toContain("1 rows refused");
    expect((readJson(file("report.json")) as any).base.stopped).toBe(true);
  });

  it("fails before reading any history when a program does not compile, with every problem and its path", async () => {
    const { file } = await simulateSmall();
    const bad = file("bad.json");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(bad, JSON.stringify({ id: "x", version: 0, currency: "pounds", wallets: [], rules: [{ id: 3 }] }));
    const io = capture();
    const code = await runCli(
      ["simulate", "--program", bad, "--history", file("nowhere.csv"), "--out", file("never.html")],
      io,
    );
    expect(code).toBe(1);
    expect(io.stderr).toMatch(/INVALID_PROGRAM: \d+ problem/);
    for (const path of ["version", "currency", "rules.0.id"]) expect(io.stderr).toContain(`  ${path}:`);
    expect(io.stderr).not.toContain("nowhere.csv");
    expect(existsSync(file("never.html"))).toBe(false);
  });

  it("reports bad usage with exit code 2", async () => {
    const io = capture();
    expect(await runCli(["simulate", "--history", "h.csv", "--seed", "x"], io)).toBe(2);
    expect(io.stderr).toContain("--program is required");
    expect(io.stderr).toContain("--seed x is not a whole number");
    expect(io.stderr).toContain("give --out");
  });

  it("takes the customer-value options, states them, and refuses bad ones", async () => {
    const flags = ["--horizon-weeks", "26", "--periods", "6", "--discount-rate", "0.02", "--alive-below", "0.3"];
    const { io, code, file } = await simulateSmall(flags);
    expect(code).toBe(0);
    const c = (readJson(file("report.json")) as any).customers;
    expect([c.horizonWeeks, c.periods, c.discountRate, c.aliveBelow]).toEqual([26, 6, 0.02, 0.3]);
    expect(io.stdout).toContain(`churn model did not converge: ${c.purchases.notConverged}`);
    expect(readFileSync(file("report.html"), "utf8")).toContain("look 26 weeks ahead");
    const bad = capture();
    const args = ["simulate", "--program", "p.json", "--history", "h.csv", "--json", "o.json"];
    expect(await runCli([...args, "--periods", "1.5", "--alive-below", "2", "--horizon-weeks", ""], bad)).toBe(2);
    expect(bad.stderr).toContain("--periods 1.5 is not a positive whole number");
    expect(bad.stderr).toContain("--alive-below 2 is not from 0 to 1");
    expect(bad.stderr).toContain("--horizon-weeks  is not a positive number");
  });
});
