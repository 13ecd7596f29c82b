/**
 * The schemas are built with zod/mini (issue 12: a third of the classic API's bytes), which, unlike
 * the classic API, registers no locale. For the issue codes our error map leaves to zod (an enum's
 * options, a discriminator), validation.ts registers zod's English before a parse, unless a locale
 * is already set: these texts stay what they were under the classic API, and a user's own locale on
 * zod's shared configuration is not undone.
 */
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import fr from "zod/v4/locales/fr.js";
import { programSchema } from "../../src/program/schema.js";
import { safeParse } from "../../src/shared/validation.js";
import { exampleProgram } from "../../examples/program.js";

const badKinds = {
  ...exampleProgram,
  wallets: [{ ...exampleProgram.wallets[0], kind: "gold" }],
  expiry: { kind: "weekly" },
};

const issuesOf = (input: unknown) => {
  const result = safeParse(programSchema, input);
  if (result.success) throw new Error("expected the program to be refused");
  return result.issues;
};

describe("zod's own texts under zod/mini", () => {
  afterEach(() => {
    z.config({ localeError: undefined });
  });

  it("are zod's English ones, as under the classic API, with no locale set", () => {
    z.config({ localeError: undefined });
    expect(issuesOf(badKinds)).toContainEqual({
      path: ["wallets", 0, "kind"],
      message: 'Invalid option: expected one of "spendable"|"qualifying"|"counter"',
    });
    // Our own texts are untouched by the locale.
    expect(issuesOf({ ...exampleProgram, id: "" })).toEqual([{ path: ["id"], message: "Must not be empty." }]);
  });

  it("are the user's locale's when they set one on zod's shared configuration", () => {
    z.config(fr());
    const kind = issuesOf(badKinds).find((i) => i.path.join(".") === "wallets.0.kind");
    expect(kind?.message).toBe(
      fr().localeError({
        code: "invalid_value",
        values: ["spendable", "qualifying", "counter"],
        input: "gold",
      } as never),
    );
    expect(kind?.message).not.toContain("Invalid option");
  });
});
