/**
 * Churn risk and customer value beside the program's cost: the BG/NBD and Gamma-Gamma models
 * (src/insights) fitted on the same history the simulation replays, members' purchases up to the
 * simulation's end. The models read customers' behaviour, not the program's ledger, so these figures
 * are the same whichever program is simulated; only the cost set against them, and the tiers they
 * are broken down by, depend on the program (programCustomers). A fit that does not converge is
 * reported with its reason and leaves the figures that need it null: it never fails the simulation.
 */
import { LoyaltyError, isLoyaltyError } from "../errors/loyalty-error.js";
import {
  customerValue,
  expectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  probabilityAlive,
  readPurchaseHistory,
  summarizeHistory,
  type BgNbdParameters,
  type GammaGammaParameters,
  type HistoryRow,
} from "../insights/index.js";
import { Decimal } from "../shared/decimal.js";
import { periodKey } from "../shared/periods.js";
import type { HistoryEvent } from "./history.js";

export interface CustomerOptions {
  /** How far ahead expected purchases and value look, in weeks (default 52). */
  readonly horizonWeeks?: number;
  /** Equal periods the horizon is discounted over (default 12: months of a year). */
  readonly periods?: number;
  /** Discount rate per period (default 0.01: 1% a month). */
  readonly discountRate?: number;
  /** A member is at risk when P(alive) is under this (default 0.5). */
  readonly aliveBelow?: number;
}

export interface ModelFit<P> {
  /** The maximum-likelihood parameters; null when the fit did not converge. */
  readonly parameters: P | null;
  readonly logLikelihood: number | null;
  /** Why the fit has no parameters (FIT_NOT_CONVERGED's message); null when it converged. */
  readonly notConverged: string | null;
}

export interface MemberOutlook {
  readonly member: string;
  readonly pAlive: number | null;
  readonly expectedPurchases: number | null;
  /** Discounted expected spend over the horizon, in the history's currency (an estimate). */
  readonly value: number | null;
}

export interface CustomerFigures {
  /** The calibration's last day (YYYY-MM-DD in the program's time zone); null without member purchases. */
  readonly calibrationEnd: string | null;
  readonly horizonWeeks: number;
  readonly periods: number;
  readonly discountRate: number;
  readonly aliveBelow: number;
  /** Members the models see: those with a purchase by the calibration's end. */
  readonly members: number;
  readonly purchases: ModelFit<BgNbdParameters>;
  readonly spend: ModelFit<GammaGammaParameters>;
  readonly atRisk: number | null;
  readonly atRiskShare: string | null;
  /** Sum over members of the purchase days expected over the horizon, 2 places. */
  readonly expectedPurchases: string | null;
  /** Sum over members of their value (money, 2 places). */
  readonly expectedValue: string | null;
  readonly meanValue: string | null;
  readonly outlook: readonly MemberOutlook[];
}

const CUSTOMER_DEFAULTS = { horizonWeeks: 52, periods: 12, discountRate: 0.01, aliveBelow: 0.5 } as const;

export const money = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

/** The history as insights reads it: members' purchases and returns (negative) up to `until`, by local day. */
function insightsRows(history: readonly HistoryEvent[], zone: string, until: number | null): HistoryRow[] {
  return history
    .filter((e) => e.memberId !== null && (until === null || e.at <= until))
    .map((e) => ({
      line: e.line,
      member: e.memberId!,
      date: periodKey(e.at, zone, "day"),
      amount: e.kind === "return" ? `-${e.amount}` : e.amount,
    }));
}

export function customerFigures(
  history: readonly HistoryEvent[],
  zone: string,
  until: number | null,
  options: CustomerOptions = {},
): CustomerFigures {
  const o = checked(options);
  const rows = insightsRows(history, zone, until);
  const last = rows.reduce((m, r) => (r.date! > m ? r.date! : m), "");
  const calibrationEnd = until !== null ? periodKey(until, zone, "day") : last === "" ? null : last;
  // Returns with no earlier purchase by the member are left out, as insights would refuse them.
  const { history: read } = readPurchaseHistory(rows, { dateFormat: "ymd", badRows: "skip" });
  const members = calibrationEnd === null ? [] : summarizeHistory(read, { calibrationEnd });
  const purchases = fitted(() => {
    const f = fitBgNbd(members);
    return { parameters: f.parameters, logLikelihood: f.logLikelihood };
  });
  const spend = fitted(() => {
    const f = fitGammaGamma(members);
    return { parameters: f.parameters, logLikelihood: f.logLikelihood };
  });
  const p = purchases.parameters,
    g = spend.parameters;
  const outlook = members.map((m): MemberOutlook => {
    if (p === null) return { member: m.member, pAlive: null, expectedPurchases: null, value: null };
    const horizon = { horizon: o.horizonWeeks, periods: o.periods, discountRate: o.discountRate };
    return {
      member: m.member,
      pAlive: probabilityAlive(p, m),
      expectedPurchases: expectedPurchases(p, m, o.horizonWeeks),
      value: g === null ? null : customerValue(p, g, m, horizon).value,
    };
  });
  const atRisk = p === null ? null : outlook.filter((m) => m.pAlive! < o.aliveBelow).length;
  const total = totalValue(outlook);
  return {
    calibrationEnd,
    ...o,
    members: members.length,
    purchases,
    spend,
    atRisk,
    atRiskShare: atRisk === null || members.length === 0 ? null : ratio(atRisk, members.length),
    expectedPurchases: p === null ? null : sumOf(outlook.map((m) => m.expectedPurchases!)).toFixed(2),
    expectedValue: total === null ? null : money(total),
    meanValue: total === null || members.length === 0 ? null : money(total.div(members.length)),
    outlook,
  };
}

