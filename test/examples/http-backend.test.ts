/**
 * examples/http-backend run through Hono's `app.request()`: on PGlite always, and on the PostgreSQL
 * server too when DATABASE_URL is set (in a schema of its own, dropped afterwards). What a client
 * sees: statuses, the Idempotency-Key header as the command key, error codes and their statuses.
 */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { pgPool, pglite, type SqlClient } from "../../src/postgres/index.js";
import { testClock } from "../../src/testing/index.js";
import { createApp } from "../../examples/http-backend/app.js";
import { engineOn } from "../../examples/http-backend/engine.js";

const DATABASE_URL = process.env.DATABASE_URL;
const run = `${process.pid}_${Date.now().toString(36)}`;
/** Each test's tables in a schema of its own, on one database per backend. */
const schemas: string[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** Creates the backend's client on first use, then hands out the same one. */
function once(open: () => Promise<SqlClient>): () => Promise<SqlClient> {
  let client: Promise<SqlClient> | undefined;
  return () => (client ??= open());
}

const onPglite = once(async () => {
  const db = await PGlite.create();
  closers.push(() => db.close());
  return pglite(db);
});

const onServer = once(async () => {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  closers.push(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  return pgPool(pool);
});

type Body = Record<string, unknown>;

async function api(client: SqlClient) {
  const t = testClock("2026-03-02T10:00:00Z");
  const schema = `http_example_${run}_${schemas.length + 1}`;
  schemas.push(schema);
  const app = createApp(await engineOn(client, { schema, clock: t.clock }));
  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key !== undefined) headers["Idempotency-Key"] = key;
    const response = await app.request(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Body };
  };
  return {
    t,
    post: (path: string, body: unknown, key?: string) => call("POST", path, body, key),
    get: (path: string) => call("GET", path),
  };
}

const backends: [string, () => Promise<SqlClient>][] = [["PGlite", onPglite]];
if (DATABASE_URL) backends.push(["the PostgreSQL server", onServer]);

describe.each(backends)("examples/http-backend on %s", (_name, connect) => {
  it("enrols, records purchases, redeems, answers summaries and statements", async () => {
    const { post, get } = await api(await connect());

    const enrolled = await post("/members", { memberId: "ann" }, "enrol-ann");
    expect(enrolled).toMatchObject({ status: 201, body: { memberId: "ann", replayed: false } });

    const bought = await post(
      "/members/ann/purchases",
      { purchaseId: "order-1", amount: "250.50", currency: "GBP" },
      "order-1",
    );
    expect(bought).toMatchObject({ status: 201, body: { totals: { points: "250", status: "250" } } });

    const redeemed = await post("/members/ann/redemptions", { rewardId: "voucher-5" }, "redeem-1");
    expect(redeemed).toMatchObject({ status: 201, body: { rewardId: "voucher-5", points: "200" } });
    expect((redeemed.body.grant as { codes: string[] }).codes).toHaveLength(1);

    const summary = await get("/members/ann");
    expect(summary).toMatchObject({ status: 200, body: { memberId: "ann", wallets: { points: { available: "50" } } } });

    const page = await get("/members/ann/statement?limit=1");
    expect(page.status).toBe(200);
    expect(page.body.entries).toHaveLength(1);
    const rest = await get(`/members/ann/statement?afterSeq=${String(page.body.nextAfterSeq)}`);
    expect((rest.body.entries as Body[]).map((e) => e.kind)).toContain("purchase");
  });

  it("replays a retried write (same Idempotency-Key) with 200 and writes it once", async () => {
    const { post, get } = await api(await connect());
    await post("/members", { memberId: "bob" }, "enrol-bob");
    const order = { purchaseId: "order-9", amount: "30", currency: "GBP" };
    expect((await post("/members/bob/purchases", order, "order-9")).status).toBe(201);
    const retried = await post("/members/bob/purchases", order, "order-9");
    expect(retried).toMatchObject({ status: 200, body: { replayed: true, totals: { points: "30" } } });
    expect(await get("/members/bob")).toMatchObject({ body: { wallets: { points: { available: "30" } } } });
  });

  it("answers each refusal with its code and httpStatusOf's status, writing nothing", async () => {
    const { post, get } = await api(await connect());
    await post("/members", { memberId: "cat" }, "enrol-cat");
    const refusals = [
      [await post("/members", { memberId: "dan" }), 400, "INVALID_COMMAND"],
      [await post("/members", "{ not json", "enrol-x"), 400, "INVALID_COMMAND"],
      [
        await post("/members/cat/purchases", { purchaseId: "1", amount: 12.5, currency: "GBP" }, "k1"),
        400,
        "INVALID_COMMAND",
      ],
      [
        await post("/members/cat/purchases", { purchaseId: "1", amount: "5", currency: "EUR" }, "k2"),
        422,
        "CURRENCY_MISMATCH",
      ],
      [
        await post("/members/nobody/purchases", { purchaseId: "1", amount: "5", currency: "GBP" }, "k3"),
        404,
        "MEMBER_NOT_FOUND",
      ],
      [await post("/members/cat/redemptions", { rewardId: "coffee" }, "k4"), 422, "INSUFFICIENT_POINTS"],
      [await post("/members", { memberId: "cat" }, "enrol-cat-again"), 409, "MEMBER_EXISTS"],
      [await post("/members", { memberId: "eve" }, "enrol-cat"), 422, "IDEMPOTENCY_CONFLICT"],
      [await get("/members/cat/statement?limit=0"), 400, "INVALID_COMMAND"],
      [await get("/members/nobody"), 404, "MEMBER_NOT_FOUND"],
    ] as const;
    expect(refusals.map(([r, , code]) => ({ code, status: r.status, body: r.body.code }))).toEqual(
      refusals.map(([, status, code]) => ({ code, status, body: code })),
    );
    const missingKey = refusals[0][0].body as { issues: { path: string[] }[] };
    expect(missingKey.issues[0]!.path).toEqual(["Idempotency-Key"]);
    const statement = await get("/members/cat/statement");
    expect((statement.body.entries as Body[]).map((e) => e.kind)).toEqual(["enroll"]);
  });
});
