/**
 * Paying with points at checkout: the cross-field check of the section (the shares in order) and
 * its compiled form (docs/checkout.md).
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { Decimal } from "../shared/decimal.js";
import type { Program, ValidDefinition } from "./compiled.js";
import { isObj } from "./raw-input.js";

/** How long a hold lasts when the program does not say. */
export const DEFAULT_HOLD_MINUTES = 15;

const decimalOr = (v: unknown): Decimal | null => {
  try {
    return typeof v === "string" ? new Decimal(v) : null;
  } catch {
    return null;
  }
};

export function checkoutIssues(input: Record<string, unknown>): FieldIssue[] {
  if (!isObj(input.checkout)) return [];
  const min = decimalOr(input.checkout.minShare),
    max = decimalOr(input.checkout.maxShare);
  return min !== null && max !== null && max.lt(min)
    ? [{ path: ["checkout", "maxShare"], message: messages.field.sharesInverted }]
    : [];
}

export function compileCheckout(def: ValidDefinition): Program["checkout"] {
  const c = def.checkout;
  return {
    pointValue: c?.pointValue === undefined ? null : new Decimal(c.pointValue),
    holdMinutes: c?.holdMinutes ?? DEFAULT_HOLD_MINUTES,
    minShare: new Decimal(c?.minShare ?? 0),
    maxShare: new Decimal(c?.maxShare ?? 1),
  };
}
