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

/** The two event types `refer` records, with their defaults, from the raw input. */
export function referralEventTypes(input: Record<string, unknown>): ReadonlySet<string> {
  const r = isObj(input.referrals) ? input.referrals : {};
  return new Set([text(r.referrerEvent) ?? DEFAULT_REFERRER_EVENT, text(r.referredEvent) ?? DEFAULT_REFERRED_EVENT]);
}

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
    // "tier:<id>" and "schedule:..." trigger the engine's own bonus rules: a referral must not pay them.
    const reserved = (type: string) => type.startsWith("tier:") || type.startsWith("schedule:");
    if (reserved(referrer)) issues.push({ path: ["referrals", "referrerEvent"], message: f.reservedKey });
    if (reserved(referred)) issues.push({ path: ["referrals", "referredEvent"], message: f.reservedKey });
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
