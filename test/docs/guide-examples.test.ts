/**
 * The guides that show an example project's files show them whole: each `ts typecheck` block of
 * the guide is, byte for byte, one file of the project (the snippet harness type-checks the
 * blocks; test/examples runs the files).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blocksOf, root } from "./snippets.js";

const read = (file: string) => readFileSync(join(root, file), "utf8");

/** Each guide with the example files its type-checked blocks show, in order. */
const GUIDES: Record<string, readonly string[]> = {
  "docs/http-backend.md": ["examples/http-backend/app.ts", "examples/http-backend/engine.ts"],
  "docs/writing-a-store.md": ["examples/custom-store/json-kv-store.ts"],
  "docs/serverless.md": ["examples/serverless/handler.ts"],
};

const shown = (guide: string) =>
  blocksOf(read(guide))
    .filter((b) => b.words.includes("typecheck"))
    .map((b) => b.code);

describe.each(Object.entries(GUIDES))("%s", (guide, files) => {
  it("shows its example files whole, byte for byte", () => {
    expect(shown(guide)).toEqual(files.map(read));
  });

  it("would fail on a drift", () => {
    const edited = read(guide).replace("export ", "export  ");
    const blocks = blocksOf(edited).filter((b) => b.words.includes("typecheck"));
    expect(blocks.map((b) => b.code)).not.toEqual(files.map(read));
  });
});
