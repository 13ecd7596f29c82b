/**
 * eraseMember leaves no personal data anywhere in the store, not only in what the port returns:
 * on PostgreSQL every table of the store's schema is scanned, each row cast to text (all columns),
 * so a table added later is covered without a change here; on the memory store every string its
 * internals hold is walked. A property runs random command sequences with random personal text
 * (each beginning with the sentinel) before the erasure: no sentinel anywhere, balances and
 * statement amounts unchanged, every invariant holding. The conformance part runs on PGlite too.
 */
import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  createMemoryStore,
  isLoyaltyError,
  redactEntry,
  type LoyaltyEngine,
  type LoyaltyStore,
} from "../../src/index.js";
import { createPostgresStore, migrate, pgPool, pglite, type SqlClient } from "../../src/postgres/index.js";
import { canonicalJson } from "../../src/shared/canonical.js";
import { engineOn } from "../../src/testing/conformance/context.js";
import {
  PERSONAL,
  SENTINEL,
  erasure,
  erasureProgram,
  plantPersonalData,
} from "../../src/testing/conformance/erasure.js";
import { memberViolations, readAllEntries, testClock } from "../../src/testing/index.js";

const P = erasureProgram.id;
let lite: PGlite | undefined;
let pool: pg.Pool | undefined;
afterAll(async () => {
  await lite?.close();
  await pool?.end();
});

interface Made {
  readonly store: LoyaltyStore;
  /** Every string the store holds, as one text. */
  readonly dump: () => Promise<string>;
  readonly close: () => Promise<void>;
}

let schemas = 0;
async function postgresStore(client: SqlClient, faults?: (point: string) => void): Promise<Made> {
  const schema = `erase_${process.pid}_${Date.now().toString(36)}_${++schemas}`;
  await migrate(client, { schema });
  const store = createPostgresStore(client, { schema, ...(faults ? { faults } : {}) });
  return {
    store,
    // Every table of the schema, whatever it is: a row cast to text holds all its columns.
    dump: async () => {
      const { rows: tables } = await client.query(
        "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
        [schema],
      );
      expect(tables.length).toBeGreaterThanOrEqual(7);
      const parts: string[] = [];
      for (const t of tables) {
        const { rows } = await client.query(`SELECT t::text AS row FROM "${schema}"."${String(t.name)}" AS t`, []);
        parts.push(...rows.map((r) => String(r.row)));
      }
      return parts.join("\n");
    },
    close: async () => void (await client.query(`DROP SCHEMA "${schema}" CASCADE`, [])),
  };
}

/** Every string reachable from the memory store's own fields (maps, arrays, frozen values, JSON text). */
function memoryStore(faults?: (point: string) => void): Made {
  const store = createMemoryStore(faults ? { faults } : {});
  const walk = (value: unknown, out: string[], seen: Set<object>) => {
    if (typeof value === "string") return void out.push(value);
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    const pairs: [unknown, unknown][] =
      value instanceof Map
        ? [...value]
        : Reflect.ownKeys(value).map((k) => [k, (value as Record<string | symbol, unknown>)[k]]);
    for (const [k, v] of pairs) {
      walk(k, out, seen);
      walk(v, out, seen);
    }
  };
  return {
    store,
    dump: async () => {
      const out: string[] = [];
      walk(store, out, new Set());
      return out.join("\n");
    },
    close: async () => {},
  };
}

const liteClient = async () => pglite((lite ??= await PGlite.create()));
const kinds: [string, (faults?: (point: string) => void) => Promise<Made>][] = [
  ["memory store", async (faults) => memoryStore(faults)],
  ["PostgreSQL on PGlite", async (faults) => postgresStore(await liteClient(), faults)],
];
if (process.env.DATABASE_URL)
  kinds.push([
    "PostgreSQL server",
    async (faults) =>
      postgresStore(pgPool((pool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL }))), faults),
  ]);

const made = new Map<LoyaltyStore, Made>();
describe("the erasure conformance part on PGlite", () => {
  erasure({
    make: async (faults) => {
      const m = await postgresStore(await liteClient(), faults);
      made.set(m.store, m);
      return m.store;
    },
    close: async (store) => made.get(store)?.close(),
    concurrency: 2,
  });
});

const leftIn = (text: string) => PERSONAL.filter((mark) => text.includes(mark));

