/**
 * What each line of a purchase earned, per wallet, as the purchase record keeps it for refunds by
 * line (accrual/refund-lines.ts): the exact line shares (line-shares.ts) of the awards tied to
 * lines (a rate over some lines, per unit, a multiplier) summed per wallet and per SKU, rounded
 * down to the program's scale. Rounded down, and scaled down where the exact
 * shares add up to more than the wallet's awarded points (an award rounded down), so that the
 * lines never hold more than the purchase earned; what is left, the points not tied to a line
 * (a rate on the whole purchase, a fixed award, rounding), goes back with the money.
 */
import type { Program, PurchaseLine } from "../program/compile.js";
import type { PurchaseLineFigures } from "../ledger/entries.js";
import { type Decimal, ZERO, roundTo } from "../shared/decimal.js";
import type { Award } from "./evaluate.js";

/** Per SKU (lines of one SKU merged, in first-seen order): units bought and points per wallet. */
export function lineFigures(
  program: Program,
  lines: readonly PurchaseLine[],
  awards: readonly Award[],
): Record<string, PurchaseLineFigures> {
  // Exact shares per wallet per SKU, and the points awarded per wallet.
  const exact = new Map<string, Map<string, Decimal>>();
  const awarded = new Map<string, Decimal>();
  for (const a of awards) {
    awarded.set(a.wallet, (awarded.get(a.wallet) ?? ZERO).plus(a.points));
    if (a.shares === undefined || a.shares === null) continue;
    let bySku = exact.get(a.wallet);
    if (bySku === undefined) exact.set(a.wallet, (bySku = new Map()));
    a.shares.forEach((share, i) => {
      const sku = lines[i]!.sku;
      bySku.set(sku, (bySku.get(sku) ?? ZERO).plus(share));
    });
  }
  const units = new Map<string, number>();
  for (const line of lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.quantity);
  const earned = new Map<string, Record<string, string>>();
  for (const [wallet, bySku] of exact) {
    const total = [...bySku.values()].reduce((t, s) => t.plus(s), ZERO);
    const points = awarded.get(wallet) ?? ZERO;
    const ratio = total.gt(points) ? points.div(total) : null;
    for (const [sku, share] of bySku) {
      const figure = roundTo(ratio === null ? share : share.times(ratio), program.scale, "down");
      if (figure.isZero()) continue;
      let byWallet = earned.get(sku);
      if (byWallet === undefined) earned.set(sku, (byWallet = {}));
      byWallet[wallet] = figure.toString();
    }
  }
  const out: Record<string, PurchaseLineFigures> = {};
  for (const [sku, quantity] of units) {
    const byWallet = earned.get(sku);
    const figures = byWallet === undefined ? { quantity } : { quantity, earned: byWallet };
    if (sku === "__proto__") Object.defineProperty(out, sku, { value: figures, enumerable: true, writable: true });
    else out[sku] = figures;
  }
  return out;
}
