/**
 * Tier histories for property tests: scripts of purchases, refunds, clock advances and review
 * sweeps (`opArb`), program variants over every tier option (`variantArb`, `variantProgram`), and
 * a runner that plays a script on a fresh engine and returns the member's entries (`runScript`).
 */
import fc from "fast-check";
import {
  createLoyaltyEngine,
  createMemoryStore,
  type Entry,
  type ProgramDefinition,
  type TierEntry,
} from "../../src/index.js";
import { racingStore, readAllEntries, testClock } from "../../src/testing/index.js";
import { tierProgram } from "./programs.js";

const DAY = 86_400_000;

type Tiers = NonNullable<ProgramDefinition["tiers"]>;

export const tierEntries = (entries: readonly Entry[]) => entries.filter((e): e is TierEntry => e.kind === "tier");

export type Op =
  | { kind: "buy"; amount: number }
  | { kind: "refund"; index: number; part: number }
  | { kind: "advance"; days: number }
  | { kind: "review" };

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 900 }).map((amount) => ({ kind: "buy" as const, amount })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("refund" as const),
      index: fc.nat(),
      part: fc.integer({ min: 1, max: 2 }),
    }),
  },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 200 }).map((days) => ({ kind: "advance" as const, days })) },
  { weight: 2, arbitrary: fc.constant({ kind: "review" as const }) },
);

export const variantArb = fc.record({
  demotion: fc.constantFrom("recompute" as const, "oneDown" as const),
  graceMonths: fc.constantFrom(0, 2),
  minimumStayMonths: fc.constantFrom(0, 3),
  promotion: fc.constantFrom("immediate" as const, "atReview" as const),
  refunds: fc.constantFrom("atOnce" as const, "atReview" as const),
  window: fc.constantFrom<Tiers["window"]>(
    { kind: "calendarYear" },
    { kind: "calendarQuarter" },
    { kind: "calendarMonth" },
    { kind: "rolling", months: 6 },
    { kind: "rolling", days: 45 },
    { kind: "membershipYear" },
  ),
  /** t2 on points earned in the window, or on the spendable wallet's balance (which expiry lowers). */
  t2Metric: fc.constantFrom("points" as const, "balance" as const),
  schedule: fc.constantFrom<Tiers["review"]["schedule"]>(
    { kind: "periodEnd", period: "quarter" },
    { kind: "periodEnd", period: "month" },
    { kind: "daily" },
    { kind: "tierAnniversary" },
  ),
});

export type Variant = typeof variantArb extends fc.Arbitrary<infer T> ? T : never;

export function variantProgram(v: Variant): ProgramDefinition {
  return tierProgram(
    {
      levels: [
        { id: "t0" },
        { id: "t1", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "300" }] } },
        {
          id: "t2",
          qualify: {
            thresholds: [
              v.t2Metric === "balance"
                ? { metric: "balance", wallet: "points", min: "800" }
                : { metric: "points", wallet: "status", min: "800" },
            ],
          },
        },
        {
          id: "t3",
          qualify: {
            match: "all",
            thresholds: [
              { metric: "points", wallet: "status", min: "1500" },
              { metric: "purchases", min: 3 },
            ],
          },
        },
      ],
      window: v.window,
      promotion: v.promotion,
      refunds: v.refunds,
      review: {
        schedule: v.schedule,
        demotion: v.demotion,
        graceMonths: v.graceMonths,
        minimumStayMonths: v.minimumStayMonths,
      },
    },
    { id: "prop" },
  );
}

/** Runs a script on a fresh engine; `sweep` decides how reviews run (batch size, racing store). */
export async function runScript(
  def: ProgramDefinition,
  script: readonly Op[],
  opts: { batchSize: number; racing?: boolean; reviewTwice?: boolean } = { batchSize: 500 },
) {
  const inner = createMemoryStore();
  let flip = 0;
  const store = opts.racing ? racingStore(inner, () => ++flip % 3 === 0) : inner;
  const t = testClock("2026-01-15T10:00:00Z");
  const engine = createLoyaltyEngine({ program: def, store, clock: t.clock, ids: t.ids, maxAttempts: 50 });
  await engine.enroll({ key: "e", memberId: "m" });
  const purchases: { id: string; amount: number; refunded: number }[] = [];
  const reviewResults: number[] = [];
  for (const [i, op] of script.entries()) {
    if (op.kind === "buy") {
      await engine.recordPurchase({
        key: `p${i}`,
        memberId: "m",
        purchaseId: `o${i}`,
        amount: `${op.amount}.00`,
        currency: "GBP",
      });
      purchases.push({ id: `o${i}`, amount: op.amount, refunded: 0 });
    } else if (op.kind === "refund" && purchases.length > 0) {
      // A negative index counts from the latest purchase (-1: the latest).
      const p = purchases[((op.index % purchases.length) + purchases.length) % purchases.length]!;
      const amount = op.part === 1 ? p.amount - p.refunded : Math.floor((p.amount - p.refunded) / 2);
      if (amount <= 0) continue;
      await engine.refund({ key: `r${i}`, memberId: "m", purchaseId: p.id, amount: `${amount}.00`, currency: "GBP" });
      p.refunded += amount;
    } else if (op.kind === "advance") {
      t.advance(op.days * DAY);
    } else if (op.kind === "review") {
      await engine.reviewTiers({ batchSize: opts.batchSize });
      if (opts.reviewTwice) reviewResults.push((await engine.reviewTiers({ batchSize: opts.batchSize })).members);
    }
  }
  await engine.reviewTiers({ batchSize: opts.batchSize });
  return { entries: await readAllEntries(inner, def.id, "m"), reviewResults, inner, now: t.now() };
}

/** A member's tier history, without when or by which command each entry was written. */
export const tierPath = (entries: readonly Entry[]) =>
  tierEntries(entries).map(
    (e) =>
      `${e.reason} ${e.from}>${e.to} since=${e.tier.since} guaranteed=${e.tier.guaranteedUntil} grace=${e.tier.graceUntil} reviewed=${e.tier.reviewedAt}`,
  );
