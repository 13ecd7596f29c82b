/**
 * The part of a purchase paid with points earns no points (docs/checkout.md): what a purchase
 * earns on is the money paid, `amount - paidWithPoints`, and each line's amount shrinks in the same
 * proportion (rounded down to the currency's minor unit, so the lines never sum to more than the
 * money paid and line-filtered awards never earn on points). Pure.
 */
import type { PurchaseLine } from "../program/compile.js";
import { type Decimal, roundTo } from "../shared/decimal.js";

export function moneyPaid(
  amount: Decimal,
  lines: readonly PurchaseLine[] | null,
  paidWithPoints: Decimal,
  currencyPlaces: number,
): { readonly amount: Decimal; readonly lines: PurchaseLine[] | null } {
  if (paidWithPoints.isZero()) return { amount, lines: lines === null ? null : [...lines] };
  const paid = amount.minus(paidWithPoints);
  return {
    amount: paid,
    lines:
      lines === null
        ? null
        : lines.map((l) => ({ ...l, amount: roundTo(l.amount.times(paid).div(amount), currencyPlaces, "down") })),
  };
}
