/**
 * Where checkout holds are kept (issue #17): in the member's snapshot (no table of their own), so
 * the snapshot codec keeps them and a snapshot written before holds existed loads with none; an
 * export of a member with an open hold imports with the hold open and balances; an erasure removes a hold's
 * free-text reference from its entry.
 */
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../src/index.js";
import { foldEntries } from "../../src/ledger/apply.js";
import { fromSnapshot, toSnapshot, type MemberSnapshot } from "../../src/ledger/snapshot.js";
import { memberViolations, plainProgram, readAllEntries } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";

const T0 = "2026-03-02T10:00:00Z";

async function withOpenHold() {
  const { engine, store, t } = testEngine(plainProgram, T0);
  await engine.enroll({ key: "e", memberId: "ann" });
  await engine.recordPurchase({ key: "p1", memberId: "ann", purchaseId: "p1", amount: "30", currency: "GBP" });
  await engine.recordPurchase({ key: "p2", memberId: "ann", purchaseId: "p2", amount: "50", currency: "GBP" });
  // 40 of 80 points: all of p1's lot and 10 of p2's.
  await engine.hold({
    key: "h",
    memberId: "ann",
    holdId: "order-9",
    wallet: "points",
    points: "40",
    reference: "cart-ann",
  });
  return { engine, store, t };
}

describe("holds in the snapshot", () => {
  it("the codec keeps an open hold, draws and all, and the stored snapshot equals the fold", async () => {
    const { store, t } = await withOpenHold();
    const stored = (await store.loadMember(plainProgram.id, "ann"))!;
    const snapshot = JSON.parse(JSON.stringify(stored.snapshot)) as MemberSnapshot;
    expect(snapshot.holds?.["order-9"]).toMatchObject({
      wallet: "points",
      points: "40",
      orderAmount: null,
      expiresAt: Date.parse(T0) + 15 * 60_000,
      draws: [
        { lot: { amount: "30", purchaseId: "p1" }, points: "30" },
        { lot: { amount: "50", purchaseId: "p2" }, points: "10" },
      ],
    });
    expect(toSnapshot(fromSnapshot(snapshot))).toEqual(snapshot);
    const folded = foldEntries("ann", await readAllEntries(store, plainProgram.id, "ann"));
    expect(toSnapshot(folded).holds).toEqual(snapshot.holds);
    expect(await memberViolations(store, plainProgram.id, "ann", t.now())).toEqual([]);
  });

  it("a snapshot written before holds existed loads with none, and writes none back", async () => {
    const { engine, store } = testEngine(plainProgram, T0);
    await engine.enroll({ key: "e", memberId: "ann" });
    const stored = (await store.loadMember(plainProgram.id, "ann"))!;
    const old = JSON.parse(JSON.stringify(stored.snapshot)) as MemberSnapshot;
    expect("holds" in old).toBe(false);
    expect(fromSnapshot(old).holds).toEqual({});
  });

  it("an export with an open hold imports elsewhere and balances: the hold moves open, its points counted as spent", async () => {
    const { engine } = await withOpenHold();
    const command = await engine.exportMember("ann");
    const other = testEngine(plainProgram, T0, { store: createMemoryStore() });
    await other.engine.importMember(command);
    const w = (await other.engine.summary("ann")).wallets.points!;
    expect([w.available, w.held, w.lifetime.spent]).toEqual(["40", "40", "40"]);
    expect(await memberViolations(other.store, plainProgram.id, "ann", other.t.now())).toEqual([]);
    await other.engine.releaseHold({ key: "r", memberId: "ann", holdId: "order-9" });
    expect((await other.engine.summary("ann")).wallets.points!.available).toBe("80");
  });

  it("an erasure removes the hold's reference; the books stay as they were", async () => {
    const { engine, store, t } = await withOpenHold();
    await engine.eraseMember({ key: "forget", memberId: "ann" });
    const hold = (await readAllEntries(store, plainProgram.id, "ann")).find((e) => e.kind === "hold");
    expect(hold).toMatchObject({ reference: null, points: "40" });
    await engine.releaseHold({ key: "r", memberId: "ann", holdId: "order-9" });
    expect((await engine.summary("ann")).wallets.points!.available).toBe("80");
    expect(await memberViolations(store, plainProgram.id, "ann", t.now())).toEqual([]);
  });
});
