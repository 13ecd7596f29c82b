/** The facade's own behaviour: options, retries at the edge, statements. */
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { createLoyaltyEngine, createMemoryStore, isLoyaltyError, type LoyaltyEngine } from "../../src/index.js";
import { storeFingerprint, testClock, wrapStore } from "../../src/testing/index.js";

describe("createLoyaltyEngine", () => {
  it.each([0, -1, 1.5])("refuses maxAttempts %s", (maxAttempts) => {
    let error: unknown;
    try {
      createLoyaltyEngine({ program: exampleProgram, store: createMemoryStore(), maxAttempts });
    } catch (e) {
      error = e;
    }
    expect(isLoyaltyError(error, "INVALID_COMMAND")).toBe(true);
  });

  it.each(["member by member", "in one read"])(
    "replays, not fails, a duplicate that loses its only attempt to the same key (reading %s)",
    async (how) => {
      const inner = createMemoryStore();
      // Both deliveries read the member before either commits.
      let waiting: (() => void)[] = [];
      const meet = () =>
        new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 2) {
            waiting.forEach((r) => r());
            waiting = [];
          }
        });
      // Two store objects over one store, as two processes have: an engine queues its own
      // commands on a member (engine/member-queue.ts), so the race is between two engines.
      const slow = () =>
        how === "in one read"
          ? wrapStore(inner, {
              loadForCommand: async (p, ids, k, r) => {
                const read = await inner.loadForCommand(p, ids, k, r);
                await meet();
                return read;
              },
            })
          : wrapStore(inner, {
              loadMember: async (p, m) => {
                const loaded = await inner.loadMember(p, m);
                await meet();
                return loaded;
              },
            });
      const t = testClock("2026-03-02T10:00:00Z");
      await createLoyaltyEngine({ program: exampleProgram, store: inner, clock: t.clock, ids: t.ids }).enroll({
        key: "e",
        memberId: "m",
      });
      const [one, two] = [slow(), slow()].map((store) =>
        createLoyaltyEngine({ program: exampleProgram, store, clock: t.clock, ids: t.ids, maxAttempts: 1 }),
      );
      const cmd = { key: "p", memberId: "m", purchaseId: "p", amount: "10.00", currency: "GBP" };
      const results = await Promise.all([one!.recordPurchase(cmd), two!.recordPurchase({ ...cmd })]);
      expect(results.map((r) => r.replayed).sort()).toEqual([false, true]);
    },
  );

  it("puts events of record and rule names on the statement", async () => {
    const t = testClock("2026-03-02T10:00:00Z");
    const engine = createLoyaltyEngine({
      program: exampleProgram,
      store: createMemoryStore(),
      clock: t.clock,
      ids: t.ids,
    });
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.recordEvent({ key: "s", memberId: "m", type: "signup" });
    const page = await engine.statement("m");
    expect(page.entries.map((e) => [e.kind, e.ruleName])).toEqual([
      ["enroll", null],
      ["event", null],
      ["earn", "Welcome bonus"],
    ]);
  });

  it("decides alike whether the store reads a command in one go (loadForCommand) or member by member", async () => {
    const run = async (combined: boolean) => {
      const inner = createMemoryStore();
      const reads: string[] = [];
      const store = combined
        ? wrapStore(inner, {
            loadForCommand: (p, ids, k, r) => {
              reads.push("one");
              return inner.loadForCommand(p, ids, k, r);
            },
          })
        : wrapStore(inner, {
            loadMember: (p, m) => {
              reads.push("member");
              return inner.loadMember(p, m);
            },
          });
      const t = testClock("2026-03-02T10:00:00Z");
      const engine = createLoyaltyEngine({ program: exampleProgram, store, clock: t.clock, ids: t.ids });
      const results: unknown[] = [];
      results.push(
        await engine.enroll({ key: "e1", memberId: "a" }),
        await engine.enroll({ key: "e2", memberId: "b" }),
      );
      results.push(
        await engine.recordPurchase({ key: "p1", memberId: "a", purchaseId: "o1", amount: "120.00", currency: "GBP" }),
      );
      results.push(
        await engine.recordPurchase({ key: "p1", memberId: "a", purchaseId: "o1", amount: "120.00", currency: "GBP" }),
      );
      results.push(
        await engine.refund({ key: "r1", memberId: "a", purchaseId: "o1", amount: "20.00", currency: "GBP" }),
      );
      results.push(
        await engine
          .recordPurchase({ key: "p2", memberId: "b", purchaseId: "o2", amount: "5.00", currency: "GBP" })
          .catch((e: unknown) => (e as Error).message),
      );
      results.push(
        await engine
          .recordPurchase({ key: "p3", memberId: "nobody", purchaseId: "o3", amount: "5.00", currency: "GBP" })
          .catch((e: unknown) => (e as Error).message),
      );
      return {
        results,
        reads,
        fingerprint: await storeFingerprint(
          inner,
          exampleProgram.id,
          ["a", "b", "nobody"],
          ["e1", "e2", "p1", "r1", "p2", "p3"],
        ),
      };
    };
    const [one, each] = [await run(true), await run(false)];
    expect(one.reads.every((r) => r === "one") && one.reads.length).toBe(7);
    expect(each.reads.every((r) => r === "member") && each.reads.length).toBe(7);
    expect(one.results).toEqual(each.results);
    expect(one.fingerprint).toBe(each.fingerprint);
  });

  describe("idempotency records keep where the entries are, not the entries", () => {
    async function history(store = createMemoryStore()) {
      const t = testClock("2026-03-02T10:00:00Z");
      const engine = createLoyaltyEngine({ program: exampleProgram, store, clock: t.clock, ids: t.ids });
      const first = {
        enroll: await engine.enroll({ key: "e1", memberId: "a" }),
        enrollB: await engine.enroll({ key: "e2", memberId: "b" }),
        purchase: await engine.recordPurchase({
          key: "p1",
          memberId: "a",
          purchaseId: "o1",
          amount: "820.00",
          currency: "GBP",
        }),
      };
      t.advance(20 * 86_400_000); // past the pending period: the points are available to transfer
      const later = {
        transfer: await engine.transfer({
          key: "t1",
          fromMemberId: "a",
          toMemberId: "b",
          wallet: "points",
          points: "100",
        }),
        restock: await engine.restock({ key: "s1", rewardId: "tote-bag", units: 5 }),
      };
      return { engine, store, results: { ...first, ...later } };
    }
    const commands = {
      enroll: (e: LoyaltyEngine) => e.enroll({ key: "e1", memberId: "a" }),
      purchase: (e: LoyaltyEngine) =>
        e.recordPurchase({ key: "p1", memberId: "a", purchaseId: "o1", amount: "820.00", currency: "GBP" }),
      transfer: (e: LoyaltyEngine) =>
        e.transfer({ key: "t1", fromMemberId: "a", toMemberId: "b", wallet: "points", points: "100" }),
      restock: (e: LoyaltyEngine) => e.restock({ key: "s1", rewardId: "tote-bag", units: 5 }),
    };

    it("a replay returns the first result, entries and all, for commands on none, one and two members", async () => {
      const { engine, store, results } = await history();
      for (const [name, run] of Object.entries(commands)) {
        const first = results[name as keyof typeof results];
        const again = await run(engine);
        expect({ name, ...again, replayed: false }).toEqual({ name, ...first });
        expect(again.replayed).toBe(true);
        const recorded = (await store.getIdempotency(
          exampleProgram.id,
          { enroll: "e1", purchase: "p1", transfer: "t1", restock: "s1" }[name]!,
        ))!.result as Record<string, unknown>;
        expect(recorded.entries).toBeUndefined();
        expect((recorded.entryRefs as unknown[]).length).toBe(name === "restock" ? 0 : name === "transfer" ? 2 : 1);
      }
      expect(results.transfer.entries.length).toBeGreaterThanOrEqual(2);
    });

    it("reads the entries back page by page from a store that returns fewer than asked for", async () => {
      const inner = createMemoryStore();
      const { results } = await history(inner);
      const onePerPage = wrapStore(inner, { readEntries: (p, m, q) => inner.readEntries(p, m, { ...q, limit: 1 }) });
      const engine = createLoyaltyEngine({ program: exampleProgram, store: onePerPage });
      const again = await commands.purchase(engine);
      expect({ ...again, replayed: false }).toEqual(results.purchase);
      expect(results.purchase.entries.length).toBeGreaterThan(1);
    });

    it("replays a record of an earlier version, which holds its entries", async () => {
      const inner = createMemoryStore();
      const { results } = await history(inner);
      const old = wrapStore(inner, {
        loadForCommand: async (p, ids, k, r) => {
          const read = await inner.loadForCommand(p, ids, k, r);
          if (read.idempotency === null) return read;
          const { entryRefs: _, ...rest } = read.idempotency.result as Record<string, unknown>;
          return {
            ...read,
            idempotency: { ...read.idempotency, result: { ...rest, entries: results.purchase.entries } },
          };
        },
      });
      const again = await commands.purchase(createLoyaltyEngine({ program: exampleProgram, store: old }));
      expect({ ...again, replayed: false }).toEqual(results.purchase);
    });

    it("fails with STORE_FAILURE, not a partial result, when the ledger lacks entries a record names", async () => {
      const inner = createMemoryStore();
      await history(inner);
      const lost = wrapStore(inner, { readEntries: async () => ({ entries: [], nextAfterSeq: null }) });
      const error = await commands
        .purchase(createLoyaltyEngine({ program: exampleProgram, store: lost }))
        .catch((e: unknown) => e);
      expect(isLoyaltyError(error, "STORE_FAILURE")).toBe(true);
    });
  });
});
