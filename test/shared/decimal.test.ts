/**
 * Laws of the amount helpers (src/shared/decimal.ts) and of parseInstant
 * (src/shared/validation.ts), checked with fast-check.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DECIMAL_LITERAL,
  Decimal,
  ROUNDING_MODES,
  decimalPlaces,
  formatAmount,
  min,
  roundTo,
  sum,
  type RoundingMode,
} from "../../src/shared/decimal.js";
import { parseInstant } from "../../src/shared/validation.js";

const MODES = Object.keys(ROUNDING_MODES) as RoundingMode[];
const modeArb = fc.constantFrom(...MODES);
const scaleArb = fc.integer({ min: 0, max: 8 });

/** Any decimal a program or a purchase could carry: up to 15 integer digits and 12 decimals, either sign. */
const decimalArb = fc
  .tuple(fc.bigInt({ min: -(10n ** 27n), max: 10n ** 27n }), fc.integer({ min: 0, max: 12 }))
  .map(([units, places]) => new Decimal(units.toString()).div(new Decimal(10).pow(places)));
/** Values that sit exactly on a tie at `scale`: k + 0.5 units of the scale. */
const tieArb = fc.tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), scaleArb).map(([k, scale]) => ({
  value: new Decimal(k.toString()).plus("0.5").div(new Decimal(10).pow(scale)),
  k,
  scale,
}));

