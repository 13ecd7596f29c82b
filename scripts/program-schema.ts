/**
 * `npm run schema`: writes program.schema.json, the JSON Schema of a program file, from the zod
 * schema (src/program/json-schema.ts). The package ships it as `loyalty-engine/program.schema.json`;
 * test/program/json-schema.test.ts fails when it is older than the zod schema.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { programJsonSchema } from "../src/program/json-schema.js";

const target = fileURLToPath(new URL("../program.schema.json", import.meta.url));
writeFileSync(target, `${JSON.stringify(programJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
