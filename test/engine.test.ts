/** The facade's own behaviour: options, retries at the edge, statements. */
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../examples/program.js";
import { createLoyaltyEngine, createMemoryStore, isLoyaltyError } from "../src/index.js";
import { testClock, wrapStore } from "../src/testing/index.js";

describe("createLoyaltyEngine", () => {
  it.each([0, -1, 1.5])("refuses maxAttempts %s", (maxAttempts) => {
    let error: unknown;
    try { createLoyaltyEngine({ program: exampleProgram, store: createMemoryStore(), maxAttempts }); } catch (e) { error = e; }
    expect(isLoyaltyError(error, "INVALID_COMMAND")).toBe(true);
  });

  it("replays, not fails, a duplicate that loses its only attempt to the same key", async () => {
    const inner = createMemoryStore();
    // Both deliveries read the member before either commits.
    let waiting: (() => void)[] = [];
    const slow = wrapStore(inner, {
      loadMember: async (p, m) => {
        const loaded = await inner.loadMember(p, m);
        await new Promise<void>((resolve) => { waiting.push(resolve); if (waiting.length === 2) { waiting.forEach((r) => r()); waiting = []; } });
        return loaded;
      },
    });
    const t = testClock("2026-03-02T10:00:00Z");
    await createLoyaltyEngine({ program: exampleProgram, store: inner, clock: t.clock, ids: t.ids }).enroll({ key: "e", memberId: "m" });
    const engine = createLoyaltyEngine({ program: exampleProgram, store: slow, clock: t.clock, ids: t.ids, maxAttempts: 1 });
    const cmd = { key: "p", memberId: "m", purchaseId: "p", amount: "10.00", currency: "GBP" };
    const results = await Promise.all([engine.recordPurchase(cmd), engine.recordPurchase({ ...cmd })]);
    expect(results.map((r) => r.replayed).sort()).toEqual([false, true]);
  });

  it("puts events of record and rule names on the statement", async () => {
    const t = testClock("2026-03-02T10:00:00Z");
    const engine = createLoyaltyEngine({ program: exampleProgram, store: createMemoryStore(), clock: t.clock, ids: t.ids });
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.recordEvent({ key: "s", memberId: "m", type: "signup" });
    const page = await engine.statement("m");
    expect(page.entries.map((e) => [e.kind, e.ruleName])).toEqual([["enroll", null], ["event", null], ["earn", "Welcome bonus"]]);
  });
});
