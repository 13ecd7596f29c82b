/**
 * importMember refuses a bad record with a typed error and the path of every bad field, and writes
 * nothing: a corpus of known faults, each alone and fuzzed in combination, and arbitrary junk in
 * any field. A failing property prints its seed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoyaltyError, type ImportMemberCommand } from "../../src/index.js";
import { storeFingerprint } from "../../src/testing/index.js";
import { program, record, setup } from "../support/import-records.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

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
