/**
 * The program reference (docs/program-reference.md): every field of a program file with its type,
 * whether it is required, and its allowed values or bounds, generated from program.schema.json so
 * that it cannot drift from the zod schema. `npm run schema` writes it with the schema;
 * test/docs/program-reference.test.ts fails when it is stale. What each field means comes from its
 * `description` (src/program/schema-descriptions.ts, taken from the README's program sections, which say
 * more); conditions are described in the README's "Earning rules".
 */
type Json = { [key: string]: unknown };

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** One row: a field path (`[]` for list items, `(kind: voucher)` for a variant), type, required, constraints, meaning. */
export interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly constraints: string;
  /** The field's description: what it means, and its default where it has one; "" when it has none. */
  readonly meaning: string;
}

function describeType(schema: Json): string {
  if (typeof schema.$ref === "string") return schema.$ref.replace("#/$defs/", "");
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const variants = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (variants) return [...new Set(variants.map(describeType))].join(" or ");
  if (schema.type === "array") return `${isObject(schema.items) ? describeType(schema.items) : "value"}[]`;
  if (schema.type === "object" && isObject(schema.additionalProperties) && !schema.properties)
    return `map of ${describeType(schema.additionalProperties)}`;
  if (Array.isArray(schema.type)) return schema.type.join(" or ");
  if (typeof schema.type === "string") return schema.format ? `${schema.type} (${schema.format})` : schema.type;
  return "any";
}

function describeConstraints(schema: Json): string {
  const parts: string[] = [];
  const bound = (key: string, label: string) => {
    if (typeof schema[key] === "number" && Math.abs(schema[key]) < Number.MAX_SAFE_INTEGER)
      parts.push(`${label} ${schema[key]}`);
  };
  bound("minimum", "≥");
  bound("maximum", "≤");
  bound("minLength", "length ≥");
  bound("maxLength", "length ≤");
  bound("minItems", "items ≥");
  bound("maxItems", "items ≤");
  if (typeof schema.pattern === "string") parts.push(`pattern \`${schema.pattern}\``);
  return parts.join(", ");
}

/** The discriminator of a union member: its first field with a constant value (`kind`, `metric`). */
function discriminator(schema: Json): { key: string; value: string } | null {
  const props = isObject(schema.properties) ? schema.properties : {};
  for (const [key, child] of Object.entries(props))
    if (isObject(child) && "const" in child) return { key, value: String(child.const) };
  return null;
}

/** A field's row, then what is inside it. */
function walk(schema: Json, path: string, required: boolean, rows: Row[]): void {
  const meaning = typeof schema.description === "string" ? schema.description : "";
  rows.push({ path, type: describeType(schema), required, constraints: describeConstraints(schema), meaning });
  if (typeof schema.$ref !== "string") walkInto(schema, path, rows); // Condition, LineFilter: in the README
}

/** The fields inside a value: through its variants, its list items and its properties. */
function walkInto(schema: Json, path: string, rows: Row[]): void {
  const variants = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (variants) {
    for (const variant of variants) {
      const tag = discriminator(variant);
      walkInto(variant, tag === null ? path : `${path} (${tag.key}: ${tag.value})`, rows);
    }
  } else if (schema.type === "array" && isObject(schema.items)) {
    walkInto(schema.items, `${path}[]`, rows);
  } else if (isObject(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const tag = discriminator(schema);
    for (const [key, child] of Object.entries(schema.properties)) {
      if (key === tag?.key) continue; // named in the variant's path
      if (isObject(child)) walk(child, path === "" ? key : `${path}.${key}`, required.has(key), rows);
    }
  }
}

/** Every field of a program, once (a field two variants share the same way is one row). */
export function referenceRows(schema: Json): Row[] {
  const rows: Row[] = [];
  walkInto(schema, "", rows);
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.path}|${r.type}|${r.constraints}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The reference page, in Markdown. */
export function programReference(schema: Json): string {
  const unique = referenceRows(schema);
  // A table cell: its pipes escaped, once.
  const cell = (text: string) => text.replaceAll("|", "\\|");
  return [
    "# Program reference",
    "",
    "Every field of a program file, generated from `program.schema.json` (itself generated from the zod",
    "schema) by `npm run schema`; do not edit by hand. `[]` marks the items of a list; `(kind: voucher)`",
    "a variant chosen by that field's value. Each field's meaning and default come from the schema's",
    "descriptions; the README says more (The program, Earning rules, Refunds, Expiry policies, Tiers,",
    "Rewards), and `Condition` and `LineFilter` are described under Earning rules. Decimal figures are",
    "strings; `compileProgram` checks what a schema cannot (ids referenced, time zone, currency, decimal",
    "bounds).",
    "",
    "| field | type | required | constraints | meaning |",
    "| --- | --- | --- | --- | --- |",
    ...unique.map(
      (r) =>
        `| \`${r.path}\` | ${cell(r.type)} | ${r.required ? "yes" : ""} | ${cell(r.constraints)} | ${cell(r.meaning)} |`,
    ),
    "",
  ].join("\n");
}
