/**
 * Purchase and redemption records in rows of their own (docs/ledger.md, "What a member's state
 * holds"): a member's snapshot keeps only what is open, and no outcome depends on it. The same
 * random histories run on a store as it is and on one that hands the engine every record in the
 * snapshot, as snapshots of format 1 held them ("nothing retired"): the ledgers come out entry for
 * entry the same. And a snapshot of format 1 moves its records to rows on the member's next write.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldEntries, type LoyaltyStore, type MemberSnapshot, type StoredMember } from "../../src/index.js";
import { purchaseSnapshot, redemptionSnapshot } from "../../src/ledger/snapshot.js";
import { memberViolations, operationArb, readAllEntries, runOperations, wrapStore } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { rewardsProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const T0 = "2026-01-05T10:00:00Z";
const PROGRAM = rewardsProgram([
  { kind: "product", id: "mug", wallet: "points", price: "100" },
  { kind: "product", id: "pen", wallet: "points", price: "30" },
]);
/** Both wallets expire after 2 months: purchases retire from the snapshot within a random history. */
const RETIRING = rewardsProgram(PROGRAM.rewards ?? [], {
  expiry: { after: { months: 2 } },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying" },
  ],
});

/** The member as a snapshot of format 1 would hold it: every record in it (the fold of its entries). */
async function everyRecordIn(store: LoyaltyStore, programId: string, stored: StoredMember | null) {
  if (!stored) return null;
  const fold = foldEntries(stored.snapshot.memberId, await readAllEntries(store, programId, stored.snapshot.memberId));
  const { format: _, ...rest } = stored.snapshot;
  const snapshot: MemberSnapshot = {
    ...rest,
    purchases: Object.fromEntries(Object.entries(fold.purchases).map(([id, p]) => [id, purchaseSnapshot(p)])),
    redemptions: Object.fromEntries(Object.entries(fold.redemptions).map(([id, r]) => [id, redemptionSnapshot(r)])),
  };
  return { snapshot, version: stored.version };
}

/** A store that hands the engine every record in the snapshot: nothing retired. */
function nothingRetired(inner: LoyaltyStore): LoyaltyStore {
  return wrapStore(inner, {
    loadMember: async (p, m) => everyRecordIn(inner, p, await inner.loadMember(p, m)),
    loadForCommand: async (p, ids, k, r) => {
      const read = await inner.loadForCommand!(p, ids, k, r);
      return { ...read, members: await Promise.all(read.members.map((m) => everyRecordIn(inner, p, m))) };
    },
  });
}

