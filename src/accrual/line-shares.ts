/**
 * What each award of a purchase earned on each of its lines: the figures a multiplier limited to
 * some lines multiplies (Open Loyalty's product multiplier: ×3 on SKU 123), and the units a
 * per-unit award counts (Odoo's points per unit). Shares are exact (unrounded) and scaled down with
 * their award when a cap cut it; an award that is not tied to lines (a fixed award, a purchase
 * recorded without lines) has none.
 */
import type { CompiledAward, LinePredicate, PurchaseLine } from "../program/compile.js";
import { type Decimal, ZERO } from "../shared/decimal.js";

/** Per line, in the purchase's line order; null: the award is not tied to lines. */
export type LineShares = readonly Decimal[] | null;

/** An earlier award of the same command, as a multiplier reads it. */
export interface EarlierAward {
  readonly ruleId: string;
  readonly wallet: string;
  readonly shares: LineShares;
}

const selects = (filter: LinePredicate | null, line: PurchaseLine) => filter === null || filter(line);

/** Units (line quantities) of the lines a filter selects; none for a purchase without lines. */
export function unitsOf(filter: LinePredicate | null, lines: readonly PurchaseLine[] | null): number {
  let units = 0;
  for (const line of lines ?? []) if (selects(filter, line)) units += line.quantity;
  return units;
}

/** The shares of an earlier award on the lines a filter selects. */
export function sharedOn(
  shares: LineShares,
  filter: LinePredicate | null,
  lines: readonly PurchaseLine[] | null,
): Decimal {
  if (shares === null || lines === null) return ZERO;
  let total = ZERO;
  lines.forEach((line, i) => {
    if (selects(filter, line)) total = total.plus(shares[i]!);
  });
  return total;
}

/**
 * The shares of one award before caps. `price` prices a rate award's line amount exactly (the
 * rate, not rounded); `earlier` are the command's awards before this one.
 */
export function sharesOf(
  award: CompiledAward,
  lines: readonly PurchaseLine[] | null,
  price: (amount: Decimal) => Decimal,
  earlier: readonly EarlierAward[],
): LineShares {
  if (lines === null) return null;
  switch (award.kind) {
    case "fixed":
      return null;
    case "rate":
      return lines.map((line) => (selects(award.lines, line) ? price(line.amount) : ZERO));
    case "perUnit":
      return lines.map((line) => (selects(award.lines, line) ? award.points.times(line.quantity) : ZERO));
    case "multiplier":
      return lines.map((line, i) => {
        if (!selects(award.lines, line)) return ZERO;
        let base = ZERO;
        for (const a of earlier)
          if (a.shares !== null && a.wallet === award.wallet && (award.rules === null || award.rules.has(a.ruleId)))
            base = base.plus(a.shares[i]!);
        return base.times(award.extra);
      });
  }
}

/** Shares scaled to what the award gave after caps (`points` of `raw`). */
export function cappedShares(shares: LineShares, points: Decimal, raw: Decimal): LineShares {
  if (shares === null || points.eq(raw)) return shares;
  if (raw.isZero()) return shares.map(() => ZERO);
  const ratio = points.div(raw);
  return shares.map((s) => s.times(ratio));
}
