/**
 * Refunds by line (issue 17): a refund that names the returned lines (SKU and units) takes back
 * the points those lines earned, so a bonus tied to one product goes back when that product does
 * (Talon.One rolls back per cart item). What a line earned is what the purchase record keeps
 * (line-figures.ts); the points tied to no line (a rate on the whole purchase, a fixed award) go
 * back with the money, as a refund without lines takes everything back.
 *
 * The figure a refund settles is cumulative, like the proportional refund's, so rounding never lets
 * refunds together take back more than the purchase earned. Per wallet, with E the points earned,
 * A the purchase's money, e and q each line's points and units, r its units returned so far, L the
 * money refunded by line and U the money refunded without lines:
 *   byLines = sum of round(e * r / q) + round(O * L / A), O = E - sum of e (the points tied to no line)
 *   settled = byLines + round((E - byLines) * U / (A - L)), and E once all the money is refunded.
 * With no refund by line this is round(E * U / A), the proportional refund; a refund without lines
 * after some by line takes back the rest of the purchase in proportion to the money left.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Program } from "../program/compile.js";
import { Decimal, ZERO, roundTo } from "../shared/decimal.js";
import type { DeepReadonly, PurchaseRecord } from "../ledger/state.js";

/** A line of a refund: units of one SKU returned. */
export interface ReturnedLine {
  readonly sku: string;
  readonly quantity: number;
}

/**
 * The units returned per SKU (a SKU named twice counts once with both quantities), checked against
 * the purchase: LINE_NOT_IN_PURCHASE for a purchase without line figures or a SKU it did not have,
 * REFUND_EXCEEDS_PURCHASE for more units than are left. Every bad line is reported at once.
 */
export function returnedUnits(
  purchase: DeepReadonly<PurchaseRecord>,
  lines: readonly ReturnedLine[],
): Record<string, number> {
  const figures = purchase.lines;
  if (figures === undefined) {
    const text = messages.purchaseWithoutLines(purchase.id);
    throw new LoyaltyError("LINE_NOT_IN_PURCHASE", text, { issues: [{ path: ["lines"], message: text }] });
  }
  const units = new Map<string, number>();
  for (const l of lines) units.set(l.sku, (units.get(l.sku) ?? 0) + l.quantity);
  const unknown: { path: (string | number)[]; message: string }[] = [];
  const excess: { path: (string | number)[]; message: string }[] = [];
  const returnable: Record<string, number> = {};
  lines.forEach((l, i) => {
    const line = Object.hasOwn(figures, l.sku) ? figures[l.sku] : undefined;
    if (line === undefined) {
      unknown.push({ path: ["lines", i, "sku"], message: messages.lineNotInPurchase(purchase.id, l.sku) });
      return;
    }
    const left = line.quantity - line.returned;
    if (units.get(l.sku)! > left) {
      returnable[l.sku] = left;
      excess.push({ path: ["lines", i, "quantity"], message: messages.lineRefundExceeds(purchase.id, l.sku, left) });
    }
  });
  if (unknown.length > 0)
    throw new LoyaltyError("LINE_NOT_IN_PURCHASE", unknown[0]!.message, { issues: [...unknown, ...excess] });
  if (excess.length > 0)
    throw new LoyaltyError("REFUND_EXCEEDS_PURCHASE", excess[0]!.message, {
      issues: excess,
      details: { returnable },
    });
  const out: Record<string, number> = {};
  for (const [sku, n] of units) Object.defineProperty(out, sku, { value: n, enumerable: true, writable: true });
  return out;
}

/** A purchase's refund figures after a refund: money refunded, by line, and units returned per SKU. */
export interface RefundedSoFar {
  readonly refunded: Decimal;
  readonly lineRefunded: Decimal;
  readonly returned: (sku: string) => number;
}

/** The figures after a refund of `amount` returning `units` (null: a refund without lines). */
export function refundedAfter(
  purchase: DeepReadonly<PurchaseRecord>,
  amount: Decimal,
  units: Readonly<Record<string, number>> | null,
): RefundedSoFar {
  const lineRefunded = purchase.lineRefunded ?? ZERO;
  return {
    refunded: purchase.refunded.plus(amount),
    lineRefunded: units === null ? lineRefunded : lineRefunded.plus(amount),
    returned: (sku) =>
      (purchase.lines?.[sku]?.returned ?? 0) + (units !== null && Object.hasOwn(units, sku) ? units[sku]! : 0),
  };
}

/** Points of `wallet` that refunds reaching `after` settle, in all (see the module comment). Never above earned. */
export function settledTarget(
  program: Program,
  purchase: DeepReadonly<PurchaseRecord>,
  wallet: string,
  after: RefundedSoFar,
): Decimal {
  const earned = purchase.earned[wallet] ?? ZERO;
  const amount = purchase.amount;
  if (amount.isZero() || after.refunded.gte(amount)) return earned;
  const round = (d: Decimal) => roundTo(d, program.scale, program.rounding);
  let byLines = ZERO;
  let tied = ZERO;
  for (const [sku, line] of Object.entries(purchase.lines ?? {})) {
    const e = line.earned[wallet] ?? ZERO;
    tied = tied.plus(e);
    const r = after.returned(sku);
    if (r > 0) byLines = byLines.plus(round(e.times(r).div(line.quantity)));
  }
  const untied = Decimal.max(ZERO, earned.minus(tied));
  if (after.lineRefunded.gt(0)) byLines = byLines.plus(round(untied.times(after.lineRefunded).div(amount)));
  byLines = Decimal.min(byLines, earned);
  const withoutLines = after.refunded.minus(after.lineRefunded);
  if (withoutLines.lte(0)) return byLines;
  const moneyLeft = amount.minus(after.lineRefunded);
  return Decimal.min(earned, byLines.plus(round(earned.minus(byLines).times(withoutLines).div(moneyLeft))));
}
