/**
 * The PostgreSQL store's layout (src/postgres/layout.ts, lot-plan.ts): lots and open purchase records live in
 * rows, the member row holds the rest, and a read puts the snapshot back together exactly as the
 * fold made it. The ord planning is checked as a model (any sequence of the fold's lot moves keeps
 * rows in snapshot order, writing only touched rows); the layout on PGlite through random
 * histories read and written by stores that did not read the member (the read-first path), and on
 * a member row written before migration 4.
 */
import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { createLoyaltyEngine, type LoyaltyStore, type MemberWrite } from "../../src/index.js";
import type { LotSnapshot, MemberSnapshot } from "../../src/ledger/snapshot.js";
import type { MemberLayout } from "../../src/postgres/layout.js";
import { planLots } from "../../src/postgres/lot-plan.js";
import { createPostgresStore, migrate, pglite, type SqlClient } from "../../src/postgres/index.js";
import { memberViolations, operationArb, runOperations, testClock } from "../../src/testing/index.js";
import { exampleTarget } from "../support/example-scripts.js";

/** One move of the fold on a member's lots (ledger/kinds/steps.ts, consolidate.ts). */
type Move =
  | { kind: "create"; count: number }
  | { kind: "draw"; pick: number; empties: boolean }
  | { kind: "reopen"; at: number }
  | { kind: "consolidate"; from: number; count: number };

const moveArb: fc.Arbitrary<Move> = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("draw" as const), pick: fc.nat(), empties: fc.boolean() }),
  fc.record({ kind: fc.constant("reopen" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("consolidate" as const), from: fc.nat(), count: fc.integer({ min: 2, max: 4 }) }),
);

const lot = (id: string, remaining: number): LotSnapshot => ({
  id,
  wallet: "points",
  amount: "100",
  remaining: String(remaining),
  earnedAt: 0,
  availableAt: 0,
  expiresAt: null,
  ruleId: null,
  purchaseId: null,
});

