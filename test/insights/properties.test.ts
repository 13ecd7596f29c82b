/**
 * What the BG/NBD and Gamma-Gamma models imply, as properties over random parameters and members,
 * and their likelihoods and expectation against direct numerical integration of the individual-level
 * model over its mixing distributions (test/insights/quadrature.ts, independent of the code under
 * test). fast-check prints the seed of any failure; PROPERTY_RUNS sets the number of runs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bgNbdLogLikelihood,
  expectedPurchases,
  gammaGammaLogLikelihood,
  probabilityAlive,
  type BgNbdParameters,
} from "../../src/insights/index.js";
import { groupMembers, totalLogLikelihood } from "../../src/insights/bg-nbd.js";
import { totalLogLikelihood as totalSpendLogLikelihood } from "../../src/insights/gamma-gamma.js";
import { integratePositive, integrateUnit } from "./quadrature.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const real = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

const parameters = fc.record({ r: real(0.2, 3), alpha: real(0.5, 20), a: real(0.3, 3), b: real(0.5, 5) });
/** A member: x repeat purchase days, the last at tx ≤ T (tx = 0 when x = 0). */
const member = fc
  .record({ x: fc.integer({ min: 0, max: 8 }), T: real(0.5, 60), share: real(0, 1) })
  .map(({ x, T, share }) => ({ x, T, tx: x === 0 ? 0 : T * share }));

/**
 * Direct integration of a Gamma(r, α) mixing density against e^(logF(λ)), normalised by integration
 * too; in logs, so that λ^x e^(−αλ) at huge λ is 0 rather than ∞ · 0.
 */
function overRates(r: number, alpha: number, logF: (lambda: number) => number): number {
  const logDensity = (l: number) => (r - 1) * Math.log(l) - alpha * l;
  return (
    integratePositive((l) => Math.exp(logDensity(l) + logF(l))) / integratePositive((l) => Math.exp(logDensity(l)))
  );
}

/** Direct integration of a Beta(a, b) mixing density against f(p, 1 − p). */
function overDropouts(a: number, b: number, f: (p: number, q: number) => number): number {
  const density = (p: number, q: number) => Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log(q));
  return integrateUnit((p, q) => density(p, q) * f(p, q)) / integrateUnit(density);
}

/**
 * The BG/NBD likelihood of one member given λ and p: alive throughout, (1−p)^x λ^x e^(−λT), or
 * dropped out right after the last purchase, p(1−p)^(x−1) λ^x e^(−λtₓ), mixed over λ and p.
 */
function directLikelihood(g: BgNbdParameters, x: number, tx: number, T: number): number {
  const alive = overRates(g.r, g.alpha, (l) => x * Math.log(l) - l * T) * overDropouts(g.a, g.b, (_, q) => q ** x);
  if (x === 0) return alive;
  const dropped =
    overRates(g.r, g.alpha, (l) => x * Math.log(l) - l * tx) * overDropouts(g.a, g.b, (p, q) => p * q ** (x - 1));
  return alive + dropped;
}

