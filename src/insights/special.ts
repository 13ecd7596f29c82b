/**
 * The special functions the customer-base models need, in log space where their values overflow:
 * ln Γ, ln B, log-sum-exp and the Gaussian hypergeometric function ₂F₁. Plain numbers: these are
 * statistics, never money. Checked against published values in test/insights/special.test.ts.
 */

// Lanczos approximation, g = 7, n = 9 (Numerical Recipes' coefficients): about 15 significant digits.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  // Reflection keeps the series where it is accurate; the models only call this with x > 0.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS_G + 2; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ln(eᵃ + eᵇ) without overflow or underflow. */
export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const high = Math.max(a, b);
  return high + Math.log1p(Math.exp(Math.min(a, b) - high));
}

/** Terms summed at most before ₂F₁ gives up: enough for z up to about 0.999 with the models' parameters. */
const HYP2F1_MAX_TERMS = 1_000_000;

/**
 * The Gaussian hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series, each term
 * from the last by the ratio (a+n)(b+n)z / ((c+n)(n+1)), summed until a term no longer changes the
 * sum. In the BG/NBD conditional expectation a, b > 0; c is positive but for a member with no repeat
 * purchase when the dropout parameters a + b < 1, where the terms after the first are negative (the
 * sum may be negative too: callers must not take its log blindly). Returns NaN when the series overflows or has not settled within HYP2F1_MAX_TERMS terms (z too
 * close to 1): callers report that rather than a wrong number.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) return Number.NaN;
  let term = 1;
  let sum = 1;
  for (let n = 0; n < HYP2F1_MAX_TERMS; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    const next = sum + term;
    if (!Number.isFinite(next)) return Number.NaN;
    if (next === sum && Math.abs(term) <= Number.EPSILON * Math.abs(sum)) return sum;
    sum = next;
  }
  return Number.NaN;
}