describe("records in rows of their own", () => {
  it("decide every command as they would with every record in the snapshot (nothing retired)", async () => {
    let retired = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(operationArb(["promo", "bonus"], { rewards: true }), { minLength: 5, maxLength: 50 }),
        async (ops) => {
          const ledgers: unknown[] = [];
          const summaries: unknown[][] = [];
          for (const retire of [true, false]) {
            const base = testEngine(PROGRAM, T0);
            const { engine, t } = retire ? base : testEngine(PROGRAM, T0, { store: nothingRetired(base.store) });
            await engine.enroll({ key: "enroll", memberId: "m" });
            const seen: unknown[] = [];
            await runOperations(
              {
                engine,
                memberId: "m",
                currency: "GBP",
                spendWallet: "points",
                advance: t.advance,
                rewards: ["mug", "pen"],
              },
              ops,
              async () => {
                seen.push(await engine.summary("m"));
              },
            );
            summaries.push(seen);
            const entries = await readAllEntries(base.store, RETIRING.id, "m");
            ledgers.push(entries);
            expect(await memberViolations(base.store, RETIRING.id, "m", t.now())).toEqual([]);
            const held = Object.keys((await base.store.loadMember(RETIRING.id, "m"))!.snapshot.purchases).length;
            if (retire && held < Object.keys(foldEntries("m", entries).purchases).length) retired++;
          }
          expect(ledgers[0]).toEqual(ledgers[1]);
          expect(summaries[0]).toEqual(summaries[1]);
        },
      ),
      { numRuns: Math.max(20, Math.floor(RUNS / 4)) },
    );
    // Purchases did retire in a good share of the histories.
    expect(retired).toBeGreaterThan(5);
  });

  it("keep the snapshot to open purchases and no redemptions", async () => {
    // Both wallets expire after 12 months, so a purchase's lots all close in time.
    const def = rewardsProgram(PROGRAM.rewards ?? [], {
      wallets: [
        { id: "points", kind: "spendable" },
        { id: "status", kind: "qualifying" },
      ],
    });
    const { engine, store, t } = testEngine(def, T0);
    await engine.enroll({ key: "enroll", memberId: "m" });
    for (let i = 1; i <= 40; i++) {
      await engine.recordPurchase({
        key: `p${i}`,
        memberId: "m",
        purchaseId: `o${i}`,
        amount: "50.00",
        currency: "GBP",
      });
      t.advance(15 * 86_400_000);
      if (i % 4 === 0) await engine.redeem({ key: `r${i}`, memberId: "m", rewardId: "pen" });
    }
    const snapshot = (await store.loadMember(def.id, "m"))!.snapshot;
    expect(snapshot.format).toBe(2);
    expect(snapshot.redemptions).toBeUndefined();
    const open = new Set(snapshot.lots.flatMap((l) => (l.purchaseId === null ? [] : [l.purchaseId])));
    expect(new Set(Object.keys(snapshot.purchases))).toEqual(open);
    // 12-month points expiry, a purchase every 15 days: about 25 purchases are open, not 40.
    expect(open.size).toBeLessThan(30);
    // A retired purchase is still refundable and still a duplicate.
    await engine.refund({ key: "back", memberId: "m", purchaseId: "o1", amount: "10.00", currency: "GBP" });
    await expect(
      engine.recordPurchase({ key: "again", memberId: "m", purchaseId: "o1", amount: "1.00", currency: "GBP" }),
    ).rejects.toMatchObject({ code: "DUPLICATE_PURCHASE" });
    await expect(
      engine.redeem({ key: "r4-again", memberId: "m", rewardId: "pen", redemptionId: "r4" }),
    ).rejects.toMatchObject({
      code: "DUPLICATE_REDEMPTION",
    });
    const summary = await engine.summary("m");
    expect(summary.redemptions.map((r) => r.redemptionId)).toEqual([
      "r40",
      "r36",
      "r32",
      "r28",
      "r24",
      "r20",
      "r16",
      "r12",
      "r8",
      "r4",
    ]);
    await engine.cancelRedemption({ key: "c4", memberId: "m", redemptionId: "r4" });
    expect((await engine.summary("m")).redemptions.map((r) => r.redemptionId)).not.toContain("r4");
    expect(await memberViolations(store, def.id, "m", t.now())).toEqual([]);
  });

  it("move a snapshot of format 1's records to rows on the member's next write", async () => {
    const { engine, store, t } = testEngine(PROGRAM, T0);
    await engine.enroll({ key: "enroll", memberId: "m" });
    for (let i = 1; i <= 6; i++) {
      await engine.recordPurchase({
        key: `p${i}`,
        memberId: "m",
        purchaseId: `o${i}`,
        amount: "80.00",
        currency: "GBP",
      });
      t.advance(20 * 86_400_000);
    }
    await engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
    // The member as the previous version stored it: every record in the snapshot, no record rows.
    const legacy = (await everyRecordIn(store, PROGRAM.id, await store.loadMember(PROGRAM.id, "m")))!;
    let n = 0;
    const old = testEngine(PROGRAM, t.now(), { ids: () => `new-${++n}` });
    const entries = await readAllEntries(store, PROGRAM.id, "m");
    await old.store.commit({
      programId: PROGRAM.id,
      members: [{ memberId: "m", expectedVersion: null, snapshot: legacy.snapshot, entries, dueAt: null }],
      idempotency: null,
    });
    expect(await old.store.loadRecords(PROGRAM.id, "m", { purchases: ["o1"], redemptions: ["r1"] })).toEqual({
      purchases: {},
      redemptions: {},
    });
    await old.engine.recordPurchase({ key: "p7", memberId: "m", purchaseId: "o7", amount: "5.00", currency: "GBP" });
    const rows = await old.store.loadRecords(PROGRAM.id, "m", {
      purchases: ["o1", "o2", "o3", "o4", "o5", "o6", "o7"],
      redemptions: ["r1"],
    });
    expect(Object.keys(rows.purchases).sort()).toEqual(["o1", "o2", "o3", "o4", "o5", "o6", "o7"]);
    expect(Object.keys(rows.redemptions)).toEqual(["r1"]);
    expect((await old.store.loadMember(PROGRAM.id, "m"))!.snapshot.format).toBe(2);
    expect(await memberViolations(old.store, PROGRAM.id, "m", old.t.now())).toEqual([]);
    await old.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
    expect(await memberViolations(old.store, PROGRAM.id, "m", old.t.now())).toEqual([]);
  });
});
