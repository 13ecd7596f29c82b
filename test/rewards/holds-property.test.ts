/**
 * The holds' invariant (issue #17), as a fast-check property: over any sequence of earning,
 * holding, capturing (all or part), releasing, spending and the clock running past holds' and
 * lots' expiries, the available balance never goes below zero, and what was credited is exactly
 * what is available, pending, held, spent (captured) and expired:
 *   earned + adjusted = available + pending + expiredUnswept + held + (spent - held) + expired.
 * Every stored member also keeps the ledger's invariants (memberViolations). A failing run prints
 * its seed; FC_SEED=<n> replays it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, LoyaltyError, type ProgramDefinition } from "../../src/index.js";
import { memberViolations, plainProgram } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const SEED =
  process.env.FC_SEED === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(process.env.FC_SEED);
const MINUTE = 60_000;

/** Lots last two days and holds 30 minutes, so runs cross both expiries often. */
const program = {
  ...plainProgram,
  id: "holds-property",
  expiry: { after: { days: 2 } },
  checkout: { holdMinutes: 30 },
} satisfies ProgramDefinition;

type Op =
  | { op: "buy"; amount: number }
  | { op: "hold"; slot: number; points: number; minutes: number }
  | { op: "capture"; which: number; part: number | null }
  | { op: "release"; which: number }
  | { op: "spend"; points: number }
  | { op: "wait"; minutes: number };

/** Weighted towards holds and their captures, so that runs close holds often, not only refuse. */
const ops: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant("buy" as const), amount: fc.integer({ min: 1, max: 200 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("hold" as const),
      slot: fc.nat(3),
      points: fc.integer({ min: 1, max: 150 }),
      minutes: fc.integer({ min: 1, max: 90 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("capture" as const),
      which: fc.nat(3),
      part: fc.option(fc.integer({ min: 1, max: 150 }), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("release" as const), which: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("spend" as const), points: fc.integer({ min: 1, max: 150 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("wait" as const), minutes: fc.integer({ min: 1, max: 3000 }) }) },
);

/** Refusals a random sequence meets; anything else fails the property. */
const EXPECTED = new Set(["INSUFFICIENT_POINTS", "HOLD_NOT_FOUND", "HOLD_EXISTS", "INVALID_COMMAND"]);

describe("checkout holds: conservation and no balance below zero", () => {
  it(`holds for any sequence of commands (seed ${SEED})`, async () => {
    const committed = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(ops, { minLength: 8, maxLength: 30 }), async (steps) => {
        const { engine, store, t } = testEngine(program, "2026-03-02T10:00:00Z");
        await engine.enroll({ key: "e", memberId: "ann" });
        let n = 0;
        const done: string[] = [];
        for (const s of steps) {
          const key = `k${++n}`;
          const holdId = (i: number) => `order-${i}`;
          try {
            if (s.op === "buy")
              await engine.recordPurchase({
                key,
                memberId: "ann",
                purchaseId: key,
                amount: `${s.amount}`,
                currency: "GBP",
              });
            else if (s.op === "hold")
              await engine.hold({
                key,
                memberId: "ann",
                holdId: holdId(s.slot),
                wallet: "points",
                points: `${s.points}`,
                expiresInMinutes: s.minutes,
              });
            else if (s.op === "capture")
              await engine.captureHold({
                key,
                memberId: "ann",
                holdId: holdId(s.which),
                ...(s.part === null ? {} : { points: `${s.part}` }),
              });
            else if (s.op === "release") await engine.releaseHold({ key, memberId: "ann", holdId: holdId(s.which) });
            else if (s.op === "spend")
              await engine.spend({ key, memberId: "ann", wallet: "points", points: `${s.points}` });
            else t.advance(s.minutes * MINUTE);
            done.push(s.op);
          } catch (e) {
            if (!(e instanceof LoyaltyError) || !EXPECTED.has(e.code)) throw e;
          }
          const w = (await engine.summary("ann")).wallets.points!;
          const d = (x: string) => new Decimal(x);
          expect(d(w.available).gte(0), `available ${w.available}`).toBe(true);
          expect(d(w.held).gte(0) && d(w.held).lte(w.lifetime.spent)).toBe(true);
          const credited = d(w.lifetime.earned).plus(w.lifetime.adjusted);
          const accounted = d(w.available)
            .plus(w.pending)
            .plus(w.expiredUnswept)
            .plus(w.held)
            .plus(d(w.lifetime.spent).minus(w.held))
            .plus(w.lifetime.expired);
          expect(accounted.toString(), JSON.stringify(w)).toBe(credited.toString());
        }
        expect(await memberViolations(store, program.id, "ann", t.now())).toEqual([]);
        for (const op of done) committed.set(op, (committed.get(op) ?? 0) + 1);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The runs did reach every command, not only its refusals.
    for (const op of ["hold", "capture", "release", "spend"]) expect(committed.get(op) ?? 0, op).toBeGreaterThan(0);
  });
});
