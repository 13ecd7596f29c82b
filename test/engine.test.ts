/** The facade's own behaviour: options, retries at the edge, statements. */
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../examples/program.js";
import { createLoyaltyEngine, createMemoryStore, isLoyaltyError } from "../src/index.js";
import { storeFingerprint, testClock, wrapStore } from "../src/testing/index.js";

describe("createLoyaltyEngine", () => {
  it.each([0, -1, 1.5])("refuses maxAttempts %s", (maxAttempts) => {
    let error: unknown;
    try { createLoyaltyEngine({ program: exampleProgram, store: createMemoryStore(), maxAttempts }); } catch (e) { error = e; }
    expect(isLoyaltyError(error, "INVALID_COMMAND")).toBe(true);
  });

  it.each(["member by member", "in one read"])("replays, not fails, a duplicate that loses its only attempt to the same key (reading %s)", async (how) => {
    const inner = createMemoryStore();
    // Both deliveries read the member before either commits.
    let waiting: (() => void)[] = [];
    const meet = () => new Promise<void>((resolve) => { waiting.push(resolve); if (waiting.length === 2) { waiting.forEach((r) => r()); waiting = []; } });
    const slow = how === "in one read"
      ? wrapStore(inner, { loadForCommand: async (p, ids, k) => { const read = await inner.loadForCommand(p, ids, k); await meet(); return read; } })
      : wrapStore(inner, { loadMember: async (p, m) => { const loaded = await inner.loadMember(p, m); await meet(); return loaded; } });
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

  it("decides alike whether the store reads a command in one go (loadForCommand) or member by member", async () => {
    const run = async (combined: boolean) => {
      const inner = createMemoryStore();
      const reads: string[] = [];
      const store = combined
        ? wrapStore(inner, { loadForCommand: (p, ids, k) => { reads.push("one"); return inner.loadForCommand(p, ids, k); } })
        : wrapStore(inner, { loadMember: (p, m) => { reads.push("member"); return inner.loadMember(p, m); } });
      const t = testClock("2026-03-02T10:00:00Z");
      const engine = createLoyaltyEngine({ program: exampleProgram, store, clock: t.clock, ids: t.ids });
      const results: unknown[] = [];
      results.push(await engine.enroll({ key: "e1", memberId: "a" }), await engine.enroll({ key: "e2", memberId: "b" }));
      results.push(await engine.recordPurchase({ key: "p1", memberId: "a", purchaseId: "o1", amount: "120.00", currency: "GBP" }));
      results.push(await engine.recordPurchase({ key: "p1", memberId: "a", purchaseId: "o1", amount: "120.00", currency: "GBP" }));
      results.push(await engine.refund({ key: "r1", memberId: "a", purchaseId: "o1", amount: "20.00", currency: "GBP" }));
      results.push(await engine.recordPurchase({ key: "p2", memberId: "b", purchaseId: "o2", amount: "5.00", currency: "GBP" }).catch((e: unknown) => (e as Error).message));
      results.push(await engine.recordPurchase({ key: "p3", memberId: "nobody", purchaseId: "o3", amount: "5.00", currency: "GBP" }).catch((e: unknown) => (e as Error).message));
      return { results, reads, fingerprint: await storeFingerprint(inner, exampleProgram.id, ["a", "b", "nobody"], ["e1", "e2", "p1", "r1", "p2", "p3"]) };
    };
    const [one, each] = [await run(true), await run(false)];
    expect(one.reads.every((r) => r === "one") && one.reads.length).toBe(7);
    expect(each.reads.every((r) => r === "member") && each.reads.length).toBe(7);
    expect(one.results).toEqual(each.results);
    expect(one.fingerprint).toBe(each.fingerprint);
  });
});
