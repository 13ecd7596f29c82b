/**
 * Standard errors of maximum-likelihood estimates: the square roots of the diagonal of the inverse
 * of the negative log-likelihood's Hessian at the optimum (the observed information), the Hessian
 * taken by central differences on the parameters themselves (not their logarithms), each step
 * relative to its parameter.
 */

/** The Hessian of `f` at `x` by central differences with relative steps `h·max(|xᵢ|, 1e-3)`. */
function numericalHessian(f: (x: readonly number[]) => number, x: readonly number[], h = 1e-4): number[][] {
  const n = x.length;
  const step = x.map((v) => h * Math.max(Math.abs(v), 1e-3));
  const at = (di: number, si: number, dj: number, sj: number) =>
    f(x.map((v, k) => v + (k === di ? si * step[di]! : 0) + (k === dj ? sj * step[dj]! : 0)));
  const center = f(x);
  const hessian = x.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    hessian[i]![i] = (at(i, 1, -1, 0) - 2 * center + at(i, -1, -1, 0)) / (step[i]! * step[i]!);
    for (let j = 0; j < i; j++) {
      const value = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * step[i]! * step[j]!);
      hessian[i]![j] = value;
      hessian[j]![i] = value;
    }
  }
  return hessian;
}

/** The inverse of a symmetric positive-definite matrix by Cholesky, or null when it is not positive definite. */
export function inverseSpd(matrix: readonly (readonly number[])[]): number[][] | null {
  const n = matrix.length;
  const l = matrix.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = matrix[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  // A⁻¹ = L⁻ᵀ L⁻¹: solve L y = eₖ, then Lᵀ z = y, for each column k.
  const inverse = matrix.map(() => new Array<number>(n).fill(0));
  for (let k = 0; k < n; k++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === k ? 1 : 0;
      for (let m = 0; m < i; m++) s -= l[i]![m]! * y[m]!;
      y[i] = s / l[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let m = i + 1; m < n; m++) s -= l[m]![i]! * inverse[m]![k]!;
      inverse[i]![k] = s / l[i]![i]!;
    }
  }
  return inverse;
}

/**
 * Standard errors at the minimum `x` of a negative log-likelihood, or null when its Hessian there is
 * not positive definite (then `x` is not a maximum of the likelihood, and the fit did not converge).
 */
export function standardErrors(
  negLogLikelihood: (x: readonly number[]) => number,
  x: readonly number[],
): number[] | null {
  const inverse = inverseSpd(numericalHessian(negLogLikelihood, x));
  return inverse === null ? null : inverse.map((row, i) => Math.sqrt(row[i]!));
}
