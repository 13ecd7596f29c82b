/**
 * The program fields' texts live in src/program/schema-descriptions.ts, off the runtime zod schema:
 * every field of a program must have one, every one must name a field, and program.schema.json must
 * come out of them exactly as shipped.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { describedJsonSchema, programJsonSchema } from "../../src/program/json-schema.js";
import { programDescriptions } from "../../src/program/schema-descriptions.js";
import { programSchema } from "../../src/program/schema.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("schema-descriptions.ts", () => {
  it("has a text for every field of a program and no text that names no field", () => {
    const { undescribed, stale } = describedJsonSchema(programSchema, programDescriptions);
    expect(undescribed).toEqual([]);
    expect(stale).toEqual([]);
  });

  it("finds a field with no text, however deep", () => {
    const wider = z.extend(programSchema, {
      loyaltyTax: z.optional(z.string()),
      points: z.strictObject({ ...programSchema.shape.points.shape, step: z.number() }),
    });
    expect(describedJsonSchema(wider, programDescriptions).undescribed).toEqual(["points.step", "loyaltyTax"]);
  });

  it("finds a text left behind by a rename, and npm run schema refuses it", () => {
    const { "points.scale": scale, ...rest } = programDescriptions;
    const renamed = { ...rest, "points.decimals": scale! };
    const { undescribed, stale } = describedJsonSchema(programSchema, renamed);
    expect(undescribed).toEqual(["points.scale"]);
    expect(stale).toEqual(["points.decimals"]);
    expect(describedJsonSchema(programSchema, { ...programDescriptions, "wallets[].colour": "x" }).stale).toEqual([
      "wallets[].colour",
    ]);
  });

  it("puts each text where .describe() put it: program.schema.json is byte for byte what the generator writes", () => {
    const shipped = readFileSync(`${root}program.schema.json`, "utf8");
    expect(shipped).toBe(`${JSON.stringify(programJsonSchema(), null, 2)}\n`);
  });

  it("leaves the runtime zod schema without a single text (they would ride in every bundle)", () => {
    expect(JSON.stringify(z.toJSONSchema(programSchema, { io: "input", unrepresentable: "any" }))).not.toContain(
      '"description"',
    );
  });
});
