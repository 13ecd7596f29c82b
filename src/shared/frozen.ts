/**
 * Deep freezing of plain data (objects, arrays, strings, numbers, booleans, null): a frozen value
 * can be handed to any caller as it is, since none can change it. The compiled program's
 * definition is frozen so; the memory store keeps what a commit hands it so, so that a load costs
 * neither a parse nor a copy.
 */
export function frozen<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) frozen((value as Record<string, unknown>)[key]);
  }
  return value;
}
