/**
 * importMember: an opening state comes in whole (lots with their dates, totals that balance, debt,
 * tier, metrics, counters, refundable purchases) or not at all; a bad record gets a typed error with
 * the path of every bad field and writes nothing (a corpus of known faults, fuzzed in combination,
 * and arbitrary junk).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoyaltyError, type ImportMemberCommand } from "../../src/index.js";
import { memberViolations, storeFingerprint } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { expectError } from "../support/errors.js";
import { tierProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const NOW = "2026-06-10T12:00:00Z";
const DAY = 86_400_000;
const program = tierProgram();

/** A member from another system: two lots (one pending), a spent-down lot, debt on none, silver since March. */
const record = (): ImportMemberCommand => ({
  key: "import:ann",
  memberId: "ann",
  joinedAt: "2024-02-01T09:00:00Z",
  birthday: "1985-07-04",
  attributes: { store: "leeds" },
  currency: "GBP",
  source: "legacy:4411",
  wallets: { points: { lifetime: { spent: "150", expired: "20" } }, status: {} },
  lots: [
    {
      wallet: "points",
      amount: "200",
      remaining: "50",
      earnedAt: "2025-09-01T10:00:00Z",
      expiresAt: "2027-09-01T10:00:00Z",
    },
    {
      wallet: "points",
      amount: "120",
      earnedAt: "2026-06-05T10:00:00Z",
      availableAt: "2026-06-19T10:00:00Z",
      ruleId: "base",
      purchaseId: "o-77",
    },
    { wallet: "status", amount: "620", earnedAt: "2026-03-01T10:00:00Z", expiresAt: null },
  ],
  purchases: [
    {
      purchaseId: "o-77",
      amount: "120.00",
      occurredAt: "2026-06-05T10:00:00Z",
      earned: { points: "120", status: "120" },
    },
  ],
  tier: { id: "silver", since: "2026-03-01T10:00:00Z", guaranteedUntil: "2027-01-01T00:00:00Z" },
  metrics: { "2026-03-01": { "points:status": "500" }, "2026-06-05": { "points:status": "120" } },
  caps: { base: { points: { month: { "2026-06": "120" } } } },
  activity: { purchase: "2026-06-05T10:00:00Z" },
});

const setup = () => testEngine(program, NOW);

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

/** Known faults: each breaks the record at one path, with the code it must raise. */
type Fault = { readonly path: string; readonly code?: string; readonly apply: (r: ImportMemberCommand) => void };
const FAULTS: readonly Fault[] = [
  { path: "lots.0.remaining", apply: (r) => void (r.lots![0] = { ...r.lots![0]!, remaining: "201" }) },
  { path: "lots.0.expiresAt", apply: (r) => void (r.lots![0] = { ...r.lots![0]!, expiresAt: "2025-08-01T00:00:00Z" }) },
  {
    path: "lots.1.availableAt",
    apply: (r) => void (r.lots![1] = { ...r.lots![1]!, availableAt: "2026-06-01T00:00:00Z" }),
  },
  { path: "lots.2.earnedAt", apply: (r) => void (r.lots![2] = { ...r.lots![2]!, earnedAt: "2026-07-01T00:00:00Z" }) },
  { path: "lots.1.wallet", apply: (r) => void (r.lots![1] = { ...r.lots![1]!, wallet: "miles" }) },
  { path: "lots.1.ruleId", apply: (r) => void (r.lots![1] = { ...r.lots![1]!, ruleId: "nope" }) },
  { path: "lots.1.purchaseId", apply: (r) => void (r.lots![1] = { ...r.lots![1]!, purchaseId: "o-78" }) },
  { path: "lots.0.amount", apply: (r) => void (r.lots![0] = { ...r.lots![0]!, amount: "200.5" }) },
  { path: "tier.id", apply: (r) => void (r.tier = { ...r.tier!, id: "platinum" }) },
  { path: "tier.since", apply: (r) => void (r.tier = { ...r.tier!, since: "2027-01-01T00:00:00Z" }) },
  { path: "wallets.points.lifetime", apply: (r) => void (r.wallets!.points!.lifetime!.earned = "341") },
  {
    path: "wallets.status.lifetime.earned",
    apply: (r) => void (r.wallets!.status = { lifetime: { adjusted: "700" } }),
  },
  { path: "wallets.miles", apply: (r) => void (r.wallets!.miles = { debt: "1" }) },
  { path: "purchases.0.refunded", apply: (r) => void (r.purchases![0] = { ...r.purchases![0]!, refunded: "121.00" }) },
  {
    path: "purchases.0.settled.points",
    apply: (r) => void (r.purchases![0] = { ...r.purchases![0]!, settled: { points: "121" } }),
  },
  { path: "purchases.0.amount", apply: (r) => void (r.purchases![0] = { ...r.purchases![0]!, amount: "120.001" }) },
  { path: "metrics.2026-13-01", apply: (r) => void (r.metrics!["2026-13-01"] = {}) },
  { path: "metrics.all.spend", apply: (r) => void (r.metrics!.all = { spend: "1" }) },
  { path: "caps.nope", apply: (r) => void (r.caps!.nope = {}) },
  { path: "limits.reward:nope", apply: (r) => void (r.limits = { "reward:nope": { month: { "2026-06": "1" } } }) },
  { path: "activity.purchase", apply: (r) => void (r.activity = { purchase: "2026-07-01T00:00:00Z" }) },
  { path: "joinedAt", apply: (r) => void (r.joinedAt = "2026-12-01T00:00:00Z") },
  { path: "lots.0.earnedAt", apply: (r) => void (r.lots![0] = { ...r.lots![0]!, earnedAt: "1 Sept 2025" }) },
  { path: "lots.0.amount", apply: (r) => void (r.lots![0] = { ...r.lots![0]!, amount: 200 as unknown as string }) },
  { path: "lots.0.colour", apply: (r) => void (r.lots![0] = { ...r.lots![0]!, colour: "red" } as never) },
  { path: "currency", code: "CURRENCY_MISMATCH", apply: (r) => void (r.currency = "EUR") },
];

