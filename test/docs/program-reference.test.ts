/**
 * docs/program-reference.md is generated from program.schema.json (scripts/program-reference.ts,
 * `npm run schema`): it must be what the generator writes today, and name every field of a program.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { programReference, referenceRows } from "../../scripts/program-reference.js";
import { root } from "./snippets.js";

const schema = JSON.parse(readFileSync(join(root, "program.schema.json"), "utf8")) as {
  properties: Record<string, unknown>;
};
const page = readFileSync(join(root, "docs/program-reference.md"), "utf8");

describe("docs/program-reference.md", () => {
  it("is what npm run schema generates from program.schema.json today", () => {
    expect(page).toBe(programReference(schema));
  });

  it("has a row for every top-level field and for fields deep in variants", () => {
    for (const field of Object.keys(schema.properties)) expect(page).toContain(`| \`${field}\` |`);
    expect(page).toContain("| `rewards[] (kind: conversion).automatic.period` |");
    expect(page).toContain("| `tiers.levels[].qualify.thresholds[] (metric: events).type` |");
    expect(page).toContain("| `rules[].awards[] (kind: multiplier).factor` |");
  });

  it("gives every field a meaning (its text in src/program/schema-descriptions.ts)", () => {
    const rows = referenceRows(schema);
    expect(rows.length).toBeGreaterThan(150);
    expect(rows.filter((r) => r.meaning === "").map((r) => r.path)).toEqual([]);
    // Through the custom types too, whose JSON Schema json-schema.ts writes by hand.
    expect(page).toContain("| `rules[].when` | Condition |  |  | A condition the command must meet. Default: always. |");
  });

  it("finds a field without a description", () => {
    const changed = structuredClone(schema);
    changed.properties.loyaltyTax = { type: "string" };
    expect(referenceRows(changed).filter((r) => r.meaning === "").map((r) => r.path)).toEqual(["loyaltyTax"]);
  });

  it("changes when the schema does", () => {
    const changed = structuredClone(schema);
    changed.properties.loyaltyTax = { type: "string", maxLength: 9 };
    expect(programReference(changed)).toContain("| `loyaltyTax` | string |  | length ≤ 9 |  |");
  });
});
