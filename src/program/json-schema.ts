/**
 * The program file's JSON Schema, generated from the zod schema (`programSchema`), so that an
 * editor autocompletes and checks a program written as JSON (`"$schema"` at its top).
 *
 * zod writes every structural part itself. Three parts of the zod schema are custom types checked by
 * our own functions, which zod cannot see into: conditions and line filters (conditions.ts) and
 * instants. Their JSON Schema is written here by hand, beside the code it mirrors, and a property
 * test (test/program/json-schema.test.ts) holds both to the same verdicts.
 *
 * What JSON Schema cannot say stays with `compileProgram` alone: that a time zone or a currency
 * exists, that a date is a real calendar date, decimal strings' form and bounds, and that the ids a
 * program names (wallets, rules, tiers) are defined. So a program the JSON Schema accepts may still
 * be refused by `compileProgram`, never the other way round.
 *
 * Not part of the package's runtime: `npm run schema` writes program.schema.json from it. Each
 * field's description comes from schema-descriptions.ts (kept off the zod schema so that the runtime
 * bundle does not carry the texts), put where zod put a `.describe()` text: first in an optional
 * field, last elsewhere.
 */
import * as z from "zod/mini";
import { instant } from "../shared/validation.js";
import { WEEKDAY_NAMES } from "./conditions.js";
import { programDescriptions } from "./schema-descriptions.js";
import { programSchema } from "./schema.js";
import { conditionSchema, lineFilterSchema } from "./schema-rules.js";

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/$defs/${name}` });
const strictObject = (properties: Json, required: readonly string[] = Object.keys(properties)): Json => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});
const nonEmptyStrings: Json = { type: "array", minItems: 1, items: { type: "string", minLength: 1 } };
const scalar: Json = { type: ["string", "number", "boolean"] };
const localDate: Json = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" };
const time: Json = { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" };
const decimal: Json = { type: "string", pattern: "^-?(0|[1-9]\\d*)(\\.\\d+)?$" };
const FIELD =
  "^(amount|lines\\.count|lines\\.quantity|member\\.tier|member\\.purchases|member\\.daysSinceLastPurchase|member\\.daysSinceJoining|attributes\\.[A-Za-z0-9_.-]+|member\\.attributes\\.[A-Za-z0-9_.-]+)$";

/** validateLineFilter, as JSON Schema. */
const lineFilter: Json = {
  description: "Which lines of a purchase count: SKUs and categories to include or exclude (excludes win).",
  ...strictObject(
    {
      skus: nonEmptyStrings,
      categories: nonEmptyStrings,
      excludeSkus: nonEmptyStrings,
      excludeCategories: nonEmptyStrings,
    },
    [],
  ),
};

/** A comparison `{ field, op, value }`: what `value` must be depends on `op`. */
const comparison: Json = {
  ...strictObject(
    {
      field: { type: "string", pattern: FIELD },
      op: { enum: ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "exists"] },
      value: { anyOf: [scalar, { type: "array" }] },
    },
    ["field", "op"],
  ),
  oneOf: [
    { properties: { op: { const: "exists" }, value: false } },
    {
      properties: { op: { enum: ["in", "nin"] }, value: { type: "array", minItems: 1, items: scalar } },
      required: ["value"],
    },
    { properties: { op: { enum: ["eq", "ne"] }, value: scalar }, required: ["value"] },
    {
      properties: {
        op: { enum: ["gt", "gte", "lt", "lte"] },
        value: {
          anyOf: [decimal, { type: "integer", minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }],
        },
      },
      required: ["value"],
    },
  ],
};

/** validateCondition, as JSON Schema (the nesting depth limit is compileProgram's alone). */
const condition: Json = {
  description:
    "A condition: all, any, not, { field, op, value }, dayOfWeek, dateRange, timeOfDay, birthday, tier, segments, lines or firstInCategory.",
  oneOf: [
    strictObject({ all: { type: "array", minItems: 1, items: ref("Condition") } }),
    strictObject({ any: { type: "array", minItems: 1, items: ref("Condition") } }),
    strictObject({ not: ref("Condition") }),
    comparison,
    strictObject({ dayOfWeek: { type: "array", minItems: 1, items: { enum: [...WEEKDAY_NAMES] } } }),
    strictObject({
      dateRange: { ...strictObject({ from: localDate, to: localDate }, []), minProperties: 1 },
    }),
    strictObject({ timeOfDay: strictObject({ from: time, to: time }) }),
    strictObject({ birthday: { enum: ["day", "month"] } }),
    strictObject({ tier: nonEmptyStrings }),
    strictObject({ segments: nonEmptyStrings }),
    strictObject({ firstInCategory: nonEmptyStrings }),
    strictObject(
      {
        lines: ref("LineFilter"),
        minQuantity: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
        minAmount: decimal,
      },
      ["lines"],
    ),
  ],
};

/** The JSON Schema (draft 2020-12) of a program file. */
export function programJsonSchema(): Json {
  const { schema, stale } = describedJsonSchema(programSchema, programDescriptions);
  // A text that names no field was left behind by a rename: refuse rather than drop it silently.
  if (stale.length > 0) throw new Error(`schema-descriptions.ts names no field at: ${stale.join(", ")}`);
  return schema;
}

/**
 * The JSON Schema of `source` with the `texts` put in (`programJsonSchema` with its parts as
 * arguments, so that tests can change them); `undescribed` lists the fields with no text, `stale` the
 * texts that name no field.
 */
export function describedJsonSchema(
  source: z.core.$ZodType,
  texts: Readonly<Record<string, string>>,
): { schema: Json; undescribed: string[]; stale: string[] } {
  const generated = z.toJSONSchema(source, {
    io: "input",
    // The custom types are filled in below; anything else unrepresentable would be a gap, and the
    // test fails on any `{}` left in the output.
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      const replace = (by: Json) => {
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Json)[key];
        Object.assign(jsonSchema, by);
      };
      if (zodSchema === conditionSchema) replace(ref("Condition"));
      else if (zodSchema === lineFilterSchema) replace(ref("LineFilter"));
      else if (zodSchema === instant) replace({ type: "string", format: "date-time" });
    },
  }) as Json;
  const used = new Set<string>();
  const undescribed: string[] = [];
  walkFields(generated, "", (node, path, field, optional) => {
    const text = texts[path];
    if (text === undefined) {
      if (field) undescribed.push(path);
      return;
    }
    used.add(path);
    // Where zod put a `.describe()` text, so that the output stays as it was: before the type of an
    // optional field (zod describes the optional wrapper), after it elsewhere.
    if (optional) {
      const rest = { ...node };
      for (const key of Object.keys(node)) delete node[key];
      Object.assign(node, { description: text }, rest);
    } else node.description = text;
  });
  const schema = {
    $schema: generated.$schema,
    title: "loyalty-engine program",
    description:
      "A loyalty program as data: wallets, earning rules, expiry, tiers, rewards. compileProgram checks what this schema cannot (ids referenced, time zone, currency, decimal bounds).",
    ...generated,
    $defs: { ...((generated.$defs as Json | undefined) ?? {}), Condition: condition, LineFilter: lineFilter },
  };
  return { schema, undescribed, stale: Object.keys(texts).filter((path) => !used.has(path)) };
}

type Visit = (node: Json, path: string, field: boolean, optional: boolean) => void;

const isJson = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Every value inside a generated schema with its path as schema-descriptions.ts writes it (`.name`,
 * `[]`, `|N`, `{}`, `{key}`); `field` for an object's property (bar a variant's tag), `optional` when
 * it is not required.
 */
function walkFields(node: Json, path: string, visit: Visit): void {
  const step = (child: unknown, segment: string, field = false, optionalChild = false) => {
    if (!isJson(child)) return;
    const childPath = path === "" || !/^[A-Za-z0-9_$]/.test(segment) ? `${path}${segment}` : `${path}.${segment}`;
    visit(child, childPath, field, optionalChild);
    walkFields(child, childPath, visit);
  };
  if (isJson(node.properties)) {
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    // A variant's tag (its first constant field: `kind`, `metric`) is named by the variant, not described.
    const tag = Object.entries(node.properties).find(([, child]) => isJson(child) && "const" in child)?.[0];
    for (const [name, child] of Object.entries(node.properties)) step(child, name, name !== tag, !required.has(name));
  }
  step(node.items, "[]");
  for (const key of ["anyOf", "oneOf"] as const) {
    const variants = node[key];
    if (Array.isArray(variants)) variants.forEach((variant, i) => step(variant, `|${i}`));
  }
  step(node.additionalProperties, "{}");
  step(node.propertyNames, "{key}");
}

/** For tests: the hand-written parts, each checked against the function it mirrors. */
export const handWritten = { condition, lineFilter } as const;