describe("roundTo", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(decimalArb, scaleArb, modeArb, (x, scale, mode) => {
        const once = roundTo(x, scale, mode);
        expect(roundTo(once, scale, mode).eq(once)).toBe(true);
        // rounding an already rounded value with any other mode changes nothing either
        for (const other of MODES) expect(roundTo(once, scale, other).eq(once)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("differs from x by less than one unit of the scale, and has at most `scale` decimals", () => {
    fc.assert(
      fc.property(decimalArb, scaleArb, modeArb, (x, scale, mode) => {
        const r = roundTo(x, scale, mode);
        expect(r.minus(x).abs().lt(new Decimal(10).pow(-scale))).toBe(true);
        expect(r.decimalPlaces()).toBeLessThanOrEqual(scale);
      }),
      { numRuns: 500 },
    );
  });

  it("each mode rounds in its direction", () => {
    fc.assert(
      fc.property(decimalArb, scaleArb, (x, scale) => {
        const r = (m: RoundingMode) => roundTo(x, scale, m);
        expect(r("floor").lte(x) && r("ceil").gte(x)).toBe(true);
        expect(r("down").abs().lte(x.abs()) && r("up").abs().gte(x.abs())).toBe(true);
        const half = new Decimal(10).pow(-scale).div(2);
        for (const m of ["half_up", "half_down", "half_even"] as const)
          expect(r(m).minus(x).abs().lte(half)).toBe(true);
        // every mode gives one of the two neighbours
        for (const m of MODES) expect(r(m).eq(r("floor")) || r(m).eq(r("ceil"))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("is monotone in x for every mode", () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, scaleArb, modeArb, (a, b, scale, mode) => {
        const [lo, hi] = a.lte(b) ? [a, b] : [b, a];
        expect(roundTo(lo, scale, mode).lte(roundTo(hi, scale, mode))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("half_even and half_up agree except on ties whose kept digit is even", () => {
    fc.assert(
      fc.property(tieArb, ({ value, k, scale }) => {
        const even = roundTo(value, scale, "half_even");
        const up = roundTo(value, scale, "half_up");
        const unit = new Decimal(10).pow(-scale);
        const kDec = new Decimal(k.toString()).times(unit);
        const away = value.isNeg() ? kDec : kDec.plus(unit); // half_up goes away from zero
        expect(up.eq(away)).toBe(true);
        // half_even lands on the neighbour whose last kept digit is even
        const evenUnits = even.div(unit);
        expect(evenUnits.isInteger() && evenUnits.mod(2).isZero()).toBe(true);
        const kEven = k % 2n === 0n;
        // value lies between k and k + 1 units; half_even takes k when k is even, else k + 1
        expect(even.eq(kEven ? kDec : kDec.plus(unit))).toBe(true);
        // so they differ exactly when the tie's even neighbour is the one nearer zero
        expect(even.eq(up)).toBe(!even.abs().lt(up.abs()));
      }),
      { numRuns: 500 },
    );
  });

  it("worked examples at scale 0 and 2", () => {
    const cases: [string, number, Record<RoundingMode, string>][] = [
      ["2.5", 0, { down: "2", up: "3", half_up: "3", half_down: "2", half_even: "2", floor: "2", ceil: "3" }],
      ["3.5", 0, { down: "3", up: "4", half_up: "4", half_down: "3", half_even: "4", floor: "3", ceil: "4" }],
      ["-2.5", 0, { down: "-2", up: "-3", half_up: "-3", half_down: "-2", half_even: "-2", floor: "-3", ceil: "-2" }],
      [
        "0.125",
        2,
        {
          down: "0.12",
          up: "0.13",
          half_up: "0.13",
          half_down: "0.12",
          half_even: "0.12",
          floor: "0.12",
          ceil: "0.13",
        },
      ],
      [
        "0.135",
        2,
        {
          down: "0.13",
          up: "0.14",
          half_up: "0.14",
          half_down: "0.13",
          half_even: "0.14",
          floor: "0.13",
          ceil: "0.14",
        },
      ],
      [
        "0.1251",
        2,
        {
          down: "0.12",
          up: "0.13",
          half_up: "0.13",
          half_down: "0.13",
          half_even: "0.13",
          floor: "0.12",
          ceil: "0.13",
        },
      ],
    ];
    for (const [x, scale, expected] of cases)
      for (const mode of MODES)
        expect(roundTo(new Decimal(x), scale, mode).eq(expected[mode]), `${x} ${mode}`).toBe(true);
  });

  it("is not affected by the host application's global decimal.js settings", async () => {
    const { Decimal: Global } = await import("decimal.js");
    const saved = { precision: Global.precision, rounding: Global.rounding };
    try {
      Global.set({ precision: 3, rounding: Global.ROUND_DOWN });
      expect(roundTo(new Decimal("123456.785"), 2, "half_up").toString()).toBe("123456.79");
      expect(new Decimal("1234567890.123").times(3).toString()).toBe("3703703670.369");
    } finally {
      Global.set(saved);
    }
  });
});

describe("formatAmount", () => {
  it("has exactly `scale` decimals, plain notation, and parses back to the rounded value", () => {
    fc.assert(
      fc.property(decimalArb, scaleArb, modeArb, (x, scale, mode) => {
        const rounded = roundTo(x, scale, mode);
        const text = formatAmount(rounded, scale);
        expect(text).toMatch(scale === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${scale}}$`));
        expect(decimalPlaces(text)).toBe(scale);
        expect(DECIMAL_LITERAL.test(text.replace(/^-0(?=\.|$)/, "0"))).toBe(true);
        expect(new Decimal(text).eq(rounded)).toBe(true);
        // the wire form is stable: formatting what was parsed gives the same text
        expect(formatAmount(new Decimal(text), scale)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it("never uses exponent notation, even for very large or very small values", () => {
    expect(formatAmount(new Decimal("1e15"), 0)).toBe("1000000000000000");
    expect(formatAmount(new Decimal("123456789012345678901234567890"), 2)).toBe("123456789012345678901234567890.00");
    expect(formatAmount(new Decimal("1e-9"), 8)).toBe("0.00000000");
    expect(formatAmount(new Decimal("0.00000001"), 8)).toBe("0.00000001");
    expect(formatAmount(new Decimal(0), 2)).toBe("0.00");
    expect(formatAmount(new Decimal("12.5"), 0)).toBe("13");
  });
});

describe("sum and min", () => {
  it("sum is order-independent and exact", () => {
    fc.assert(
      fc.property(fc.array(decimalArb, { maxLength: 30 }), fc.integer(), (values, seed) => {
        const shuffled = [...values];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const a = sum(values),
          b = sum(shuffled),
          c = sum([...values].reverse());
        expect(a.eq(b)).toBe(true);
        expect(a.eq(c)).toBe(true);
        // exact: adding back the negatives gives zero
        expect(sum([...values, ...values.map((v) => v.neg())]).isZero()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("sum is exact where floats are not", () => {
    expect(sum(["0.1", "0.2"].map((s) => new Decimal(s))).toString()).toBe("0.3");
    expect(sum(Array.from({ length: 10 }, () => new Decimal("0.1"))).eq(1)).toBe(true);
    expect(sum([]).isZero()).toBe(true);
    expect(sum(new Set([new Decimal("1.5"), new Decimal("2.25")])).toString()).toBe("3.75");
  });

  it("min returns the smaller", () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        const m = min(a, b);
        expect(m.lte(a) && m.lte(b) && (m.eq(a) || m.eq(b))).toBe(true);
        expect(min(b, a).eq(m)).toBe(true);
      }),
    );
  });
});

describe("decimalPlaces and DECIMAL_LITERAL", () => {
  it("count the written decimals", () => {
    expect(decimalPlaces("12")).toBe(0);
    expect(decimalPlaces("12.50")).toBe(2);
    expect(decimalPlaces("0.001")).toBe(3);
    for (const ok of ["0", "12", "-3", "0.5", "12.50", "-0.001"]) expect(DECIMAL_LITERAL.test(ok), ok).toBe(true);
    for (const bad of ["", "01", "1.", ".5", "1e3", " 1", "1,5", "+1", "NaN", "Infinity", "0x10"])
      expect(DECIMAL_LITERAL.test(bad), bad).toBe(false);
  });
});

describe("parseInstant", () => {
  it("accepts ISO 8601 timestamps with Z or a numeric offset", () => {
    expect(parseInstant("2026-03-01T12:00:00Z")).toBe(Date.UTC(2026, 2, 1, 12));
    expect(parseInstant("2026-03-01T12:00:00+01:00")).toBe(Date.UTC(2026, 2, 1, 11));
    expect(parseInstant("2026-03-01T12:00:00-05:30")).toBe(Date.UTC(2026, 2, 1, 17, 30));
    expect(parseInstant("2026-03-01T00:30:00+14:00")).toBe(Date.UTC(2026, 1, 28, 10, 30));
    expect(parseInstant("2026-03-01T12:00Z")).toBe(Date.UTC(2026, 2, 1, 12));
    expect(parseInstant("2026-03-01T12:00:00.5Z")).toBe(Date.UTC(2026, 2, 1, 12, 0, 0, 500));
    expect(parseInstant("2026-03-01T12:00:00.123Z")).toBe(Date.UTC(2026, 2, 1, 12, 0, 0, 123));
    expect(parseInstant("2026-03-01T12:00:00.123456789Z")).toBe(Date.UTC(2026, 2, 1, 12, 0, 0, 123));
    expect(parseInstant("2024-02-29T23:59:59Z")).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(parseInstant("2000-02-29T00:00:00Z")).toBe(Date.UTC(2000, 1, 29));
    expect(parseInstant("2026-12-31T23:59:59-12:00")).toBe(Date.UTC(2027, 0, 1, 11, 59, 59));
  });

  it("rejects invalid days, times and offsets", () => {
    for (const bad of [
      "2026-02-29T00:00:00Z", // not a leap year
      "2100-02-29T00:00:00Z", // century, not a leap year
      "2026-02-30T00:00:00Z",
      "2026-04-31T00:00:00Z",
      "2026-06-31T00:00:00Z",
      "2026-01-32T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T23:60:00Z",
      "2026-01-01T23:59:60Z",
      "2026-01-01T12:00:00+24:00",
      "2026-01-01T12:00:00+01:60",
    ])
      expect(parseInstant(bad), bad).toBeNull();
  });

  it("rejects what is not a full timestamp with an offset", () => {
    for (const bad of [
      "",
      "2026-03-01",
      "2026-03-01T12:00:00", // local time: ambiguous
      "2026-03-01 12:00:00Z",
      "2026-03-01T12Z",
      "2026-03-01T12:00:00+0100",
      "2026-03-01T12:00:00+01",
      "20260301T120000Z",
      "2026-3-1T12:00:00Z",
      "+002026-03-01T12:00:00Z",
      "2026-03-01T12:00:00.Z",
      "2026-03-01T12:00:00.1234567890Z",
      " 2026-03-01T12:00:00Z",
      "2026-03-01T12:00:00Z ",
      "2026-03-01t12:00:00z",
      "March 1, 2026",
      "1772366400000",
    ])
      expect(parseInstant(bad), JSON.stringify(bad)).toBeNull();
  });

  it("accepts 29 February of every leap year, including years before 100 (year 0000 is a leap year)", () => {
    expect(parseInstant("0004-02-29T00:00:00Z")).toBe(Date.parse("0004-02-29T00:00:00Z"));
    expect(parseInstant("0400-02-29T00:00:00Z")).toBe(Date.parse("0400-02-29T00:00:00Z"));
    expect(parseInstant("0000-02-29T00:00:00Z")).toBe(Date.parse("0000-02-29T00:00:00Z"));
    expect(parseInstant("0000-02-29T00:00:00Z")).not.toBeNull();
  });

  it("round-trips Date#toISOString for random instants (years 0000-9999)", () => {
    const min = Date.parse("0000-01-01T00:00:00Z");
    const max = Date.parse("9999-12-31T23:59:59.999Z");
    fc.assert(
      fc.property(fc.integer({ min, max }), (ms) => {
        const text = new Date(ms).toISOString();
        expect(parseInstant(text)).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees with Date.parse on random timestamps with random offsets", () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, "0");
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom("Z", "+"),
        fc.integer({ min: 0, max: 14 }),
        fc.constantFrom(0, 15, 30, 45),
        fc.boolean(),
        (y, mo, d, h, mi, s, ms, zone, oh, om, negative) => {
          const offset = zone === "Z" ? "Z" : `${negative ? "-" : "+"}${pad(oh)}:${pad(om)}`;
          const text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}${offset}`;
          const daysInMonth =
            new Date(Date.UTC(2000, mo, 0)).getUTCDate() -
            (mo === 2 && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 1 : 0);
          const result = parseInstant(text);
          if (d > daysInMonth) expect(result, text).toBeNull();
          else {
            expect(result, text).toBe(Date.parse(text));
            expect(result).not.toBeNull();
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
