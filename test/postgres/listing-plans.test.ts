/**
 * `listMembers` on PostgreSQL reads through its indexes (migration 6; by last purchase the primary key since 8): for every filter, the plan
 * reads an index, never a sequential scan of the members, and where many members match it walks
 * member ids in order and stops at the limit (no sort of everything that matches). Checked with
 * EXPLAIN on PGlite, and on a real server when DATABASE_URL is set, over 20,000 members of one
 * program among members of another.
 */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { listMembersStatement } from "../../src/postgres/listing.js";
import { migrate, pgPool, pglite, type SqlClient } from "../../src/postgres/index.js";
import type { MemberListQuery } from "../../src/index.js";

const P = "listing-plans";
const schema = `listing_plans_${process.pid}`;

/** 20,000 members of P (and 2,000 of another program): tiers by i % 3, a purchase unless i % 7 = 0, segments. */
async function populate(client: SqlClient) {
  await migrate(client, { schema });
  for (const [program, count] of [
    [P, 20_000],
    ["other", 2_000],
  ] as const) {
    await client.query(
      `INSERT INTO "${schema}".loyalty_members (program_id, member_id, version, snapshot, member_index, tier, last_purchase_at)
       SELECT $1, 'm' || lpad(i::text, 6, '0'), 1, '{}', '{}', (ARRAY['bronze', 'silver', 'gold'])[i % 3 + 1],
         CASE WHEN i % 7 = 0 THEN NULL ELSE i::bigint * 1000 END
       FROM generate_series(1, $2::integer) AS i`,
      [program, count],
    );
    await client.query(
      `INSERT INTO "${schema}".loyalty_member_segments (program_id, member_id, segment)
       SELECT $1, 'm' || lpad(i::text, 6, '0'), CASE WHEN i % 50 = 0 THEN 'vip' ELSE 'even' END
       FROM generate_series(2, $2::integer, 2) AS i`,
      [program, count],
    );
  }
  await client.query(`ANALYZE "${schema}".loyalty_members`);
  await client.query(`ANALYZE "${schema}".loyalty_member_segments`);
}

interface PlanNode {
  readonly "Node Type": string;
  readonly "Index Name"?: string;
  readonly "Relation Name"?: string;
  readonly Plans?: readonly PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

async function plan(client: SqlClient, query: MemberListQuery) {
  const { sql, params } = listMembersStatement(`"${schema}"`, P, query);
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const raw = rows[0]!["QUERY PLAN"];
  const parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  return nodes(parsed[0]!.Plan);
}

function checks(client: () => Promise<SqlClient>) {
  // Whether the plan must walk in order (no sort): a filter that few members after the cursor pass
  // may instead collect them through the index and sort those few, which the planner judges cheaper.
  const cases: [string, MemberListQuery, string, boolean][] = [
    ["everyone", { limit: 100, after: "m010000" }, "loyalty_members_pkey", true],
    ["by tier", { limit: 100, tier: "gold", after: "m000300" }, "loyalty_members_tier", true],
    ["by segment", { limit: 100, segment: "vip" }, "loyalty_member_segments_listing", true],
    // Since migration 8 no index holds the last purchase (it moves with every purchase, and an
    // index on it made each purchase's member update write index entries): the primary key's walk.
    ["no purchase since", { limit: 100, lastPurchaseBefore: 15_000_000 }, "loyalty_members_pkey", true],
    ["bought since", { limit: 100, lastPurchaseFrom: 2_000_000 }, "loyalty_members_pkey", true],
    ["few bought since", { limit: 100, lastPurchaseFrom: 19_000_000, after: "m018000" }, "loyalty_members_pkey", false],
  ];
  it.each(cases)("lists %s through an index, with no sequential scan", async (_, query, index, ordered) => {
    const found = await plan(await client(), query);
    const kinds = found.map((n) => n["Node Type"]);
    const shown = JSON.stringify(found.map((n) => [n["Node Type"], n["Index Name"]]));
    expect(kinds, shown).not.toContain("Seq Scan");
    if (ordered) expect(kinds, shown).not.toContain("Sort");
    expect(kinds).toContain("Limit");
    // The index the filter was made for, or (when the planner judges the filter matches most rows)
    // the primary key with the filter on each row: either way an index, never the whole table.
    const used = found.map((n) => n["Index Name"]).filter((name) => name !== undefined);
    expect(
      used.some((name) => name === index || name === "loyalty_members_pkey"),
      shown,
    ).toBe(true);
  });
}

describe("listMembers' plans on PGlite", () => {
  let db: PGlite | undefined;
  const client = async () => {
    if (!db) {
      db = await PGlite.create();
      await populate(pglite(db));
    }
    return pglite(db);
  };
  afterAll(async () => db?.close());
  checks(client);
});

const DATABASE_URL = process.env.DATABASE_URL;
describe.skipIf(!DATABASE_URL)("listMembers' plans on a real server (DATABASE_URL)", () => {
  let pool: pg.Pool | undefined;
  let ready: Promise<SqlClient> | undefined;
  const client = () =>
    (ready ??= (async () => {
      pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
      const c = pgPool(pool);
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await populate(c);
      return c;
    })());
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });
  checks(client);
});
