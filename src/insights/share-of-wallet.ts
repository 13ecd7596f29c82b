/**
 * Share of wallet: of what a member spends on the category in a period (their budget, which the
 * program owner estimates or surveys), how much came here. Exact: spend and budget are decimals.
 */
import { LoyaltyError, type FieldIssue } from "../errors/index.js";
import { invalidCommandText, notPositiveText } from "../errors/messages.js";
import { DECIMAL_LITERAL, Decimal, ZERO, formatAmount, roundTo, sum } from "../shared/decimal.js";
import { countUpTo, dayParameter } from "./calibration.js";
import type { PurchaseHistory } from "./history.js";

export interface ShareOfWalletOptions {
  /** The period, YYYY-MM-DD to YYYY-MM-DD inclusive. */
  readonly from: string;
  readonly to: string;
  /** Each member's category budget for the period, as a decimal string; members without one are left out. */
  readonly budgets: Readonly<Record<string, string>>;
  /** Decimal places of the share (default 4). */
  readonly scale?: number;
}

export interface ShareOfWallet {
  readonly member: string;
  /** Gross spend here in the period, exact. */
  readonly spend: string;
  readonly budget: string;
  /** spend / budget, rounded half-up (may exceed 1 when the budget was underestimated). */
  readonly share: string;
}

/** Each budgeted member's share of wallet in the period. INVALID_COMMAND for a budget that is not a positive decimal. */
export function shareOfWallet(history: PurchaseHistory, options: ShareOfWalletOptions): ShareOfWallet[] {
  const from = dayParameter(options.from, "from");
  const to = dayParameter(options.to, "to");
  const scale = options.scale ?? 4;
  const issues: FieldIssue[] = [];
  const budgets = new Map<string, Decimal>();
  for (const [member, text] of Object.entries(options.budgets)) {
    const budget = typeof text === "string" && DECIMAL_LITERAL.test(text) ? new Decimal(text) : ZERO;
    if (budget.greaterThan(0)) budgets.set(member, budget);
    else issues.push({ path: ["budgets", member], message: notPositiveText });
  }
  if (issues.length > 0)
    throw new LoyaltyError("INVALID_COMMAND", invalidCommandText("shareOfWallet", issues.length), { issues });
  const result: ShareOfWallet[] = [];
  for (const member of history.members) {
    const budget = budgets.get(member.member);
    if (budget === undefined) continue;
    const spend = sum(member.spend.slice(countUpTo(member.days, from - 1), countUpTo(member.days, to)));
    result.push({
      member: member.member,
      spend: spend.toFixed(),
      budget: budget.toFixed(),
      share: formatAmount(roundTo(spend.dividedBy(budget), scale, "half_up"), scale),
    });
  }
  return result;
}
