/**
 * A reward's stock (the program's count until the store has one) and the restock command, then the
 * property that the stock never goes below zero and always adds up: initial - redeemed + cancelled +
 * restocked, also under concurrent commands.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoyaltyError, type ErrorCode } from "../../src/index.js";
import { expectError } from "../support/errors.js";
import { rewardsProgram } from "../support/programs.js";
import { RUNS, mug, refuses, setup } from "../support/rewards.js";

describe("stock and restock", () => {
  it("stock(): the program's count until the store has one; null for unlimited; redemptions take, restocks add or take out", async () => {
    const s = await setup(
      rewardsProgram([
        { ...mug, stock: 5 },
        { ...mug, id: "pen", price: "5" },
      ]),
    );
    await s.enroll();
    await s.credit("5000");
    expect(await s.engine.stock("mug")).toBe(5);
    expect(await s.store.getStock(s.id, "mug")).toBeNull(); // nothing stored before the first movement
    expect(await s.engine.stock("pen")).toBeNull();
    await expectError(s.engine.stock("nope"), "INVALID_COMMAND");

    await s.redeem("mug", { quantity: 2 });
    expect(await s.engine.stock("mug")).toBe(3);
    expect(await s.store.getStock(s.id, "mug")).toBe(3);
    const up = await s.engine.restock({ key: "up", rewardId: "mug", units: 10 });
    expect(up).toEqual({ rewardId: "mug", units: 10, entries: [], replayed: false });
    expect(await s.engine.stock("mug")).toBe(13);
    // A retry of the same restock adds nothing.
    expect((await s.engine.restock({ key: "up", rewardId: "mug", units: 10 })).replayed).toBe(true);
    expect(await s.engine.stock("mug")).toBe(13);
    await s.engine.restock({ key: "down", rewardId: "mug", units: -13 });
    expect(await s.engine.stock("mug")).toBe(0);

    const below = await refuses(
      s,
      "below",
      () => s.engine.restock({ key: "below", rewardId: "mug", units: -1 }),
      "OUT_OF_STOCK",
    );
    expect(below.details).toEqual({ rewardId: "mug", left: 0, requested: 1 });
    const unlimited = await refuses(
      s,
      "pen-up",
      () => s.engine.restock({ key: "pen-up", rewardId: "pen", units: 3 }),
      "INVALID_COMMAND",
    );
    expect(unlimited.issues.map((i) => i.path)).toEqual([["rewardId"]]);
    await refuses(s, "ghost", () => s.engine.restock({ key: "ghost", rewardId: "nope", units: 3 }), "INVALID_COMMAND");
    await refuses(s, "zero", () => s.engine.restock({ key: "zero", rewardId: "mug", units: 0 }), "INVALID_COMMAND");
    await refuses(s, "half", () => s.engine.restock({ key: "half", rewardId: "mug", units: 0.5 }), "INVALID_COMMAND");
    await refuses(s, "up", () => s.engine.restock({ key: "up", rewardId: "mug", units: 11 }), "IDEMPOTENCY_CONFLICT");
  });

  it("a restock before any redemption starts from the program's count", async () => {
    const s = await setup(rewardsProgram([{ ...mug, stock: 5 }]));
    await s.engine.restock({ key: "r", rewardId: "mug", units: 3 });
    expect(await s.engine.stock("mug")).toBe(8);
    await refuses(s, "r2", () => s.engine.restock({ key: "r2", rewardId: "mug", units: -9 }), "OUT_OF_STOCK", []);
    await s.engine.restock({ key: "r3", rewardId: "mug", units: -8 });
    expect(await s.engine.stock("mug")).toBe(0);
  });

  it("a reward with stock 0 is out of stock until restocked", async () => {
    const s = await setup(rewardsProgram([{ ...mug, stock: 0 }]));
    await s.enroll();
    await s.credit("500");
    await refuses(s, "r", () => s.redeem("mug", { key: "r" }), "OUT_OF_STOCK");
    await s.engine.restock({ key: "in", rewardId: "mug", units: 1 });
    await s.redeem("mug", { key: "r" });
    expect(await s.engine.stock("mug")).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe("properties", () => {
  it("(2) the stock never goes below zero and always equals initial - redeemed + cancelled + restocked, also under concurrent commands", async () => {
    type Op =
      | { op: "redeem"; member: number; quantity: number }
      | { op: "cancel"; member: number; pick: number }
      | { op: "restock"; units: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          op: fc.constant("redeem" as const),
          member: fc.integer({ min: 0, max: 2 }),
          quantity: fc.integer({ min: 1, max: 3 }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant("cancel" as const),
          member: fc.integer({ min: 0, max: 2 }),
          pick: fc.nat(),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant("restock" as const),
          units: fc.integer({ min: -4, max: 4 }).filter((u) => u !== 0),
        }),
      },
    );
    const stepArb = fc.oneof(
      opArb.map((op) => [op]),
      fc.array(opArb, { minLength: 2, maxLength: 6 }),
    );
    let concurrentOutOfStock = 0,
      concurrentSuccesses = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.array(stepArb, { minLength: 1, maxLength: 12 }),
        async (initial, steps) => {
          const def = rewardsProgram([{ ...mug, price: "10", stock: initial }], { expiry: { kind: "none" } });
          const s = await setup(def);
          const members = ["a", "b", "c"];
          for (const m of members) {
            await s.enroll(m);
            await s.credit("100000", m);
          }
          const open: Record<string, string[]> = { a: [], b: [], c: [] };
          let redeemed = 0,
            cancelled = 0,
            restocked = 0,
            n = 0;
          for (const step of steps) {
            const stockBefore = (await s.engine.stock("mug"))!;
            const chosen = new Map<number, string>();
            const run = (op: Op, i: number): Promise<unknown> => {
              const key = `op-${++n}`;
              if (op.op === "restock") return s.engine.restock({ key, rewardId: "mug", units: op.units });
              const m = members[op.member]!;
              if (op.op === "redeem") return s.redeem("mug", { key, memberId: m, quantity: op.quantity });
              const list = open[m]!;
              if (list.length === 0) return Promise.resolve(null);
              const id = list[op.pick % list.length]!;
              chosen.set(i, id);
              return s.cancel(id, key, m);
            };
            const outcomes = await Promise.allSettled(step.map(run));
            outcomes.forEach((o, i) => {
              const op = step[i]!;
              if (o.status === "rejected") {
                const allowed: ErrorCode[] = op.op === "cancel" ? ["REDEMPTION_CANCELLED"] : ["OUT_OF_STOCK"];
                expect(o.reason).toBeInstanceOf(LoyaltyError);
                expect(allowed).toContain((o.reason as LoyaltyError).code);
                if (step.length > 1 && op.op === "redeem") concurrentOutOfStock++;
                if (step.length === 1)
                  expect(
                    op.op === "redeem" ? stockBefore < op.quantity : stockBefore + (op as { units: number }).units < 0,
                  ).toBe(true);
                return;
              }
              if (o.value === null) return;
              if (step.length > 1) concurrentSuccesses++;
              if (op.op === "redeem") {
                const r = o.value as { quantity: number; redemptionId: string; memberId: string };
                redeemed += r.quantity;
                open[r.memberId]!.push(r.redemptionId);
              } else if (op.op === "cancel") {
                const c = o.value as { stock: number; memberId: string; redemptionId: string };
                cancelled += c.stock;
                open[c.memberId] = open[c.memberId]!.filter((id) => id !== c.redemptionId);
              } else {
                restocked += op.units;
              }
            });
            const stock = (await s.engine.stock("mug"))!;
            expect(stock).toBeGreaterThanOrEqual(0);
            expect(stock).toBe(initial - redeemed + cancelled + restocked);
            // The members' open redemptions hold exactly the units taken and not given back.
            let held = 0;
            for (const m of members)
              for (const r of Object.values((await s.state(m)).redemptions)) if (!r.cancelled) held += r.quantity;
            expect(held).toBe(redeemed - cancelled);
          }
          for (const m of members) expect(await s.violations(m)).toEqual([]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    // The runs did race: concurrent steps both succeeded and ran out of stock.
    expect(concurrentSuccesses).toBeGreaterThan(0);
    expect(concurrentOutOfStock).toBeGreaterThan(0);
  }, 60_000);
});
