/**
 * "Slipping": the early sign of churn. Purchases fall about half a year before a customer leaves, so
 * a member slips when the model gives them a low chance of still being a customer, or when their
 * own recent spend has fallen well below their own past rate. The spend test is exact (decimal.js).
 */
import { Decimal, sum } from "../shared/decimal.js";
import { dayParameter } from "./calibration.js";
import type { MemberHistory } from "./history.js";

export interface SlippingOptions {
  /** The day to judge on, YYYY-MM-DD (a parameter: the core has no clock). */
  readonly now: string;
  /** Slipping when P(alive) is below this (default 0.5). */
  readonly aliveBelow?: number;
  /** The recent window, in days (default 182: half a year). */
  readonly windowDays?: number;
  /** Slipping when the recent window's spend is below this share of the member's earlier spend per window (default 0.5). */
  readonly spendBelow?: number;
}

export type SlippingReason = "unlikely_alive" | "spend_falling";

export interface Slipping {
  readonly slipping: boolean;
  readonly reasons: readonly SlippingReason[];
}

/**
 * Whether a member is slipping on `now`, given their P(alive) (from probabilityAlive). The spend test
 * needs at least one whole window of history before the recent one; a newer member passes it.
 */
export function slipping(member: MemberHistory, pAlive: number, options: SlippingOptions): Slipping {
  const now = dayParameter(options.now, "now");
  const window = options.windowDays ?? 182;
  const reasons: SlippingReason[] = [];
  if (pAlive < (options.aliveBelow ?? 0.5)) reasons.push("unlikely_alive");
  if (spendFalling(member, now, window, options.spendBelow ?? 0.5)) reasons.push("spend_falling");
  return { slipping: reasons.length > 0, reasons };
}

function spendFalling(member: MemberHistory, now: number, window: number, share: number): boolean {
  const recentFrom = now - window + 1;
  const first = member.days[0]!;
  const earlierDays = recentFrom - first;
  if (earlierDays < window) return false;
  const recent: Decimal[] = [];
  const earlier: Decimal[] = [];
  member.days.forEach((day, i) => {
    if (day >= recentFrom && day <= now) recent.push(member.spend[i]!);
    else if (day < recentFrom) earlier.push(member.spend[i]!);
  });
  // recent < share · earlier · window / earlierDays, multiplied out so that nothing is divided.
  const bar = sum(earlier).times(new Decimal(share)).times(window);
  return sum(recent).times(earlierDays).lessThan(bar);
}
