/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"): each purchase's spend is
 * Gamma(p, ν) around the member's own mean, with ν ~ Gamma(q, γ) across members, independent of how
 * often they buy. Fitted on members with at least one repeat purchase day, from x and the mean spend
 * per repeat purchase day m̄ₓ; gives the expected spend per purchase day of any member.
 */
import { notConverged } from "./bg-nbd.js";
import type { MemberSummary } from "./calibration.js";
import { standardErrors } from "./hessian.js";
import { minimize } from "./optimise.js";
import { lnGamma } from "./special.js";

export interface GammaGammaParameters {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/** A member as the spend model sees them: repeat purchase days and their mean spend. */
export type SpendMember = Pick<MemberSummary, "x" | "meanRepeatSpend">;

export interface GammaGammaFit {
  readonly parameters: GammaGammaParameters;
  readonly standardErrors: GammaGammaParameters;
  readonly logLikelihood: number;
  /** Members fitted on: those with x > 0 and a positive mean spend. */
  readonly members: number;
  readonly evaluations: number;
}

/**
 * The log density of a member's mean spend m̄ given x purchases:
 * Γ(px+q)/(Γ(px)Γ(q)) · γ^q m̄^(px−1) x^(px) / (γ + x m̄)^(px+q).
 */
export function gammaGammaLogLikelihood(g: GammaGammaParameters, m: SpendMember): number {
  const { p, q, gamma } = g;
  const { x, meanRepeatSpend: spend } = m;
  return (
    lnGamma(p * x + q) -
    lnGamma(p * x) -
    lnGamma(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(spend) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(gamma + x * spend)
  );
}

/**
 * E[spend per purchase day | x, m̄ₓ] = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · m̄ₓ: a weighted mean
 * of the population's mean and the member's own, which weighs more the more they bought. For a
 * member with no repeat purchase it is the population's mean pγ/(q−1). Needs q > 1.
 */
export function expectedSpend(g: GammaGammaParameters, m: SpendMember): number {
  const { p, q, gamma } = g;
  if (m.x === 0) return (p * gamma) / (q - 1);
  return (p * (gamma + m.x * m.meanRepeatSpend)) / (p * m.x + q - 1);
}

/** Fits p, q, γ by maximum likelihood on the members with a repeat purchase and a positive mean spend. */
export function fitGammaGamma(members: readonly SpendMember[]): GammaGammaFit {
  const fitted = members.filter((m) => m.x > 0 && m.meanRepeatSpend > 0);
  const negLogLikelihood = (v: readonly number[]) => -totalLogLikelihood({ p: v[0]!, q: v[1]!, gamma: v[2]! }, fitted);
  const mean = fitted.reduce((s, m) => s + m.meanRepeatSpend, 0) / Math.max(1, fitted.length);
  const starts = [
    [0, 0, 0],
    [Math.log(2), Math.log(3), Math.log(Math.max(mean, 1e-6))],
    [Math.log(6), Math.log(4), Math.log(Math.max(mean / 2, 1e-6))],
  ];
  if (fitted.length === 0) notConverged("Gamma-Gamma", "no member has a repeat purchase with a positive spend.");
  const found = minimize((v) => negLogLikelihood(v.map(Math.exp)), { starts });
  if (!found.converged) notConverged("Gamma-Gamma", found.reason ?? "");
  const estimates = found.point.map(Math.exp);
  const errors = standardErrors(negLogLikelihood, estimates);
  if (errors === null)
    notConverged("Gamma-Gamma", "the likelihood is flat or curved the wrong way at the best point found.");
  if (estimates[1]! <= 1)
    notConverged("Gamma-Gamma", `q = ${estimates[1]!.toPrecision(3)} ≤ 1, so the expected spend is not finite.`);
  const toParameters = (v: readonly number[]) => ({ p: v[0]!, q: v[1]!, gamma: v[2]! });
  return {
    parameters: toParameters(estimates),
    standardErrors: toParameters(errors),
    logLikelihood: -found.value,
    members: fitted.length,
    evaluations: found.evaluations,
  };
}

/** Σ gammaGammaLogLikelihood over members, with the ln Γ terms worked out once per distinct x. */
export function totalLogLikelihood(g: GammaGammaParameters, members: readonly SpendMember[]): number {
  const { p, q, gamma } = g;
  const base = q * Math.log(gamma) - lnGamma(q);
  const byX = new Map<number, number>();
  let total = 0;
  for (const { x, meanRepeatSpend: spend } of members) {
    let terms = byX.get(x);
    if (terms === undefined) {
      terms = base + lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x);
      byX.set(x, terms);
    }
    total += terms + (p * x - 1) * Math.log(spend) - (p * x + q) * Math.log(gamma + x * spend);
  }
  return total;
}
