/**
 * importMember's properties: for random command histories, export -> import gives the same summary
 * and keeps giving it under the same later commands (the example program, and tier ladders of every
 * kind); the imported member satisfies every ledger invariant (its snapshot is the fold of its
 * entries, conservation holds). A failing property prints its seed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { createMemoryStore, type LoyaltyEngine, type MemberSummary, type ProgramDefinition } from "../../src/index.js";
import { memberViolations, operationArb, runOperations } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { opArb, variantArb, variantProgram, type Op } from "../support/tier-scripts.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const DAY = 86_400_000;
const START = Date.parse("2026-01-15T10:00:00Z");
const REWARDS = ["voucher-5", "tote-bag", "school", "clubcard"];
/** The example program where a refund may leave debt: imported debt is repaid by the next earnings on both sides. */
const withDebt = {
  ...exampleProgram,
  refunds: { negativeBalance: "allow_debt", baseRule: "base" },
} as ProgramDefinition;

/** A summary without its redemptions: an import brings none (docs/migrating.md, "What is not carried"). */
const view = ({ redemptions: _, ...rest }: MemberSummary) => rest;

/** Two engines on their own stores, sharing one clock: the source and the import's target. */
function pair(program: ProgramDefinition) {
  const codes = ({ redemptionId, index }: { redemptionId: string; index: number }) => `${redemptionId}/${index}`;
  const source = testEngine(program, START, { codes, maxAttempts: 50 });
  let n = 0;
  const target = testEngine(program, START, {
    codes,
    ids: () => `t${++n}`,
    store: createMemoryStore(),
  });
  const advance = (ms: number) => {
    source.t.advance(ms);
    target.t.advance(ms);
  };
  return { source, target, advance };
}

async function moveOver(source: LoyaltyEngine, target: LoyaltyEngine, memberId: string) {
  await target.importMember(await source.exportMember(memberId));
  expect(view(await target.summary(memberId))).toEqual(view(await source.summary(memberId)));
}

describe("importMember: export -> import -> the same member", () => {
  it("on the example program (and with debt allowed): same summary, invariants hold, and the same later commands keep them equal", async () => {
    const script = fc.array(operationArb(undefined, { rewards: true }), { minLength: 1, maxLength: 30 });
    const later = fc.array(operationArb(), { minLength: 1, maxLength: 15 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(exampleProgram, withDebt), script, later, async (program, before, after) => {
        const { source, target, advance } = pair(program);
        await source.engine.enroll({ key: "enroll", memberId: "m", birthday: "1990-06-15" });
        const on = (engine: LoyaltyEngine) => ({
          engine,
          memberId: "m",
          currency: "GBP",
          spendWallet: "points",
          advance: () => {},
          rewards: REWARDS,
        });
        await runOperations({ ...on(source.engine), advance: source.t.advance }, before);
        target.t.set(source.t.now());
        await moveOver(source.engine, target.engine, "m");
        expect(await memberViolations(target.store, program.id, "m", target.t.now())).toEqual([]);
        // The same commands on both, the clock moved for both at once.
        const refusals = await Promise.all([
          runOperations(
            { ...on(source.engine), keyPrefix: "s", advance },
            after.filter((o) => o.op !== "advance"),
          ),
          runOperations(
            { ...on(target.engine), keyPrefix: "t", advance: () => {} },
            after.filter((o) => o.op !== "advance"),
          ),
        ]);
        expect(refusals[1]).toEqual(refusals[0]);
        advance(400 * DAY);
        await Promise.all([source.engine.expire(), target.engine.expire()]);
        expect(view(await target.engine.summary("m"))).toEqual(view(await source.engine.summary("m")));
        expect(await memberViolations(target.store, program.id, "m", target.t.now())).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it("on tier ladders of every kind: the same tier, metrics and guarantees, before and after the next reviews", async () => {
    await fc.assert(
      fc.asyncProperty(variantArb, fc.array(opArb, { maxLength: 25 }), async (variant, ops) => {
        const program = variantProgram(variant);
        const { source, target, advance } = pair(program);
        await source.engine.enroll({ key: "e", memberId: "m" });
        await run(source.engine, ops, source.t.advance, "s");
        target.t.set(source.t.now());
        await moveOver(source.engine, target.engine, "m");
        expect(await memberViolations(target.store, program.id, "m", target.t.now())).toEqual([]);
        const next: Op[] = [{ kind: "buy", amount: 400 }, { kind: "advance", days: 120 }, { kind: "review" }];
        for (const op of next) {
          await run(source.engine, [op], advance, "n");
          await run(target.engine, [op], () => {}, "n");
        }
        expect(view(await target.engine.summary("m"))).toEqual(view(await source.engine.summary("m")));
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});

/** A tier script (buys, refunds, time, reviews) on one engine. */
async function run(engine: LoyaltyEngine, ops: readonly Op[], advance: (ms: number) => void, prefix: string) {
  const purchases: { id: string; left: number }[] = [];
  for (const [i, op] of ops.entries()) {
    if (op.kind === "buy") {
      const id = `${prefix}${i}`;
      await engine.recordPurchase({
        key: id,
        memberId: "m",
        purchaseId: id,
        amount: `${op.amount}.00`,
        currency: "GBP",
      });
      purchases.push({ id, left: op.amount });
    } else if (op.kind === "refund" && purchases.length > 0) {
      const p = purchases[op.index % purchases.length]!;
      const amount = op.part === 1 ? p.left : Math.floor(p.left / 2);
      if (amount <= 0) continue;
      await engine.refund({
        key: `r${prefix}${i}`,
        memberId: "m",
        purchaseId: p.id,
        amount: `${amount}.00`,
        currency: "GBP",
      });
      p.left -= amount;
    } else if (op.kind === "advance") advance(op.days * DAY);
    else if (op.kind === "review") await engine.reviewTiers();
  }
}
