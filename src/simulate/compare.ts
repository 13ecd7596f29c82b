/**
 * Two programs over the same history, figure by figure, and the members a change moves most: what
 * a program owner must tell members before the change.
 */
import { Decimal } from "../shared/decimal.js";
import type { ProgramFigures } from "./figures.js";
import type { LedgerTally } from "./tally.js";

export interface FigureDifference {
  readonly figure: string;
  readonly base: string | null;
  readonly variant: string | null;
  /** variant − base; null when either is missing. */
  readonly difference: string | null;
}

export interface MemberMove {
  readonly memberId: string;
  readonly baseOutstanding: string;
  readonly variantOutstanding: string;
  readonly difference: string;
  readonly baseTier: string | null;
  readonly variantTier: string | null;
}

export interface Comparison {
  readonly totals: readonly FigureDifference[];
  /** Per month (months of both runs, by key), the stock and flow figures' differences. */
  readonly months: readonly { readonly month: string; readonly figures: readonly FigureDifference[] }[];
  /** Members whose end balance differs, and whose end tier differs. */
  readonly membersWithOtherBalance: number;
  readonly membersWithOtherTier: number;
  /** Members whose tier changes first, then by the size of their balance change (ties: member id). */
  readonly movers: readonly MemberMove[];
}

const TOTALS = [
  "issued",
  "redeemed",
  "expired",
  "reversed",
  "outstanding",
  "liability",
  "rewardCost",
  "rewardCostShareOfSales",
  "breakage",
  "memberShareOfSales",
] as const;
const MONTHLY = ["issued", "redeemed", "expired", "outstanding", "liability", "rewardCost"] as const;

const diff = (figure: string, base: string | null, variant: string | null): FigureDifference => ({
  figure,
  base,
  variant,
  difference: base !== null && variant !== null ? new Decimal(variant).minus(base).toFixed() : null,
});

export function comparePrograms(
  base: ProgramFigures,
  variant: ProgramFigures,
  baseTally: LedgerTally,
  variantTally: LedgerTally,
  moversShown = 20,
): Comparison {
  const totals = [
    ...TOTALS.map((f) => diff(f, base.totals[f], variant.totals[f])),
    diff("reachShare", base.reach.share, variant.reach.share),
  ];
  const variantMonths = new Map(variant.months.map((m) => [m.month, m]));
  const months = base.months.map((m) => {
    const v = variantMonths.get(m.month);
    return { month: m.month, figures: MONTHLY.map((f) => diff(f, m[f], v ? v[f] : null)) };
  });
  const moves: (MemberMove & { readonly size: Decimal; readonly tierMoved: boolean })[] = [];
  let otherBalance = 0,
    otherTier = 0;
  for (const [memberId, a] of baseTally.members) {
    const b = variantTally.members.get(memberId);
    const bOutstanding = b?.outstanding ?? new Decimal(0);
    const size = bOutstanding.minus(a.outstanding);
    const tierMoved = (b?.tier ?? null) !== a.tier;
    if (!size.isZero()) otherBalance++;
    if (tierMoved) otherTier++;
    if (size.isZero() && !tierMoved) continue;
    moves.push({
      memberId,
      baseOutstanding: a.outstanding.toFixed(),
      variantOutstanding: bOutstanding.toFixed(),
      difference: size.toFixed(),
      baseTier: a.tier,
      variantTier: b?.tier ?? null,
      size: size.abs(),
      tierMoved,
    });
  }
  moves.sort(
    (x, y) =>
      Number(y.tierMoved) - Number(x.tierMoved) ||
      y.size.cmp(x.size) ||
      (x.memberId < y.memberId ? -1 : x.memberId > y.memberId ? 1 : 0),
  );
  return {
    totals,
    months,
    membersWithOtherBalance: otherBalance,
    membersWithOtherTier: otherTier,
    movers: moves.slice(0, moversShown).map(({ size: _size, tierMoved: _tierMoved, ...m }) => m),
  };
}
