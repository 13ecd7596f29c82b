/**
 * A member's value over a horizon: the purchases BG/NBD expects in each period of the horizon, times
 * the spend per purchase Gamma-Gamma expects, discounted per period and times the margin. This is
 * the discrete sum that the lifetimes package's customer_lifetime_value computes, not the continuous
 * "discounted expected transactions" of the Pareto/NBD literature: the two agree as periods shorten.
 */
import { LoyaltyError } from "../errors/index.js";
import { belowMinimumText, expectedTypeText, invalidCommandText, notPositiveText } from "../errors/messages.js";
import { expectedPurchases, type BgNbdParameters } from "./bg-nbd.js";
import type { MemberSummary } from "./calibration.js";
import { expectedSpend, type GammaGammaParameters } from "./gamma-gamma.js";

export interface CustomerValueOptions {
  /** How far ahead, in the calibration's time units (weeks by default). */
  readonly horizon: number;
  /** How many equal periods the horizon is discounted over (default 12). */
  readonly periods?: number;
  /** The discount rate per period, such as 0.01 a month (default 0). */
  readonly discountRate?: number;
  /** The share of spend that is profit (default 1: the value is in spend). */
  readonly margin?: number;
}

export interface CustomerValue {
  readonly member: string;
  /** Purchase days expected over the whole horizon (undiscounted). */
  readonly expectedPurchases: number;
  /** Expected spend per purchase day. */
  readonly expectedSpend: number;
  /** Σ over periods k of margin · spend · (E[X(k)] − E[X(k−1)]) / (1 + rate)^k: an estimate, in the history's currency. */
  readonly value: number;
}

/** The member's expected purchases, spend per purchase and discounted value over the horizon. */
export function customerValue(
  purchases: BgNbdParameters,
  spend: GammaGammaParameters,
  member: MemberSummary,
  options: CustomerValueOptions,
): CustomerValue {
  const { horizon, periods = 12, discountRate = 0, margin = 1 } = options;
  check(Number.isFinite(horizon) && horizon > 0, "horizon", notPositiveText);
  check(Number.isInteger(periods) && periods > 0, "periods", notPositiveText);
  check(Number.isFinite(discountRate) && discountRate > -1, "discountRate", belowMinimumText("-1"));
  check(Number.isFinite(margin), "margin", expectedTypeText("a number"));
  const perPurchase = expectedSpend(spend, member);
  let previous = 0;
  let value = 0;
  for (let k = 1; k <= periods; k++) {
    const cumulative = expectedPurchases(purchases, member, (horizon * k) / periods);
    value += (margin * perPurchase * (cumulative - previous)) / (1 + discountRate) ** k;
    previous = cumulative;
  }
  return { member: member.member, expectedPurchases: previous, expectedSpend: perPurchase, value };
}

function check(ok: boolean, field: string, message: string): void {
  if (!ok)
    throw new LoyaltyError("INVALID_COMMAND", invalidCommandText("customerValue", 1), {
      issues: [{ path: [field], message }],
    });
}