describe("BG/NBD", () => {
  it("the log-likelihood agrees with a direct numerical integration of the model", () => {
    fc.assert(
      fc.property(parameters, member, (g, m) => {
        const direct = Math.log(directLikelihood(g, m.x, m.tx, m.T));
        expect(Math.abs(bgNbdLogLikelihood(g, m) - direct)).toBeLessThan(1e-7 * Math.max(1, Math.abs(direct)));
      }),
      { numRuns: RUNS },
    );
  });

  it("the fit's grouped total is the sum of the members' log-likelihoods", () => {
    // Few distinct values, so that members share (x, tₓ, T) and the grouping has work to do.
    const coarse = fc.record({
      x: fc.integer({ min: 0, max: 3 }),
      T: fc.constantFrom(10, 20),
      tx: fc.constantFrom(0, 5),
    });
    fc.assert(
      fc.property(parameters, fc.array(coarse, { maxLength: 40 }), (g, list) => {
        const members = list.map((m) => ({ ...m, tx: m.x === 0 ? 0 : m.tx }));
        const direct = members.reduce((s, m) => s + bgNbdLogLikelihood(g, m), 0);
        expect(totalLogLikelihood(g, groupMembers(members))).toBeCloseTo(direct, 8);
        const spenders = members.filter((m) => m.x > 0).map((m) => ({ x: m.x, meanRepeatSpend: 3 + m.tx }));
        const spend = { p: g.r * 3, q: g.b + 1, gamma: g.alpha };
        const spendDirect = spenders.reduce((s, m) => s + gammaGammaLogLikelihood(spend, m), 0);
        expect(totalSpendLogLikelihood(spend, spenders)).toBeCloseTo(spendDirect, 8);
      }),
      { numRuns: RUNS },
    );
  });

  it("P(alive) is 1 for a member with no repeat purchase", () => {
    fc.assert(
      fc.property(parameters, real(0, 100), (g, T) => {
        expect(probabilityAlive(g, { x: 0, tx: 0, T })).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });

  it("for a member with repeat purchases, P(alive) falls as the time since the last one grows", () => {
    fc.assert(
      fc.property(parameters, member, real(0.01, 50), (g, m, more) => {
        const x = Math.max(1, m.x);
        const now = probabilityAlive(g, { x, tx: m.tx, T: m.T });
        const later = probabilityAlive(g, { x, tx: m.tx, T: m.T + more });
        expect(later).toBeLessThanOrEqual(now);
        if (now > 1e-12 && now < 1 - 1e-12) expect(later).toBeLessThan(now);
        expect(now).toBeGreaterThanOrEqual(0);
        expect(now).toBeLessThanOrEqual(1);
      }),
      { numRuns: RUNS },
    );
  });

  it("expected purchases are never negative and grow with the horizon", () => {
    fc.assert(
      fc.property(parameters, member, real(0, 200), real(0, 200), (g, m, t1, t2) => {
        const [short, long] = t1 <= t2 ? [t1, t2] : [t2, t1];
        const early = expectedPurchases(g, m, short);
        const late = expectedPurchases(g, m, long);
        expect(early).toBeGreaterThanOrEqual(0);
        expect(late).toBeGreaterThanOrEqual(early * (1 - 1e-9));
      }),
      { numRuns: RUNS },
    );
  });

  it("expected purchases agree with a direct integration over the posterior of λ and p", () => {
    // E[Y(t) | x, tₓ, T] = (1/L) ∫∫ (1−p)^x λ^x e^(−λT) (1 − e^(−λpt)) / p g(λ) h(p) dλ dp: only a
    // member alive at T buys more, and while alive buys 1/p − e^(−λpt)/p in expectation. The pinned
    // example (seed -967318893 once found it) has a + b < 1 and x = 0, where ₂F₁'s c is negative and
    // its sum below zero: its logarithm gave NaN.
    fc.assert(
      fc.property(parameters, member, real(0.5, 80), (g, m, t) => {
        const likelihood = directLikelihood(g, m.x, m.tx, m.T);
        const future = overDropouts(
          g.a,
          g.b,
          (p, q) =>
            overRates(g.r, g.alpha, (l) => m.x * Math.log(l) - l * m.T + Math.log(-Math.expm1(-l * p * t))) *
            (q ** m.x / p),
        );
        const direct = future / likelihood;
        expect(Math.abs(expectedPurchases(g, m, t) - direct)).toBeLessThan(1e-6 * Math.max(1, direct));
      }),
      {
        numRuns: Math.ceil(RUNS / 5),
        examples: [
          [{ r: 0.2, alpha: 0.5, a: 0.3, b: 0.5 }, { x: 0, T: 0.5, tx: 0 }, 1.8413967092843517],
          [{ r: 0.2, alpha: 0.5, a: 0.3, b: 0.5 }, { x: 0, T: 0.5, tx: 0 }, 5],
        ],
      },
    );
  });
});

describe("Gamma-Gamma", () => {
  it("the log-likelihood agrees with a direct integration over ν", () => {
    // Given ν, the mean of x spends ~ Gamma(px, ν) each is Gamma(px, νx); ν ~ Gamma(q, γ).
    fc.assert(
      fc.property(
        real(0.5, 10),
        real(1.2, 10),
        real(0.5, 50),
        fc.integer({ min: 1, max: 12 }),
        real(0.5, 200),
        (p, q, gamma, x, spend) => {
          const shape = p * x;
          const lnGammaShape = logGammaBySum(shape);
          const density = overRates(
            q,
            gamma,
            (nu) => shape * Math.log(nu * x) + (shape - 1) * Math.log(spend) - nu * x * spend - lnGammaShape,
          );
          const ll = gammaGammaLogLikelihood({ p, q, gamma }, { x, meanRepeatSpend: spend });
          expect(Math.abs(ll - Math.log(density))).toBeLessThan(1e-7 * Math.max(1, Math.abs(ll)));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** ln Γ(s) by integrating t^(s−1) e^(−t): independent of the Lanczos series under test. */
function logGammaBySum(s: number): number {
  return Math.log(integratePositive((t) => Math.exp((s - 1) * Math.log(t) - t)));
}
