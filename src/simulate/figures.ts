/**
 * The figures of one simulated program, in their wire form (decimal strings, ratios to 4 places
 * rounded half up, money to 2), from the run's month records. What each figure means is in
 * docs/simulate.md.
 */
import { Decimal } from "../shared/decimal.js";
import type { Program } from "../program/compile.js";
import type { MonthRecord, RefusedRow, RunRecord } from "./run.js";

export interface MonthFigures {
  readonly month: string;
  readonly issued: string;
  readonly redeemed: string;
  readonly expired: string;
  readonly reversed: string;
  /** Points held by members at the month's end (pending and available, less debt), from their snapshots. */
  readonly outstanding: string;
  /** outstanding × the point value; null without one. */
  readonly liability: string | null;
  /** Sales less returns over the 12 months to this month's end (fewer at the start of the history). */
  readonly revenue12: string;
  readonly liabilityShareOfRevenue: string | null;
  readonly sales: string;
  readonly returns: string;
  readonly rewardCost: string;
  /** rewardCost / (sales − returns) of the month; null when that is not positive. */
  readonly rewardCostShareOfSales: string | null;
  readonly redemptions: number;
  readonly members: number;
  readonly tiers: Readonly<Record<string, number>>;
  readonly promotions: number;
  readonly demotions: number;
  readonly memberSales: string;
  readonly memberSalesByTier: Readonly<Record<string, string>>;
}

export interface ProgramFigures {
  readonly program: { readonly id: string; readonly version: number; readonly name: string | null };
  readonly wallet: string;
  readonly currency: string;
  readonly pointValue: string | null;
  readonly pointValueSource: string;
  readonly months: readonly MonthFigures[];
  readonly totals: {
    readonly issued: string;
    readonly redeemed: string;
    readonly expired: string;
    readonly reversed: string;
    readonly outstanding: string;
    readonly liability: string | null;
    readonly sales: string;
    readonly returns: string;
    readonly rewardCost: string;
    readonly rewardCostShareOfSales: string | null;
    /** expired / issued. */
    readonly breakage: string | null;
    readonly memberSales: string;
    /** Members' purchases / all purchases (the rule of thumb: at least 0.5 to 0.6). */
    readonly memberShareOfSales: string | null;
    readonly memberSalesByTier: Readonly<Record<string, { readonly sales: string; readonly share: string | null }>>;
    readonly redemptions: number;
    readonly promotions: number;
    readonly demotions: number;
  };
  /** Time from joining until a member could first afford the cheapest reward the model considers. */
  readonly reach: {
    readonly rewardId: string | null;
    readonly price: string | null;
    readonly members: number;
    readonly reached: number;
    readonly share: string | null;
    readonly medianDays: number | null;
    readonly quartileDays: readonly [number, number] | null;
  };
  readonly refused: readonly RefusedRow[];
  readonly refusedByCode: Readonly<Record<string, number>>;
  readonly stopped: boolean;
  readonly events: number;
  readonly commands: number;
  readonly members: number;
}

const zero = new Decimal(0);
export const ratio = (a: Decimal, b: Decimal): string | null =>
  b.gt(0) ? a.div(b).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4) : null;
const money = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
const sum = (xs: readonly Decimal[]) => xs.reduce((a, b) => a.plus(b), zero);
const DAY = 86_400_000;

