/**
 * An early release on the PostgreSQL store (issue 17): `releasePending` moves a lot's `availableAt`
 * without drawing from it, and the store keeps lots in rows of their own (layout.ts). The release
 * entry lists the lot it changes (`lots`), as every entry that changes a lot does, so the row is
 * rewritten: a second store on the same database (no cached layout) reads the lot as available.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { createLoyaltyEngine, compileProgram } from "../../src/index.js";
import { createPostgresStore, migrate, pglite } from "../../src/postgres/index.js";
import { memberViolations, plainProgram, testClock } from "../../src/testing/index.js";

const program = compileProgram({ ...plainProgram, id: "pg-release", pending: { days: 14 } });
let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});

describe("releasePending on PostgreSQL (PGlite)", () => {
  it("rewrites the released lot's row: a fresh store reads it as available, and the clock does not release it again", async () => {
    db = await PGlite.create();
    const client = pglite(db);
    await migrate(client, { schema: "rel" });
    const t = testClock("2026-03-01T12:00:00Z");
    const engineOn = () =>
      createLoyaltyEngine({
        program,
        store: createPostgresStore(client, { schema: "rel" }),
        clock: t.clock,
        ids: t.ids,
      });
    const first = engineOn();
    await first.enroll({ key: "e", memberId: "ann" });
    await first.recordPurchase({ key: "p1", memberId: "ann", purchaseId: "p1", amount: "30.00", currency: "GBP" });
    await first.recordPurchase({ key: "p2", memberId: "ann", purchaseId: "p2", amount: "12.00", currency: "GBP" });
    t.advance(86_400_000);
    await first.releasePending({ key: "ship-p1", memberId: "ann", purchaseId: "p1" });
    const fresh = engineOn();
    expect((await fresh.summary("ann")).wallets.points).toMatchObject({ available: "30", pending: "12" });
    await fresh.spend({ key: "s", memberId: "ann", wallet: "points", points: "30" });
    t.advance(20 * 86_400_000);
    await fresh.expire();
    const releases = (await fresh.statement("ann")).entries.filter((e) => e.kind === "release");
    expect(releases.map((e) => e.kind === "release" && [e.purchaseId, e.early])).toEqual([
      ["p1", true],
      ["p1", true],
      ["p2", false],
      ["p2", false],
    ]);
    expect(await memberViolations(createPostgresStore(client, { schema: "rel" }), program.id, "ann", t.now())).toEqual(
      [],
    );
  });
});
