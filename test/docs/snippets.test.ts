/**
 * Every TypeScript block of README.md and docs/*.md runs (or type-checks, where marked) in the
 * tests, and its console.log claims hold: a doc that drifts from the code fails here.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { root, runSnippet, snippetsOf, typecheckConfig, writeSnippet, type Snippet } from "./snippets.js";

const docs = ["README.md", ...readdirSync(`${root}docs`).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const snippets = snippetsOf(docs);
const runnable = snippets.filter((s) => s.mode === "run");

/** tsc over the given blocks; resolves to its output, empty when clean. */
function typecheck(blocks: readonly Snippet[]): string {
  const config = typecheckConfig(blocks.map(writeSnippet));
  try {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", config], { encoding: "utf8" });
    return "";
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe("the docs' code blocks", () => {
  it("are found: the README's example among them", () => {
    expect(runnable.map((s) => s.where)).toContainEqual(expect.stringMatching(/^README\.md:/));
  });

  it.each(runnable.map((s) => [s.where, s] as const))("%s runs as written and logs what it says", async (_, snippet) => {
    const logged = await runSnippet(snippet);
    expect(snippet.claims.map(({ call }) => logged[call])).toEqual(snippet.claims.map(({ value }) => value));
  });

  it("all type-check as written (the ones that need a server or a test runner only type-check)", () => {
    expect(typecheck(snippets)).toBe("");
  });

  it("fail when a block breaks: a misspelt wallet, a wrong claim, a type error", async () => {
    const readme = runnable.find((s) => s.where.startsWith("README.md"))!;
    const broken = (code: string): Snippet => ({ ...readme, where: `broken-${readme.where}`, code });
    // A wallet the program does not have: refused at run time (and a type error, see below).
    await expect(runSnippet(broken(readme.code.replace('wallet: "points", points: "100" })', 'wallet: "pionts", points: "100" })')), "w")).rejects.toThrow(/pionts/);
    // A claim that no longer holds.
    const first = readme.claims[0]!;
    const logged = await runSnippet({ ...readme, where: "claim-README" }, "c");
    expect(logged[first.call]).toEqual(first.value);
    expect(logged[first.call]).not.toEqual("999");
    expect(typecheck([broken(readme.code.replace('wallet: "points", points: "100" })', 'wallet: "pionts", points: "100" })'))])).toMatch(/pionts/);
  });
});
