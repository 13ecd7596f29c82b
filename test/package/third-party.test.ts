/**
 * dist/ inlines zod and date-fns (tsup.config.ts, issue 12): the licence notice the build writes
 * beside them names every inlined package with its version and carries its licence text.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { INLINED, thirdPartyNotices } from "../../tsup.config.js";

const modules = fileURLToPath(new URL("../../node_modules", import.meta.url));

describe("the licence notice of the inlined packages", () => {
  it("names each inlined package at its installed version, with its licence text", () => {
    const notice = thirdPartyNotices(modules);
    for (const name of INLINED) {
      const { version } = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")) as { version: string };
      expect(notice).toContain(`## ${name} ${version} (MIT)`);
    }
    expect(notice.match(/Permission is hereby granted, free of charge/g)).toHaveLength(INLINED.length);
  });
});
