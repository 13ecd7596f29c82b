/**
 * Tolerant readers of a program definition that has not been validated: the cross-reference checks
 * run on the raw input (so that they report alongside schema problems) and must not throw on it.
 */
import { parseInstant } from "../shared/validation.js";

export const isObj = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export const instantOf = (value: unknown) =>
  typeof value === "string" ? parseInstant(value) : value instanceof Date ? value.getTime() : null;