describe("lot ords (layout.ts planLots)", () => {
  it("keeps the rows in the snapshot's lot order through any moves, writing only the lots a write touched", () => {
    fc.assert(
      fc.property(fc.array(moveArb, { minLength: 1, maxLength: 80 }), (moves) => {
        let lots: LotSnapshot[] = [];
        let known: MemberLayout | undefined;
        const rows = new Map<string, { ord: number; remaining: string }>();
        let next = 0;
        for (const [version, move] of moves.entries()) {
          // Entries as the fold's: a credit bears its new lot's id, a debit lists the lots it draws.
          const entries: { id: string; lots?: { lotId: string }[] }[] = [];
          if (move.kind === "create" || move.kind === "reopen") {
            const fresh = Array.from({ length: move.kind === "create" ? move.count : 1 }, () => lot(`l${next++}`, 50));
            for (const l of fresh) entries.push({ id: l.id });
            const at = move.kind === "create" ? lots.length : move.at % (lots.length + 1);
            lots = [...lots.slice(0, at), ...fresh, ...lots.slice(at)];
          } else if (lots.length > 0 && move.kind === "draw") {
            const drawn = lots[move.pick % lots.length]!;
            entries.push({ id: `e${next++}`, lots: [{ lotId: drawn.id }] });
            lots = move.empties
              ? lots.filter((l) => l !== drawn)
              : lots.map((l) => (l === drawn ? { ...l, remaining: String(Number(l.remaining) - 1) } : l));
          } else if (lots.length >= 2 && move.kind === "consolidate") {
            const from = move.from % (lots.length - 1);
            const merged = lots.slice(from, from + move.count);
            const into = lot(`l${next++}`, 99);
            entries.push({ id: into.id, lots: merged.map((l) => ({ lotId: l.id })) });
            lots = [...lots.slice(0, from), into, ...lots.slice(from + merged.length)];
          } else continue;
          const write = {
            memberId: "m",
            expectedVersion: version === 0 ? null : version,
            snapshot: { format: 2, lots, purchases: {} } as unknown as MemberSnapshot,
            entries,
            dueAt: null,
          } as unknown as MemberWrite;
          const plan = planLots(write, known, true);
          const touched = new Set(entries.flatMap((e) => [e.id, ...(e.lots ?? []).map((d) => d.lotId)]));
          if (!plan.full) for (const r of plan.upsert) expect(touched.has(r.id)).toBe(true);
          // As the write statement applies it.
          if (plan.full) for (const id of [...rows.keys()]) if (!plan.upsert.some((r) => r.id === id)) rows.delete(id);
          for (const id of plan.remove) rows.delete(id);
          for (const r of plan.upsert) rows.set(r.id, { ord: r.ord, remaining: r.remaining });
          known = plan.next(version + 1);
          const held = [...rows.entries()].sort((a, b) => a[1].ord - b[1].ord || (a[0] < b[0] ? -1 : 1));
          expect(held.map(([id, r]) => `${id}=${r.remaining}`)).toEqual(lots.map((l) => `${l.id}=${l.remaining}`));
          expect(new Set(held.map(([, r]) => r.ord)).size).toBe(held.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});
let schemas = 0;
async function liteSchema(): Promise<{ client: SqlClient; schema: string }> {
  db ??= await PGlite.create();
  const client = pglite(db);
  const schema = `layout_${process.pid}_${++schemas}`;
  await migrate(client, { schema });
  return { client, schema };
}

/** A store that reads through `reader` and commits through `writer`: every commit meets a member its store did not read. */
function split(reader: LoyaltyStore, writer: LoyaltyStore): LoyaltyStore {
  return new Proxy(reader, {
    get(target, name, receiver) {
      if (name === "commit") return writer.commit.bind(writer);
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function history(store: LoyaltyStore, seed: number, steps: number, check: (now: number) => Promise<void>) {
  const t = testClock("2026-01-01T00:00:00Z");
  const engine = createLoyaltyEngine({
    program: exampleProgram,
    store,
    clock: t.clock,
    ids: t.ids,
    codes: ({ redemptionId, index }) => `${redemptionId}/${index}`,
  });
  await engine.enroll({ key: "enroll-m", memberId: "m" });
  const script = fc.sample(
    fc.array(operationArb(undefined, { rewards: true }), { minLength: steps, maxLength: steps }),
    {
      numRuns: 1,
      seed,
    },
  )[0]!;
  let step = 0;
  await runOperations(exampleTarget(engine, t.advance), script, async () => {
    if (++step % 5 === 0) await check(t.now());
  });
  return t;
}

describe("PostgreSQL store layout on PGlite", () => {
  it("loads every member as the fold of its entries when its commits go through a store that did not read it", async () => {
    const { client, schema } = await liteSchema();
    const reader = createPostgresStore(client, { schema });
    const writer = createPostgresStore(client, { schema });
    // A third store, which never commits, reads each time with nothing remembered.
    const fresh = () => createPostgresStore(client, { schema });
    const t = await history(split(reader, writer), 11, 80, async (now) => {
      expect(await memberViolations(fresh(), exampleProgram.id, "m", now)).toEqual([]);
    });
    expect(await memberViolations(fresh(), exampleProgram.id, "m", t.now())).toEqual([]);
    const { rows } = await client.query(`SELECT lots_in_rows FROM ${schema}.loyalty_members WHERE member_id = 'm'`);
    expect(rows).toEqual([{ lots_in_rows: true }]);
  });

  it("loads a member as the fold of its entries from what the store remembers of its own last commit", async () => {
    const { client, schema } = await liteSchema();
    const store = createPostgresStore(client, { schema });
    await history(store, 23, 60, async (now) => {
      // The same store skips the lot rows (it wrote this version); a fresh one reads them.
      expect(await memberViolations(store, exampleProgram.id, "m", now)).toEqual([]);
      expect(await memberViolations(createPostgresStore(client, { schema }), exampleProgram.id, "m", now)).toEqual([]);
    });
    expect(await store.loadMember(exampleProgram.id, "m")).toEqual(
      await createPostgresStore(client, { schema }).loadMember(exampleProgram.id, "m"),
    );
  });

  it("loads a member row written before migration 4 as it was, and lays it out in rows on its next write", async () => {
    const { client, schema } = await liteSchema();
    const store = createPostgresStore(client, { schema });
    const t = await history(store, 5, 40, () => Promise.resolve());
    const before = (await store.loadMember(exampleProgram.id, "m"))!;
    expect(before.snapshot.lots.length).toBeGreaterThan(0);
    // As the store wrote it before migration 4: the whole snapshot in the row, lot rows without ords.
    await client.query(
      `UPDATE ${schema}.loyalty_members SET snapshot = $1::json, lots_in_rows = false WHERE member_id = 'm'`,
      [JSON.stringify(before.snapshot)],
    );
    await client.query(`UPDATE ${schema}.loyalty_lots SET ord = NULL`);
    const later = createPostgresStore(client, { schema });
    expect(await later.loadMember(exampleProgram.id, "m")).toEqual(before);
    const engine = createLoyaltyEngine({ program: exampleProgram, store: later, clock: t.clock, ids: t.ids });
    await engine.recordPurchase({ key: "after", memberId: "m", purchaseId: "after", amount: "30", currency: "GBP" });
    const { rows } = await client.query(
      `SELECT lots_in_rows, snapshot::jsonb ? 'lots' AS whole,
         (SELECT count(*) FROM ${schema}.loyalty_lots WHERE member_id = 'm' AND ord IS NULL)::int AS unordered
       FROM ${schema}.loyalty_members WHERE member_id = 'm'`,
    );
    expect(rows).toEqual([{ lots_in_rows: true, whole: false, unordered: 0 }]);
    expect(await memberViolations(createPostgresStore(client, { schema }), exampleProgram.id, "m", t.now())).toEqual(
      [],
    );
  });
});
