/**
 * The schema held to docs/distributed.md (the PostgreSQL store on Citus, distributed by member id).
 * Citus can enforce a unique index only on one shard, so it must contain the table's distribution
 * column. The migrations run on PGlite, the catalog is read, and every table and index must be
 * classified in `layout` below (the one list): a table or index a later migration adds without a
 * line here fails, as does a unique index without its table's distribution column, an exception the
 * doc does not explain, or a `create_distributed_table` call in the doc that disagrees with the list.
 *
 * This checks the schema against Citus's rule; it does not run Citus (there is none here).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, pglite, type SqlClient } from "../../src/postgres/index.js";
import { root } from "../docs/snippets.js";

/** Where a table goes on Citus. */
type Placement =
  /** Distributed by `member_id`, co-located with `loyalty_members`. */
  | { readonly kind: "member" }
  /** One shard copied to every node: any unique index is enforceable. */
  | { readonly kind: "reference" }
  /** Keyed by something else on purpose: distributed by `by`, or (null) a local table on the coordinator. */
  | { readonly kind: "exception"; readonly by: string | null; readonly reason: string };

interface TableLayout {
  readonly placement: Placement;
  /** The table's indexes besides its primary key, by name. */
  readonly indexes: readonly string[];
}

/** Every table of the store, classified. A new table or index needs a line here, and its place in the doc. */
const layout: Readonly<Record<string, TableLayout>> = {
  loyalty_members: {
    placement: { kind: "member" },
    indexes: ["loyalty_members_due", "loyalty_members_tier"],
  },
  loyalty_member_segments: { placement: { kind: "member" }, indexes: ["loyalty_member_segments_listing"] },
  loyalty_entries: { placement: { kind: "member" }, indexes: [] },
  loyalty_lots: { placement: { kind: "member" }, indexes: [] },
  loyalty_records: { placement: { kind: "member" }, indexes: ["loyalty_records_open_redemptions"] },
  loyalty_idempotency: {
    placement: { kind: "exception", by: "key", reason: "keys are unique per program, not per member" },
    indexes: [],
  },
  loyalty_reward_stock: {
    placement: { kind: "exception", by: "reward_id", reason: "one count per reward, shared by all its members" },
    indexes: [],
  },
  loyalty_purchase_claims: {
    placement: { kind: "exception", by: "purchase_id", reason: "its key stops two members claiming one purchase id" },
    indexes: [],
  },
  loyalty_events: {
    placement: { kind: "exception", by: null, reason: "the feed is ordered by one node's transaction ids" },
    indexes: ["loyalty_events_id"],
  },
  loyalty_migrations: {
    placement: { kind: "exception", by: null, reason: "written and read only by migrate(), on the coordinator" },
    indexes: [],
  },
};

interface CatalogIndex {
  readonly table: string;
  readonly name: string;
  readonly primary: boolean;
  /** Unique, or backing an exclusion constraint: either must be enforceable on one shard. */
  readonly enforced: boolean;
  readonly exclusion: boolean;
  /** Key columns in order (INCLUDE columns left out); an expression shows as "(expression)". */
  readonly columns: readonly string[];
}

interface Catalog {
  /** Table name to its columns, each with whether it may be null. */
  readonly tables: ReadonlyMap<string, ReadonlyMap<string, { nullable: boolean }>>;
  readonly indexes: readonly CatalogIndex[];
}

