/**
 * `simulate`: a program (and optionally a variant) replayed over a purchase history by the engine
 * itself, on the in-memory store, returning the economics figures and every assumption they rest
 * on. Deterministic: the same inputs and seed give the same figures (timing is left to callers).
 */
import { compileProgram, type Program } from "../program/compile.js";
import type { ProgramInput } from "../program/define.js";
import { LoyaltyError } from "../errors/loyalty-error.js";
import { comparePrograms, type Comparison } from "./compare.js";
import { programFigures, type ProgramFigures } from "./figures.js";
import { inReplayOrder, type HistoryEvent } from "./history.js";
import { pointValue } from "../engine/liability.js";
import { DEFAULT_REDEMPTION, type RedemptionModel } from "./redemption.js";
import {
  customerFigures,
  programCustomers,
  type CustomerFigures,
  type CustomerOptions,
  type ProgramCustomerFigures,
} from "./customers.js";
import { NO_TIER } from "./tally.js";
import { runProgram, type ProgressTick, type RunRecord } from "./run.js";

export interface SimulateOptions {
  readonly program: ProgramInput | Program;
  readonly history: readonly HistoryEvent[];
  /** A variant to compare with (a proposed change). */
  readonly compare?: ProgramInput | Program;
  /** Epoch ms or Date: events after it are left out, and month ends run on to its month after the history ends. */
  readonly until?: number | Date;
  /** Seed of the redemption model's draws. Default 1. */
  readonly seed?: number;
  /** Default: each month, with probability 0.5, the cheapest reward with a money value the member can redeem. */
  readonly redemption?: RedemptionModel;
  /** Money value of one point (decimal text); default: derived from the program's conversion rewards. */
  readonly pointValue?: string;
  /** The wallet the figures count; default the program's first spendable wallet. */
  readonly wallet?: string;
  /** Stop at the first row the engine refuses. */
  readonly strict?: boolean;
  /** How many of the members a change moves most to list. Default 20. */
  readonly movers?: number;
  /** Churn risk and customer value: horizon, discounting and the at-risk threshold (customers.ts). */
  readonly customers?: CustomerOptions;
  readonly onProgress?: (tick: ProgressTick & { readonly program: number; readonly programs: number }) => void;
}

/** One stated assumption and the figures it affects. */
export interface Assumption {
  readonly id: string;
  readonly text: string;
  readonly affects: readonly string[];
}

export interface SimulationResult {
  readonly assumptions: readonly Assumption[];
  readonly base: ProgramFigures;
  readonly variant: ProgramFigures | null;
  readonly comparison: Comparison | null;
  /** Churn risk and customer value of the members, and each program's cost against it. */
  readonly customers: CustomerFigures & {
    readonly base: ProgramCustomerFigures;
    readonly variant: ProgramCustomerFigures | null;
  };
  readonly seed: number;
  readonly until: string | null;
}

export interface SimulationRuns {
  readonly result: SimulationResult;
  /** The runs themselves (their engines and tallies), for tests and the CLI's timing. */
  readonly runs: readonly RunRecord[];
}

export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  return (await simulateRuns(options)).result;
}

export async function simulateRuns(options: SimulateOptions): Promise<SimulationRuns> {
  const programs = [options.program, ...(options.compare === undefined ? [] : [options.compare])].map(compiled);
  const seed = options.seed ?? 1;
  const redemption = options.redemption ?? DEFAULT_REDEMPTION;
  if (redemption.kind === "cheapest" && !(redemption.probability >= 0 && redemption.probability <= 1))
    throw new LoyaltyError("INVALID_COMMAND", "The redemption probability must be between 0 and 1.", {
      issues: [{ path: ["redemption", "probability"], message: "must be a number from 0 to 1" }],
    });
  const until = options.until === undefined ? null : new Date(options.until).getTime();
  const history = inReplayOrder(options.history);
  // Before the runs: bad options fail before any replay, and the fits read the history as given.
  const customers = customerFigures(history, programs[0]!.timeZone, until, options.customers);
  const runs: RunRecord[] = [];
  const figures: ProgramFigures[] = [];
  const assumptions: Assumption[] = [];
  for (const [i, program] of programs.entries()) {
    const wallet = options.wallet ?? [...program.wallets.values()].find((w) => w.kind === "spendable")?.id;
    if (wallet === undefined || !program.wallets.has(wallet))
      throw new LoyaltyError("INVALID_COMMAND", `Program ${program.id} has no spendable wallet to simulate.`, {
        issues: [{ path: ["wallet"], message: "names no wallet of the program" }],
      });
    const run = await runProgram(program, history, {
      wallet,
      until,
      seed,
      redemption,
      strict: options.strict ?? false,
      ...(options.onProgress
        ? { onProgress: (t: ProgressTick) => options.onProgress!({ ...t, program: i, programs: programs.length }) }
        : {}),
    });
    const point = pointValue(program, wallet, options.pointValue ?? null);
    const cheapest = run.reachReward;
    runs.push(run);
    figures.push(programFigures(program, run, wallet, point, cheapest));
    assumptions.push(...programAssumptions(i === 0 ? "base" : "variant", program, wallet, point.source, cheapest?.id));
  }
  assumptions.unshift(...sharedAssumptions(redemption, seed, until), ...customerAssumptions(customers));
  const [base, variant] = figures as [ProgramFigures, ProgramFigures | undefined];
  const costs = figures.map((f, i) =>
    programCustomers(
      customers,
      f.totals,
      f.pointValue,
      f.members,
      (m) => runs[i]!.tally.members.get(m)?.tier ?? NO_TIER,
    ),
  );
  return {
    result: {
      assumptions,
      base,
      variant: variant ?? null,
      comparison:
        variant === undefined ? null : comparePrograms(base, variant, runs[0]!.tally, runs[1]!.tally, options.movers),
      customers: { ...customers, base: costs[0]!, variant: costs[1] ?? null },
      seed,
      until: until === null ? null : new Date(until).toISOString(),
    },
    runs,
  };
}

