/**
 * importMember on the PostgreSQL store (PGlite; and the server when DATABASE_URL is set): members
 * exported from a replay on the memory store and imported into PostgreSQL read back with the same
 * summaries, their lots laid out in rows, their snapshots the fold of their entries; a later
 * purchase, a refund of an imported purchase and the expiry sweep keep them equal.
 */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { createReplayEngine, loadInvoices, replayInvoices } from "../../examples/replay.js";
import type { LoyaltyEngine, LoyaltyStore } from "../../src/index.js";
import { createPostgresStore, migrate, pgPool, pglite, type SqlClient } from "../../src/postgres/index.js";
import { memberViolations } from "../../src/testing/index.js";

const DAY = 86_400_000;
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function moveOver(makeStore: () => Promise<LoyaltyStore>) {
  const events = loadInvoices().events.slice(0, 300);
  const source = createReplayEngine(exampleProgram);
  const stats = await replayInvoices(source, events);
  const store = await makeStore();
  const target = createReplayEngine(exampleProgram, store);
  const at = stats.lastAt! + 5 * DAY;
  source.clock.set(at);
  target.clock.set(at);
  const purchases: [string, string][] = [];
  for (const id of stats.memberIds) {
    const command = await source.engine.exportMember(id);
    if (command.purchases?.[0]) purchases.push([id, command.purchases[0].purchaseId]);
    await target.engine.importMember(command);
  }
  const same = async () => {
    for (const id of stats.memberIds) expect(await target.engine.summary(id)).toEqual(await source.engine.summary(id));
  };
  await same();
  for (const id of stats.memberIds.slice(0, 10))
    expect(await memberViolations(store, exampleProgram.id, id, at)).toEqual([]);
  expect(purchases.length).toBeGreaterThan(3);
  const later = async (engine: LoyaltyEngine) => {
    for (const [memberId, purchaseId] of purchases.slice(0, 5)) {
      await engine.refund({ key: `ret:${purchaseId}`, memberId, purchaseId, amount: "2.00", currency: "GBP" });
      await engine.recordPurchase({
        key: `buy:${memberId}`,
        memberId,
        purchaseId: `n:${memberId}`,
        amount: "30",
        currency: "GBP",
      });
    }
  };
  await later(source.engine);
  await later(target.engine);
  await same();
  source.clock.set(at + 400 * DAY);
  target.clock.set(at + 400 * DAY);
  expect((await target.engine.expire()).points).toEqual((await source.engine.expire()).points);
  await same();
}

describe("importMember on PostgreSQL", () => {
  it("on PGlite: the same summaries as the source, before and after later commands", async () => {
    const db = await PGlite.create();
    closers.push(() => db.close());
    await moveOver(async () => {
      const client: SqlClient = pglite(db);
      await migrate(client, { schema: "import_lite" });
      return createPostgresStore(client, { schema: "import_lite" });
    });
  }, 120_000);

  const url = process.env.DATABASE_URL;
  it.skipIf(!url)(
    "on the server: the same",
    async () => {
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      const schema = `import_${process.pid}`;
      closers.push(async () => {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.end();
      });
      await moveOver(async () => {
        const client = pgPool(pool);
        await migrate(client, { schema });
        return createPostgresStore(client, { schema });
      });
    },
    120_000,
  );
});
