/**
 * Maximum likelihood without a statistics library: Nelder–Mead on the logarithms of the parameters
 * (so every step keeps them positive), restarted from several points and from its own optimum until
 * two rounds agree. Nelder–Mead needs no gradient, which the BG/NBD likelihood has only through
 * digamma functions; its weakness, stopping on a ridge, is what the restarts are for.
 */

export interface MinimumFound {
  /** The point found (log-parameters). */
  readonly point: readonly number[];
  /** The objective there. */
  readonly value: number;
  /** Objective evaluations used, over every start. */
  readonly evaluations: number;
  /** True when the best starts agreed and the last restart found nothing better. */
  readonly converged: boolean;
  /** Why not, when `converged` is false. */
  readonly reason?: string;
}

export interface MinimizeOptions {
  /** Points to start from; the best result is polished by restarting from it. */
  readonly starts: readonly (readonly number[])[];
  /** Evaluations allowed per start (default 4,000). */
  readonly maxEvaluations?: number;
  /** Stop when the simplex's values differ by less than this (default 1e-10, absolute). */
  readonly tolerance?: number;
  /**
   * Not converged when a coordinate of the best point lies beyond ±bound (default 30: on log
   * parameters, a parameter under e⁻³⁰ or over e³⁰ has run off to 0 or infinity, not to an optimum).
   */
  readonly bound?: number;
}

/** Minimises `f` from each start; the result is the best, polished by restarts until it stops improving. */
export function minimize(f: (point: readonly number[]) => number, options: MinimizeOptions): MinimumFound {
  const max = options.maxEvaluations ?? 4_000;
  const tolerance = options.tolerance ?? 1e-10;
  let evaluations = 0;
  const counted = (p: readonly number[]) => {
    evaluations++;
    const value = f(p);
    return Number.isFinite(value) ? value : Infinity;
  };
  const runs = options.starts.map((start) => nelderMead(counted, start, max, tolerance));
  let best = runs.reduce((a, b) => (b.value < a.value ? b : a));
  if (!Number.isFinite(best.value))
    return { ...best, evaluations, converged: false, reason: "the likelihood is not finite at any start." };
  // Restart from the optimum with a fresh simplex until a restart gains nothing: a collapsed simplex
  // can stop short of the optimum, a fresh one cannot stop there twice.
  for (let round = 0; round < 6; round++) {
    const again = nelderMead(counted, best.point, max, tolerance);
    const gained = best.value - again.value;
    if (again.value < best.value) best = again;
    if (gained <= 1e-7 * Math.max(1, Math.abs(best.value)) && again.settled) {
      const bound = options.bound ?? 30;
      if (best.point.every((v) => Math.abs(v) <= bound))
        return { point: best.point, value: best.value, evaluations, converged: true };
      return { ...best, evaluations, converged: false, reason: "a parameter ran off towards 0 or infinity." };
    }
  }
  return { ...best, evaluations, converged: false, reason: "restarts from the optimum kept improving on it." };
}

interface Run {
  readonly point: readonly number[];
  readonly value: number;
  /** True when the simplex shrank below the tolerance before the evaluation budget ran out. */
  readonly settled: boolean;
}

// The standard coefficients: reflection 1, expansion 2, contraction ½, shrink ½.
function nelderMead(
  f: (p: readonly number[]) => number,
  start: readonly number[],
  max: number,
  tolerance: number,
): Run {
  const n = start.length;
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + 0.5 : v)))];
  let values = simplex.map(f);
  let used = n + 1;
  while (used < max) {
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    const spread = Math.abs(values[n]! - values[0]!);
    const size = Math.max(...simplex.slice(1).map((p) => Math.max(...p.map((v, j) => Math.abs(v - simplex[0]![j]!)))));
    if (spread < tolerance && size < 1e-6) return { point: simplex[0]!, value: values[0]!, settled: true };
    const centroid = start.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p[j]!, 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (simplex[n]![j]! - c));
    const reflected = along(-1);
    const fr = f(reflected);
    used++;
    if (fr < values[0]!) {
      const expanded = along(-2);
      const fe = f(expanded);
      used++;
      [simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const contracted = fr < values[n]! ? along(-0.5) : along(0.5);
      const fc = f(contracted);
      used++;
      if (fc < Math.min(fr, values[n]!)) [simplex[n], values[n]] = [contracted, fc];
      else {
        simplex = simplex.map((p) => p.map((v, j) => simplex[0]![j]! + 0.5 * (v - simplex[0]![j]!)));
        values = [values[0]!, ...simplex.slice(1).map(f)];
        used += n;
      }
    }
  }
  const best = values.indexOf(Math.min(...values));
  return { point: simplex[best]!, value: values[best]!, settled: false };
}
