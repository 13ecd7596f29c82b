/**
 * The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive,
 * a member buys as a Poisson process of rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). From each member's (x, tₓ, T) it gives the likelihood, the probability
 * that the member is still alive and the purchases to expect in the next t time units.
 */
import { insightsMessages } from "./messages.js";
import { LoyaltyError } from "../errors/index.js";
import type { MemberSummary } from "./calibration.js";
import { standardErrors } from "./hessian.js";
import { minimize } from "./optimise.js";
import { hyp2f1, lnBeta, lnGamma, logSumExp } from "./special.js";

/** The four BG/NBD parameters: purchase rates ~ Gamma(r, α), dropout probabilities ~ Beta(a, b). */
export interface BgNbdParameters {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** A member as the model sees them: repeat purchase days x, last at tₓ, watched for T. */
export type BgNbdMember = Pick<MemberSummary, "x" | "tx" | "T">;

export interface BgNbdFit {
  readonly parameters: BgNbdParameters;
  /** Standard errors of r, α, a, b, from the inverse of the observed information. */
  readonly standardErrors: BgNbdParameters;
  /** The log-likelihood at the estimates, summed over the members. */
  readonly logLikelihood: number;
  readonly members: number;
  /** Likelihood evaluations the optimiser used. */
  readonly evaluations: number;
}

/**
 * One member's log-likelihood, in log space throughout:
 * L = B(a, b+x)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+T)^(r+x))
 *   + [x > 0] B(a+1, b+x−1)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+tₓ)^(r+x)).
 */
export function bgNbdLogLikelihood(p: BgNbdParameters, m: BgNbdMember): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = m;
  const common = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) - lnBeta(a, b);
  const stillAlive = lnBeta(a, b + x) - (r + x) * Math.log(alpha + T);
  if (x === 0) return common + stillAlive;
  const droppedAfterLast = lnBeta(a + 1, b + x - 1) - (r + x) * Math.log(alpha + tx);
  return common + logSumExp(stillAlive, droppedAfterLast);
}

/** P(alive | x, tₓ, T): 1 for a member with no repeat purchase (the model drops out only after a purchase). */
export function probabilityAlive(p: BgNbdParameters, m: BgNbdMember): number {
  if (m.x === 0) return 1;
  const { r, alpha, a, b } = p;
  const logOdds = Math.log(a / (b + m.x - 1)) + (r + m.x) * Math.log((alpha + m.T) / (alpha + m.tx));
  return 1 / (1 + Math.exp(logOdds));
}

const A_NEAR_ONE = 1e-4;
/** |ln p| beyond which a fitted BG/NBD parameter has run off rather than settled (see fitBgNbd). */
const SHAPE_RUN_OFF = 15;

const DROPOUT_RIDGE =
  "its dropout parameters run off towards a → 0, b → ∞ (the mean dropout probability a/(a+b) below 0.001): in this calibration period almost no member appears to drop out, and the model has no maximum (it tends to the NBD model). Calibrate on a longer period.";

/**
 * E[purchases in (T, T+t] | x, tₓ, T] (equation 10 of the paper):
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] / (1 + [x>0] a/(b+x−1) ((α+T)/(α+tₓ))^(r+x)).
 * Throws FIT_NOT_CONVERGED when ₂F₁'s series does not settle (a horizon far beyond the data).
 */
export function expectedPurchases(p: BgNbdParameters, m: BgNbdMember, t: number): number {
  if (t <= 0) return 0;
  // The closed form divides 0 by 0 at a = 1; it is continuous there, so take the mean of its neighbours.
  if (Math.abs(p.a - 1) < A_NEAR_ONE)
    return (
      (expectedPurchases({ ...p, a: 1 - A_NEAR_ONE }, m, t) + expectedPurchases({ ...p, a: 1 + A_NEAR_ONE }, m, t)) / 2
    );
  const { r, alpha, a, b } = p;
  const { x, tx, T } = m;
  const z = t / (alpha + T + t);
  const f = hyp2f1(r + x, b + x, a + b + x - 1, z);
  if (!Number.isFinite(f))
    throw new LoyaltyError(
      "FIT_NOT_CONVERGED",
      insightsMessages.fitNotConverged("BG/NBD expectation", `the ₂F₁ series did not settle for a horizon of ${t}.`),
    );
  // ₂F₁'s c = a + b + x − 1 is negative for a member with no repeat purchase when a + b < 1: its
  // terms after the first are then negative and the sum may be too, so take its log only when positive.
  const logShare = (r + x) * Math.log((alpha + T) / (alpha + T + t));
  const bracket = f > 0 ? -Math.expm1(logShare + Math.log(f)) : 1 - Math.exp(logShare) * f;
  const alive = x === 0 ? 1 : 1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx)));
  // bracket and (a−1) share their sign (both negative when a < 1): the ratio is positive either way.
  return Math.max(0, ((a + b + x - 1) / (a - 1)) * (bracket / alive));
}

