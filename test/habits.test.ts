/**
 * The habit checks catch what they exist for. `.ci/run` runs Prettier, ESLint and
 * dependency-cruiser over the tree (`npm run check`); here each is shown a fixture that breaks one
 * of its rules, so a check that silently stopped checking (a glob that matches nothing, a rule
 * switched off) fails this test.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { cruise } from "dependency-cruiser";
import { ESLint } from "eslint";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

describe("formatting (Prettier)", () => {
  it("refuses a file that is not formatted", async () => {
    const filepath = `${root}src/ledger/lots.ts`;
    const options = { ...(await prettier.resolveConfig(filepath)), filepath };
    const tidy = 'export const wallet = "points";\n';
    expect(await prettier.check(tidy, options)).toBe(true);
    expect(await prettier.check("export const wallet='points'\n", options)).toBe(false);
    // 120 columns: a longer line is folded.
    const long = `export const ids = [${Array.from({ length: 30 }, (_, i) => `"lot-${i}"`).join(", ")}];\n`;
    expect(await prettier.check(long, options)).toBe(false);
  });
});

describe("lint (ESLint with type information)", () => {
  const eslint = new ESLint({ cwd: root });
  // Linted as if it were src/ledger/lots.ts (the text only: nothing is written).
  const lintAsCore = async (code: string) =>
    (await eslint.lintText(code, { filePath: `${root}src/ledger/lots.ts` }))[0]!.messages.map((m) => m.ruleId);

  it("refuses floating promises, unused values and value imports used only as types", async () => {
    const rules = await lintAsCore(
      [
        'import { Decimal } from "../shared/decimal.js";',
        "export async function settle(points: Decimal): Promise<void> {",
        "  const unused = points;",
        "  Promise.resolve(points);",
        "}",
        "",
      ].join("\n"),
    );
    expect(rules).toContain("@typescript-eslint/consistent-type-imports");
    expect(rules).toContain("@typescript-eslint/no-unused-vars");
    expect(rules).toContain("@typescript-eslint/no-floating-promises");
  });

  it("refuses the clock and randomness in the core", async () => {
    const rules = await lintAsCore(
      "export const earnedAt = (): number => Date.now();\nexport const id = (): number => Math.random();\nexport const at = (): Date => new Date();\n",
    );
    expect(rules.filter((r) => r === "no-restricted-properties")).toHaveLength(2);
    expect(rules).toContain("no-restricted-syntax");
  });

  it("accepts the same module written to the house rules", async () => {
    const rules = await lintAsCore(
      'import type { Decimal } from "../shared/decimal.js";\nexport const twice = (points: Decimal): Decimal => points.times(2);\n',
    );
    expect(rules).toEqual([]);
  });
});

describe("layering (dependency-cruiser)", () => {
  it("refuses a folder importing a layer above it, a folder cycle and a module cycle", async () => {
    const config = require(`${root}.dependency-cruiser.cjs`);
    const result = await cruise(["src"], {
      ...config.options,
      ruleSet: { forbidden: config.forbidden, allowed: config.allowed, allowedSeverity: config.allowedSeverity },
      baseDir: `${root}test/fixtures/layering`,
      validate: true,
    });
    if (typeof result.output === "string") throw new Error("expected a structured result");
    const violations = result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(violations).toEqual(
      expect.arrayContaining([
        "not-in-allowed: src/ledger/lots.ts -> src/engine/facade.ts",
        "no-folder-cycles: src/ledger -> src/expiry",
        "no-module-cycles: src/expiry/policy.ts -> src/ledger/lots.ts",
      ]),
    );
  });
});
