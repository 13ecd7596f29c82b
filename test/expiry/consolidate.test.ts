/**
 * Consolidation (src/expiry/consolidate.ts): merged lots change no outcome. The same random
 * histories run on an engine that merges as soon as it can and on one that never merges; after
 * every step the two give the same refusals and the same summary (every balance, total, tier and
 * expiring-soon figure), and the merging one keeps every ledger invariant.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProgramDefinition } from "../../src/index.js";
import { memberViolations, operationArb, runOperations, type Operation } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { purchaseRule, rewardsProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const T0 = "2026-01-05T10:00:00Z";

/** Points lots that expire at month ends (so that lots share an expiry), a 30-day refund window, status that never expires. */
function program(policy: "only_pending" | "within_balance" | "allow_debt"): ProgramDefinition {
  return rewardsProgram([{ kind: "product", id: "mug", wallet: "points", price: "100" }], {
    expiry: { after: { months: 3 }, roundUpTo: "month" },
    pending: { days: 7 },
    refunds: { negativeBalance: policy, baseRule: "base", windowDays: 30 },
  });
}

/** Runs `ops` on a fresh engine; the summary after every step, the refusals, and the member's lot count at the end. */
async function run(def: ProgramDefinition, ops: readonly Operation[], consolidateAt: number) {
  const { engine, store, t } = testEngine(def, T0, { consolidateAt });
  await engine.enroll({ key: "enroll", memberId: "m" });
  const summaries: unknown[] = [];
  const violations: string[] = [];
  const refusals = await runOperations(
    { engine, memberId: "m", currency: "GBP", spendWallet: "points", advance: t.advance, rewards: ["mug"] },
    ops,
    async () => {
      summaries.push(await engine.summary("m"));
      if (consolidateAt !== Infinity) violations.push(...(await memberViolations(store, def.id, "m", t.now())));
    },
  );
  const lots = (await store.loadMember(def.id, "m"))!.snapshot.lots.length;
  return { summaries, refusals, violations, lots };
}

describe("consolidation", () => {
  it("changes no refusal, balance, total, tier or expiring-soon figure, and keeps every invariant", async () => {
    let merged = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("only_pending", "within_balance", "allow_debt" as const),
        fc.array(operationArb(["promo", "bonus"], { rewards: true }), { minLength: 10, maxLength: 60 }),
        async (policy, ops) => {
          const def = program(policy);
          const merging = await run(def, ops, 1);
          const never = await run(def, ops, Infinity);
          if (merging.lots < never.lots) merged++;
          expect(merging.violations).toEqual([]);
          expect(merging.refusals).toEqual(never.refusals);
          expect(merging.summaries).toEqual(never.summaries);
          // (No per-run bound on lots: a cancellation may reopen a lot that was merged away since,
          // beside the merged one, so a history can end with one lot more than without merging.)
        },
      ),
      { numRuns: Math.max(20, Math.floor(RUNS / 4)) },
    );
    // The histories did merge lots (ending with fewer), in a good share of the runs.
    expect(merged).toBeGreaterThan(2);
  });

  it("keeps wallets that never expire to a bounded number of lots over a long history", async () => {
    const def = rewardsProgram([], {
      expiry: undefined,
      pending: { days: 0 },
      refunds: { negativeBalance: "within_balance", baseRule: "base", windowDays: 30 },
      rules: [purchaseRule()],
    });
    const { engine, store, t } = testEngine(def, T0);
    await engine.enroll({ key: "enroll", memberId: "m" });
    const sizes: number[] = [];
    for (let i = 1; i <= 300; i++) {
      await engine.recordPurchase({
        key: `p${i}`,
        memberId: "m",
        purchaseId: `o${i}`,
        amount: "10.00",
        currency: "GBP",
      });
      t.advance(3 * 86_400_000);
      if (i % 50 === 0) {
        const snapshot = (await store.loadMember(def.id, "m"))!.snapshot;
        sizes.push(snapshot.lots.length / 2);
        // Records of purchases whose lots merged have left the snapshot.
        expect(Object.keys(snapshot.purchases).length).toBeLessThanOrEqual(40);
      }
    }
    // About a window's worth of purchases (30 days / 3) plus up to 8 waiting to merge, and the merged lot.
    for (const n of sizes) expect(n).toBeLessThanOrEqual(20);
    const summary = await engine.summary("m");
    expect(summary.wallets.status!.available).toBe("3000");
    expect(summary.wallets.points!.available).toBe("3000");
    expect(await memberViolations(store, def.id, "m", t.now())).toEqual([]);
    // The statement still lists every credit: merging moved no points.
    const earned = (await store.readEntries(def.id, "m", { afterSeq: 0, limit: 10_000 })).entries.filter(
      (e) => e.kind === "earn" && e.wallet === "status",
    );
    expect(earned).toHaveLength(300);
  });

  it("merges no lot whose purchase can still be refunded, or had points forgiven", async () => {
    const def = rewardsProgram([], {
      pending: { days: 0 },
      refunds: { negativeBalance: "within_balance", baseRule: "base", windowDays: 30 },
      rules: [purchaseRule()],
    });
    const { engine, store, t } = testEngine(def, T0, { consolidateAt: 1 });
    await engine.enroll({ key: "enroll", memberId: "m" });
    await engine.recordPurchase({ key: "p1", memberId: "m", purchaseId: "o1", amount: "10.00", currency: "GBP" });
    await engine.spend({ key: "s1", memberId: "m", wallet: "points", points: "10" });
    // Nothing left to take back: the refund forgives 5 points of o1.
    await engine.refund({ key: "r1", memberId: "m", purchaseId: "o1", amount: "5.00", currency: "GBP" });
    await engine.recordPurchase({ key: "p2", memberId: "m", purchaseId: "o2", amount: "10.00", currency: "GBP" });
    t.advance(31 * 86_400_000);
    await engine.recordPurchase({ key: "p3", memberId: "m", purchaseId: "o3", amount: "10.00", currency: "GBP" });
    const lots = (await store.loadMember(def.id, "m"))!.snapshot.lots.filter((l) => l.wallet === "status");
    // o1's status lot (forgiven points) stays first and alone; o2's cannot merge past it; o3's window is open.
    expect(lots.map((l) => l.purchaseId)).toEqual(["o1", "o2", "o3"]);
    await expect(
      engine.refund({ key: "r2", memberId: "m", purchaseId: "o2", amount: "1.00", currency: "GBP" }),
    ).rejects.toMatchObject({ code: "REFUND_WINDOW_CLOSED", issues: [{ path: ["purchaseId"] }] });
  });
});
