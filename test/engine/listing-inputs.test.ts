/**
 * Bad options to `members`, `lapsing` and `indexMembers`: a corpus, each refused with
 * INVALID_COMMAND and the path of the bad field, and a fuzz of arbitrary option objects, each
 * answered with a page or INVALID_COMMAND, never another error, and nothing written.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoyaltyError, createMemoryStore } from "../../src/index.js";
import { storeFingerprint } from "../../src/testing/index.js";
import { tierProgram as program } from "../../src/testing/conformance/context.js";
import { testEngine } from "../support/engine.js";

async function world() {
  const store = createMemoryStore();
  const { engine } = testEngine(program, "2026-03-02T10:00:00Z", { store });
  for (const m of ["m1", "m2"]) await engine.enroll({ key: `e-${m}`, memberId: m });
  await engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "p1", amount: "40", currency: "GBP" });
  return { store, engine };
}

const corpus: [string, (e: Awaited<ReturnType<typeof world>>["engine"]) => Promise<unknown>, (string | number)[]][] = [
  ["members: limit 0", (e) => e.members({ limit: 0 }), ["limit"]],
  ["members: limit a string", (e) => e.members({ limit: "10" as unknown as number }), ["limit"]],
  ["members: empty after", (e) => e.members({ after: "" }), ["after"]],
  ["members: unknown field", (e) => e.members({ teir: "gold" } as never), ["teir"]],
  ["members: tier a number", (e) => e.members({ tier: 1 as unknown as string }), ["tier"]],
  ["lapsing: nothing", (e) => e.lapsing({} as never), []],
  ["lapsing: both kinds", (e) => e.lapsing({ noPurchaseForDays: 30, months: 3, fallenBy: "0.5" }), []],
  ["lapsing: months without fallenBy", (e) => e.lapsing({ months: 3 }), ["fallenBy"]],
  ["lapsing: fallenBy without months", (e) => e.lapsing({ fallenBy: "0.5" }), ["months"]],
  ["lapsing: days 0", (e) => e.lapsing({ noPurchaseForDays: 0 }), ["noPurchaseForDays"]],
  ["lapsing: days fractional", (e) => e.lapsing({ noPurchaseForDays: 1.5 }), ["noPurchaseForDays"]],
  ["lapsing: 13 months", (e) => e.lapsing({ months: 13, fallenBy: "0.5" }), ["months"]],
  ["lapsing: share above 1", (e) => e.lapsing({ months: 3, fallenBy: "1.5" }), ["fallenBy"]],
  ["lapsing: share 0", (e) => e.lapsing({ months: 3, fallenBy: "0" }), ["fallenBy"]],
  ["lapsing: share as a number", (e) => e.lapsing({ months: 3, fallenBy: 0.5 as unknown as string }), ["fallenBy"]],
  ["lapsing: share too precise", (e) => e.lapsing({ months: 3, fallenBy: "0.12345" }), ["fallenBy"]],
  ["lapsing: now not an instant", (e) => e.lapsing({ noPurchaseForDays: 3, now: "yesterday" }), ["now"]],
  ["lapsing: limit too large", (e) => e.lapsing({ noPurchaseForDays: 3, limit: 10_001 }), ["limit"]],
  ["indexMembers: batchSize 0", (e) => e.indexMembers({ batchSize: 0 }), ["batchSize"]],
];

describe("listing options", () => {
  it.each(corpus)("refuses %s with INVALID_COMMAND at its path, writing nothing", async (_, run, path) => {
    const { store, engine } = await world();
    const before = await storeFingerprint(store, program.id, ["m1", "m2"]);
    const error = await run(engine).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoyaltyError);
    expect((error as LoyaltyError).code).toBe("INVALID_COMMAND");
    expect((error as LoyaltyError).issues.map((i) => JSON.stringify(i.path))).toContain(JSON.stringify(path));
    expect(await storeFingerprint(store, program.id, ["m1", "m2"])).toEqual(before);
  });

  it("answers any option object with a page or INVALID_COMMAND", async () => {
    const { store, engine } = await world();
    const before = await storeFingerprint(store, program.id, ["m1", "m2"]);
    const value = fc.oneof(
      fc.integer({ min: -5, max: 400 }),
      fc.constantFrom("0.5", "1", "0", "-1", "abc", "2026-03-01T00:00:00Z", "", "m1"),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const options = fc.dictionary(
      fc.constantFrom("noPurchaseForDays", "months", "fallenBy", "now", "after", "limit", "tier", "segment", "other"),
      value,
    );
    await fc.assert(
      fc.asyncProperty(options, fc.boolean(), async (o, lapsing) => {
        try {
          const page = lapsing ? await engine.lapsing(o as never) : await engine.members(o as never);
          expect(Array.isArray(page.members)).toBe(true);
        } catch (error) {
          expect(error, String(error)).toBeInstanceOf(LoyaltyError);
          expect((error as LoyaltyError).code).toBe("INVALID_COMMAND");
        }
      }),
      { numRuns: 300 },
    );
    expect(await storeFingerprint(store, program.id, ["m1", "m2"])).toEqual(before);
  });
});
