/**
 * Expiry policies: when a lot expires (term, calendar, a rule's own term), and when a wallet's
 * whole balance expires for inactivity. All calendar arithmetic is local to the program's zone;
 * "the end of a period" is the first instant of the next one, so a lot that expires at the end of
 * March is spendable until 23:59:59.999 on 31 March, local time.
 */
import type { Program } from "../program/compile.js";
import type { ExpiryPolicy } from "../program/schema.js";
import { endOfPeriod, startOfPeriod } from "../shared/calendar.js";
import { addLocal, iso, localParts } from "../shared/time.js";
import type { LotRecord } from "../ledger/entries.js";
import type { MemberView } from "../ledger/state.js";

/** When a lot earned at `earnedAt` into `wallet` (by `ruleId`, if any) expires; null: never by itself. */
export function lotExpiresAt(program: Program, wallet: string, ruleId: string | null, earnedAt: number): number | null {
  const override = ruleId === null ? undefined : program.rules.get(ruleId)?.expiry;
  const policy: ExpiryPolicy = override
    ? { kind: "term", ...override }
    : (program.wallets.get(wallet)?.expiry ?? { kind: "none" });
  switch (policy.kind) {
    case "term": {
      return roundTerm(addLocal(earnedAt, program.timeZone, policy.after), program.timeZone, policy);
    }
    case "calendar":
      return endOfPeriod(earnedAt, program.timeZone, policy.period, policy.after);
    case "inactivity":
    case "none":
      return null;
  }
}

/**
 * A term's expiry rounded as the policy says, in the zone's local calendar: up to the end of a
 * period (or of the next chosen month), down to the start of the day, or left as it is.
 */
export function roundTerm(
  at: number,
  zone: string,
  rounding: Pick<Extract<ExpiryPolicy, { kind: "term" }>, "roundUpTo" | "roundDownTo">,
): number {
  const up = rounding.roundUpTo;
  if (rounding.roundDownTo !== undefined) return startOfPeriod(at, zone, rounding.roundDownTo);
  if (up === undefined) return at;
  if (typeof up === "string") return endOfPeriod(at, zone, up);
  // The chosen month's end on or after `at`: this month's end if it is the chosen one, else a later one's.
  const monthsAhead = (up.month - localParts(at, zone).month + 12) % 12;
  return endOfPeriod(at, zone, "month", monthsAhead);
}

/** Activities that keep an inactivity balance alive unless the program names others. */
export const DEFAULT_ACTIVITY: readonly string[] = ["purchase", "spend", "event", "transfer"];

/** Whether `kind` of activity keeps `wallet`'s inactivity balance alive (false for wallets with another policy). */
export function countsAsActivity(program: Program, wallet: string, kind: "transfer"): boolean {
  const policy = program.wallets.get(wallet)?.expiry;
  return policy?.kind === "inactivity" && (policy.activity ?? DEFAULT_ACTIVITY).includes(kind);
}

/**
 * When the wallet's whole balance expires for inactivity: `months` after the latest qualifying
 * activity, or after joining if there was none. Null for wallets with another policy.
 *
 * The latest of the deadlines each activity gives, not the deadline of the latest activity:
 * month arithmetic clamps to the month's end (31 Dec + 4 months = 30 Apr, at 31 Dec's time of
 * day), so a later activity can give an earlier deadline, and activity must never shorten it.
 */
export function inactivityDeadline(program: Program, state: MemberView, wallet: string): number | null {
  const policy = program.wallets.get(wallet)?.expiry;
  if (policy?.kind !== "inactivity") return null;
  const span = { months: policy.months };
  let deadline = addLocal(state.joinedAt, program.timeZone, span);
  const kinds = new Set<string>();
  for (const name of policy.activity ?? DEFAULT_ACTIVITY) {
    if (name === "event")
      for (const key of Object.keys(state.activity)) {
        if (key.startsWith("event:")) kinds.add(key);
      }
    else kinds.add(name);
  }
  for (const kind of kinds) {
    const at = state.activity[kind];
    if (at !== undefined) deadline = Math.max(deadline, addLocal(at, program.timeZone, span));
  }
  return deadline;
}

/** Per wallet, the inactivity deadline (only wallets that have one). */
export function deadlines(program: Program, state: MemberView): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  for (const wallet of program.wallets.keys()) {
    const d = inactivityDeadline(program, state, wallet);
    if (d !== null) out.set(wallet, d);
  }
  return out;
}

/** When a purchase's refund window closes (the program's `refunds.windowDays`, local days); null: never. */
export function refundWindowClosesAt(program: Program, purchase: { readonly occurredAt: number }): number | null {
  const days = program.refundWindowDays;
  return days === null ? null : addLocal(purchase.occurredAt, program.timeZone, { days });
}

/** The lot a credit into `wallet` creates, given when it was earned and when it becomes available. */
export function lotRecord(
  program: Program,
  wallet: string,
  earnedAt: number,
  availableAt: number,
  ruleId: string | null = null,
): LotRecord {
  const expiresAt = lotExpiresAt(program, wallet, ruleId, earnedAt);
  return {
    wallet,
    earnedAt: iso(earnedAt),
    availableAt: iso(availableAt),
    expiresAt: expiresAt === null ? null : iso(expiresAt),
  };
}
