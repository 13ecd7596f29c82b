import { Decimal as DecimalJs } from "decimal.js";

/**
 * Significant digits of every result. With the figures bounded (src/shared/figures.ts: at most
 * 10^15 and 8 decimals, so at most 23 digits; wallet totals below 10^30, at most 38 digits), every
 * product the engine computes has at most 38 + 23 = 61 digits and is exact, every sum of totals is
 * exact, and a quotient (1 point per £3; below 10^30) keeps at least 26 digits beyond the point's
 * scale, more than its divisor has (at most 23), so its one rounding to the scale is the exact
 * quotient's (docs/ledger.md, "Exact arithmetic").
 */
export const PRECISION = 64;

/**
 * The one Decimal constructor the library uses. A clone, so that a host application that changes
 * the global decimal.js configuration cannot change our arithmetic.
 */
export const Decimal = DecimalJs.clone({
  precision: PRECISION,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);

/** Rounding modes a program may name, mapped to decimal.js constants. */
export const ROUNDING_MODES = {
  down: DecimalJs.ROUND_DOWN,
  up: DecimalJs.ROUND_UP,
  half_up: DecimalJs.ROUND_HALF_UP,
  half_down: DecimalJs.ROUND_HALF_DOWN,
  half_even: DecimalJs.ROUND_HALF_EVEN,
  floor: DecimalJs.ROUND_FLOOR,
  ceil: DecimalJs.ROUND_CEIL,
} as const;
export type RoundingMode = keyof typeof ROUNDING_MODES;

/** Rounds to `scale` decimals with the named mode. The only place amounts are rounded. */
export function roundTo(value: Decimal, scale: number, mode: RoundingMode): Decimal {
  return value.toDecimalPlaces(scale, ROUNDING_MODES[mode]);
}

/** Canonical wire form: plain notation, exactly `scale` decimals (no exponent, no float). */
export function formatAmount(value: Decimal, scale: number): string {
  return value.toFixed(scale);
}

/** A strict decimal literal: optional minus, digits, optional fraction. No exponent, no spaces. */
export const DECIMAL_LITERAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

export function decimalPlaces(literal: string): number {
  const dot = literal.indexOf(".");
  return dot < 0 ? 0 : literal.length - dot - 1;
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

export function min(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}