describe.each(kinds)("eraseMember on the %s", (_, make) => {
  it("leaves no sentinel in any table (every column of every row)", async () => {
    const m = await make();
    const { engine } = engineOn(m.store, testClock("2026-03-01T12:00:00Z"), 10, erasureProgram);
    await plantPersonalData(engine);
    // The scan sees the planted data before: it would see it after.
    expect(leftIn(await m.dump())).toEqual([...PERSONAL]);
    await engine.eraseMember({ key: "forget", memberId: "m1" });
    expect(leftIn(await m.dump())).toEqual([]);
    await m.close();
  });

  it("keeps no sentinel after random histories with random personal text (property)", async () => {
    const text = fc.string({ maxLength: 6 }).map((s) => `${SENTINEL}${s}`);
    const op = fc.oneof(
      fc.record({ kind: fc.constant("update" as const), text }),
      fc.record({
        kind: fc.constant("adjust" as const),
        points: fc.integer({ min: -30, max: 30 }).filter((n) => n !== 0),
        text,
      }),
      fc.record({ kind: fc.constant("spend" as const), points: fc.integer({ min: 1, max: 30 }), text }),
      fc.record({ kind: fc.constant("buy" as const), amount: fc.integer({ min: 1, max: 200 }), text }),
      fc.record({ kind: fc.constant("redeem" as const), cancel: fc.boolean(), text }),
      fc.record({
        kind: fc.constant("transfer" as const),
        out: fc.boolean(),
        points: fc.integer({ min: 1, max: 20 }),
        text,
      }),
      fc.record({ kind: fc.constant("tier" as const), text }),
    );
    const runs = make === kinds[0]![1] ? 40 : 6;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        const m = await make();
        try {
          const { engine } = engineOn(m.store, testClock("2026-03-01T12:00:00Z"), 10, erasureProgram);
          await engine.enroll({
            key: "e1",
            memberId: "m1",
            birthday: "1987-05-06",
            attributes: { name: `${SENTINEL}-x` },
          });
          await engine.enroll({ key: "e2", memberId: "m2" });
          await engine.recordPurchase({ key: "seed", memberId: "m2", purchaseId: "s", amount: "100", currency: "GBP" });
          for (const [i, o] of ops.entries()) await refusalsAside(() => run(engine, o, `k${i}`));
          const before = await figures(engine, m.store);
          expect(leftIn(await m.dump())).toContain(SENTINEL);
          await engine.eraseMember({ key: "forget", memberId: "m1" });
          expect(leftIn(await m.dump())).toEqual([]);
          const after = await figures(engine, m.store);
          expect(after.wallets).toEqual(before.wallets);
          // The statements: each entry its redaction (amounts, lots, dates as they were), then the erasure.
          expect(after.entries.m1.slice(0, -1)).toEqual(
            before.entries.m1.map((e) => canonicalJson(redactEntry(JSON.parse(e)))),
          );
          expect(after.entries.m2).toEqual(before.entries.m2.map((e) => canonicalJson(redactEntry(JSON.parse(e)))));
          for (const id of ["m1", "m2"])
            expect(await memberViolations(m.store, P, id, Date.parse("2026-03-01T12:00:00Z"))).toEqual([]);
        } finally {
          await m.close();
        }
      }),
      { numRuns: runs },
    );
  });
});

type Op =
  | { kind: "update" | "tier"; text: string }
  | { kind: "adjust" | "spend"; points: number; text: string }
  | { kind: "buy"; amount: number; text: string }
  | { kind: "redeem"; cancel: boolean; text: string }
  | { kind: "transfer"; out: boolean; points: number; text: string };

async function run(engine: LoyaltyEngine, o: Op, key: string): Promise<unknown> {
  const m = "m1";
  switch (o.kind) {
    case "update":
      return engine.updateMember({ key, memberId: m, attributes: { [o.text]: o.text }, segments: { add: [o.text] } });
    case "adjust":
      return engine.adjust({
        key,
        memberId: m,
        wallet: "points",
        points: String(o.points),
        reason: o.text,
        reference: o.text,
      });
    case "spend":
      return engine.spend({ key, memberId: m, wallet: "points", points: String(o.points), reference: o.text });
    case "buy":
      return engine.recordPurchase({
        key,
        memberId: m,
        purchaseId: key,
        amount: String(o.amount),
        currency: "GBP",
        attributes: { t: o.text },
      });
    case "redeem":
      await engine.redeem({ key, memberId: m, rewardId: "coffee", redemptionId: key, reference: o.text });
      return o.cancel
        ? engine.cancelRedemption({ key: `${key}-c`, memberId: m, redemptionId: key, reason: o.text })
        : null;
    case "transfer":
      return engine.transfer({
        key,
        fromMemberId: o.out ? m : "m2",
        toMemberId: o.out ? "m2" : m,
        wallet: "points",
        points: String(o.points),
        reference: o.text,
      });
    case "tier":
      return engine.assignTier({ key, memberId: m, tier: "silver", note: o.text });
  }
}

/** Business refusals (not enough points) are part of a random history; anything else fails the run. */
async function refusalsAside(command: () => Promise<unknown>) {
  try {
    await command();
  } catch (error) {
    if (!isLoyaltyError(error, "INSUFFICIENT_POINTS")) throw error;
  }
}

async function figures(engine: LoyaltyEngine, store: LoyaltyStore) {
  const entries = { m1: [] as string[], m2: [] as string[] };
  for (const id of ["m1", "m2"] as const)
    entries[id] = (await readAllEntries(store, P, id)).map((e) => canonicalJson(e));
  return { wallets: [(await engine.summary("m1")).wallets, (await engine.summary("m2")).wallets], entries };
}