/** The members' values summed exactly from their floating-point estimates; null without a value model. */
function totalValue(outlook: readonly MemberOutlook[]): Decimal | null {
  if (outlook.length === 0 || outlook.some((m) => m.value === null)) return null;
  return sumOf(outlook.map((m) => m.value!));
}

const sumOf = (xs: readonly number[]) =>
  xs.reduce((a, x) => a.plus(x), new Decimal(0)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

export const ratio = (a: Decimal | string | number, b: Decimal | string | number): string | null =>
  new Decimal(b).gt(0) ? new Decimal(a).div(b).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4) : null;

function fitted<P>(fit: () => { parameters: P; logLikelihood: number }): ModelFit<P> {
  try {
    return { ...fit(), notConverged: null };
  } catch (error) {
    if (!isLoyaltyError(error) || error.code !== "FIT_NOT_CONVERGED") throw error;
    return { parameters: null, logLikelihood: null, notConverged: error.message };
  }
}

function checked(options: CustomerOptions): Required<CustomerOptions> {
  const o = { ...CUSTOMER_DEFAULTS, ...options };
  const bad = (field: string, message: string) =>
    new LoyaltyError("INVALID_COMMAND", `The customer value option ${field} ${message}.`, {
      issues: [{ path: ["customers", field], message }],
    });
  if (!(Number.isFinite(o.horizonWeeks) && o.horizonWeeks > 0)) throw bad("horizonWeeks", "must be positive");
  if (!(Number.isInteger(o.periods) && o.periods > 0)) throw bad("periods", "must be a positive whole number");
  if (!(Number.isFinite(o.discountRate) && o.discountRate > -1)) throw bad("discountRate", "must be above -1");
  if (!(o.aliveBelow >= 0 && o.aliveBelow <= 1)) throw bad("aliveBelow", "must be from 0 to 1");
  return o;
}

export interface TierValue {
  readonly members: number;
  readonly atRisk: number | null;
  readonly value: string | null;
  readonly meanValue: string | null;
}

/** The program's cost set against the members' value; what depends on the program simulated. */
export interface ProgramCustomerFigures {
  /** Points issued × the point value: what the points the program gave cost, over the history. */
  readonly pointsCost: string | null;
  readonly pointsCostPerMember: string | null;
  readonly rewardCostPerMember: string | null;
  /** pointsCost / expected value of the member base over the horizon. */
  readonly costToValue: string | null;
  /** rewardCost / expected value of the member base over the horizon. */
  readonly rewardCostToValue: string | null;
  /** By each member's tier at the simulation's end. */
  readonly byTier: Readonly<Record<string, TierValue>>;
}

export function programCustomers(
  c: CustomerFigures,
  totals: { readonly issued: string; readonly rewardCost: string },
  pointValue: string | null,
  enrolled: number,
  tierOf: (member: string) => string,
): ProgramCustomerFigures {
  const pointsCost = pointValue === null ? null : new Decimal(totals.issued).times(pointValue);
  const perMember = (d: Decimal | null) => (d === null || enrolled === 0 ? null : money(d.div(enrolled)));
  const value = c.expectedValue === null ? null : new Decimal(c.expectedValue);
  const tiers = new Map<string, MemberOutlook[]>();
  for (const m of c.outlook) {
    const tier = tierOf(m.member);
    const list = tiers.get(tier);
    if (list === undefined) tiers.set(tier, [m]);
    else list.push(m);
  }
  const byTier = [...tiers]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([tier, ms]): [string, TierValue] => {
      const total = totalValue(ms);
      return [
        tier,
        {
          members: ms.length,
          atRisk: c.purchases.parameters === null ? null : ms.filter((m) => m.pAlive! < c.aliveBelow).length,
          value: total === null ? null : money(total),
          meanValue: total === null ? null : money(total.div(ms.length)),
        },
      ];
    });
  return {
    pointsCost: pointsCost === null ? null : money(pointsCost),
    pointsCostPerMember: perMember(pointsCost),
    rewardCostPerMember: perMember(new Decimal(totals.rewardCost)),
    costToValue: pointsCost === null || value === null ? null : ratio(pointsCost, value),
    rewardCostToValue: value === null ? null : ratio(totals.rewardCost, value),
    byTier: Object.fromEntries(byTier),
  };
}