async function readCatalog(client: SqlClient, schema: string): Promise<Catalog> {
  const columns = await client.query(
    `SELECT c.table_name, c.column_name, c.is_nullable FROM information_schema.columns AS c
      JOIN information_schema.tables AS t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'`,
    [schema],
  );
  const tables = new Map<string, Map<string, { nullable: boolean }>>();
  for (const r of columns.rows) {
    const table = String(r.table_name);
    if (!tables.has(table)) tables.set(table, new Map());
    tables.get(table)!.set(String(r.column_name), { nullable: r.is_nullable === "YES" });
  }
  const indexes = await client.query(
    `SELECT c.relname AS table_name, i.relname AS index_name, x.indisprimary::text AS is_primary,
        EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = x.indexrelid AND k.contype = 'x')::text AS exclusion,
        x.indisunique::text AS is_unique,
        (SELECT string_agg(coalesce(a.attname::text, '(expression)'), ',' ORDER BY k.ord)
          FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
          LEFT JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum = k.attnum
          WHERE k.ord <= x.indnkeyatts) AS columns
      FROM pg_index AS x
      JOIN pg_class AS i ON i.oid = x.indexrelid
      JOIN pg_class AS c ON c.oid = x.indrelid
      JOIN pg_namespace AS n ON n.oid = c.relnamespace
      WHERE n.nspname = $1`,
    [schema],
  );
  return {
    tables,
    indexes: indexes.rows.map((r) => ({
      table: String(r.table_name),
      name: String(r.index_name),
      primary: r.is_primary === "true",
      enforced: r.is_unique === "true" || r.exclusion === "true",
      exclusion: r.exclusion === "true",
      columns: String(r.columns).split(","),
    })),
  };
}

/** The column a table is distributed by, or null for a reference or local table. */
function distributionColumn(placement: Placement): string | null {
  return placement.kind === "member" ? "member_id" : placement.kind === "exception" ? placement.by : null;
}

/** The text of a `## heading` section of a Markdown file, up to the next `## ` heading. */
function section(doc: string, heading: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) return "";
  const end = doc.indexOf("\n## ", start + heading.length + 2);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** What the doc's ```sql blocks make of each table. */
function docCalls(doc: string): Map<string, { call: "distributed" | "reference"; by?: string; colocateWith?: string }> {
  const sql = [...doc.matchAll(/^```sql\n([\s\S]*?)^```$/gm)].map((m) => m[1]!).join("\n");
  const calls = new Map<string, { call: "distributed" | "reference"; by?: string; colocateWith?: string }>();
  for (const m of sql.matchAll(/create_distributed_table\('(\w+)',\s*'(\w+)'(?:,\s*colocate_with\s*=>\s*'(\w+)')?\)/g))
    calls.set(m[1]!, { call: "distributed", by: m[2]!, ...(m[3] ? { colocateWith: m[3] } : {}) });
  for (const m of sql.matchAll(/create_reference_table\('(\w+)'\)/g)) calls.set(m[1]!, { call: "reference" });
  return calls;
}

/** Everything in the catalog or the doc that breaks the layout's rules; empty when all hold. */
function violations(catalog: Catalog, tables: Readonly<Record<string, TableLayout>>, doc: string): string[] {
  const found: string[] = [];
  const exceptions = section(doc, "## Exceptions");
  const calls = docCalls(doc);
  for (const table of catalog.tables.keys())
    if (!(table in tables)) found.push(`table ${table} is not classified in the layout`);
  for (const [table, { placement, indexes }] of Object.entries(tables)) {
    const columns = catalog.tables.get(table);
    if (!columns) {
      found.push(`table ${table} is classified but not in the schema`);
      continue;
    }
    const by = distributionColumn(placement);
    if (by !== null && !columns.has(by)) found.push(`${table}: no column ${by} to distribute by`);
    else if (by !== null && columns.get(by)!.nullable) found.push(`${table}: distribution column ${by} may be null`);
    const inCatalog = catalog.indexes.filter((i) => i.table === table);
    for (const index of inCatalog) {
      if (!index.primary && !indexes.includes(index.name))
        found.push(`${table}: index ${index.name} is not classified in the layout`);
      if (by !== null && index.enforced && !index.columns.includes(by))
        found.push(
          `${table}: ${index.exclusion ? "exclusion constraint" : "unique index"} ${index.name} (${index.columns.join(", ")}) lacks the distribution column ${by}`,
        );
    }
    for (const name of indexes) {
      if (!inCatalog.some((i) => i.name === name))
        found.push(`${table}: index ${name} is listed but not in the schema`);
      if (!doc.includes(`\`${name}\``)) found.push(`${table}: index ${name} is not named in docs/distributed.md`);
    }
    if (placement.kind === "exception" && !exceptions.includes(`**\`${table}\`**`))
      found.push(`${table}: an exception that the doc's "## Exceptions" section does not explain`);
    const call = calls.get(table);
    if (placement.kind === "reference" && call?.call !== "reference")
      found.push(`${table}: the doc's SQL does not make it a reference table`);
    if (by !== null && (call?.call !== "distributed" || call.by !== by))
      found.push(`${table}: the doc's SQL does not distribute it by ${by}`);
    if (placement.kind === "exception" && by === null && call !== undefined)
      found.push(`${table}: the doc's SQL distributes a table the layout keeps local`);
    if (placement.kind === "member" && table !== "loyalty_members" && call?.colocateWith !== "loyalty_members")
      found.push(`${table}: the doc's SQL does not co-locate it with loyalty_members`);
  }
  for (const table of calls.keys())
    if (!(table in tables)) found.push(`the doc's SQL names ${table}, which the layout does not classify`);
  return found;
}

