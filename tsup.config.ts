import { defineConfig, type Options } from "tsup";

const shared: Options = { dts: true, sourcemap: true, target: "node20", treeshake: true, external: ["vitest", "fast-check"] };

export default defineConfig([
  // The library for CommonJS (dist/index.cjs, dist/index.d.cts).
  { ...shared, entry: { index: "src/index.ts" }, format: ["cjs"] },
  // The library and the testing kit for ESM. The testing kit is ESM only, because vitest (which the conformance suite runs on) cannot be
  // required from CommonJS. Built in the same ESM graph as the library so that both share one
  // copy of the core and `instanceof LoyaltyError` holds across the two entry points.
  { ...shared, entry: { index: "src/index.ts", testing: "src/testing/index.ts" }, format: ["esm"] },
]);