export function programFigures(
  program: Program,
  run: RunRecord,
  wallet: string,
  point: { value: Decimal | null; source: string },
  reachReward: { id: string; price: Decimal } | null,
): ProgramFigures {
  const ms = run.months;
  const months = ms.map((m, i) => monthFigures(m, ms.slice(Math.max(0, i - 11), i + 1), point.value));
  const pick = (f: (m: MonthRecord) => Decimal) => sum(ms.map(f));
  const sales = pick((m) => m.flows.sales),
    returns = pick((m) => m.flows.returns),
    issued = pick((m) => m.flows.issued),
    rewardCost = pick((m) => m.flows.rewardCost);
  const byTier = new Map<string, Decimal>();
  for (const m of ms)
    for (const [tier, s] of m.flows.memberSalesByTier) byTier.set(tier, (byTier.get(tier) ?? zero).plus(s));
  const memberSales = sum([...byTier.values()]);
  const outstanding = ms.at(-1)?.outstanding ?? zero;
  const days = [...run.tally.members.values()]
    .filter((m) => m.firstAffordableAt !== null)
    .map((m) => (m.firstAffordableAt! - m.joinedAt) / DAY)
    .sort((a, b) => a - b);
  const q = (p: number) => Math.round(days[Math.min(days.length - 1, Math.floor(p * days.length))]!);
  const refusedByCode: Record<string, number> = {};
  for (const r of run.refused) refusedByCode[r.code] = (refusedByCode[r.code] ?? 0) + 1;
  const members = run.tally.members.size;
  return {
    program: { id: program.id, version: program.version, name: program.definition.name ?? null },
    wallet,
    currency: program.currency,
    pointValue: point.value?.toFixed() ?? null,
    pointValueSource: point.source,
    months,
    totals: {
      issued: issued.toFixed(),
      redeemed: pick((m) => m.flows.redeemed).toFixed(),
      expired: pick((m) => m.flows.expired).toFixed(),
      reversed: pick((m) => m.flows.reversed).toFixed(),
      outstanding: outstanding.toFixed(),
      liability: point.value ? money(outstanding.times(point.value)) : null,
      sales: money(sales),
      returns: money(returns),
      rewardCost: money(rewardCost),
      rewardCostShareOfSales: ratio(rewardCost, sales.minus(returns)),
      breakage: ratio(
        pick((m) => m.flows.expired),
        issued,
      ),
      memberSales: money(memberSales),
      memberShareOfSales: ratio(memberSales, sales),
      memberSalesByTier: Object.fromEntries(
        [...byTier]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([t, s]) => [t, { sales: money(s), share: ratio(s, sales) }]),
      ),
      redemptions: ms.reduce((n, m) => n + m.flows.redemptions, 0),
      promotions: ms.reduce((n, m) => n + m.flows.promotions, 0),
      demotions: ms.reduce((n, m) => n + m.flows.demotions, 0),
    },
    reach: {
      rewardId: reachReward?.id ?? null,
      price: reachReward?.price.toFixed() ?? null,
      members,
      reached: days.length,
      share: ratio(new Decimal(days.length), new Decimal(members)),
      medianDays: days.length > 0 ? q(0.5) : null,
      quartileDays: days.length > 0 ? [q(0.25), q(0.75)] : null,
    },
    refused: run.refused,
    refusedByCode,
    stopped: run.stopped,
    events: run.events,
    commands: run.commands,
    members,
  };
}

function monthFigures(m: MonthRecord, last12: readonly MonthRecord[], value: Decimal | null): MonthFigures {
  const f = m.flows;
  const revenue12 = sum(last12.map((x) => x.flows.sales.minus(x.flows.returns)));
  const liability = value ? m.outstanding.times(value) : null;
  const byTier = [...f.memberSalesByTier].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    month: m.month,
    issued: f.issued.toFixed(),
    redeemed: f.redeemed.toFixed(),
    expired: f.expired.toFixed(),
    reversed: f.reversed.toFixed(),
    outstanding: m.outstanding.toFixed(),
    liability: liability ? money(liability) : null,
    revenue12: money(revenue12),
    liabilityShareOfRevenue: liability ? ratio(liability, revenue12) : null,
    sales: money(f.sales),
    returns: money(f.returns),
    rewardCost: money(f.rewardCost),
    rewardCostShareOfSales: ratio(f.rewardCost, f.sales.minus(f.returns)),
    redemptions: f.redemptions,
    members: m.members,
    tiers: m.tiers,
    promotions: f.promotions,
    demotions: f.demotions,
    memberSales: money(sum(byTier.map(([, s]) => s))),
    memberSalesByTier: Object.fromEntries(byTier.map(([t, s]) => [t, money(s)])),
  };
}