const doc = readFileSync(join(root, "docs/distributed.md"), "utf8");

let db: PGlite | undefined;
afterAll(async () => {
  await db?.close();
});
async function migrated(schema: string): Promise<SqlClient> {
  db ??= await PGlite.create();
  const client = pglite(db);
  await migrate(client, { schema });
  return client;
}

describe("the schema on a Postgres distributed by member id (docs/distributed.md)", () => {
  it("classifies every table and index, and every unique index holds its table's distribution column", async () => {
    const catalog = await readCatalog(await migrated("distribution_ok"), "distribution_ok");
    expect([...catalog.tables.keys()].sort()).toEqual(Object.keys(layout).sort());
    expect(catalog.indexes.filter((i) => i.enforced).length).toBeGreaterThanOrEqual(Object.keys(layout).length);
    expect(violations(catalog, layout, doc)).toEqual([]);
  });

  it("reads key columns from the catalog as they were declared", async () => {
    const catalog = await readCatalog(await migrated("distribution_columns"), "distribution_columns");
    const key = (name: string) => catalog.indexes.find((i) => i.name === name);
    expect(key("loyalty_entries_pkey")).toMatchObject({
      primary: true,
      enforced: true,
      columns: ["program_id", "member_id", "seq"],
    });
    expect(key("loyalty_members_due")).toMatchObject({
      primary: false,
      enforced: false,
      columns: ["program_id", "due_at", "member_id"],
    });
  });

  it("reports a table, a unique index and an index that a later migration adds without classifying them", async () => {
    const client = await migrated("distribution_bad");
    await client.query(
      `CREATE TABLE "distribution_bad".loyalty_webhooks (program_id text NOT NULL, seq bigint PRIMARY KEY, event json)`,
    );
    await client.query(
      `CREATE UNIQUE INDEX loyalty_entries_by_command ON "distribution_bad".loyalty_entries (program_id, command_key, seq)`,
    );
    await client.query(`CREATE INDEX loyalty_members_updated ON "distribution_bad".loyalty_members (updated_at)`);
    // An INCLUDE column is not part of the key: one shard cannot enforce (program_id, member_id) here.
    await client.query(
      `ALTER TABLE "distribution_bad".loyalty_purchase_claims ADD CONSTRAINT loyalty_purchase_claims_by_member UNIQUE (program_id, member_id) INCLUDE (purchase_id)`,
    );
    // An exclusion constraint is enforced like a unique index, and held to the same rule.
    await client.query(
      `ALTER TABLE "distribution_bad".loyalty_lots ADD CONSTRAINT loyalty_lots_one_per_purchase EXCLUDE USING btree (program_id WITH =, purchase_id WITH =)`,
    );
    const found = violations(await readCatalog(client, "distribution_bad"), layout, doc);
    expect(found.sort()).toEqual(
      [
        "table loyalty_webhooks is not classified in the layout",
        "loyalty_lots: index loyalty_lots_one_per_purchase is not classified in the layout",
        "loyalty_lots: exclusion constraint loyalty_lots_one_per_purchase (program_id, purchase_id) lacks the distribution column member_id",
        "loyalty_entries: index loyalty_entries_by_command is not classified in the layout",
        "loyalty_entries: unique index loyalty_entries_by_command (program_id, command_key, seq) lacks the distribution column member_id",
        "loyalty_members: index loyalty_members_updated is not classified in the layout",
        "loyalty_purchase_claims: index loyalty_purchase_claims_by_member is not classified in the layout",
        "loyalty_purchase_claims: unique index loyalty_purchase_claims_by_member (program_id, member_id) lacks the distribution column purchase_id",
      ].sort(),
    );
  });

  it("reports a distribution column the table lacks or that may be null", async () => {
    const catalog = await readCatalog(await migrated("distribution_column"), "distribution_column");
    const wrong = {
      ...layout,
      loyalty_idempotency: { placement: { kind: "exception", by: "member_id", reason: "test" }, indexes: [] },
      loyalty_lots: {
        placement: { kind: "exception", by: "rule_id", reason: "test" },
        indexes: [],
      },
    } as const;
    expect(violations(catalog, wrong, doc).filter((v) => !v.includes("the doc"))).toEqual([
      "loyalty_lots: distribution column rule_id may be null",
      "loyalty_lots: unique index loyalty_lots_pkey (program_id, member_id, lot_id) lacks the distribution column rule_id",
      "loyalty_idempotency: no column member_id to distribute by",
      "loyalty_idempotency: unique index loyalty_idempotency_pkey (program_id, key) lacks the distribution column member_id",
    ]);
  });

  it("reports a classification the doc does not bear out", async () => {
    const catalog = await readCatalog(await migrated("distribution_doc"), "distribution_doc");
    const drifted = doc
      .replace("**`loyalty_reward_stock`**", "`loyalty_reward_stock`")
      .replace(
        "create_distributed_table('loyalty_lots', 'member_id', colocate_with => 'loyalty_members')",
        "create_distributed_table('loyalty_lots', 'program_id')",
      )
      .replace(
        "SELECT create_distributed_table('loyalty_purchase_claims', 'purchase_id');",
        "SELECT create_reference_table('loyalty_purchase_claims');\nSELECT create_reference_table('loyalty_tiers');",
      );
    expect(drifted).not.toBe(doc);
    expect(violations(catalog, layout, drifted).sort()).toEqual(
      [
        'loyalty_reward_stock: an exception that the doc\'s "## Exceptions" section does not explain',
        "loyalty_lots: the doc's SQL does not distribute it by member_id",
        "loyalty_lots: the doc's SQL does not co-locate it with loyalty_members",
        "loyalty_purchase_claims: the doc's SQL does not distribute it by purchase_id",
        "the doc's SQL names loyalty_tiers, which the layout does not classify",
      ].sort(),
    );
    // A reference table needs its call in the doc, and no unique index of it needs a distribution column.
    const withReference = {
      ...layout,
      loyalty_purchase_claims: { placement: { kind: "reference" }, indexes: [] },
    } as const;
    expect(violations(catalog, withReference, drifted)).toContain(
      "the doc's SQL names loyalty_tiers, which the layout does not classify",
    );
    expect(violations(catalog, withReference, doc)).toEqual([
      "loyalty_purchase_claims: the doc's SQL does not make it a reference table",
    ]);
    expect(violations(catalog, withReference, drifted).filter((v) => v.startsWith("loyalty_purchase_claims"))).toEqual(
      [],
    );
  });
});
