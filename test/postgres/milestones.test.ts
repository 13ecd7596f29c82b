/**
 * Milestones on the PostgreSQL store (issue 17): a `milestone` entry draws counter lots and creates
 * a lot of its target, as any entry that moves points does (its id and `lots`), so the store's lot
 * rows follow it: a fresh store on the same database reads the keys, key chains and gold key chains
 * after conversions in cascade and a refund's undo, and the member's rows equal the fold of the
 * entries (memberViolations).
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { compileProgram, createLoyaltyEngine } from "../../src/index.js";
import { createPostgresStore, migrate, pglite } from "../../src/postgres/index.js";
import { memberViolations, plainProgram, testClock } from "../../src/testing/index.js";

const program = compileProgram({
  ...plainProgram,
  id: "pg-milestones",
  wallets: [
    ...plainProgram.wallets,
    { id: "keys", kind: "counter" },
    { id: "chains", kind: "counter" },
    { id: "gold", kind: "counter" },
  ],
  rules: [
    ...plainProgram.rules,
    {
      id: "key",
      on: "purchase",
      when: { field: "amount", op: "gte", value: "38" },
      awards: [{ kind: "fixed", points: "1", wallet: "keys" }],
    },
  ],
  milestones: [
    { from: "keys", every: 3, into: "chains" },
    { from: "chains", every: 2, into: "gold" },
  ],
});
let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});

describe("milestones on PostgreSQL (PGlite)", () => {
  it("keeps the converted and undone lots in its rows: a fresh store reads the same counters", async () => {
    db = await PGlite.create();
    const client = pglite(db);
    await migrate(client, { schema: "ms" });
    const t = testClock("2026-03-01T12:00:00Z");
    const engineOn = () =>
      createLoyaltyEngine({
        program,
        store: createPostgresStore(client, { schema: "ms" }),
        clock: t.clock,
        ids: t.ids,
      });
    const counters = async () => {
      const w = (await engineOn().summary("ann")).wallets;
      return [w.keys!.available, w.chains!.available, w.gold!.available];
    };
    const first = engineOn();
    await first.enroll({ key: "e", memberId: "ann" });
    for (let i = 1; i <= 7; i++)
      await first.recordPurchase({ key: `p${i}`, memberId: "ann", purchaseId: `p${i}`, amount: "38", currency: "GBP" });
    expect(await counters()).toEqual(["1", "0", "1"]);
    await engineOn().refund({ key: "r", memberId: "ann", purchaseId: "p1", amount: "38", currency: "GBP" });
    await engineOn().refund({ key: "r2", memberId: "ann", purchaseId: "p2", amount: "38", currency: "GBP" });
    // p1's refund takes the 7th key; p2's finds none, so the gold chain goes back into 2 chains
    // and one of them into 3 keys, of which it takes one: 5 keys held as 2 keys and a chain of 3.
    expect(await counters()).toEqual(["2", "1", "0"]);
    const kinds = (await engineOn().statement("ann")).entries.filter((e) => e.kind === "milestone");
    expect(kinds.map((e) => e.kind === "milestone" && [e.from, e.times, e.undo])).toEqual([
      ["keys", 1, false],
      ["keys", 1, false],
      ["chains", 1, false],
      ["chains", 1, true],
      ["keys", 1, true],
    ]);
    expect(await memberViolations(createPostgresStore(client, { schema: "ms" }), program.id, "ann", t.now())).toEqual(
      [],
    );
  });
});
