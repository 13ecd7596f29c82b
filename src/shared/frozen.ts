import type { Decimal } from "./decimal.js";

/**
 * A deeply frozen copy of plain data (objects, arrays, strings, numbers, booleans, null): a frozen
 * value can be handed to any caller as it is, since none can change it. The compiled program's
 * definition is frozen so; the memory store keeps what a commit hands it so, so that a load costs
 * neither a parse nor a copy. Use the value returned: parts not frozen yet are copied, parts
 * frozen already are shared as they are.
 *
 * Why a copy rather than `Object.freeze` in place: V8 gives an object made by spreading
 * (`{ ...body, id }`, the way the ledger builds entries, lots and snapshots) a hidden class outside
 * its class tree, and freezing such an object makes a new class for it alone, every time. Measured
 * on the CDNOW replay: a class per stored entry and lot (hundreds of thousands), freezing took
 * ~45 µs per object against under 1 µs for an object built key by key, and a quarter of the CPU of
 * a command went to it. A copy built key by key from `{}` shares its classes with every object of
 * the same keys, and their frozen twins too. Objects that are not plain data (a Decimal, a Date:
 * values already) are frozen in place.
 */
export function frozen<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = frozen(value[i] as unknown);
    return Object.freeze(out) as T;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  const source = value as Record<string, unknown>;
  if (proto !== Object.prototype && proto !== null) {
    Object.freeze(value);
    for (const key of Object.keys(source)) frozen(source[key]);
    return value;
  }
  // Prototype-less objects (keyed by ids: shared/id-keyed.ts) stay so.
  const out = (proto === null ? Object.create(null) : {}) as Record<string, unknown>;
  for (const key in source) {
    const part = frozen(source[key]);
    // "__proto__" is data here (an id from a user): an assignment would set the prototype.
    if (key === "__proto__")
      Object.defineProperty(out, key, { value: part, enumerable: true, writable: true, configurable: true });
    else out[key] = part;
  }
  return Object.freeze(out) as T;
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
