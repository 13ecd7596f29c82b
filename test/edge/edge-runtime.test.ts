/**
 * The edge promise, checked: the library bundled as an edge build would bundle it (esbuild, neutral
 * platform, every dependency inside) runs inside Vercel's edge-runtime, a Web-standard VM with no
 * Node built-ins and no code generation from strings (so zod falls back from its compiled fast
 * paths). A purchase, a spend, a refusal and a summary, with the in-memory store.
 */
import { EdgeRuntime } from "edge-runtime";
import { describe, expect, it } from "vitest";
import { edgeBundle, root } from "../support/edge-bundle.js";

/** The core and the example program as one script that sets `globalThis.loyalty`. */
const coreBundle = () =>
  edgeBundle(
    {
      stdin: {
        contents: `export * from "./src/index.ts"; export { exampleProgram } from "./examples/program.ts";`,
        resolveDir: root,
        loader: "ts",
      },
    },
    "loyalty",
  );

/** What runs inside the VM: plain JavaScript over the bundle's exports; returns JSON. */
const scenario = `
(async () => {
  const { createLoyaltyEngine, createMemoryStore, exampleProgram, isLoyaltyError } = loyalty;
  let now = new Date("2026-03-02T10:00:00Z");
  const engine = createLoyaltyEngine({ program: exampleProgram, store: createMemoryStore(), clock: () => now });
  await engine.enroll({ key: "e1", memberId: "m1" });
  const purchase = await engine.recordPurchase({
    key: "p1", memberId: "m1", purchaseId: "o1", amount: "120.50", currency: "GBP",
  });
  const replay = await engine.recordPurchase({
    key: "p1", memberId: "m1", purchaseId: "o1", amount: "120.50", currency: "GBP",
  });
  now = new Date("2026-03-20T10:00:00Z");
  const spend = await engine.spend({ key: "s1", memberId: "m1", wallet: "points", points: "20" });
  let refusal = null;
  try {
    await engine.spend({ key: "s2", memberId: "m1", wallet: "points", points: "1000" });
  } catch (e) {
    refusal = isLoyaltyError(e) ? e.code : "untyped: " + String(e);
  }
  const summary = await engine.summary("m1");
  return JSON.stringify({ purchase, replay, spend, refusal, summary, hasProcess: typeof process !== "undefined" });
})()
`;

describe("inside edge-runtime (Vercel's Edge Functions VM)", () => {
  it("records a purchase, replays it, spends, refuses an overspend with a typed error and summarises", async () => {
    const runtime = new EdgeRuntime({ initialCode: await coreBundle() });
    const out = JSON.parse(await (runtime.evaluate(scenario) as Promise<string>)) as {
      purchase: { replayed: boolean };
      replay: unknown;
      spend: unknown;
      refusal: string | null;
      summary: { wallets: Record<string, { available: string }> };
      hasProcess: boolean;
    };
    // The VM is the edge's: no Node globals leak in.
    expect(out.hasProcess).toBe(false);
    // The retry replays the recorded result: the same, marked as a replay.
    expect(out.replay).toEqual({ ...out.purchase, replayed: true });
    expect(out.refusal).toBe("INSUFFICIENT_POINTS");
    // 120.50 at 1 point per £1, rounded down (a Monday: no weekend double), minus the 20 spent.
    expect(out.summary.wallets.points!.available).toBe("100");
    expect(out.summary.wallets.status!.available).toBe("120");
  }, 60_000);
});
