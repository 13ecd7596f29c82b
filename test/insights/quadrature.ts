/**
 * Double-exponential quadrature for the tests' direct integrations: tanh-sinh on (0, 1) and
 * exp-sinh on (0, ∞). Both converge fast even with the endpoint singularities of Beta and Gamma
 * densities whose shape is below 1, which is what the models' small-parameter cases have.
 * Independent of src/insights: nothing here is shared with the code under test.
 */
const STEP = 1 / 64;
// Far enough that a density like λ^(r−1) with r = 0.2 leaves under 1e-12 of its mass outside.
const REACH = 4.5;
const REACH_POSITIVE = 6;

/** ∫₀¹ f(p) dp, where f receives p and 1 − p (each computed without cancellation). */
export function integrateUnit(f: (p: number, q: number) => number): number {
  let total = 0;
  for (let t = -REACH; t <= REACH; t += STEP) {
    const s = Math.PI * Math.sinh(t);
    const p = 1 / (1 + Math.exp(-s));
    const q = 1 / (1 + Math.exp(s));
    const weight = Math.PI * Math.cosh(t) * p * q;
    if (weight > 0 && p > 0 && q > 0) total += f(p, q) * weight;
  }
  return total * STEP;
}

/** ∫₀^∞ f(λ) dλ. */
export function integratePositive(f: (lambda: number) => number): number {
  let total = 0;
  for (let t = -REACH_POSITIVE; t <= REACH_POSITIVE; t += STEP) {
    const lambda = Math.exp((Math.PI / 2) * Math.sinh(t));
    const weight = lambda * (Math.PI / 2) * Math.cosh(t);
    if (Number.isFinite(weight) && lambda > 0) {
      const value = f(lambda);
      if (value !== 0) total += value * weight;
    }
  }
  return total * STEP;
}
