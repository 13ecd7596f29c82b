import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type Options } from "tsup";

// Why tsup, though its README points to tsdown: tsdown 0.23 (rolldown 1.3) requires Node 22.18 or
// later (engines; on Node 20 it fails with "Promise.withResolvers is not a function"), and this
// package builds and is tested on Node 20, its oldest supported version. tsup builds both formats
// with types in ~26 s on a loaded 2-core machine (tsdown could not be timed here). Revisit when
// Node 20 support ends.

const shared: Options = {
  dts: true,
  // No source maps: with embedded sources they were 64% of the tarball, and dist is not minified.
  sourcemap: false,
  target: "node20",
  treeshake: true,
  external: ["vitest", "fast-check", "pg", "@electric-sql/pglite"],
};

// The library's entries carry their own copy of zod and of the date-fns functions they use (issue 12,
// cold start): from node_modules, `import * as z from "zod"` makes Node load zod's ~100 files, every
// locale among them, and date-fns's subpaths another twenty, about half of a bare import's time;
// inlined and tree-shaken, zod keeps its English messages and what our schemas call. decimal.js
// stays a dependency: one file, and `Decimal` is part of our API. Consequences, in bench/README.md j:
// zod stays in "dependencies" because the .d.ts files name zod's types (programSchema is exported).
export const INLINED = ["zod", "date-fns", "@date-fns/tz"] as const;

/** The licence texts of the inlined packages, which their MIT licences ask a copy to carry. */
export function thirdPartyNotices(modules = "node_modules"): string {
  const parts = INLINED.map((name) => {
    const dir = join(modules, name);
    const { version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, string>;
    const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
    if (file === undefined) throw new Error(`${name} ships no licence file to copy into dist/`);
    return `## ${name} ${version} (${license})\n\n${readFileSync(join(dir, file), "utf8").trim()}\n`;
  });
  return `# Third-party code inlined in this package's dist/\n\n${parts.join("\n")}`;
}

const library: Options = {
  ...shared,
  noExternal: [...INLINED],
  onSuccess: async () => writeFileSync("dist/THIRD_PARTY_LICENSES.md", thirdPartyNotices()),
};

export default defineConfig([
  // The library and the PostgreSQL store for CommonJS (dist/index.cjs, dist/postgres.cjs, with .d.cts). Split into
  // shared chunks so that both entry points share one copy of the core: the store's CommitConflict must be the
  // class the engine checks with `instanceof`.
  // loyalty-engine/insights rides in both graphs so that its LoyaltyError is the core's.
  {
    ...library,
    entry: { index: "src/index.ts", postgres: "src/postgres/index.ts", insights: "src/insights/index.ts" },
    format: ["cjs"],
    splitting: true,
  },
  // The library, the PostgreSQL store and the testing kit for ESM. The testing kit is ESM only, because vitest (which the conformance suite runs on) cannot be
  // required from CommonJS. Built in the same ESM graph as the library so that all share one
  // copy of the core and `instanceof LoyaltyError` holds across the entry points.
  {
    ...library,
    entry: {
      index: "src/index.ts",
      testing: "src/testing/index.ts",
      postgres: "src/postgres/index.ts",
      insights: "src/insights/index.ts",
    },
    format: ["esm"],
  },
  // The `loyalty-engine` command (package.json "bin"): ESM only, built apart from the library, whose
  // bundle it does not enlarge. tsup keeps the source's shebang and marks the file executable.
  { ...shared, entry: { cli: "src/cli/main.ts" }, format: ["esm"], dts: false },
]);
