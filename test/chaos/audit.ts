/**
 * The chaos audit: everything read in one REPEATABLE READ snapshot (one transaction on one
 * connection), partly in SQL over the tables and partly through the store and the library's own
 * fold (`memberViolations`), so that both see the same instant. Returns problems by kind; none
 * means every check held.
 */
import type pg from "pg";
import type { SqlClient, SqlQueryable } from "../../src/postgres/index.js";
import { createPostgresStore } from "../../src/postgres/index.js";
import { foldEntries } from "../../src/ledger/apply.js";
import { toSnapshot } from "../../src/ledger/snapshot.js";
import { memberViolations, readAllEntries } from "../../src/testing/index.js";
import { chaosInstant, chaosProgram, members, stockedRewards } from "./program.js";

export type AuditProblems = Record<string, string[]>;

/** A `SqlClient` whose statements all run on one connection, inside the audit's open transaction. */
function onSnapshot(conn: pg.ClientBase): SqlClient {
  const queryable: SqlQueryable = { query: (text, params) => conn.query(text, params ? [...params] : []) };
  return { ...queryable, transaction: (fn) => fn(queryable) };
}

/** memberViolations' findings, by what they are about. */
function kindOf(violation: string): string {
  if (violation.includes("earned - spent")) return "conservation (fold)";
  if (violation.includes("stored snapshot differs")) return "snapshot differs from the fold of its entries";
  if (violation.includes("record row differs")) return "record row differs from the fold";
  return "ledger invariant (fold)";
}

