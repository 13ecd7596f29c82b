/**
 * mulberry32: a tiny seeded generator of numbers in [0, 1), the same sequence for a seed in every
 * process and every run. For what must repeat from a seed (the simulation's redemption model,
 * benchmarks, the chaos audit's command lists), not for properties: those draw from fast-check,
 * which shrinks and prints its seed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
