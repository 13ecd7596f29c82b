/**
 * docs/errors.md's table is the library's: one row per error code, in ERROR_CODES order, with the
 * status HTTP_STATUS gives and the retry advice RETRY_WITH_SAME_KEY gives.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, HTTP_STATUS, LoyaltyError, RETRY_WITH_SAME_KEY, httpStatusOf } from "../../src/index.js";
import { root } from "./snippets.js";

const rows = readFileSync(join(root, "docs/errors.md"), "utf8")
  .split("\n")
  .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
  .map((line) => line.split("|").map((cell) => cell.trim()))
  .map(([, code, status, retry]) => ({ code: code!.replaceAll("`", ""), status: Number(status), retry: retry === "yes" }));

describe("docs/errors.md", () => {
  it("has a row for every error code, in order, with the library's status and retry advice", () => {
    expect(rows.map((r) => r.code)).toEqual([...ERROR_CODES]);
    for (const row of rows) {
      const code = row.code as keyof typeof HTTP_STATUS;
      expect({ code, status: row.status, retry: row.retry }).toEqual({
        code,
        status: HTTP_STATUS[code],
        retry: RETRY_WITH_SAME_KEY.includes(code),
      });
    }
  });

  it("httpStatusOf answers a LoyaltyError's status, and 500 for anything else", () => {
    for (const code of ERROR_CODES) expect(httpStatusOf(new LoyaltyError(code, "x"))).toBe(HTTP_STATUS[code]);
    expect(httpStatusOf(new Error("boom"))).toBe(500);
    expect(httpStatusOf("not even an error")).toBe(500);
  });
});