export async function audit(
  conn: pg.ClientBase,
  schema: string,
): Promise<{ problems: AuditProblems; recordedKeys: Set<string>; checked: Record<string, number> }> {
  const problems: AuditProblems = {};
  const add = (kind: string, detail: string) => (problems[kind] ??= []).push(detail);
  const s = `"${schema}"`;
  const P = chaosProgram.id;
  await conn.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    const rows = async (text: string, params: unknown[] = [P]) => (await conn.query(text, params)).rows;

    // Every snapshot equals the fold of its entries; lots, conservation, refunds and records, per member.
    const store = createPostgresStore(onSnapshot(conn), { schema });
    const stored = await rows(`SELECT member_id FROM ${s}.loyalty_members WHERE program_id = $1 ORDER BY member_id`);
    if (stored.length !== members.length) add("members", `${stored.length} member rows, expected ${members.length}`);
    for (const { member_id } of stored)
      for (const v of await memberViolations(store, P, member_id as string, chaosInstant)) add(kindOf(v), v);

    // Conservation per member and wallet again, in SQL: the snapshot's totals against the lot rows.
    for (const r of await rows(
      `SELECT member_id, wallet, moved::text, held::text FROM (
         SELECT m.member_id, w.key AS wallet,
                (w.value->>'earned')::numeric - (w.value->>'spent')::numeric - (w.value->>'expired')::numeric
                - (w.value->>'reversed')::numeric + (w.value->>'adjusted')::numeric
                + coalesce((w.value->>'transferredIn')::numeric, 0) - coalesce((w.value->>'transferredOut')::numeric, 0) AS moved,
                coalesce((SELECT sum(l.remaining) FROM ${s}.loyalty_lots l
                          WHERE l.program_id = m.program_id AND l.member_id = m.member_id AND l.wallet = w.key), 0)
                - (w.value->>'debt')::numeric AS held
         FROM ${s}.loyalty_members m CROSS JOIN LATERAL json_each(m.snapshot->'wallets') w
         WHERE m.program_id = $1) c
       WHERE moved IS DISTINCT FROM held`,
    ))
      add(
        "conservation (SQL: totals against lot rows)",
        `${r.member_id}/${r.wallet}: moved ${r.moved}, held - debt ${r.held}`,
      );

    // Over all members, transfers cancel out.
    const [t] = await rows(
      `SELECT coalesce(sum((snapshot->'wallets'->'points'->>'transferredIn')::numeric), 0)::text AS "in",
              coalesce(sum((snapshot->'wallets'->'points'->>'transferredOut')::numeric), 0)::text AS "out",
              (coalesce(sum((snapshot->'wallets'->'points'->>'transferredIn')::numeric), 0)
               = coalesce(sum((snapshot->'wallets'->'points'->>'transferredOut')::numeric), 0)) AS balanced
       FROM ${s}.loyalty_members WHERE program_id = $1`,
    );
    if (t!.balanced !== true) add("transfers do not cancel out", `in ${t!.in}, out ${t!.out}`);

    // The lot rows equal the snapshots' open lots: in SQL for a member row that holds them (written
    // before migration 4); for one laid out in rows (`lots_in_rows`), whose loaded snapshot is made
    // of those rows, against the lots its entries fold to.
    for (const r of await rows(
      `SELECT m.member_id, count(*)::int AS mismatches FROM ${s}.loyalty_members m
       CROSS JOIN LATERAL (
         (SELECT l->>'id' AS id, (l->>'remaining')::numeric AS remaining FROM json_array_elements(m.snapshot->'lots') l
          EXCEPT SELECT lot_id, remaining FROM ${s}.loyalty_lots t WHERE t.program_id = m.program_id AND t.member_id = m.member_id)
         UNION ALL
         (SELECT lot_id, remaining FROM ${s}.loyalty_lots t WHERE t.program_id = m.program_id AND t.member_id = m.member_id
          EXCEPT SELECT l->>'id', (l->>'remaining')::numeric FROM json_array_elements(m.snapshot->'lots') l)
       ) d
       WHERE m.program_id = $1 AND NOT m.lots_in_rows GROUP BY m.member_id`,
    ))
      add("lot rows differ from the snapshot", `${r.member_id}: ${r.mismatches} lots`);
    for (const { member_id } of await rows(
      `SELECT member_id FROM ${s}.loyalty_members WHERE program_id = $1 AND lots_in_rows ORDER BY member_id`,
    )) {
      const id = member_id as string;
      const folded = toSnapshot(foldEntries(id, await readAllEntries(store, P, id))).lots.map(
        (l) => `${l.id}=${l.remaining}`,
      );
      const held = (
        await rows(
          `SELECT lot_id, remaining::text AS remaining FROM ${s}.loyalty_lots WHERE program_id = $1 AND member_id = $2 ORDER BY ord, lot_id`,
          [P, id],
        )
      ).map((l) => `${l.lot_id as string}=${l.remaining as string}`);
      const differ = folded.filter((l) => !held.includes(l)).length + held.filter((l) => !folded.includes(l)).length;
      if (differ > 0) add("lot rows differ from the snapshot", `${id}: ${differ} lots`);
    }

    // Every idempotency record has its entries: each range it names holds entries of its key, and
    // its key has no entries beyond them.
    const keys = await rows(
      `SELECT i.key,
              coalesce((SELECT sum((r->>'count')::int) FROM json_array_elements(i.result->'entryRefs') r), 0)::int AS named,
              coalesce((SELECT sum((SELECT count(*) FROM ${s}.loyalty_entries e
                                    WHERE e.program_id = i.program_id AND e.member_id = r->>'memberId' AND e.command_key = i.key
                                      AND e.seq BETWEEN (r->>'fromSeq')::int AND (r->>'fromSeq')::int + (r->>'count')::int - 1))
                        FROM json_array_elements(i.result->'entryRefs') r), 0)::int AS found,
              (SELECT count(*) FROM ${s}.loyalty_entries e WHERE e.program_id = i.program_id AND e.command_key = i.key)::int AS of_key
       FROM ${s}.loyalty_idempotency i WHERE i.program_id = $1`,
    );
    for (const k of keys) {
      if (k.named === 0 || k.found !== k.named)
        add("idempotency record without its entries", `${k.key}: names ${k.named}, found ${k.found}`);
      if (k.of_key !== k.named)
        add("entries of a key outside its record", `${k.key}: ${k.of_key} entries, record names ${k.named}`);
    }
    // Every command's entries have their record (system work, keyed by nothing a caller chose, aside).
    for (const r of await rows(
      `SELECT e.command_key, count(*)::int AS n FROM ${s}.loyalty_entries e
       WHERE e.program_id = $1 AND e.entry->'command'->>'type' NOT IN ('expire', 'reviewTiers', 'convert')
         AND NOT EXISTS (SELECT 1 FROM ${s}.loyalty_idempotency i WHERE i.program_id = e.program_id AND i.key = e.command_key)
       GROUP BY e.command_key`,
    ))
      add("entries without an idempotency record", `${r.command_key}: ${r.n} entries`);

    // Stock plus the units of redemptions still standing equal the initial stock, per reward.
    for (const [rewardId, initial] of Object.entries(stockedRewards)) {
      const [r] = await rows(
        `SELECT (SELECT remaining::int FROM ${s}.loyalty_reward_stock WHERE program_id = $1 AND reward_id = $2) AS stock,
                (SELECT coalesce(sum((record->>'stock')::int), 0)::int FROM ${s}.loyalty_records
                 WHERE program_id = $1 AND kind = 'redemption' AND NOT cancelled AND record->>'rewardId' = $2) AS redeemed,
                (SELECT count(*)::int FROM ${s}.loyalty_records
                 WHERE program_id = $1 AND kind = 'redemption' AND cancelled <> (record->>'cancelled')::boolean) AS flag_mismatches`,
        [P, rewardId],
      );
      const stock = r!.stock ?? initial;
      if (stock + r!.redeemed !== initial)
        add("stock", `${rewardId}: ${stock} left + ${r!.redeemed} redeemed, initial ${initial}`);
      if (r!.flag_mismatches > 0)
        add("records", `${r!.flag_mismatches} redemption rows whose cancelled column differs from their record`);
    }
    const checked = {
      members: stored.length,
      entries: Number((await rows(`SELECT count(*)::int AS n FROM ${s}.loyalty_entries WHERE program_id = $1`))[0]!.n),
      "idempotency records": keys.length,
      "lot rows": Number((await rows(`SELECT count(*)::int AS n FROM ${s}.loyalty_lots WHERE program_id = $1`))[0]!.n),
    };
    return { problems, recordedKeys: new Set(keys.map((k) => k.key as string)), checked };
  } finally {
    await conn.query("ROLLBACK");
  }
}

/** The keys recorded now (between the phases): one statement, its own snapshot. */
export async function recordedKeys(conn: pg.Pool, schema: string): Promise<Set<string>> {
  const { rows } = await conn.query(`SELECT key FROM "${schema}".loyalty_idempotency WHERE program_id = $1`, [
    chaosProgram.id,
  ]);
  return new Set(rows.map((r) => r.key as string));
}