const toParameters = (v: readonly number[]): BgNbdParameters => ({ r: v[0]!, alpha: v[1]!, a: v[2]!, b: v[3]! });

/**
 * Fits r, α, a, b by maximum likelihood. Members with the same (x, tₓ, T) are counted once and
 * weighted, which makes a cohort's many one-time buyers nearly free. Throws FIT_NOT_CONVERGED when
 * the optimiser finds no maximum (the restarts disagree, or the Hessian there is not negative definite).
 */
export function fitBgNbd(members: readonly BgNbdMember[]): BgNbdFit {
  const groups = groupMembers(members);
  const negLogLikelihood = (v: readonly number[]) => -totalLogLikelihood(toParameters(v), groups);
  const meanRate =
    members.reduce((s, m) => s + m.x, 0) /
    Math.max(
      1,
      members.reduce((s, m) => s + m.T, 0),
    );
  const starts = [
    [0, 0, 0, 0],
    [Math.log(0.5), Math.log(0.5 / Math.max(meanRate, 1e-6)), 0, Math.log(3)],
    [Math.log(2), Math.log(10), Math.log(0.5), Math.log(5)],
  ];
  const found = minimize((v) => negLogLikelihood(v.map(Math.exp)), { starts });
  if (members.length === 0) notConverged("BG/NBD", "no members to fit.");
  if (!found.converged) {
    const [, , a, b] = found.point.map(Math.exp) as [number, number, number, number];
    // The best-known way for BG/NBD to fail: the likelihood keeps rising as a → 0 and b → ∞.
    if (a / (a + b) < 1e-3) notConverged("BG/NBD", DROPOUT_RIDGE);
    notConverged("BG/NBD", found.reason ?? "");
  }
  const estimates = found.point.map(Math.exp);
  // The optimiser's own run-off bound (e^±30) suits any unit; r, a and b are shapes and α a scale
  // in the time unit (weeks by default), so one beyond e^±15 (3.3 million) is a likelihood still
  // rising towards a boundary (no heterogeneity left, every member dropping at once) that a small
  // history leaves unpinned.
  const off = estimates.findIndex((v) => Math.abs(Math.log(v)) > SHAPE_RUN_OFF);
  if (off >= 0) {
    const named = (["r", "α", "a", "b"] as const).map((n, i) => `${n} = ${estimates[i]!.toPrecision(3)}`).join(", ");
    notConverged(
      "BG/NBD",
      `a parameter ran off towards 0 or infinity (${named}): the history does not pin the model down.`,
    );
  }
  const errors = standardErrors(negLogLikelihood, estimates);
  if (errors === null)
    notConverged("BG/NBD", "the likelihood is flat or curved the wrong way at the best point found.");
  return {
    parameters: toParameters(estimates),
    standardErrors: toParameters(errors),
    logLikelihood: -found.value,
    members: members.length,
    evaluations: found.evaluations,
  };
}

/**
 * Σ count · bgNbdLogLikelihood over groups of members with the same (x, tₓ, T), with the terms that
 * depend only on x worked out once per distinct x: a fit evaluates this a thousand times or more.
 */
export function totalLogLikelihood(p: BgNbdParameters, groups: readonly Group[]): number {
  const { r, alpha, a, b } = p;
  const base = r * Math.log(alpha) - lnGamma(r) - lnBeta(a, b);
  const alive = new Map<number, number>();
  const dropped = new Map<number, number>();
  let total = 0;
  for (const g of groups) {
    const x = g.x;
    let stillAlive = alive.get(x);
    if (stillAlive === undefined) {
      stillAlive = base + lnGamma(r + x) + lnBeta(a, b + x);
      alive.set(x, stillAlive);
      if (x > 0) dropped.set(x, base + lnGamma(r + x) + lnBeta(a + 1, b + x - 1));
    }
    const one = stillAlive - (r + x) * Math.log(alpha + g.T);
    total += g.count * (x === 0 ? one : logSumExp(one, dropped.get(x)! - (r + x) * Math.log(alpha + g.tx)));
  }
  return total;
}

export function notConverged(model: string, detail: string): never {
  throw new LoyaltyError("FIT_NOT_CONVERGED", insightsMessages.fitNotConverged(model, detail), { details: { model } });
}

/** Members who share (x, tₓ, T), counted once. */
export interface Group extends BgNbdMember {
  readonly count: number;
}

export function groupMembers(members: readonly BgNbdMember[]): Group[] {
  const groups = new Map<string, { x: number; tx: number; T: number; count: number }>();
  for (const { x, tx, T } of members) {
    const key = `${x}|${tx}|${T}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { x, tx, T, count: 1 });
    else group.count++;
  }
  return [...groups.values()];
}
