/**
 * Section j of `npm run bench`: what the package costs where it is deployed (issue 12).
 * - Bundle sizes: `import { createLoyaltyEngine, createMemoryStore } from "loyalty-engine"` and the
 *   PostgreSQL entry, each bundled from dist/ with esbuild as an edge or serverless build would
 *   (--bundle --minify --format=esm --platform=neutral), minified and gzip bytes.
 * - Cold start: `node -e 0` beside a process that imports the package, and one that imports it and
 *   compiles the example program, run interleaved 10 times each: min / median of the wall time and
 *   of the CPU time each process reports, and their ratios to `node -e 0`.
 * - Compile: the first and the second compile of the example program in a fresh process.
 *
 * `--against <dir>` also bundles and times another build's dist/ in the same run, each size beside
 * ours with the ratio (bench/README.md j's "before" column: an older commit built with `npx tsup`
 * into a scratch directory).
 *
 * `--check` prints the sizes against bench/size-budget.json and exits 1 over budget: .ci/run runs
 * it, so the bundle cannot creep back. Run alone: `npx tsx bench/package-size.ts [--check]`.
 * Needs dist/ (it runs `npm run build` when dist/ is missing).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
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

/** The named imports of one entry, bundled as an edge build would, from a dist/ (ours unless given). */
async function bundle(name: string, source: string, from: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source.replaceAll("./dist/", `${from}/`), resolveDir: root, loader: "js" },
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

export function bundleSizes(from = dist): Promise<BundleSize[]> {
  return Promise.all([
    bundle(
      "core",
      `import { createLoyaltyEngine, createMemoryStore } from "./dist/index.js"; console.log(createLoyaltyEngine, createMemoryStore);`,
      from,
    ),
    bundle(
      "postgres",
      `import { createPostgresStore, pgPool, migrate } from "./dist/postgres.js"; console.log(createPostgresStore, pgPool, migrate);`,
      from,
    ),
    bundle(
      "insights",
      `import { readPurchaseHistory, summarizeHistory, fitBgNbd, fitGammaGamma, customerValue, retentionByCohort } from "./dist/insights.js"; console.log(readPurchaseHistory, summarizeHistory, fitBgNbd, fitGammaGamma, customerValue, retentionByCohort);`,
      from,
    ),
  ]);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const ms = (x: number) => `${x.toFixed(0)} ms`;

/**
 * Ends every timed script: the child reports its own CPU time (user + system, all its threads) from
 * start to exit, which waiting for a core does not inflate as it does the wall time on a shared machine.
 */
const REPORT_CPU = `;process.stdout.write(JSON.stringify(process.cpuUsage()));`;

/** Wall time of `node <args>` in a fresh process, and the CPU time it reports. */
function timeNode(args: readonly string[]): { wall: number; cpu: number } {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const wall = performance.now() - t0;
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${run.stderr.toString()}`);
  const cpu = JSON.parse(run.stdout.toString()) as NodeJS.CpuUsage;
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
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

  // `--against <dir>`: another build's dist/ (an older commit's, say) bundled and timed in the same run.
  const at = process.argv.indexOf("--against");
  const builds = [{ label: "", dir: dist }];
  if (at > 0) {
    const against = resolve(process.argv[at + 1]!);
    builds.push({ label: " (against)", dir: against });
    const theirs = await bundleSizes(against);
    lines.push("   the same bundles from the --against build, and ours as a share of them:");
    for (const [i, s] of theirs.entries())
      lines.push(
        `   ${s.name.padEnd(9)} against: ${kb(s.minified).padStart(9)} minified, ${kb(s.gzip).padStart(8)} gzip -> ours ${(sizes[i]!.minified / s.minified).toFixed(2)}x minified, ${(sizes[i]!.gzip / s.gzip).toFixed(2)}x gzip`,
      );
  }
  lines.push(...coldStart(builds));
  return { lines, overBudget };
}

/** Cold start and first/second compile of each build, interleaved with `node -e 0`. */
function coldStart(builds: readonly { label: string; dir: string }[]): string[] {
  // The program is a literal in the script, so that reading a file (and Node's fs and stream
  // modules, which an ESM `import ... from "node:fs"` loads whole) is not counted as the package's.
  const program = `const program = ${JSON.stringify(exampleProgram)};`;
  const cases: Record<string, string[]> = { "node -e 0": ["-e", `0${REPORT_CPU}`] };
  for (const { label, dir } of builds) {
    const index = JSON.stringify(join(dir, "index.js"));
    cases[`import${label}`] = ["--input-type=module", "-e", `await import(${index})${REPORT_CPU}`];
    cases[`import + compile${label}`] = [
      "--input-type=module",
      "-e",
      `${program} const m = await import(${index}); m.compileProgram(program)${REPORT_CPU}`,
    ];
  }
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  timeNode(cases["node -e 0"]!); // warm the file cache
  for (let run = 0; run < RUNS; run++)
    for (const [name, args] of Object.entries(cases)) {
      const t = timeNode(args);
      (wall[name] ??= []).push(t.wall);
      (cpu[name] ??= []).push(t.cpu);
    }
  const row = (xs: number[], base: number[]) =>
    `min ${ms(Math.min(...xs)).padStart(6)}, median ${ms(median(xs)).padStart(6)} (${(Math.min(...xs) / Math.min(...base)).toFixed(2)}x / ${(median(xs) / median(base)).toFixed(2)}x)`;
  const lines = [
    `   cold start, ${RUNS} interleaved runs each; wall, then CPU time (user + system) the process reports; ratios to node -e 0; target: import + compile within 2x`,
  ];
  const width = Math.max(...Object.keys(cases).map((k) => k.length));
  for (const name of Object.keys(cases))
    lines.push(
      `   ${name.padEnd(width)} wall ${row(wall[name]!, wall["node -e 0"]!)}   cpu ${row(cpu[name]!, cpu["node -e 0"]!)}`,
    );
  const ratio = (xs: Record<string, number[]>) => median(xs["import + compile"]!) / median(xs["node -e 0"]!);
  const met = ratio(cpu) <= 2 && ratio(wall) <= 2;
  lines.push(
    `   target, import + compile within 2x node -e 0 (medians): ${met ? "met" : "NOT met"} (CPU ${ratio(cpu).toFixed(2)}x, wall ${ratio(wall).toFixed(2)}x)`,
  );
  // First and second compile in a fresh process: the first pays for building zod's lazy parts.
  for (const { label, dir } of builds) {
    const index = JSON.stringify(join(dir, "index.js"));
    const compiles = Array.from({ length: 5 }, () => {
      const out = execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `${program} const m = await import(${index}); const a = performance.now(); m.compileProgram(program); const b = performance.now(); m.compileProgram(program); const c = performance.now(); console.log(JSON.stringify([b - a, c - b]));`,
        ],
        { cwd: root },
      );
      return JSON.parse(out.toString()) as [number, number];
    });
    const first = compiles.map((c) => c[0]);
    const second = compiles.map((c) => c[1]);
    lines.push(
      `   compile of the example program in a fresh process${label}: first ${ms(Math.min(...first))} / ${ms(median(first))}, second ${ms(Math.min(...second))} / ${ms(median(second))} (min / median of 5)`,
    );
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { lines, overBudget } = await packageSizeBench();
  console.log(lines.join("\n"));
  if (process.argv.includes("--check") && overBudget.length > 0) {
    console.error(`over the size budget (bench/size-budget.json): ${overBudget.join(", ")}`);
    process.exit(1);
  }
}
