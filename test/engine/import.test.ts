/**
 * importMember: an opening state comes in whole (lots with their dates, totals that balance, debt,
 * tier, metrics, counters, refundable purchases) or not at all; the member must not exist; a key
 * replays. Bad records: test/engine/import-refusals.test.ts.
 */
import { describe, expect, it } from "vitest";
import { memberViolations, storeFingerprint } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { expectError } from "../support/errors.js";
import { NOW, program, record, setup } from "../support/import-records.js";
import { tierProgram } from "../support/programs.js";

const DAY = 86_400_000;

describe("importMember", () => {
  it("brings the member in as they were: balances, pending, lifetime figures, tier and its guarantee", async () => {
    const { engine, store, t } = setup();
    const result = await engine.importMember(record());
    expect(result.entries.map((e) => e.kind)).toEqual(["import"]);
    const s = await engine.summary("ann");
    expect(s.joinedAt).toBe("2024-02-01T09:00:00.000Z");
    expect(s.wallets.points).toMatchObject({
      available: "50",
      pending: "120",
      pendingUntil: [{ at: "2026-06-19T10:00:00.000Z", points: "120" }],
      debt: "0",
      // Derived: what balances spent and expired against the 170 points held.
      lifetime: { earned: "340", spent: "150", expired: "20" },
    });
    expect(s.tier).toMatchObject({
      id: "silver",
      since: "2026-03-01T10:00:00.000Z",
      guaranteedUntil: "2027-01-01T00:00:00.000Z",
    });
    expect(s.tier!.metrics["points:status"]).toBe("620");
    expect(await memberViolations(store, program.id, "ann", t.now())).toEqual([]);
  });

  it("is idempotent by key, refuses a member who exists, and a different payload under a used key", async () => {
    const { engine } = setup();
    const first = await engine.importMember(record());
    const again = await engine.importMember(record());
    expect(again).toEqual({ ...first, replayed: true });
    await expectError(engine.importMember({ ...record(), key: "import:ann:2" }), "MEMBER_EXISTS");
    await expectError(engine.importMember({ ...record(), birthday: "1985-07-05" }), "IDEMPOTENCY_CONFLICT");
    await engine.enroll({ key: "enroll:bob", memberId: "bob" });
    const e = await expectError(
      engine.importMember({ ...record(), key: "import:bob", memberId: "bob" }),
      "MEMBER_EXISTS",
    );
    expect(e.issues.map((i) => i.path)).toEqual([["memberId"]]);
  });

  it("lets a later refund reverse an imported purchase within what it earned, less what was settled before", async () => {
    const { engine } = setup();
    const r = record();
    r.purchases![0] = {
      ...r.purchases![0]!,
      refunded: "40.00",
      settled: { points: "40", status: "40" },
      reversed: { points: "40", status: "40" },
    };
    r.lots![1] = { ...r.lots![1]!, amount: "120", remaining: "80" };
    r.wallets!.points!.lifetime = { ...r.wallets!.points!.lifetime, reversed: "40" };
    r.lots![2] = { ...r.lots![2]!, amount: "620", remaining: "580" };
    r.wallets!.status = { lifetime: { reversed: "40" } };
    await engine.importMember(r);
    await expectError(
      engine.refund({ key: "ret1", memberId: "ann", purchaseId: "o-77", amount: "80.01", currency: "GBP" }),
      "REFUND_EXCEEDS_PURCHASE",
    );
    const refund = await engine.refund({
      key: "ret2",
      memberId: "ann",
      purchaseId: "o-77",
      amount: "80.00",
      currency: "GBP",
    });
    expect(refund.reversed.find((x) => x.wallet === "points")).toMatchObject({ points: "80", debt: "0" });
    expect((await engine.summary("ann")).wallets.points!.pending).toBe("0");
  });

  it("takes a lot already expired at import, and expires it on the first due work (the sweep or the next write)", async () => {
    const { engine, t } = setup();
    const r = record();
    r.lots![0] = { ...r.lots![0]!, expiresAt: "2026-06-01T00:00:00Z" };
    await engine.importMember(r);
    expect((await engine.summary("ann")).wallets.points).toMatchObject({ available: "0", expiredUnswept: "50" });
    t.advance(DAY);
    const swept = await engine.expire();
    expect(swept).toMatchObject({ members: 1, points: { points: "50" } });
    expect((await engine.summary("ann")).wallets.points!.lifetime.expired).toBe("70");
  });

  it("claims its purchases where purchase ids are unique across members, and refuses one another member holds", async () => {
    const { engine, store } = testEngine(tierProgram({}, { purchases: { uniqueAcrossMembers: true } }), NOW);
    await engine.enroll({ key: "e-bob", memberId: "bob" });
    await engine.recordPurchase({
      key: "p-bob",
      memberId: "bob",
      purchaseId: "o-77",
      amount: "10.00",
      currency: "GBP",
    });
    const before = await storeFingerprint(store, program.id, ["ann"], ["import:ann"]);
    const e = await expectError(engine.importMember(record()), "DUPLICATE_PURCHASE");
    expect(e.issues.map((i) => i.path.join("."))).toEqual(["purchases.0.purchaseId"]);
    expect(await storeFingerprint(store, program.id, ["ann"], ["import:ann"])).toBe(before);
    const r = record();
    r.purchases![0] = { ...r.purchases![0]!, purchaseId: "o-78" };
    r.lots![1] = { ...r.lots![1]!, purchaseId: "o-78" };
    await engine.importMember(r);
    await expectError(
      engine.recordPurchase({ key: "p-bob-2", memberId: "bob", purchaseId: "o-78", amount: "10.00", currency: "GBP" }),
      "DUPLICATE_PURCHASE",
    );
  });

  it("starts a member of a tiered program with no tier given in the tier their metrics qualify for", async () => {
    const { engine } = setup();
    const { tier: _, ...r } = record();
    const result = await engine.importMember(r);
    // As for an enrolled member: the base tier on joining, then the promotion the metrics earn at once.
    expect(result.entries.map((e) => (e.kind === "tier" ? `tier:${e.reason}:${e.to}` : e.kind))).toEqual([
      "import",
      "tier:joined:bronze",
      "tier:promotion:silver",
    ]);
    expect((await engine.summary("ann")).tier).toMatchObject({ id: "silver", since: "2026-06-10T12:00:00.000Z" });
  });

  it("opens debt: the next earnings repay it first", async () => {
    const { engine } = setup();
    await engine.importMember({
      key: "k",
      memberId: "dan",
      joinedAt: "2025-01-01T00:00:00Z",
      wallets: { points: { debt: "30", lifetime: { earned: "100", reversed: "130" } } },
    });
    await engine.recordPurchase({ key: "p", memberId: "dan", purchaseId: "p", amount: "50.00", currency: "GBP" });
    expect((await engine.summary("dan")).wallets.points).toMatchObject({ available: "20", debt: "0" });
  });
});
