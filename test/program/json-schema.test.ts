/**
 * program.schema.json: generated from the zod schema, shipped in the package, and held to the same
 * verdicts as the zod schema and compileProgram by a standard JSON Schema validator (Ajv, draft
 * 2020-12), on the example programs and on fuzzed bad ones.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { compileProgram } from "../../src/index.js";
import { validateCondition, WEEKDAY_NAMES } from "../../src/program/conditions.js";
import { handWritten, programJsonSchema } from "../../src/program/json-schema.js";
import { programSchema } from "../../src/program/schema.js";
import { mugProgram, tierProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const root = fileURLToPath(new URL("../..", import.meta.url));
const shipped = JSON.parse(readFileSync(`${root}program.schema.json`, "utf8")) as Record<string, unknown>;

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, validateFormats: false });
const validateProgram = ajv.compile(shipped);
const validateCond = ajv.compile({ $defs: shipped.$defs, $ref: "#/$defs/Condition" });

/** Programs as a JSON file holds them: what JSON.stringify keeps. */
const asJson = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value));

const validPrograms: [string, Record<string, unknown>][] = [
  ["the example program", asJson(exampleProgram)],
  [
    "the example program with its $schema",
    { $schema: "./node_modules/loyalty-engine/program.schema.json", ...asJson(exampleProgram) },
  ],
  ["a tier ladder", asJson(tierProgram())],
  [
    "daily rolling tiers with grace",
    asJson(
      tierProgram({
        window: { kind: "rolling", days: 365 },
        review: { schedule: { kind: "daily" }, demotion: "oneDown", graceMonths: 3 } as never,
      }),
    ),
  ],
  ["a catalogue", asJson(mugProgram())],
  [
    "conditions of every kind",
    asJson({
      ...tierProgram(),
      rules: [
        ...tierProgram().rules,
        {
          id: "everything",
          on: "purchase",
          when: {
            all: [
              { any: [{ dayOfWeek: ["mon"] }, { not: { birthday: "day" } }] },
              { field: "amount", op: "gte", value: "10.50" },
              { field: "attributes.channel", op: "in", value: ["web", 3, true] },
              { field: "member.tier", op: "exists" },
              { dateRange: { from: "2026-01-01" } },
              { timeOfDay: { from: "18:00", to: "22:00" } },
              { tier: ["gold"] },
              { lines: { categories: ["wine"], excludeSkus: ["X"] }, minQuantity: 2, minAmount: "5" },
            ],
          },
          awards: [{ kind: "fixed", points: "5", wallet: "points" }],
          active: { from: "2026-01-01T00:00:00Z", until: "2027-01-01T00:00:00+01:00" },
        },
      ],
    }),
  ],
];

