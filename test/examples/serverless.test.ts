/**
 * examples/serverless/handler.ts where it is meant to run: bundled as an edge build bundles it
 * (esbuild, neutral platform, "loyalty-engine" and every dependency inside) and evaluated inside
 * Vercel's edge-runtime, a Web-standard VM with no Node built-ins. Requests go in through its
 * `fetch` export; what a client sees comes back as JSON.
 */
import { EdgeRuntime } from "edge-runtime";
import { describe, expect, it } from "vitest";
import { edgeBundle, root } from "../support/edge-bundle.js";

/** The example as one script that sets `globalThis.example` to its module. */
const handlerBundle = () => edgeBundle({ entryPoints: [`${root}examples/serverless/handler.ts`] }, "example");

/** What a client does, inside the VM, through the handler's `fetch` export. */
const client = `
(async () => {
  const { fetch: handle } = example.default;
  const post = (path, body) =>
    handle(new Request("https://shop.example" + path, { method: "POST", body: JSON.stringify(body) }));
  const order = { key: "order-7", memberId: "m1", purchaseId: "7", amount: "19.90", currency: "EUR" };
  const enrolled = await post("/members", { memberId: "m1" });
  const earned = await post("/purchases", order);
  const retried = await post("/purchases", order);
  const badAmount = await post("/purchases", { ...order, key: "order-8", amount: 19.9 });
  const summary = await handle(new Request("https://shop.example/members/m1"));
  const unknown = await handle(new Request("https://shop.example/nowhere"));
  const read = async (r) => ({ status: r.status, body: r.headers.get("content-type")?.includes("json") ? await r.json() : await r.text() });
  return JSON.stringify({
    enrolled: await read(enrolled), earned: await read(earned), retried: await read(retried),
    badAmount: await read(badAmount), summary: await read(summary), unknown: await read(unknown),
    hasProcess: typeof process !== "undefined",
  });
})()
`;

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

describe("examples/serverless/handler.ts inside edge-runtime", () => {
  it("enrols, earns, replays a retried purchase, refuses a bad body with 400 and summarises", async () => {
    const runtime = new EdgeRuntime({ initialCode: await handlerBundle() });
    const out = JSON.parse(await (runtime.evaluate(client) as Promise<string>)) as Record<string, Reply> & {
      hasProcess: boolean;
    };
    expect(out.hasProcess).toBe(false);
    expect(out.enrolled!.status).toBe(201);
    expect(out.earned!.status).toBe(200);
    expect(out.earned!.body).toMatchObject({ totals: { points: "19" }, replayed: false });
    // The retry with the same key is the recorded result, marked as a replay: nothing earned twice.
    expect(out.retried!.body).toEqual({ ...out.earned!.body, replayed: true });
    expect(out.badAmount!.status).toBe(400);
    expect(out.badAmount!.body).toMatchObject({ code: "INVALID_COMMAND" });
    expect(out.summary!.body).toMatchObject({ wallets: { points: { available: "19" } } });
    expect(out.unknown!.status).toBe(404);
  }, 60_000);
});
