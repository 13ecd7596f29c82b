/**
 * A script as an edge build makes it: esbuild, neutral platform, everything inside (the package's
 * name resolved to src/), one IIFE that sets `globalThis[globalName]` to the entry's exports. For the
 * tests that run the engine inside Vercel's edge-runtime.
 */
import { fileURLToPath } from "node:url";
import { build, type BuildOptions } from "esbuild";

export const root = fileURLToPath(new URL("../..", import.meta.url));

export async function edgeBundle(
  entry: Pick<BuildOptions, "stdin" | "entryPoints">,
  globalName: string,
): Promise<string> {
  const result = await build({
    ...entry,
    alias: { "loyalty-engine": `${root}src/index.ts` },
    bundle: true,
    format: "iife",
    globalName,
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}
