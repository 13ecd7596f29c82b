/**
 * Automatic donations on the PostgreSQL store (PGlite): the purchase record keeps its donation in
 * the snapshot while the purchase has open lots, and in its record row once they have all closed,
 * so a refund through a fresh store (no cache) takes back the share either way; and the statement
 * per cause reads the store's outbox. Target's 1% to the school a guest names (docs/donations.md).
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { createLoyaltyEngine, compileProgram } from "../../src/index.js";
import { createPostgresStore, migrate, pglite } from "../../src/postgres/index.js";
import { memberViolations, plainProgram, testClock } from "../../src/testing/index.js";

const program = compileProgram({
  ...plainProgram,
  id: "pg-donations",
  currency: "USD",
  refunds: { negativeBalance: "within_balance" },
  rules: [{ id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] }],
  donations: { share: "0.01", of: "money", causes: ["lincoln-elementary", "roosevelt-high"] },
});
let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});

describe("donations on PostgreSQL (PGlite)", () => {
  it("a fresh store takes the donation back from the snapshot's record and from a closed purchase's row", async () => {
    db = await PGlite.create();
    const client = pglite(db);
    await migrate(client, { schema: "don" });
    const t = testClock("2014-03-01T16:00:00Z");
    const engineOn = () =>
      createLoyaltyEngine({
        program,
        store: createPostgresStore(client, { schema: "don" }),
        clock: t.clock,
        ids: t.ids,
      });
    const first = engineOn();
    await first.enroll({ key: "e", memberId: "ann", attributes: { cause: "lincoln-elementary" } });
    const buy = (purchaseId: string, amount: string) =>
      first.recordPurchase({ key: purchaseId, memberId: "ann", purchaseId, amount, currency: "USD" });
    await buy("p1", "49.99");
    await buy("p2", "100.00");
    // p1's 49 points spent: its only lot closes, and its record leaves the snapshot for its row.
    await first.spend({ key: "s", memberId: "ann", wallet: "points", points: "49" });
    t.advance(86_400_000);
    const fresh = engineOn();
    const refund = (key: string, purchaseId: string, amount: string) =>
      fresh.refund({ key, memberId: "ann", purchaseId, amount, currency: "USD" });
    await refund("r1", "p1", "10.00");
    await refund("r2", "p2", "100.00");
    await refund("r3", "p1", "39.99");
    const donations = (await engineOn().events({ limit: 100 })).events
      .filter((e) => e.type.startsWith("donation."))
      .map((e) => [e.type, e.payload.purchaseId, e.payload.amount]);
    expect(donations).toEqual([
      ["donation.made", "p1", "0.49"],
      ["donation.made", "p2", "1.00"],
      ["donation.returned", "p1", "0.10"],
      ["donation.returned", "p2", "1.00"],
      ["donation.returned", "p1", "0.39"],
    ]);
    const statement = await engineOn().donations({ from: "2014-01-01T06:00:00Z", to: "2014-07-01T05:00:00Z" });
    expect(statement.causes).toEqual([
      {
        cause: "lincoln-elementary",
        of: "money",
        wallet: null,
        given: "1.49",
        returned: "1.49",
        net: "0.00",
        purchases: 2,
      },
    ]);
    const store = createPostgresStore(client, { schema: "don" });
    expect(await memberViolations(store, program.id, "ann", t.now())).toEqual([]);
  });
});
