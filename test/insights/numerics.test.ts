/**
 * The numerical pieces against known values: ln Γ, ₂F₁ (closed forms), the optimiser (a known
 * minimum, an unbounded objective), standard errors from the Hessian (a normal sample, whose
 * answer is known in closed form) and a fit the data cannot pin down.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitBgNbd, fitGammaGamma, hyp2f1, isLoyaltyError, lnGamma } from "../../src/insights/index.js";
import { inverseSpd, standardErrors } from "../../src/insights/hessian.js";
import { minimize } from "../../src/insights/optimise.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

describe("special functions", () => {
  it("ln Γ matches factorials, Γ(½) = √π and a tabulated value to 14 digits", () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      expect(lnGamma(n + 1)).toBeCloseTo(Math.log((factorial *= n)), 12);
    }
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lnGamma(100)).toBeCloseTo(359.1342053695754, 10); // ln(99!)
    expect(lnGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 13);
  });

  it("₂F₁ agrees with its closed forms: −ln(1−z)/z, (1−z)^(−a), arcsin(√z)/√z", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.99, noNaN: true }),
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        (z, a) => {
          expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 10);
          expect(hyp2f1(a, 3.5, 3.5, z) / (1 - z) ** -a).toBeCloseTo(1, 10);
          expect(hyp2f1(0.5, 0.5, 1.5, z)).toBeCloseTo(Math.asin(Math.sqrt(z)) / Math.sqrt(z), 10);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("₂F₁ answers NaN outside [0, 1) and when its series cannot settle", () => {
    expect(hyp2f1(1, 1, 2, 1)).toBeNaN();
    expect(hyp2f1(1, 1, 2, -0.5)).toBeNaN();
    expect(hyp2f1(50, 50, 1, 1 - 1e-9)).toBeNaN();
  });
});

describe("optimiser and standard errors", () => {
  it("finds the minimum of Rosenbrock's valley from several starts", () => {
    const rosenbrock = (v: readonly number[]) => 100 * (v[1]! - v[0]! ** 2) ** 2 + (1 - v[0]!) ** 2;
    const found = minimize(rosenbrock, {
      starts: [
        [-1.2, 1],
        [2, 2],
        [0, 0],
      ],
    });
    expect(found.converged).toBe(true);
    expect(found.point[0]).toBeCloseTo(1, 4);
    expect(found.point[1]).toBeCloseTo(1, 4);
  });

  it("says it did not converge on an objective with no minimum", () => {
    const found = minimize((v) => -Math.abs(v[0]!) - v[1]!, { starts: [[0, 0]], maxEvaluations: 500 });
    expect(found.converged).toBe(false);
    expect(found.reason).toBeDefined();
  });

  it("standard errors of a normal sample's mean and deviation are σ/√n and σ/√(2n)", () => {
    const sample = Array.from({ length: 200 }, (_, i) => 10 + 3 * Math.sin(i * 1.7) + Math.cos(i * 0.3));
    const n = sample.length;
    const mean = sample.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(sample.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    const negLogLikelihood = ([mu, sigma]: readonly number[]) =>
      sample.reduce((s, v) => s + Math.log(sigma!) + (v - mu!) ** 2 / (2 * sigma! ** 2), 0);
    const errors = standardErrors(negLogLikelihood, [mean, sd])!;
    expect(errors[0]! / (sd / Math.sqrt(n))).toBeCloseTo(1, 5);
    expect(errors[1]! / (sd / Math.sqrt(2 * n))).toBeCloseTo(1, 5);
    // At a point that is not a minimum the Hessian is not positive definite: no standard errors.
    expect(standardErrors((v) => -negLogLikelihood(v), [mean, sd])).toBeNull();
  });

  it("inverts symmetric positive-definite matrices", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 9, maxLength: 9 }), (cells) => {
        // M = AᵀA + I is symmetric positive definite.
        const a = [cells.slice(0, 3), cells.slice(3, 6), cells.slice(6, 9)];
        const m = a.map((_, i) => a.map((__, j) => a.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 1 : 0)));
        const inverse = inverseSpd(m)!;
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++)
            expect(m[i]!.reduce((s, v, k) => s + v * inverse[k]![j]!, 0)).toBeCloseTo(i === j ? 1 : 0, 8);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("fits the data cannot pin down", () => {
  it("BG/NBD with no repeat purchase at all throws FIT_NOT_CONVERGED instead of numbers", () => {
    const members = Array.from({ length: 50 }, (_, i) => ({ x: 0, tx: 0, T: 10 + i }));
    expect(() => fitBgNbd(members)).toThrow(expect.objectContaining({ code: "FIT_NOT_CONVERGED" }));
    expect(() => fitBgNbd([])).toThrow(expect.objectContaining({ code: "FIT_NOT_CONVERGED" }));
  });

  it("BG/NBD on a history too small to pin it down throws FIT_NOT_CONVERGED, not parameters in the millions", () => {
    // Both once gave a "fit": a ≈ 7.8e6 with b ≈ 0.045, and r ≈ 4.7e10 with α ≈ 4.2e11.
    for (const members of [
      [
        { x: 1, tx: 10, T: 40 },
        { x: 0, tx: 0, T: 40 },
      ],
      [
        { x: 2, tx: 20, T: 40 },
        { x: 1, tx: 5, T: 30 },
      ],
    ])
      expect(() => fitBgNbd(members)).toThrow(
        expect.objectContaining({ code: "FIT_NOT_CONVERGED", message: expect.stringContaining("ran off") }),
      );
  });

  it("Gamma-Gamma with no repeat buyer, or with every member spending the same, throws FIT_NOT_CONVERGED", () => {
    let caught: unknown;
    try {
      fitGammaGamma([{ x: 0, meanRepeatSpend: 0 }]);
    } catch (error) {
      caught = error;
    }
    expect(isLoyaltyError(caught, "FIT_NOT_CONVERGED")).toBe(true);
    const same = Array.from({ length: 40 }, (_, i) => ({ x: 1 + (i % 4), meanRepeatSpend: 20 }));
    expect(() => fitGammaGamma(same)).toThrow(expect.objectContaining({ code: "FIT_NOT_CONVERGED" }));
  });
});
