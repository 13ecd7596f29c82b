/**
 * Deep freezing: how the memory store keeps what a commit hands it without copying it. A frozen
 * value can be handed to any caller as it is: no caller can change what the store holds, and a
 * load costs neither a parse nor a copy. The values are plain JSON-shaped data (objects, arrays,
 * strings, numbers, booleans, null), which a commit's snapshot, entries and records all are.
 */
export function frozen<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) frozen((value as Record<string, unknown>)[key]);
  }
  return value;
}
