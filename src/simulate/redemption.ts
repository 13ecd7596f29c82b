/**
 * How simulated members redeem. A history holds purchases and returns, never redemptions, so the
 * simulation needs a stated model of behaviour; the report prints it beside every figure it moves.
 * Random choices come from a seeded generator, so a seed gives the same report every time.
 */
import type { Program } from "../program/compile.js";
import type { CompiledReward } from "../program/compiled.js";
import { mulberry32 } from "../shared/mulberry32.js";

export type RedemptionModel =
  | { readonly kind: "never" }
  | {
      /**
       * At each month end, each member (in enrolment order) draws a number; with `probability` they
       * redeem one unit of the cheapest reward they may redeem now among `rewards`, if they can.
       */
      readonly kind: "cheapest";
      readonly probability: number;
      /** Reward ids to consider; default: the rewards with a money value (vouchers, conversions, discounts). */
      readonly rewards?: readonly string[];
    };

export const DEFAULT_REDEMPTION: RedemptionModel = { kind: "cheapest", probability: 0.5 };

/** The model's draws: mulberry32 (src/shared/mulberry32.ts), the same sequence for a seed everywhere. */
export const seededRandom = mulberry32;

/** The rewards the model considers on `wallet`, cheapest first (ties: id). */
export function consideredRewards(program: Program, wallet: string, model: RedemptionModel): CompiledReward[] {
  const all = [...program.rewards.values()].filter((r) => r.wallet === wallet && r.enabled);
  const chosen =
    model.kind === "cheapest" && model.rewards !== undefined
      ? all.filter((r) => model.rewards!.includes(r.id))
      : all.filter((r) => r.value !== null);
  return chosen.sort((a, b) => a.price.cmp(b.price) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