function compiled(p: ProgramInput | Program): Program {
  return "rulesByTrigger" in p ? (p as Program) : compileProgram(p);
}

function sharedAssumptions(model: RedemptionModel, seed: number, until: number | null): Assumption[] {
  const redemption =
    model.kind === "never"
      ? "Members never redeem: every point issued is either still outstanding, expired or taken back by a return."
      : `At each month end, each member (in enrolment order) redeems with probability ${model.probability} ` +
        `(seeded draws, seed ${seed}) one unit of the cheapest reward they may redeem then among ` +
        (model.rewards ? `the rewards ${model.rewards.join(", ")}` : "the rewards with a money value") +
        ", if their available points pay for it; at most one redemption per member per month.";
  return [
    { id: "redemption", text: redemption, affects: ["redeemed", "outstanding", "liability", "rewardCost", "breakage"] },
    {
      id: "members",
      text: "Every customer with a member id in the history is a member from their first row (enrolled then); rows without one are sales to non-members.",
      affects: ["members", "memberShareOfSales", "issued"],
    },
    {
      id: "month-end",
      text: "Expiry, tier reviews and automatic conversions run at each month's end in the program's time zone; figures are counted by the month in which the engine wrote them.",
      affects: ["expired", "outstanding", "tiers", "promotions", "demotions"],
    },
    {
      id: "reach",
      text: "Whether a member can afford the cheapest considered reward is checked at each of their commands and at each month end (points still pending do not count).",
      affects: ["reach"],
    },
    {
      id: "revenue",
      text: "Revenue is sales less returns over the 12 months to each month's end (fewer months at the start of the history); reward cost is the money value of what redemptions granted.",
      affects: ["liabilityShareOfRevenue", "rewardCostShareOfSales"],
    },
    ...(until === null
      ? []
      : [
          {
            id: "until",
            text: `Events after ${new Date(until).toISOString()} are left out; month ends (expiry, reviews, redemptions) run on to that month even after the history ends.`,
            affects: ["all"],
          },
        ]),
  ];
}

function customerAssumptions(c: CustomerFigures): Assumption[] {
  return [
    {
      id: "customer-models",
      text:
        `Churn risk and customer value come from the BG/NBD and Gamma-Gamma models (docs/insights.md) fitted on members' ` +
        `purchases in the history up to ${c.calibrationEnd ?? "its end"} (the calibration's end), counted by purchase day ` +
        "in the program's time zone, whatever the program: they do not depend on the program simulated.",
      affects: ["purchasesFit", "spendFit", "atRisk", "expectedValue"],
    },
    {
      id: "customer-horizon",
      text:
        `Expected purchases and value look ${c.horizonWeeks} weeks ahead; value is spend (margin 1) summed over ` +
        `${c.periods} equal periods, discounted at ${c.discountRate} per period; a member is at risk when P(alive) < ${c.aliveBelow}.`,
      affects: ["atRisk", "expectedValue", "costToValue"],
    },
    {
      id: "customer-cost",
      text:
        "Points cost is the points issued over the whole history × the point value; cost to value sets it (and the reward cost) " +
        "against the members' expected value over the horizon ahead: a past cost against a future value, not a margin.",
      affects: ["costToValue"],
    },
  ];
}

function programAssumptions(
  role: string,
  program: Program,
  wallet: string,
  pointSource: string,
  cheapest: string | undefined,
): Assumption[] {
  return [
    {
      id: `${role}-wallet`,
      text: `${role}: program ${program.id} v${program.version}; figures count the wallet "${wallet}"; point value ${pointSource}.`,
      affects: ["liability", "liabilityShareOfRevenue"],
    },
    {
      id: `${role}-reach-reward`,
      text: `${role}: the cheapest considered reward is ${cheapest === undefined ? "none (reach is not measured)" : `"${cheapest}"`}.`,
      affects: ["reach"],
    },
  ];
}
