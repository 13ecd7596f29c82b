/**
 * `instanceof` across copies of the library. A process can hold two copies of loyalty-engine: its
 * ESM and CJS builds (one package imported by ESM code and required by a CJS dependency), or two
 * bundles. Each copy has its own classes, so a plain `instanceof` is false for an error thrown by
 * the other. A brand is a registered symbol (`Symbol.for`), the same in every copy and realm; the
 * branded classes answer `instanceof` by it.
 */

/** The process-wide brand of one of the library's classes, by its name. */
export function brand(name: string): symbol {
  return Symbol.for(`loyalty-engine.${name}`);
}

/** Puts `mark` on `instance`, not enumerable, so that it stays out of JSON and logs. */
export function mark(instance: object, mark: symbol): void {
  Object.defineProperty(instance, mark, { value: true });
}

/** Whether `value` carries `mark`, whichever copy of the library made it. */
export function hasBrand(value: unknown, mark: symbol): boolean {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    (value as Record<symbol, unknown>)[mark] === true
  );
}
