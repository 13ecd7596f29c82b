import {
  createLoyaltyEngine,
  createMemoryStore,
  defineProgram,
  httpStatusOf,
  type PurchaseCommand,
} from "loyalty-engine";

// Module scope: once per instance, reused by every request it serves.
const engine = createLoyaltyEngine({
  program: defineProgram({
    id: "edge-shop",
    version: 1,
    currency: "EUR",
    timeZone: "Europe/Paris",
    points: { scale: 0, rounding: "down" },
    wallets: [
      { id: "points", kind: "spendable" },
      { id: "status", kind: "qualifying" },
    ],
    refunds: { negativeBalance: "within_balance" },
    rules: [{ id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] }],
  }),
  store: createMemoryStore(),
});

export async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  try {
    if (request.method === "POST" && url.pathname === "/members") {
      const { memberId } = (await request.json()) as { memberId: string };
      return Response.json(await engine.enroll({ key: `enroll-${memberId}`, memberId }), { status: 201 });
    }
    if (request.method === "POST" && url.pathname === "/purchases") {
      // Typed for the compiler only: the engine validates the body (INVALID_COMMAND, each bad field's path).
      const body = (await request.json()) as PurchaseCommand;
      return Response.json(await engine.recordPurchase(body));
    }
    const member = /^\/members\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && member) return Response.json(await engine.summary(decodeURIComponent(member[1]!)));
    return new Response("not found", { status: 404 });
  } catch (error) {
    return Response.json(error, { status: httpStatusOf(error) });
  }
}

export default { fetch: handle }; // Cloudflare Workers, Deno, Bun; Vercel and Netlify take `handle` as is
