/**
 * `npm run schema`: writes program.schema.json, the JSON Schema of a program file, from the zod
 * schema (src/program/json-schema.ts), and docs/program-reference.md from it (scripts/program-reference.ts). The package ships it as `loyalty-engine/program.schema.json`;
 * test/program/json-schema.test.ts fails when it is older than the zod schema.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { programJsonSchema } from "../src/program/json-schema.js";
import { programReference } from "./program-reference.js";

const schema = programJsonSchema();
const target = fileURLToPath(new URL("../program.schema.json", import.meta.url));
writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
const reference = fileURLToPath(new URL("../docs/program-reference.md", import.meta.url));
writeFileSync(reference, programReference(schema));
console.log(`wrote ${target} and ${reference}`);
