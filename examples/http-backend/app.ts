import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  LoyaltyError,
  httpStatusOf,
  type EnrollCommand,
  type LoyaltyEngine,
  type PurchaseCommand,
  type RedeemCommand,
} from "loyalty-engine";

/**
 * The command's idempotency key is the client's Idempotency-Key header: a client that retries after
 * a timeout sends the same key, and the engine replays the first answer instead of writing twice.
 */
function keyOf(c: Context): string {
  const key = c.req.header("Idempotency-Key");
  if (key === undefined || key === "")
    throw new LoyaltyError("INVALID_COMMAND", "Send an Idempotency-Key header with every write.", {
      issues: [{ path: ["Idempotency-Key"], message: "Required." }],
    });
  return key;
}

/** The body as a JSON object; the engine validates its fields (each bad one's path in `issues`). */
async function bodyOf(c: Context): Promise<Record<string, unknown>> {
  const body: unknown = await c.req.json().catch(() => null);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new LoyaltyError("INVALID_COMMAND", "The body is not a JSON object.", {
      issues: [{ path: [], message: "Expected a JSON object." }],
    });
  return body as Record<string, unknown>;
}

/** A query parameter as a number, or nothing; the engine refuses a bad one (NaN, a fraction). */
function numberParam(c: Context, name: string): Record<string, number> {
  const value = c.req.query(name);
  return value === undefined ? {} : { [name]: Number(value) };
}

/** The HTTP API of one engine: members, purchases, redemptions, summaries and statements. */
export function createApp(engine: LoyaltyEngine): Hono {
  const app = new Hono();
  // 201 for a write made now; 200 for a retry that replayed it.
  const written = (c: Context, result: { readonly replayed: boolean }) => c.json(result, result.replayed ? 200 : 201);

  app.post("/members", async (c) => {
    const key = keyOf(c);
    const command = { ...(await bodyOf(c)), key } as EnrollCommand;
    return written(c, await engine.enroll(command));
  });

  app.post("/members/:memberId/purchases", async (c) => {
    const key = keyOf(c);
    const command = { ...(await bodyOf(c)), memberId: c.req.param("memberId"), key } as PurchaseCommand;
    return written(c, await engine.recordPurchase(command));
  });

  app.post("/members/:memberId/redemptions", async (c) => {
    const key = keyOf(c);
    const command = { ...(await bodyOf(c)), memberId: c.req.param("memberId"), key } as RedeemCommand;
    return written(c, await engine.redeem(command));
  });

  app.get("/members/:memberId", async (c) => c.json(await engine.summary(c.req.param("memberId"))));

  app.get("/members/:memberId/statement", async (c) => {
    const page = { ...numberParam(c, "afterSeq"), ...numberParam(c, "limit") };
    return c.json(await engine.statement(c.req.param("memberId"), page));
  });

  // A LoyaltyError wrote nothing: its status says whose fault it was and whether to retry (docs/errors.md).
  app.onError((error, c) => {
    if (error instanceof LoyaltyError) return c.json(error.toJSON(), httpStatusOf(error) as ContentfulStatusCode);
    console.error(error);
    return c.json({ code: "INTERNAL", message: "Something went wrong; nothing to retry with the same key." }, 500);
  });

  return app;
}
