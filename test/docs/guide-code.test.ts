/**
 * The blocks of docs/testing.md that register vitest tests are only type-checked as snippets
 * (snippets.test.ts); the same code runs as test files. This holds them together: each group of the
 * guide's `typecheck` blocks (a block and the `continued` ones after it) is, block by block and byte
 * for byte, the marked regions of one test file, and outside its regions a test file holds only
 * comments, so nothing runs that the guide does not show.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blocksOf, extractSnippets, root } from "./snippets.js";

const GUIDE = "docs/testing.md";
/** The test files of the guide, in the order of its block groups. */
const FILES = ["test/docs/guide-testing.test.ts", "test/docs/guide-store.test.ts"];
const START = `// #region ${GUIDE}\n`;
const END = "// #endregion\n";

/** The guide's type-checked blocks, grouped: a block that is not `continued` starts a group. */
function blockGroups(markdown: string): string[][] {
  const groups: string[][] = [];
  for (const block of blocksOf(markdown).filter((b) => b.words.includes("typecheck"))) {
    if (block.words.includes("continued") && groups.length > 0) groups.at(-1)!.push(block.code);
    else groups.push([block.code]);
  }
  return groups;
}

/** A test file's regions, and its lines outside them that are code (not blank, not a `//` comment). */
function regionsOf(source: string): { regions: string[]; outside: string[] } {
  const regions: string[] = [];
  const outside: string[] = [];
  let rest = source;
  for (;;) {
    const start = rest.indexOf(START);
    outside.push(...(start < 0 ? rest : rest.slice(0, start)).split("\n").filter((l) => !/^\s*(\/\/.*)?$/.test(l)));
    if (start < 0) return { regions, outside };
    const end = rest.indexOf(END, start);
    if (end < 0) throw new Error(`a region opened without ${JSON.stringify(END)}`);
    regions.push(rest.slice(start + START.length, end));
    rest = rest.slice(end + END.length);
  }
}

const read = (file: string) => readFileSync(join(root, file), "utf8");

describe(`${GUIDE} and its test files`, () => {
  it("show the same code: each block group is one file's regions, byte for byte", () => {
    const groups = blockGroups(read(GUIDE));
    expect(groups.length).toBe(FILES.length);
    expect(groups).toEqual(FILES.map((file) => regionsOf(read(file)).regions));
  });

  it("run nothing the guide does not show: outside the regions, only comments", () => {
    for (const file of FILES) expect(regionsOf(read(file)).outside).toEqual([]);
  });

  it("would fail on a drift: an edited region, code outside a region, an unclosed region", () => {
    const source = read(FILES[0]!);
    const edited = regionsOf(source.replace('numRuns: 50', 'numRuns: 5')).regions;
    expect(edited).not.toEqual(blockGroups(read(GUIDE))[0]);
    expect(regionsOf(`${source}\nconsole.log("hidden");\n`).outside).toEqual(['console.log("hidden");']);
    expect(() => regionsOf(`${START}const x = 1;\n`)).toThrow(/region/);
  });

  it("type-check a `continued` block as the rest of the one before it", () => {
    const fence = "```";
    const markdown = `${fence}ts typecheck\nconst a = 1;\n${fence}\n\nprose\n\n${fence}ts typecheck continued\nconsole.log(a);\n${fence}\n`;
    expect(extractSnippets(markdown, "guide.md")).toEqual([
      { where: "guide.md:1", code: "const a = 1;\nconsole.log(a);\n", mode: "typecheck", claims: [] },
    ]);
  });
});
