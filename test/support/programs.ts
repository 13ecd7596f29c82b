/**
 * Program builders for tests. Most test programs are the same small program in pounds and London
 * time (1 point and 1 status point per £1, rounded down) with a few keys changed: `poundsProgram`
 * is that program, and each builder below is it with the keys its area of tests needs. Overrides
 * replace whole top-level keys (a spread), so a builder's result is the plain object a test spells.
 */
import { exampleProgram } from "../../examples/program.js";
import type { NegativeBalancePolicy, ProgramDefinition, RuleDefinition } from "../../src/index.js";

type Tiers = NonNullable<ProgramDefinition["tiers"]>;
type RewardInput = NonNullable<ProgramDefinition["rewards"]>[number];
type Rounding = "down" | "up" | "half_up" | "half_even";

// The parts are functions, not constants: every program gets objects of its own, as when each
// test spelled its program out, so a test that changes its program changes no other.

/** A spendable wallet named `points`. */
const pointsWallet = () => ({ id: "points", kind: "spendable" }) as const;
/** A qualifying wallet named `status` whose points never expire. */
const statusWallet = () => ({ id: "status", kind: "qualifying", expiresAfter: null }) as const;

/** The purchase rule most tests earn by: 1 point and 1 status point per £1 (the refunds' base rule). */
export const purchaseRule = (): RuleDefinition => ({
  id: "base",
  on: "purchase",
  awards: [
    { kind: "rate", points: "1", per: "1", wallet: "points" },
    { kind: "rate", points: "1", per: "1", wallet: "status" },
  ],
});

/** A "promo" event pays 50 points that last 30 days. */
export const promoRule = (): RuleDefinition => ({
  id: "promo",
  on: "promo",
  awards: [{ kind: "fixed", points: "50", wallet: "points" }],
  expiry: { after: { days: 30 } },
});

/** A "bonus" event pays 100 ordinary points. */
export const bonusRule = (): RuleDefinition => ({
  id: "bonus",
  on: "bonus",
  awards: [{ kind: "fixed", points: "100", wallet: "points" }],
});

/**
 * The small program in pounds and London time: whole points rounded down, a points wallet and a
 * status wallet that never expires, the purchase rule, refunds within the balance against it.
 */
export function poundsProgram(over: Partial<ProgramDefinition> & Record<string, unknown> = {}): ProgramDefinition {
  return {
    id: "pounds",
    version: 1,
    currency: "GBP",
    timeZone: "Europe/London",
    points: { scale: 0, rounding: "down" },
    wallets: [pointsWallet(), statusWallet()],
    refunds: { negativeBalance: "within_balance", baseRule: "base" },
    rules: [purchaseRule()],
    ...over,
  } as ProgramDefinition;
}

/** The example program (examples/program.ts) with points available at once and `patch` applied. */
export function exampleWith(patch: Partial<ProgramDefinition> & Record<string, unknown> = {}): ProgramDefinition {
  return { ...exampleProgram, pending: { days: 0 }, ...patch } as ProgramDefinition;
}

/**
 * Earning tests: the given purchase `rules` and nothing else (no expiry, no pending period, no base
 * rule for refunds), with a status wallet of the default expiry; `extra` replaces any other key.
 */
export function earningProgram(rules: any[], extra: Record<string, unknown> = {}): any {
  return poundsProgram({
    id: "t",
    wallets: [pointsWallet(), { id: "status", kind: "qualifying" }],
    refunds: { negativeBalance: "within_balance" },
    rules,
    ...extra,
  });
}

/**
 * Refund tests: 1 point (or `pointsRate`) and 1 status point per £1, a 14-day return window,
 * 12-month expiry, and the given negative-balance policy.
 */
export function refundProgram(
  negativeBalance: NegativeBalancePolicy,
  over: { pointsRate?: [string, string]; rounding?: Rounding; scale?: number } = {},
): ProgramDefinition {
  const [points, per] = over.pointsRate ?? ["1", "1"];
  return poundsProgram({
    id: "simple",
    points: { scale: over.scale ?? 0, rounding: over.rounding ?? "down" },
    expiry: { after: { months: 12 } },
    pending: { days: 14 },
    refunds: { negativeBalance, baseRule: "base" },
    rules: [
      {
        id: "base",
        on: "purchase",
        awards: [
          { kind: "rate", points, per, wallet: "points" },
          { kind: "rate", points: "1", per: "1", wallet: "status" },
        ],
      },
    ],
  });
}

/** Bronze, silver at 500 status points, gold at 1000, in a calendar year, reviewed yearly, refunds at once. */
export const ladder = (): Tiers => ({
  levels: [
    { id: "bronze" },
    { id: "silver", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "500" }] } },
    { id: "gold", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "1000" }] } },
  ],
  window: { kind: "calendarYear" },
  promotion: "immediate",
  review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
  refunds: "atOnce",
});

/** Tier tests: the ladder with `tiers` keys replaced, 24-month expiry, no pending period. */
export function tierProgram(tiers: Partial<Tiers> = {}, patch: Partial<ProgramDefinition> = {}): ProgramDefinition {
  return poundsProgram({ id: "tiers", expiry: { after: { months: 24 } }, tiers: { ...ladder(), ...tiers }, ...patch });
}

/**
 * Rewards tests: the given catalogue; a 14-day return window, 12-month expiry, debt allowed; the
 * promo and bonus events beside the purchase rule.
 */
export function rewardsProgram(rewards: RewardInput[], patch: Partial<ProgramDefinition> = {}): ProgramDefinition {
  return poundsProgram({
    id: "rewards",
    expiry: { after: { months: 12 } },
    pending: { days: 14 },
    refunds: { negativeBalance: "allow_debt", baseRule: "base" },
    rules: [purchaseRule(), promoRule(), bonusRule()],
    rewards,
    ...patch,
  });
}

/** A program with a 100-point mug, the bonus event, 12-month expiry and refunds within the balance. */
export function mugProgram(patch: Partial<ProgramDefinition> = {}): ProgramDefinition {
  return poundsProgram({
    id: "rv",
    expiry: { after: { months: 12 } },
    rules: [purchaseRule(), bonusRule()],
    rewards: [{ kind: "product", id: "mug", wallet: "points", price: "100" }],
    ...patch,
  });
}

/** Time-zone tests: the given zone, currency and rules; refunds within the balance, no base rule. */
export function zonedProgram(
  timeZone: string,
  currency: string,
  rules: ProgramDefinition["rules"],
  over: Partial<ProgramDefinition> = {},
): ProgramDefinition {
  return poundsProgram({
    id: `tz-${timeZone.replace("/", "-").toLowerCase()}`,
    currency,
    timeZone,
    refunds: { negativeBalance: "within_balance" },
    rules,
    ...over,
  });
}
