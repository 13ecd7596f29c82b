/**
 * Section j of `npm run bench`: what the package costs where it is deployed (issue 12).
 * - Bundle sizes: `import { createLoyaltyEngine, createMemoryStore } from "loyalty-engine"` and the
 *   PostgreSQL entry, each bundled from dist/ with esbuild as an edge or serverless build would
 *   (--bundle --minify --format=esm --platform=neutral), minified and gzip bytes.
 * - Cold start: `node -e 0` beside a process that imports the package, and one that imports it and
 *   compiles the example program, run interleaved 10 times each: min / median, and the ratio.
 * - Compile: the first and the second compile of the example program in a fresh process.
 *
 * `--check` prints the sizes against bench/size-budget.json and exits 1 over budget: .ci/run runs
 * it, so the bundle cannot creep back. Run alone: `npx tsx bench/package-size.ts [--check]`.
 * Needs dist/ (it runs `npm run build` when dist/ is missing).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { exampleProgram } from "../examples/program.js";
import { median } from "./median.js";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const dist = join(root, "dist");
const RUNS = 10;

export interface BundleSize {
  readonly name: string;
  readonly minified: number;
  readonly gzip: number;
}

/** The named imports of one entry, bundled as an edge build would, from dist/. */
async function bundle(name: string, source: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: ["pg", "@electric-sql/pglite"],
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  return { name, minified: code.length, gzip: gzipSync(code).length };
}

export function bundleSizes(): Promise<BundleSize[]> {
  return Promise.all([
    bundle(
      "core",
      `import { createLoyaltyEngine, createMemoryStore } from "./dist/index.js"; console.log(createLoyaltyEngine, createMemoryStore);`,
    ),
    bundle(
      "postgres",
      `import { createPostgresStore, pgPool, migrate } from "./dist/postgres.js"; console.log(createPostgresStore, pgPool, migrate);`,
    ),
    bundle(
      "insights",
      `import { readPurchaseHistory, summarizeHistory, fitBgNbd, fitGammaGamma, customerValue, retentionByCohort } from "./dist/insights.js"; console.log(readPurchaseHistory, summarizeHistory, fitBgNbd, fitGammaGamma, customerValue, retentionByCohort);`,
    ),
  ]);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** Wall time of `node <args>` in a fresh process. */
function timeNode(args: readonly string[]): number {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${run.stderr.toString()}`);
  return performance.now() - t0;
}

export async function packageSizeBench(): Promise<{ lines: string[]; overBudget: string[] }> {
  if (!existsSync(join(dist, "index.js"))) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
  const sizes = await bundleSizes();
  const budget = JSON.parse(readFileSync(join(root, "bench/size-budget.json"), "utf8")) as Record<
    string,
    { gzip: number }
  >;
  const overBudget = sizes.filter((s) => s.gzip > (budget[s.name]?.gzip ?? 0)).map((s) => s.name);
  const lines = [
    "j. The package where it is deployed: bundle sizes, cold start, first compile",
    ...sizes.map(
      (s) =>
        `   ${s.name.padEnd(9)} bundle: ${kb(s.minified).padStart(9)} minified, ${kb(s.gzip).padStart(8)} gzip (budget ${kb(budget[s.name]?.gzip ?? 0)} gzip) -> ${overBudget.includes(s.name) ? "OVER budget" : "within budget"}`,
    ),
  ];
  if (process.argv.includes("--check")) return { lines, overBudget };

  const dir = mkdtempSync(join(tmpdir(), "loyalty-cold-"));
  try {
    const programFile = join(dir, "program.json");
    writeFileSync(programFile, JSON.stringify(exampleProgram));
    const index = JSON.stringify(join(dist, "index.js"));
    const load = `const program = JSON.parse(require("node:fs").readFileSync(${JSON.stringify(programFile)}, "utf8"));`;
    const cases = {
      "node -e 0": ["-e", "0"],
      import: ["--input-type=module", "-e", `await import(${index});`],
      "import + compile": [
        "--input-type=module",
        "-e",
        `import { createRequire } from "node:module"; const require = createRequire(import.meta.url); ${load} const m = await import(${index}); m.compileProgram(program);`,
      ],
    } as const;
    const times: Record<string, number[]> = {};
    timeNode(["-e", "0"]); // warm the file cache
    for (let run = 0; run < RUNS; run++)
      for (const [name, args] of Object.entries(cases)) (times[name] ??= []).push(timeNode(args));
    const base = median(times["node -e 0"]!);
    const baseMin = Math.min(...times["node -e 0"]!);
    for (const [name, xs] of Object.entries(times))
      lines.push(
        `   ${name.padEnd(17)} min ${ms(Math.min(...xs)).padStart(7)}, median ${ms(median(xs)).padStart(7)}  (${(Math.min(...xs) / baseMin).toFixed(1)}x / ${(median(xs) / base).toFixed(1)}x node -e 0; target: import + compile within 2x)`,
      );
    // First and second compile in a fresh process: the first pays for Intl's time-zone and currency data.
    const compiles = Array.from({ length: 5 }, () => {
      const out = execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `import { createRequire } from "node:module"; const require = createRequire(import.meta.url); ${load} const m = await import(${index}); const a = performance.now(); m.compileProgram(program); const b = performance.now(); m.compileProgram(program); const c = performance.now(); console.log(JSON.stringify([b - a, c - b]));`,
        ],
        { cwd: root },
      );
      return JSON.parse(out.toString()) as [number, number];
    });
    lines.push(
      `   compile of the example program in a fresh process: first ${ms(Math.min(...compiles.map((c) => c[0])))} / ${ms(median(compiles.map((c) => c[0])))}, second ${ms(Math.min(...compiles.map((c) => c[1])))} / ${ms(median(compiles.map((c) => c[1])))} (min / median of 5)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { lines, overBudget };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { lines, overBudget } = await packageSizeBench();
  console.log(lines.join("\n"));
  if (process.argv.includes("--check") && overBudget.length > 0) {
    console.error(`over the size budget (bench/size-budget.json): ${overBudget.join(", ")}`);
    process.exit(1);
  }
}
