/** The middle of a sample (the upper middle for an even count): what the benches report beside the min. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
