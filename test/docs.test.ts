/**
 * docs/architecture.md maps each invariant to the tests that hold it, and names files throughout.
 * A rename that leaves the page pointing at nothing fails here, so the map cannot drift.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const page = readFileSync(`${root}docs/architecture.md`, "utf8");

describe("docs/architecture.md", () => {
  it("names only files that exist", () => {
    const named = [...new Set(page.match(/\b(?:src|test|docs|bench|examples)\/[\w./<>-]+\.(?:ts|md)\b/g) ?? [])];
    expect(named.length).toBeGreaterThan(10);
    const missing = named.filter((path) => !path.includes("<") && !existsSync(`${root}${path}`));
    expect(missing).toEqual([]);
  });

  it("maps each of the nine invariants to its property in test/invariants.test.ts", () => {
    const properties = readFileSync(`${root}test/invariants.test.ts`, "utf8");
    const rows = page.split("\n").filter((line) => /^\| [1-9] \|/.test(line));
    expect(rows.map((row) => Number(row.split("|")[1]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const row of rows) {
      const n = Number(row.split("|")[1]);
      expect(row).toContain(`test/invariants.test.ts, "${n}."`);
      expect(properties).toMatch(new RegExp(`it\\("${n}\\. `));
    }
  });
});
