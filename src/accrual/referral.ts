/**
 * Referrals: one command rewards both members. The referrer gets a referral entry and an event of
 * the program's `referrerEvent` type, the referred member a referral entry and a `referredEvent`
 * event; ordinary event rules award the points, with their caps (per member: per referrer).
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Program } from "../program/compile.js";
import type { Scalar } from "../shared/scalar.js";
import { addLocal, iso } from "../shared/time.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { brokenLimit, counterName, limitKeys } from "../ledger/limits.js";
import { recordEvent } from "./earn.js";
import type { Evaluation } from "./evaluate.js";

/** Records a referral on both members, or refuses (ALREADY_REFERRED, REFERRAL_EXPIRED, LIMIT_REACHED) writing nothing. */
export function refer(
  referrer: LedgerWriter,
  referred: LedgerWriter,
  program: Program,
  referral: { occurredAt: number; attributes: Readonly<Record<string, Scalar>> },
): { referrer: Evaluation; referred: Evaluation } {
  const cfg = program.referrals;
  const referredId = referred.state.memberId,
    referrerId = referrer.state.memberId;
  if (referrer.state.referredBy === referredId) {
    // A refers B, then B refers A: two friends would pay each other both bonuses.
    throw new LoyaltyError("SELF_REFERRAL", messages.referralCycle(referredId), {
      issues: [{ path: ["referredId"], message: messages.referralCycle(referredId) }],
    });
  }
  if (referral.occurredAt < referred.state.joinedAt) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("refer", 1), {
      issues: [{ path: ["occurredAt"], message: messages.field.referralBeforeJoining }],
    });
  }
  if (referred.state.referredBy !== null) {
    throw new LoyaltyError("ALREADY_REFERRED", messages.alreadyReferred(referredId, referred.state.referredBy), {
      details: { memberId: referredId, referredBy: referred.state.referredBy },
    });
  }
  if (
    cfg.withinDays !== null &&
    referral.occurredAt > addLocal(referred.state.joinedAt, program.timeZone, { days: cfg.withinDays })
  ) {
    throw new LoyaltyError("REFERRAL_EXPIRED", messages.referralExpired(referredId, cfg.withinDays), {
      details: { memberId: referredId, joinedAt: iso(referred.state.joinedAt) },
    });
  }
  const limit = brokenLimit(referrer.state, counterName.referrals(), cfg.limits, 1, referrer.now, program.timeZone);
  if (limit !== null)
    throw new LoyaltyError("LIMIT_REACHED", messages.referralLimitReached(limit.period, limit.count), {
      details: { memberId: referrerId, period: limit.period, count: limit.count },
    });

  const occurredAt = iso(referral.occurredAt);
  referrer.append({
    kind: "referral",
    role: "referrer",
    counterpartyId: referredId,
    occurredAt,
    limitKeys: limitKeys(cfg.limits, referrer.now, program.timeZone),
  });
  referred.append({ kind: "referral", role: "referred", counterpartyId: referrerId, occurredAt, limitKeys: {} });
  return {
    referrer: recordEvent(referrer, program, {
      type: cfg.referrerEvent,
      occurredAt: referral.occurredAt,
      attributes: { ...referral.attributes, referredId },
    }),
    referred: recordEvent(referred, program, {
      type: cfg.referredEvent,
      occurredAt: referral.occurredAt,
      attributes: { ...referral.attributes, referrerId },
    }),
  };
}
