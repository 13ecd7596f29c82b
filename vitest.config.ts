import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // The package's own name resolves to its sources, so that the docs' code blocks, which import
  // "loyalty-engine" as a user does, run in the tests (test/docs).
  resolve: {
    alias: [
      { find: /^loyalty-engine$/, replacement: src("index.ts") },
      { find: /^loyalty-engine\/postgres$/, replacement: src("postgres/index.ts") },
      { find: /^loyalty-engine\/testing$/, replacement: src("testing/index.ts") },
      { find: /^loyalty-engine\/insights$/, replacement: src("insights/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
