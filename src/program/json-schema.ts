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
 * Not part of the package's runtime: `npm run schema` writes program.schema.json from it.
 */
import * as z from "zod";
import { instant } from "../shared/validation.js";
import { WEEKDAY_NAMES } from "./conditions.js";
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
  "^(amount|lines\\.count|lines\\.quantity|member\\.tier|attributes\\.[A-Za-z0-9_.-]+|member\\.attributes\\.[A-Za-z0-9_.-]+)$";

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
    "A condition: all, any, not, { field, op, value }, dayOfWeek, dateRange, timeOfDay, birthday, tier or lines.",
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
  const generated = z.toJSONSchema(programSchema, {
    io: "input",
    // The custom types are filled in below; anything else unrepresentable would be a gap, and the
    // test fails on any `{}` left in the output.
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      // A field's description (`.describe()` on the field) is kept: only the type is replaced.
      const replace = (by: Json) => {
        const { description } = jsonSchema as Json;
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Json)[key];
        Object.assign(jsonSchema, by, description === undefined ? {} : { description });
      };
      if (zodSchema === conditionSchema) replace(ref("Condition"));
      else if (zodSchema === lineFilterSchema) replace(ref("LineFilter"));
      else if (zodSchema === instant) replace({ type: "string", format: "date-time" });
    },
  }) as Json;
  return {
    $schema: generated.$schema,
    title: "loyalty-engine program",
    description:
      "A loyalty program as data: wallets, earning rules, expiry, tiers, rewards. compileProgram checks what this schema cannot (ids referenced, time zone, currency, decimal bounds).",
    ...generated,
    $defs: { ...((generated.$defs as Json | undefined) ?? {}), Condition: condition, LineFilter: lineFilter },
  };
}

/** For tests: the hand-written parts, each checked against the function it mirrors. */
export const handWritten = { condition, lineFilter } as const;