describe("program.schema.json", () => {
  it("is what npm run schema generates from the zod schema today (run it after changing the schema)", () => {
    expect(shipped).toEqual(programJsonSchema());
  });

  it("leaves no part unconstrained: every custom type of the zod schema has its JSON Schema", () => {
    const open: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== "object") return;
      if (!Array.isArray(node) && Object.keys(node).length === 0) open.push(path);
      for (const [key, child] of Object.entries(node)) walk(child, `${path}/${key}`);
    };
    walk(shipped, "");
    expect(open).toEqual([]);
  });

  it.each(validPrograms)("accepts %s, as compileProgram does", (_, program) => {
    expect(() => compileProgram(program)).not.toThrow();
    expect(validateProgram(program), JSON.stringify(validateProgram.errors)).toBe(true);
  });

  it("never refuses what the zod schema accepts, and refuses every structural mistake it refuses (fuzzed edits)", () => {
    const bases = validPrograms.map(([, p]) => p);
    const badValue = fc.constantFrom<unknown>(7, -1, 1.5, 0, true, null, [], {}, "x", "", "10", [1], { a: 1 });
    const edit = fc.record({
      base: fc.nat(bases.length - 1),
      pick: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
      kind: fc.constantFrom("replace", "delete", "unknown key"),
      value: badValue,
    });
    fc.assert(
      fc.property(edit, ({ base, pick, kind, value }) => {
        const program = structuredClone(bases[base]!);
        // Walk down a random path of objects and arrays, then edit there.
        let node: Record<string, unknown> | unknown[] = program;
        let key: string | number = "";
        for (const step of pick) {
          const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
          if (keys.length === 0) break;
          key = keys[step % keys.length]!;
          const child = (node as Record<string | number, unknown>)[key];
          if (child === null || typeof child !== "object" || step === pick.at(-1)) break;
          node = child as Record<string, unknown>;
        }
        const target = node as Record<string | number, unknown>;
        if (kind === "delete" && !Array.isArray(node)) delete target[key];
        else if (kind === "unknown key" && !Array.isArray(node)) target.unexpected = value;
        else target[key] = value;

        const zod = programSchema.safeParse(program);
        const json = validateProgram(program);
        if (zod.success) {
          expect(json, `JSON Schema refused a program zod accepts: ${JSON.stringify(validateProgram.errors)}`).toBe(
            true,
          );
        } else if (zod.error.issues.some((issue) => issue.code !== "custom")) {
          expect(json, `JSON Schema accepted a structural mistake: ${JSON.stringify(zod.error.issues)}`).toBe(false);
        }
        // compileProgram refuses all that zod refuses, with a typed error.
        if (!zod.success)
          expect(() => compileProgram(program)).toThrow(expect.objectContaining({ code: "INVALID_PROGRAM" }));
      }),
      { numRuns: RUNS },
    );
  });

  it("holds the hand-written Condition to validateCondition: the same verdict on fuzzed conditions", () => {
    const day = fc.constantFrom(...WEEKDAY_NAMES, "funday");
    const scalar = fc.oneof(
      fc.constantFrom("web", "10.5", "x y", ""),
      fc.integer({ min: -5, max: 5 }),
      fc.boolean(),
      fc.constant(1.5),
    );
    const field = fc.constantFrom(
      "amount",
      "lines.count",
      "member.tier",
      "attributes.channel",
      "member.attributes.vip",
      "price",
      "attributes.",
    );
    const op = fc.constantFrom("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "exists", "like");
    const date = fc.constantFrom("2026-01-01", "2026-06-30", "2026-1-1");
    const time = fc.constantFrom("00:00", "18:30", "23:59", "24:00", "9:00");
    const names = fc.oneof(fc.array(fc.constantFrom("a", "b", ""), { maxLength: 3 }), fc.constant("a"));
    const lines = fc.oneof(
      fc.record({ skus: names, categories: names, excludeSkus: names, excludeCategories: names }, { requiredKeys: [] }),
      fc.constant({ other: ["a"] }),
      fc.constant("wine"),
    );
    const { condition } = fc.letrec<{ condition: unknown }>((tie) => ({
      condition: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.record(
          { field, op, value: fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })) },
          { requiredKeys: ["field", "op"] },
        ),
        fc.record({ dayOfWeek: fc.oneof(fc.array(day, { maxLength: 3 }), day) }),
        // Ends in order: the order of two dates is compileProgram's check, not JSON Schema's.
        fc.record({ dateRange: fc.record({ from: date, to: fc.constant("2026-12-31") }, { requiredKeys: [] }) }),
        fc.record({ timeOfDay: fc.record({ from: time, to: time }, { requiredKeys: [] }) }),
        fc.record({ birthday: fc.constantFrom("day", "month", "year") }),
        fc.record({ tier: names }),
        fc.record(
          {
            lines,
            minQuantity: fc.constantFrom(1, 3, 0, 1.5, -2),
            minAmount: fc.constantFrom("5", "5.00", "five", "-1"),
          },
          { requiredKeys: ["lines"] },
        ),
        fc.record({ all: fc.array(tie("condition"), { maxLength: 3 }) }),
        fc.record({ any: fc.array(tie("condition"), { maxLength: 3 }) }),
        fc.record({ not: tie("condition") }),
        fc.constantFrom<unknown>({}, { all: [], extra: 1 }, "amount", null, { dayOfWeek: ["mon"], tier: ["gold"] }),
      ),
    }));
    fc.assert(
      fc.property(condition, (value) => {
        const issues: unknown[] = [];
        validateCondition(value, [], issues as never);
        expect(validateCond(value), JSON.stringify({ issues, ajv: validateCond.errors })).toBe(issues.length === 0);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("ships in the package as loyalty-engine/program.schema.json, with the hand-written parts in $defs", () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as {
      files: string[];
      exports: Record<string, unknown>;
    };
    expect(pkg.files).toContain("program.schema.json");
    expect(pkg.exports["./program.schema.json"]).toBe("./program.schema.json");
    const defs = shipped.$defs as Record<string, unknown>;
    expect(defs.Condition).toEqual(handWritten.condition);
    expect(defs.LineFilter).toEqual(handWritten.lineFilter);
  });
});
