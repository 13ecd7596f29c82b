/**
 * The same purchase id on two members (a shared receipt), engine side: the setting's schema, the
 * refusal of a store that cannot claim ids, and that a member's own duplicate keeps its own
 * message. Claims themselves, concurrency and the default are in the store conformance suite
 * (src/testing/conformance/purchase-claims.ts), run on memory and PGlite.
 */
import { describe, expect, it } from "vitest";
import { compileProgram, createLoyaltyEngine, createMemoryStore, LoyaltyError } from "../../src/index.js";
import { testClock, wrapStore } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { expectError } from "../support/errors.js";
import { poundsProgram } from "../support/programs.js";

const T0 = "2026-03-02T10:00:00Z";
const unique = () => poundsProgram({ purchases: { uniqueAcrossMembers: true } });
const buy = (key: string, memberId: string, purchaseId: string) => ({
  key,
  memberId,
  purchaseId,
  amount: "10.00",
  currency: "GBP",
});

function creationError(store: ReturnType<typeof wrapStore>): LoyaltyError {
  const t = testClock(T0);
  try {
    createLoyaltyEngine({ program: unique(), store, clock: t.clock, ids: t.ids });
  } catch (e) {
    if (e instanceof LoyaltyError) return e;
    throw e;
  }
  throw new Error("the engine was created");
}

describe("purchases.uniqueAcrossMembers", () => {
  it("is a boolean, refused otherwise with its path", () => {
    const paths = (() => {
      try {
        compileProgram({ ...poundsProgram(), purchases: { uniqueAcrossMembers: "yes", other: 1 } });
      } catch (e) {
        return (e as LoyaltyError).issues.map((i) => i.path.join("."));
      }
      return [];
    })();
    expect(paths.sort()).toEqual(["purchases.other", "purchases.uniqueAcrossMembers"]);
  });

  it("needs a store that claims purchase ids: without the capability, or without findPurchaseOwner, no engine", () => {
    const inner = createMemoryStore();
    const noCapability = { ...wrapStore(inner, {}), capabilities: { durable: false, multiProcess: false } };
    const noMethod = { ...wrapStore(inner, {}), findPurchaseOwner: undefined };
    for (const store of [noCapability, noMethod]) {
      const error = creationError(store);
      expect(error.code).toBe("INVALID_COMMAND");
      expect(error.issues.map((i) => i.path)).toEqual([["store"]]);
      expect(error.issues[0]!.message).toContain("uniqueAcrossMembers");
    }
    // Off, any store will do.
    const t = testClock(T0);
    expect(() =>
      createLoyaltyEngine({ program: poundsProgram(), store: noCapability, clock: t.clock, ids: t.ids }),
    ).not.toThrow();
  });

  it("a member's own duplicate keeps its own refusal; another member's names the setting", async () => {
    const { engine } = testEngine(unique(), T0);
    await engine.enroll({ key: "e1", memberId: "a" });
    await engine.enroll({ key: "e2", memberId: "b" });
    await engine.recordPurchase(buy("p1", "a", "r1"));
    const own = await expectError(engine.recordPurchase(buy("p2", "a", "r1")), "DUPLICATE_PURCHASE");
    expect(own.message).toContain("for this member");
    const other = await expectError(engine.recordPurchase(buy("p3", "b", "r1")), "DUPLICATE_PURCHASE");
    expect(other.message).toContain("another member");
    expect(other.issues.map((i) => i.path)).toEqual([["purchaseId"]]);
    expect((await engine.summary("b")).wallets.points!.lifetime.earned).toBe("0");
  });
});
