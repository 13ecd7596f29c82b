/**
 * One set of earning rules, written three ways, and the inputs they are measured on:
 * (i) a loyalty-engine program, compiled once and evaluated with `evaluatePurchase`;
 * (ii) the same rules for json-rules-engine, points computed from the fired events;
 * (iii) hand-written TypeScript with Decimal: the practical limit.
 *
 * The rules: 1 point per £1 (rounded down); 50 bonus points on orders of £200 or more; 25 bonus
 * points when the order came through the app; 40 bonus points when the order's category is
 * garden, toys or books and the customer's segment is gold or platinum.
 */
import { Engine, type RuleProperties } from "json-rules-engine";
import { evaluatePurchase } from "../src/accrual/earn.js";
import { compileProgram, type Program } from "../src/program/compile.js";
import { Decimal, type ProgramDefinition } from "../src/index.js";
import { mulberry32 } from "../test/support/mulberry32.js";

export const CATEGORIES = ["garden", "toys", "books"] as const;
export const SEGMENTS = ["gold", "platinum"] as const;

export const benchProgram = {
  id: "bench",
  version: 1,
  currency: "GBP",
  timeZone: "Europe/London",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying" }, // every program needs one; these rules never award into it
  ],
  refunds: { negativeBalance: "within_balance", baseRule: "base" },
  rules: [
    { id: "base", on: "purchase", priority: 100, awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
    {
      id: "big-basket",
      on: "purchase",
      when: { field: "amount", op: "gte", value: "200" },
      awards: [{ kind: "fixed", points: "50", wallet: "points" }],
    },
    {
      id: "app",
      on: "purchase",
      when: { field: "attributes.channel", op: "eq", value: "app" },
      awards: [{ kind: "fixed", points: "25", wallet: "points" }],
    },
    {
      id: "segment",
      on: "purchase",
      when: {
        all: [
          { field: "attributes.category", op: "in", value: [...CATEGORIES] },
          { field: "attributes.segment", op: "in", value: [...SEGMENTS] },
        ],
      },
      awards: [{ kind: "fixed", points: "40", wallet: "points" }],
    },
  ],
} satisfies ProgramDefinition;

/** One purchase, prepared ahead in each implementation's own input form (preparation is not timed). */
export interface BenchInput {
  readonly amountText: string;
  readonly amount: Decimal;
  readonly occurredAt: number;
  readonly channel: string;
  readonly segment: string;
  readonly category: string;
  /** loyalty-engine's input: attributes as the command carries them. */
  readonly attributes: Readonly<Record<string, string>>;
  /** json-rules-engine's facts: flat (no JSONPath), and the amount as the JS number its operators compare. */
  readonly facts: Readonly<Record<string, string | number>>;
}

export function generateInputs(count: number, seed = 20101201): BenchInput[] {
  const random = mulberry32(seed); // the same inputs every run
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const channels = ["app", "web", "web", "store"];
  const segments = ["bronze", "silver", "gold", "platinum"];
  const categories = ["garden", "toys", "books", "kitchen", "clothing"];
  const start = Date.UTC(2011, 0, 3, 9, 0);
  const inputs: BenchInput[] = [];
  for (let i = 0; i < count; i++) {
    // Pennies from £1 to about £1,000, skewed towards small baskets: about 1 in 4 is £200 or more.
    const pennies = 100 + Math.floor(random() ** 2.2 * 100_000);
    const amountText = `${Math.floor(pennies / 100)}.${String(pennies % 100).padStart(2, "0")}`;
    const channel = pick(channels),
      segment = pick(segments),
      category = pick(categories);
    inputs.push({
      amountText,
      amount: new Decimal(amountText),
      occurredAt: start + i * 60_000,
      channel,
      segment,
      category,
      attributes: { channel, segment, category },
      facts: { amount: Number(amountText), channel, segment, category },
    });
  }
  return inputs;
}

// ---- (i) loyalty-engine -------------------------------------------------------------------------

export const compiled: Program = compileProgram(benchProgram);

export function compiledPoints(input: BenchInput): Decimal {
  const evaluation = evaluatePurchase(compiled, null, {
    amount: input.amount,
    occurredAt: input.occurredAt,
    lines: null,
    attributes: input.attributes,
  });
  let total = new Decimal(0);
  for (const award of evaluation.awards) if (award.wallet === "points") total = total.plus(award.points);
  return total;
}

// ---- (ii) json-rules-engine ---------------------------------------------------------------------

export const jsonRules: RuleProperties[] = [
  {
    name: "base",
    conditions: { all: [{ fact: "amount", operator: "greaterThanInclusive", value: 0 }] },
    event: { type: "rate", params: { points: "1", per: "1" } },
  },
  {
    name: "big-basket",
    conditions: { all: [{ fact: "amount", operator: "greaterThanInclusive", value: 200 }] },
    event: { type: "fixed", params: { points: "50" } },
  },
  {
    name: "app",
    conditions: { all: [{ fact: "channel", operator: "equal", value: "app" }] },
    event: { type: "fixed", params: { points: "25" } },
  },
  {
    name: "segment",
    conditions: {
      all: [
        { fact: "category", operator: "in", value: [...CATEGORIES] },
        { fact: "segment", operator: "in", value: [...SEGMENTS] },
      ],
    },
    event: { type: "fixed", params: { points: "40" } },
  },
];

export function createJsonRulesEngine(): Engine {
  const engine = new Engine();
  for (const rule of jsonRules) engine.addRule(rule);
  return engine;
}

/** Runs the engine, then prices the fired events with Decimal (json-rules-engine has no arithmetic of its own). */
export async function jsonRulesPoints(engine: Engine, input: BenchInput): Promise<Decimal> {
  const { events } = await engine.run(input.facts);
  let total = new Decimal(0);
  for (const event of events) {
    const p = event.params as { points: string; per?: string };
    total = total.plus(
      event.type === "rate"
        ? input.amount.times(p.points).div(p.per!).toDecimalPlaces(0, Decimal.ROUND_DOWN)
        : p.points,
    );
  }
  return total;
}

// ---- (iii) hand-written -------------------------------------------------------------------------

const BIG_BASKET = new Decimal(200);
const categorySet: ReadonlySet<string> = new Set(CATEGORIES);
const segmentSet: ReadonlySet<string> = new Set(SEGMENTS);

export function handWrittenPoints(input: BenchInput): Decimal {
  let points = input.amount.toDecimalPlaces(0, Decimal.ROUND_DOWN); // 1 point per £1, rounded down
  if (input.amount.gte(BIG_BASKET)) points = points.plus(50);
  if (input.channel === "app") points = points.plus(25);
  if (categorySet.has(input.category) && segmentSet.has(input.segment)) points = points.plus(40);
  return points;
}
