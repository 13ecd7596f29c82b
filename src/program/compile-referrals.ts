/**
 * Referrals: the cross-reference checks of the two event types (not purchases, not tier triggers,
 * not the same) and the compiled events, limits and window with their defaults.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Program, ValidDefinition } from "./compiled.js";
import { isObj, text } from "./raw-input.js";

const f = messages.field;

/** The event types a referral records when the program names none. */
const DEFAULT_REFERRER_EVENT = "referral";
const DEFAULT_REFERRED_EVENT = "referred";

/** Cross-field checks of the referrals section. */
export function referralIssues(input: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (isObj(input.referrals)) {
    const referrer = text(input.referrals.referrerEvent) ?? DEFAULT_REFERRER_EVENT,
      referred = text(input.referrals.referredEvent) ?? DEFAULT_REFERRED_EVENT;
    if (referrer === "purchase")
      issues.push({ path: ["referrals", "referrerEvent"], message: f.referralEventPurchase });
    if (referred === "purchase")
      issues.push({ path: ["referrals", "referredEvent"], message: f.referralEventPurchase });
    // "tier:<id>" triggers the tier bonus rules: a referral must not pay them.
    if (referrer.startsWith("tier:")) issues.push({ path: ["referrals", "referrerEvent"], message: f.reservedKey });
    if (referred.startsWith("tier:")) issues.push({ path: ["referrals", "referredEvent"], message: f.reservedKey });
    if (referrer === referred) issues.push({ path: ["referrals", "referredEvent"], message: f.referralEventsSame });
  }
  return issues;
}

export function compileReferrals(def: ValidDefinition): Program["referrals"] {
  return {
    referrerEvent: def.referrals?.referrerEvent ?? DEFAULT_REFERRER_EVENT,
    referredEvent: def.referrals?.referredEvent ?? DEFAULT_REFERRED_EVENT,
    limits: (def.referrals?.limits ?? []).map((l) => ({ period: l.period, count: l.count })),
    withinDays: def.referrals?.withinDays ?? null,
  };
}
