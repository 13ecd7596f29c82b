/**
 * A retry is a replay (issue 19, defect 4): a recorded key replays its first result whatever changed
 * since (the retrying server's clock, the catalogue); only the schema is checked before the lookup.
 * Amounts are compared as values: "10", "10.0" and "10.00" are the same payload.
 */
import { describe, expect, it } from "vitest";
import { createLoyaltyEngine, createMemoryStore, type ProgramInput } from "../../src/index.js";
import { canonicalJson, sha256Hex } from "../../src/shared/canonical.js";
import { testClock } from "../../src/testing/index.js";
import { expectError } from "../support/errors.js";
import { rewardsProgram } from "../support/programs.js";

const T0 = "2026-03-02T10:00:00Z";
const MUG = { kind: "product", id: "mug", wallet: "points", price: "100" } as const;
const program = rewardsProgram([MUG], { pending: { days: 0 } });
const withoutMug = rewardsProgram([], { pending: { days: 0 } });

function engineAt(def: ProgramInput, start: string | number, store = createMemoryStore(), prefix = "id") {
  const t = testClock(start);
  let n = 0;
  return {
    engine: createLoyaltyEngine({ program: def, store, clock: t.clock, ids: () => `${prefix}-${++n}` }),
    store,
    t,
  };
}

describe("a retry of a recorded command", () => {
  it("replays when the retrying server's clock is behind the purchase's occurredAt", async () => {
    const first = engineAt(program, T0);
    await first.engine.enroll({ key: "e", memberId: "m" });
    const purchase = { key: "p1", memberId: "m", purchaseId: "o1", amount: "20.00", currency: "GBP", occurredAt: T0 };
    const done = await first.engine.recordPurchase(purchase);
    // Another server, a minute behind: to it the purchase lies in the future.
    const behind = engineAt(program, Date.parse(T0) - 60_000, first.store, "b");
    const again = await behind.engine.recordPurchase(purchase);
    expect(again.replayed).toBe(true);
    expect({ ...again, replayed: false }).toEqual(done);
    // A new command from that server is still refused.
    await expectError(behind.engine.recordPurchase({ ...purchase, key: "p2", purchaseId: "o2" }), "INVALID_COMMAND");
  });

  it("replays a redemption after its reward has left the catalogue", async () => {
    const first = engineAt(program, T0);
    await first.engine.enroll({ key: "e", memberId: "m" });
    await first.engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "150", reason: "welcome" });
    const done = await first.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
    const later = engineAt(withoutMug, T0, first.store, "l");
    const again = await later.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
    expect(again).toEqual({ ...done, replayed: true });
    await expectError(later.engine.redeem({ key: "r2", memberId: "m", rewardId: "mug" }), "INVALID_COMMAND");
  });

  it("treats 10, 10.0 and 10.00 as one amount, and 10.01 as another", async () => {
    const { engine } = engineAt(program, T0);
    await engine.enroll({ key: "e", memberId: "m" });
    const first = await engine.recordPurchase({
      key: "p",
      memberId: "m",
      purchaseId: "o",
      amount: "10.00",
      currency: "GBP",
    });
    for (const amount of ["10", "10.0"]) {
      const again = await engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "o", amount, currency: "GBP" });
      expect(again).toEqual({ ...first, replayed: true });
    }
    await expectError(
      engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "o", amount: "10.01", currency: "GBP" }),
      "IDEMPOTENCY_CONFLICT",
    );
    await engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "5", reason: "x" });
    expect(
      (await engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "5.0", reason: "x" })).replayed,
    ).toBe(true);
    // An attribute is the caller's own value: "10" and "10.00" there are different payloads.
    await engine.recordEvent({ key: "ev", memberId: "m", type: "bonus", attributes: { amount: "10" } });
    await expectError(
      engine.recordEvent({ key: "ev", memberId: "m", type: "bonus", attributes: { amount: "10.00" } }),
      "IDEMPOTENCY_CONFLICT",
    );
  });

  it("still matches a record whose hash was taken of the raw payload, as earlier versions took it", async () => {
    const { engine, store } = engineAt(program, T0);
    await engine.enroll({ key: "e", memberId: "m" });
    const input = { key: "old", memberId: "m", purchaseId: "o", amount: "10.00", currency: "GBP" };
    const recorded = { memberId: "m", purchaseId: "o", awards: [], entries: [] };
    await store.commit({
      programId: program.id,
      members: [],
      idempotency: {
        key: "old",
        payloadHash: await sha256Hex(canonicalJson({ command: "purchase", input })),
        result: recorded,
        committedAt: "2026-03-01T10:00:00.000Z",
      },
    });
    expect(await engine.recordPurchase(input)).toEqual({ ...recorded, replayed: true });
    await expectError(engine.recordPurchase({ ...input, amount: "11.00" }), "IDEMPOTENCY_CONFLICT");
  });
});
