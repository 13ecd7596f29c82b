/**
 * The fast input check (src/engine/quick-inputs.ts) beside the zod schemas it stands in for: on
 * fuzzed inputs, valid and invalid, it either gives up (null) or gives exactly what zod gives, and
 * it vouches for the usual shapes, so the fast path is really taken. fast-check prints the seed of
 * any failure.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { enrollSchema, purchaseSchema } from "../../src/engine/commands.js";
import { quickEnroll, quickPurchase } from "../../src/engine/quick-inputs.js";
import { normalAmount } from "../../src/engine/write-path.js";
import { canonicalJson } from "../../src/shared/canonical.js";
import { Decimal } from "../../src/shared/decimal.js";
import { safeParse } from "../../src/shared/validation.js";

const id = fc.oneof(
  { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  fc.constantFrom("", "a".repeat(200), "a".repeat(201), "nul\u0000", "lone\uD800", "ok\uD83D\uDE00", "constructor"),
);
const digits = fc.stringMatching(/^\d{1,17}$/);
const amountText = fc.oneof(
  fc.tuple(digits, fc.option(fc.stringMatching(/^\d{0,10}$/))).map(([i, f]) => (f === null ? i : `${i}.${f}`)),
  fc.constantFrom(
    "0",
    "0.00",
    "00.5",
    "-1",
    "1e3",
    " 1",
    "1.",
    ".5",
    "999999999999999",
    "1000000000000000",
    "0.000000001",
  ),
  fc.double().map(String),
);
const instantText = fc.oneof(
  fc
    .date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom("2026-02-30T10:00:00Z", "2026-01-01T10:00:00", "2026-01-01T10:00:00+25:00", "2026-01-01T10:00+01:00"),
);
const instantValue = fc.oneof(instantText, fc.date(), fc.constant(new Date(NaN)));
const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date(),
);

/** A record whose fields are drawn from `fields`, each present or not, plus now and then an unknown key. */
function record(fields: Record<string, fc.Arbitrary<unknown>>, required: readonly string[]) {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, arb] of Object.entries(fields)) shape[k] = fc.oneof({ weight: 12, arbitrary: arb }, anyValue);
  const keys = Object.keys(fields);
  const optional = keys.filter((k) => !required.includes(k));
  return fc
    .tuple(
      fc.record(shape, { requiredKeys: [...required] }),
      fc.subarray(optional),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(null) },
        fc.constantFrom("extra", "lines", "attributes", "__proto__"),
      ),
      anyValue,
    )
    .map(([r, dropped, extra, value]) => {
      const out: Record<string, unknown> = { ...r };
      for (const k of dropped) delete out[k];
      if (extra !== null) Object.defineProperty(out, extra, { value, enumerable: true, writable: true });
      return out;
    });
}

const purchaseInput = fc.oneof(
  record(
    {
      key: id,
      memberId: id,
      purchaseId: id,
      amount: amountText,
      currency: fc.constantFrom("GBP", "USD", "JPY", "gbp", "XYZ", ""),
      occurredAt: instantValue,
    },
    ["key", "memberId", "purchaseId", "amount", "currency"],
  ),
  anyValue,
);
const enrollInput = fc.oneof(
  record(
    {
      key: id,
      memberId: id,
      joinedAt: instantValue,
      birthday: fc.constantFrom("05-17", "02-29", "1990-05-17", "1990-02-29", "13-01", "5-17", ""),
    },
    ["key", "memberId"],
  ),
  anyValue,
);

/** The quick answer agrees with zod's: null, or zod's very output (canonical text and the same values). */
function agrees(quick: object | null, zod: ReturnType<typeof safeParse>) {
  if (quick === null) return;
  expect(zod.success).toBe(true);
  if (!zod.success) return;
  expect(canonicalJson(quick)).toBe(canonicalJson(zod.data));
  const data = zod.data as Record<string, unknown>;
  expect(Object.keys(quick).sort()).toEqual(Object.keys(data).sort());
  for (const [k, v] of Object.entries(quick)) expect(v).toBe(data[k]);
}

describe("quick input checks agree with the zod schemas", () => {
  it("recordPurchase: null, or what purchaseSchema parses", () => {
    let vouched = 0;
    fc.assert(
      fc.property(purchaseInput, (input) => {
        const quick = quickPurchase(input);
        if (quick !== null) vouched++;
        agrees(quick, safeParse(purchaseSchema, input));
      }),
      { numRuns: 2000 },
    );
    expect(vouched).toBeGreaterThan(20); // the fast path is taken, not only given up on
  });

  it("enroll: null, or what enrollSchema parses", () => {
    let vouched = 0;
    fc.assert(
      fc.property(enrollInput, (input) => {
        const quick = quickEnroll(input);
        if (quick !== null) vouched++;
        agrees(quick, safeParse(enrollSchema, input));
      }),
      { numRuns: 2000 },
    );
    expect(vouched).toBeGreaterThan(20);
  });

  it("vouches for the usual shapes", () => {
    const purchase = { key: "k1", memberId: "m1", purchaseId: "p1", amount: "12.50", currency: "GBP" };
    expect(quickPurchase(purchase)).toEqual(purchase);
    expect(quickPurchase({ ...purchase, occurredAt: "2026-01-01T10:00:00Z" })).not.toBeNull();
    expect(quickEnroll({ key: "k", memberId: "m", joinedAt: new Date(0), birthday: "05-17" })).not.toBeNull();
    // Given up on, for zod to parse: lines, attributes, an undefined optional field, a class instance.
    expect(quickPurchase({ ...purchase, lines: [] })).toBeNull();
    expect(quickPurchase({ ...purchase, attributes: {} })).toBeNull();
    expect(quickPurchase({ ...purchase, occurredAt: undefined })).toBeNull();
    expect(
      quickEnroll(
        new (class {
          key = "k";
          memberId = "m";
        })(),
      ),
    ).toBeNull();
    expect(quickPurchase({ ...purchase, amount: "0.00" })).toBeNull();
  });
});

describe("the payload hash's amount form", () => {
  it("normalAmount is Decimal's toFixed of the amount", () => {
    const literal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,20}$/), fc.option(fc.stringMatching(/^\d{1,12}$/)))
      .map(([neg, i, f]) => `${neg ? "-" : ""}${i.replace(/^0+(?=\d)/, "")}${f === null ? "" : `.${f}`}`);
    fc.assert(
      fc.property(fc.oneof(literal, fc.constantFrom("0", "-0", "0.0", "-0.5", "10", "10.00", "0.10")), (text) => {
        expect(normalAmount(text)).toBe(new Decimal(text).toFixed());
      }),
      { numRuns: 2000 },
    );
  });
});
