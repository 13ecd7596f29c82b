/**
 * The links of README.md and docs/: every relative link names a file that exists, and the README's
 * (which npm shows on the package's page) only files the package publishes.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./snippets.js";

const docs = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** Relative link targets of a Markdown file, resolved from the repository's root, anchors dropped. */
function relativeLinks(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(LINK)]
    .map((m) => m[1]!.split("#")[0]!)
    .filter((target) => target !== "" && !/^[a-z]+:/i.test(target))
    .map((target) => normalize(join(dirname(file), target)));
}

/** Whether package.json's `files` publishes a path (entries are folders, files or `dir/*.ext`). */
function published(path: string): boolean {
  const { files } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { files: string[] };
  return files.some((entry) => {
    if (entry.includes("*")) {
      const pattern = new RegExp(`^${entry.replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}$`);
      return pattern.test(path);
    }
    return path === entry || path.startsWith(`${entry}/`);
  });
}

describe("links in README.md and docs/", () => {
  it("name files that exist", () => {
    const broken = docs.flatMap((file) => relativeLinks(file).filter((t) => !existsSync(join(root, t))).map((t) => `${file} -> ${t}`));
    expect(broken).toEqual([]);
  });

  it("from the README, name only files the npm package publishes", () => {
    const links = docs.flatMap((file) => (file === "README.md" ? relativeLinks(file) : []));
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((t) => !published(t))).toEqual([]);
  });

  it("list every page of docs/ in the README's Documentation list and in docs/README.md", () => {
    const pages = docs.filter((f) => f.startsWith("docs/") && f !== "docs/README.md");
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const list = readme.slice(readme.indexOf("## Documentation"), readme.indexOf("\n## ", readme.indexOf("## Documentation") + 1));
    const index = relativeLinks("docs/README.md");
    expect(pages.filter((page) => !list.includes(`](${page})`))).toEqual([]);
    expect(pages.filter((page) => !index.includes(page))).toEqual([]);
  });

  it("tells published files from unpublished ones", () => {
    expect(published("docs/ledger.md")).toBe(true);
    expect(published("src/index.ts")).toBe(false);
    expect(published("examples/program.ts")).toBe(false);
  });
});
