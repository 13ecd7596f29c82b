/**
 * Builders of purchase rules, awards and basket lines in the loose shapes the earning tests spell
 * (`earningProgram` takes them): a rule, a rate into `points`, per-unit points, a multiplier, and a
 * line of a basket.
 */
type Json = any;

export const rule = (id: string, awards: Json[], more: Json = {}) => ({ id, on: "purchase", awards, ...more });
export const rate = (points: string, per: string, more: Json = {}) => ({
  kind: "rate",
  points,
  per,
  wallet: "points",
  ...more,
});
export const perUnit = (points: string, more: Json = {}) => ({ kind: "perUnit", points, wallet: "points", ...more });
export const mult = (factor: string, more: Json = {}) => ({ kind: "multiplier", factor, wallet: "points", ...more });
export const line = (sku: string, quantity: number, amount: string, category?: string) => ({
  sku,
  quantity,
  amount,
  ...(category === undefined ? {} : { category }),
});
