/**
 * The currency table and the time-zone check that replaced `Intl` in the compile (issue 12: the
 * first `Intl` call with locale data costs ~12 ms of a cold start) accept and refuse exactly what
 * `Intl` does in the running runtime, and a compiled program carries the table's minor units. The
 * program's one-off parse skips zod's compiled fast path (same issue): it gives what the compiled
 * path gives, value or issues.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileProgram } from "../../src/index.js";
import { programSchema } from "../../src/program/schema.js";
import { currencyPlaces, isCurrency, knownCurrencies } from "../../src/shared/currencies.js";
import { safeParse } from "../../src/shared/validation.js";
import { isTimeZone } from "../../src/shared/zones.js";
import { exampleProgram } from "../../examples/program.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

/** The check the compile used before: constructing a formatter throws on a zone ICU does not know. */
function intlAcceptsZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

const intlPlaces = (code: string) =>
  new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits;

describe("currencies without Intl", () => {
  it("the table holds the runtime's currencies, each with the minor unit Intl gives it", () => {
    const runtime = Intl.supportedValuesOf("currency");
    const table = knownCurrencies();
    expect([...table.keys()].sort()).toEqual([...runtime].sort());
    for (const code of runtime) expect([code, currencyPlaces(code)]).toEqual([code, intlPlaces(code)]);
  });

  it("refuses what Intl does not list (lower case, unknown, empty)", () => {
    const runtime = new Set(Intl.supportedValuesOf("currency"));
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 4 }), fc.stringMatching(/^[A-Za-z]{3}$/), fc.constantFrom(...runtime)),
        (code) => {
          expect(isCurrency(code)).toBe(runtime.has(code));
        },
      ),
      { numRuns: RUNS * 10 },
    );
  });

  it("a compiled program carries the currency's minor unit, and the reward values are checked against it", () => {
    // The example's catalogue prices its voucher at "5.00": two decimals, too many for yen.
    expect(compileProgram({ ...exampleProgram, currency: "GBP" }).currencyPlaces).toBe(2);
    expect(compileProgram({ ...exampleProgram, currency: "KWD" }).currencyPlaces).toBe(3);
    expect(() => compileProgram({ ...exampleProgram, currency: "JPY" })).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([expect.objectContaining({ path: ["rewards", 0, "value"] })]),
      }),
    );
  });
});

describe("time zones without locale data", () => {
  const canonical = Intl.supportedValuesOf("timeZone");
  // Names outside the canonical list that ICU accepts (aliases, other case) or refuses.
  const others = ["UTC", "Etc/UTC", "GMT", "US/Eastern", "Asia/Calcutta", "europe/london", "Europe/Londn", "Mars/Base"];

  it("accepts and refuses exactly the zones an Intl.DateTimeFormat accepts", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...canonical, ...others),
          fc.string({ maxLength: 20 }),
          fc.constantFrom(...canonical).map((z) => z.toUpperCase()),
        ),
        (zone) => {
          expect(isTimeZone(zone)).toBe(intlAcceptsZone(zone));
        },
      ),
      { numRuns: RUNS * 10 },
    );
  });

  it("a program in an alias zone compiles; one in an unknown zone is refused at timeZone", () => {
    expect(compileProgram({ ...exampleProgram, timeZone: "UTC" }).timeZone).toBe("UTC");
    expect(() => compileProgram({ ...exampleProgram, timeZone: "Europe/Londn" })).toThrow(
      expect.objectContaining({ code: "INVALID_PROGRAM", issues: [expect.objectContaining({ path: ["timeZone"] })] }),
    );
  });
});

describe("the program's parse without zod's compiled fast path", () => {
  it("gives the same value or the same issues as the compiled path, on the example and on broken copies", () => {
    const keys = Object.keys(exampleProgram);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...keys, "extra"), fc.anything()), { maxLength: 3 }),
        fc.constantFrom(0, 1),
        (edits, index) => {
          const def: Record<string, unknown> = structuredClone(exampleProgram);
          // Break a rule deep down too, half the time, so nested objects take both paths.
          if (index === 1) (def.rules as unknown[])[0] = { ...(exampleProgram.rules[0] as object), priority: "high" };
          for (const [key, value] of edits) def[key] = value;
          expect(safeParse(programSchema, def, { once: true })).toEqual(safeParse(programSchema, def));
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });
});
