import { Decimal as DecimalJs } from "decimal.js";

/**
 * The one Decimal constructor the library uses. A clone, so that a host application that changes
 * the global decimal.js configuration cannot change our arithmetic; 40 significant digits is far
 * beyond any amount or rate a program can declare, so intermediate products are exact.
 */
export const Decimal = DecimalJs.clone({
  precision: 40,
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
