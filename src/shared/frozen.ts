import type { Decimal } from "./decimal.js";

/**
 * Deep freezing of plain data (objects, arrays, strings, numbers, booleans, null): a frozen value
 * can be handed to any caller as it is, since none can change it. The compiled program's
 * definition is frozen so; the memory store keeps what a commit hands it so, so that a load costs
 * neither a parse nor a copy.
 */
export function frozen<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    // Arrays by index: Object.keys would make a string per element (a snapshot's lots, a year of them).
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) frozen(value[i]);
    else for (const key of Object.keys(value)) frozen((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Values that are read-only already: a Decimal is a value, a Date is taken as one, functions are code. */
type Immutable =
  Decimal | Date | string | number | boolean | bigint | symbol | null | undefined | ((...args: never[]) => unknown);

/**
 * `T` with every property read-only, all the way down. A type, not a freeze: it makes the compiler
 * refuse an assignment, at no cost at run time. The ledger's decisions see member state so; a
 * program definition is accepted so, which lets `as const` objects in.
 */
export type DeepReadonly<T> = T extends Immutable
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : { readonly [K in keyof T]: DeepReadonly<T[K]> };
