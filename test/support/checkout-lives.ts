/**
 * Random lives through this session's issue-17 commands, for properties that run them on any store
 * (test/postgres/event-refs.test.ts compares the feeds; test/accrual/interactions.test.ts checks
 * the invariants under each negative-balance policy).
 */
import fc from "fast-check";
import { exampleProgram } from "../../examples/program.js";
import { LoyaltyError, type LoyaltyStore, type ProgramDefinition } from "../../src/index.js";
import { unitsToDecimal } from "../../src/testing/index.js";
import { testEngine } from "./engine.js";

type TestClock = ReturnType<typeof testEngine>["t"];

/**
 * Issue 17's commands in one program: checkout holds (captured, released, expired by the clock),
 * purchases paid partly with points, a stamp counter whose milestone pays points, and a donation
 * of 1% of the money to the member's cause; refunds undo milestones and take donations back.
 */
export const checkoutProgram = (negativeBalance = "within_balance"): ProgramDefinition =>
  ({
    ...exampleProgram,
    refunds: { ...exampleProgram.refunds, negativeBalance },
    wallets: [...exampleProgram.wallets, { id: "stamps", kind: "counter" }],
    // Purchases earn spendable points only (no status credits), so a hold that takes the whole
    // balance empties every lot of a purchase and the snapshot retires the purchase's record.
    rules: [
      { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
      { id: "stamp", on: "purchase", awards: [{ kind: "fixed", points: "1", wallet: "stamps" }] },
    ],
    milestones: [{ from: "stamps", every: 3, into: "points", units: 50 }],
    donations: { share: "0.01", of: "money", causes: ["school"] },
    checkout: { pointValue: "0.01", holdMinutes: 30 },
  }) as ProgramDefinition;

export type CheckoutOp =
  | { op: "purchase"; units: number; withPoints: number }
  | { op: "refund"; purchase: number; units: number }
  /** `all`: the whole available balance (so a hold empties whole lots, and their purchases' records retire). */
  | { op: "hold"; points: number; all: boolean }
  | { op: "capture"; hold: number; part: boolean }
  | { op: "release"; hold: number }
  | { op: "advance"; ms: number };

export const checkoutOpArb: fc.Arbitrary<CheckoutOp> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("purchase" as const),
      units: fc.integer({ min: 100, max: 20_000 }),
      withPoints: fc.integer({ min: 0, max: 50 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("refund" as const),
      purchase: fc.nat(),
      units: fc.integer({ min: 1, max: 10_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("hold" as const),
      points: fc.integer({ min: 1, max: 300 }),
      all: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("capture" as const), hold: fc.nat(), part: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("release" as const), hold: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("advance" as const),
      ms: fc.constantFrom(60_000, 31 * 60_000, 86_400_000, 15 * 86_400_000, 200 * 86_400_000),
    }),
  },
);

/**
 * A member's life through the issue-17 commands, from a seeded script; business refusals are part
 * of it. `afterEach` runs after every step (to check invariants as it goes).
 */
export async function checkoutLife(
  store: LoyaltyStore,
  seed: number,
  program: ProgramDefinition = checkoutProgram(),
  afterEach?: (t: TestClock) => Promise<void>,
) {
  const { engine, t } = testEngine(program, "2026-01-01T00:00:00Z", { store });
  await engine.enroll({ key: "enroll-m", memberId: "m", attributes: { cause: "school" } });
  const [script] = fc.sample(fc.array(checkoutOpArb, { minLength: 25, maxLength: 25 }), { numRuns: 1, seed });
  const purchases: string[] = [];
  const holds: string[] = [];
  let n = 0;
  for (const o of script!) {
    const k = `k-${++n}`;
    const pick = (ids: string[], i: number) => ids[i % ids.length]!;
    try {
      if (o.op === "purchase") {
        const amount = unitsToDecimal(o.units, 2);
        const paid = unitsToDecimal(Math.floor((o.units * o.withPoints) / 100), 2);
        await engine.recordPurchase({
          key: k,
          memberId: "m",
          purchaseId: k,
          amount,
          currency: "GBP",
          ...(o.withPoints > 0 && paid !== "0.00" ? { paidWithPoints: paid } : {}),
        });
        purchases.push(k);
      } else if (o.op === "refund" && purchases.length > 0) {
        await engine.refund({
          key: k,
          memberId: "m",
          purchaseId: pick(purchases, o.purchase),
          amount: unitsToDecimal(o.units, 2),
          currency: "GBP",
        });
      } else if (o.op === "hold") {
        const available = Number((await engine.summary("m")).wallets.points!.available);
        const points = o.all ? Math.max(1, available) : o.points;
        await engine.hold({
          key: k,
          memberId: "m",
          holdId: k,
          wallet: "points",
          points: String(points),
          orderAmount: unitsToDecimal(points * 2, 2),
        });
        holds.push(k);
      } else if (o.op === "capture" && holds.length > 0) {
        await engine.captureHold({
          key: k,
          memberId: "m",
          holdId: pick(holds, o.hold),
          ...(o.part ? { points: "1" } : {}),
        });
      } else if (o.op === "release" && holds.length > 0) {
        await engine.releaseHold({ key: k, memberId: "m", holdId: pick(holds, o.hold) });
      } else if (o.op === "advance") t.advance(o.ms);
    } catch (error) {
      const refused = ["INSUFFICIENT_POINTS", "REFUND_EXCEEDS_PURCHASE", "REFUND_WINDOW_CLOSED", "HOLD_NOT_FOUND"];
      if (!(error instanceof LoyaltyError) || !refused.includes(error.code)) throw error;
    }
    await afterEach?.(t);
  }
  await engine.expire();
  return { engine, t };
}
