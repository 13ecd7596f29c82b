/**
 * Tolerant readers of a program definition that has not been validated: the cross-reference checks
 * run on the raw input (so that they report alongside schema problems) and must not throw on it.
 */
import { parseInstant } from "../shared/validation.js";

export const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export const instantOf = (v: unknown) =>
  typeof v === "string" ? parseInstant(v) : v instanceof Date ? v.getTime() : null;
