/**
 * The TypeScript blocks of README.md and docs/ as runnable files, so that the docs cannot drift from
 * the code. A block is run as an ES module (`loyalty-engine` resolves to src/, see vitest.config.ts);
 * a block whose info string says `typecheck` (it needs a server, or registers vitest suites) is
 * type-checked instead. A `console.log(x); // "455"` line is a claim: the value logged must equal
 * the JSON literal after `//`. A block marked `continued` is the rest of the block before it.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
/** Where the blocks are written: scratch/ is ignored by git, eslint and prettier. */
export const snippetDir = join(root, "scratch/snippets");

export interface Snippet {
  /** file:line of the block's opening fence. */
  readonly where: string;
  readonly code: string;
  readonly mode: "run" | "typecheck";
  /** What the block's console.log lines claim: the n-th call logs `value`. */
  readonly claims: readonly { readonly call: number; readonly value: unknown }[];
}

const FENCE = /^```(ts|typescript)((?:[ \t]+[\w-]+)*)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
const CLAIM = /console\.log\(.*\);\s*\/\/\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)/;

/** A fenced TypeScript block as written: the line of its fence, the words after `ts`, its code. */
export interface Block {
  readonly line: number;
  readonly words: readonly string[];
  readonly code: string;
}

export function blocksOf(markdown: string): Block[] {
  return [...markdown.matchAll(FENCE)].map((match) => ({
    line: markdown.slice(0, match.index).split("\n").length,
    words: match[2]!.trim().split(/\s+/),
    code: match[3]!,
  }));
}

/**
 * The blocks of a Markdown file as snippets. A block marked `continued` goes on the one before it
 * (a guide shows one test file in parts, with prose between them): the two are one snippet, named
 * and run (or type-checked) as the first.
 */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const merged: { where: string; code: string; mode: Snippet["mode"] }[] = [];
  for (const block of blocksOf(markdown)) {
    const previous = merged.at(-1);
    if (block.words.includes("continued") && previous) previous.code += block.code;
    else
      merged.push({
        where: `${file}:${block.line}`,
        code: block.code,
        mode: block.words.includes("typecheck") ? "typecheck" : "run",
      });
  }
  return merged.map((s) => ({ ...s, claims: claimsOf(s.code) }));
}

/** What a block's console.log lines claim: the n-th call logs the JSON literal after its `//`. */
function claimsOf(code: string): Snippet["claims"] {
  return code
    .split("\n")
    .filter((l) => l.includes("console.log("))
    .flatMap((l, call) => {
      const claim = CLAIM.exec(l)?.[1];
      return claim === undefined ? [] : [{ call, value: JSON.parse(claim) as unknown }];
    });
}

export function snippetsOf(files: readonly string[]): Snippet[] {
  return files.flatMap((file) => extractSnippets(readFileSync(join(root, file), "utf8"), file));
}

/** The block as a module file named after where it stands; returns its path. */
export function writeSnippet(snippet: Snippet): string {
  mkdirSync(snippetDir, { recursive: true });
  const path = join(snippetDir, `${snippet.where.replace(/[^\w]+/g, "-")}.ts`);
  // `export {}` makes a block without imports a module too, so top-level await is allowed.
  writeFileSync(path, `${snippet.code}\nexport {};\n`);
  return path;
}

/** Runs a block; resolves to what it logged, rejects with what it threw. */
export async function runSnippet(snippet: Snippet, suffix = ""): Promise<unknown[]> {
  const path = writeSnippet(snippet);
  const logged: unknown[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void logged.push(args.length === 1 ? args[0] : args);
  try {
    await import(`${pathToFileURL(path).href}?${suffix}`);
  } finally {
    console.log = log;
  }
  return logged;
}

/** A tsconfig over the written blocks, resolving the package's entry points to src/. */
export function typecheckConfig(paths: readonly string[]): string {
  const rel = (p: string) => relative(snippetDir, p);
  const config = {
    extends: rel(join(root, "tsconfig.json")),
    compilerOptions: {
      noEmit: true,
      rootDir: rel(root),
      paths: {
        "loyalty-engine": [rel(join(root, "src/index.ts"))],
        "loyalty-engine/postgres": [rel(join(root, "src/postgres/index.ts"))],
        "loyalty-engine/testing": [rel(join(root, "src/testing/index.ts"))],
        "loyalty-engine/insights": [rel(join(root, "src/insights/index.ts"))],
      },
    },
    include: paths.map(rel),
  };
  const file = join(snippetDir, "tsconfig.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