describe("importMember refuses a bad record with every bad field's path, and writes nothing", () => {
  it("each known fault on its own: its code and its path, nothing else wrong", async () => {
    for (const fault of FAULTS) {
      const { engine, store } = setup();
      const r = record();
      fault.apply(r);
      const before = await storeFingerprint(store, program.id, ["ann"], ["import:ann"]);
      const e = await engine.importMember(r).then(
        () => null,
        (error: unknown) => error as LoyaltyError,
      );
      expect({ fault: fault.path, code: e?.code, paths: e?.issues.map((i) => i.path.join(".")) }).toEqual({
        fault: fault.path,
        code: fault.code ?? "INVALID_COMMAND",
        paths: [fault.path],
      });
      expect(await storeFingerprint(store, program.id, ["ann"], ["import:ann"])).toBe(before);
    }
  });

  it("faults in any combination: every path reported at once (a schema fault first stops the rest), nothing written", async () => {
    const { engine, store } = setup();
    const before = await storeFingerprint(store, program.id, ["ann"], ["import:ann"]);
    await fc.assert(
      fc.asyncProperty(fc.subarray([...FAULTS.keys()], { minLength: 1 }), async (picked) => {
        const r = record();
        for (const i of picked) FAULTS[i]!.apply(r);
        const error = await engine.importMember(r).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(LoyaltyError);
        const paths = (error as LoyaltyError).issues.map((i) => i.path.join("."));
        expect(paths.length).toBeGreaterThan(0);
        // Every path named is one of the faults': nothing valid is blamed.
        for (const p of paths) expect(picked.map((i) => FAULTS[i]!.path)).toContain(p);
      }),
      { numRuns: RUNS },
    );
    expect(await storeFingerprint(store, program.id, ["ann"], ["import:ann"])).toBe(before);
  });

  it("arbitrary junk in any field: a typed error, never a crash, nothing written", async () => {
    const fields = Object.keys(record());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields.filter((f) => f !== "key" && f !== "memberId")),
        fc.anything(),
        async (field, junk) => {
          const { engine, store } = setup();
          const before = await storeFingerprint(store, program.id, ["ann"], ["import:ann"]);
          const r = { ...record(), [field]: junk };
          const outcome = await engine.importMember(r as ImportMemberCommand).then(
            () => "imported",
            (e: unknown) => e,
          );
          // Junk that happens to be valid (an empty object for `caps`) imports.
          if (outcome === "imported") return;
          expect(outcome).toBeInstanceOf(LoyaltyError);
          expect((outcome as LoyaltyError).issues.length).toBeGreaterThan(0);
          expect(await storeFingerprint(store, program.id, ["ann"], ["import:ann"])).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
