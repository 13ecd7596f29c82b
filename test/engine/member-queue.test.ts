/**
 * Commands of one process on one member take turns (src/engine/member-queue.ts): a burst on one
 * member, or transfers between two members both ways, decides each command on the state the one
 * before it wrote, so none loses a race to its own process, even with a single attempt allowed.
 * Commands on other members do not wait, and the queue forgets members with nothing in flight.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemberQueue } from "../../src/engine/member-queue.js";
import { createMemoryStore, isLoyaltyError } from "../../src/index.js";
import { wrapStore } from "../../src/testing/index.js";
import { poundsProgram } from "../support/programs.js";
import { testEngine } from "../support/engine.js";

const T0 = "2026-03-02T10:00:00Z";
/** Entry ids of one engine, apart from another engine's. */
const counter = (prefix: string) => {
  let n = 0;
  return () => `${prefix}-${++n}`;
};
const code = (e: unknown) => (isLoyaltyError(e) ? e.code : String(e));

describe("MemberQueue", () => {
  it("runs commands that share a member in arrival order, and the others at once", async () => {
    const queue = new MemberQueue();
    const log: string[] = [];
    let openB!: () => void;
    const bGate = new Promise<void>((resolve) => (openB = resolve));
    const first = queue.run("p", ["a", "b"], async () => {
      log.push("ab start");
      await bGate;
      log.push("ab end");
    });
    const second = queue.run("p", ["b"], async () => void log.push("b"));
    const third = queue.run("p", ["c"], async () => void log.push("c"));
    await third; // c shares nothing with the command in flight: it does not wait
    expect(log).toEqual(["ab start", "c"]);
    openB();
    await Promise.all([first, second]);
    expect(log).toEqual(["ab start", "c", "ab end", "b"]);
    expect(queue.size).toBe(0);
  });

  it("never deadlocks and keeps each member's order, whatever sets of members arrive (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uniqueArray(fc.constantFrom("a", "b", "c", "d"), { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.array(fc.nat(3), { minLength: 30, maxLength: 30 }),
        async (commands, delays) => {
          const queue = new MemberQueue();
          const running = new Set<string>();
          const order = new Map<string, number[]>();
          await Promise.all(
            commands.map((members, i) =>
              queue.run("p", members, async () => {
                for (const m of members) {
                  expect(running.has(m)).toBe(false); // one command per member at a time
                  running.add(m);
                  order.set(m, [...(order.get(m) ?? []), i]);
                }
                for (let k = 0; k < delays[i]!; k++) await Promise.resolve();
                for (const m of members) running.delete(m);
              }),
            ),
          );
          for (const seen of order.values()) expect(seen).toEqual([...seen].sort((x, y) => x - y));
          expect(queue.size).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a failed command gives its turn to the next one and fails alone", async () => {
    const queue = new MemberQueue();
    const failed = queue.run("p", ["a"], () => Promise.reject(new Error("boom")));
    const next = queue.run("p", ["a"], async () => "ran");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
    expect(queue.size).toBe(0);
  });

  it("keeps programs apart: the same member id in two programs does not wait", async () => {
    const queue = new MemberQueue();
    let open!: () => void;
    const held = queue.run("p1", ["a"], () => new Promise<void>((resolve) => (open = resolve)));
    await expect(queue.run("p2", ["a"], async () => "p2 ran")).resolves.toBe("p2 ran");
    open();
    await held;
  });
});

describe("an engine's commands on one member, all at once", () => {
  const program = { ...poundsProgram(), transfers: { wallets: ["points"] } };

  it("120 transfers between two members both ways with one attempt each: every one succeeds", async () => {
    const { engine } = testEngine(program, T0, { maxAttempts: 1 });
    for (const id of ["a", "b"]) {
      await engine.enroll({ key: `${id}-e`, memberId: id });
      await engine.adjust({ key: `${id}-c`, memberId: id, wallet: "points", points: "600", reason: "float" });
    }
    const outcomes = await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        const [from, to] = i % 2 === 0 ? ["a", "b"] : ["b", "a"];
        return engine
          .transfer({ key: `t${i}`, fromMemberId: from!, toMemberId: to!, wallet: "points", points: "10" })
          .then(() => "ok", code);
      }),
    );
    expect(outcomes.filter((o) => o !== "ok")).toEqual([]);
    expect((await engine.summary("a")).wallets.points!.available).toBe("600");
    expect((await engine.summary("b")).wallets.points!.available).toBe("600");
  });

  it("100 spends on a balance that covers 50, from two engines on one store with one attempt each: 50 succeed, the rest are INSUFFICIENT_POINTS", async () => {
    const store = createMemoryStore();
    const one = testEngine(program, T0, { store, maxAttempts: 1, ids: counter("one") }).engine;
    const two = testEngine(program, T0, { store, maxAttempts: 1, ids: counter("two") }).engine;
    await one.enroll({ key: "e", memberId: "m" });
    await one.adjust({ key: "c", memberId: "m", wallet: "points", points: "500", reason: "float" });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? one : two)
          .adjust({ key: `s${i}`, memberId: "m", wallet: "points", points: "-10", reason: "spend" })
          .then(() => "ok", code),
      ),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(50);
    expect(outcomes.filter((o) => o !== "ok")).toEqual(Array(50).fill("INSUFFICIENT_POINTS"));
  });

  it("engines on two store objects do not share a queue: their races still go to the compare-and-set", async () => {
    const inner = createMemoryStore();
    // Two objects over one store, as two processes would be: each engine queues only its own commands.
    const [s1, s2] = [wrapStore(inner, {}), wrapStore(inner, {})];
    const one = testEngine(program, T0, { store: s1, maxAttempts: 1, ids: counter("one") }).engine;
    const two = testEngine(program, T0, { store: s2, maxAttempts: 1, ids: counter("two") }).engine;
    await one.enroll({ key: "e", memberId: "m" });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? one : two)
          .adjust({ key: `c${i}`, memberId: "m", wallet: "points", points: "1", reason: "r" })
          .then(() => "ok", code),
      ),
    );
    expect(outcomes).toContain("CONCURRENCY_CONFLICT");
  });
});
