/**
 * `listMembers` on PostgreSQL (capabilities.listing, migration 6): the program's members by id
 * after a cursor, with the filters of `MemberListQuery`, each read through an index made for it:
 * by segment the `loyalty_member_segments` rows in (program, segment, member) order, by tier
 * `loyalty_members_tier` (program, tier, member), else (by last purchase too, since migration 8
 * dropped its index so that a purchase's member update writes no index entry) the primary key. Every plan walks member
 * ids in order from the cursor and stops at the limit. The SQL is put together per query from fixed
 * fragments (values are always parameters), so the planner sees only the conditions that apply.
 */
import type { ListedMember, MemberIndex, MemberListQuery } from "../store/port.js";
import type { SqlQueryable } from "./client.js";
import { storable, text } from "./rows.js";

/** The statement and its parameters for one query, in a (quoted) schema. */
export function listMembersStatement(
  schema: string,
  programId: string,
  query: MemberListQuery,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [programId];
  const param = (value: unknown) => `$${params.push(value)}`;
  const bySegment = query.segment !== undefined;
  // The table whose member id orders the walk: the segment rows when filtering by segment.
  const walk = bySegment ? "g" : "m";
  const from = bySegment
    ? `${schema}.loyalty_member_segments AS g JOIN ${schema}.loyalty_members AS m
        ON m.program_id = g.program_id AND m.member_id = g.member_id`
    : `${schema}.loyalty_members AS m`;
  const where = [`${walk}.program_id = $1`];
  if (bySegment) where.push(`g.segment = ${param(query.segment)}`);
  if (query.after !== undefined) where.push(`${walk}.member_id > ${param(query.after)}`);
  if (query.tier !== undefined) where.push(`m.tier = ${param(query.tier)}`);
  if (query.lastPurchaseBefore !== undefined)
    where.push(`m.last_purchase_at < ${param(String(query.lastPurchaseBefore))}::bigint`);
  if (query.lastPurchaseFrom !== undefined)
    where.push(`m.last_purchase_at >= ${param(String(query.lastPurchaseFrom))}::bigint`);
  const limit = param(String(query.limit));
  return {
    sql: `SELECT ${walk}.member_id, m.member_index::text AS member_index FROM ${from}
      WHERE ${where.join(" AND ")} ORDER BY ${walk}.member_id LIMIT ${limit}::bigint`,
    params,
  };
}

export async function listMembers(
  client: SqlQueryable,
  schema: string,
  programId: string,
  query: MemberListQuery,
): Promise<ListedMember[]> {
  const ids = [programId, query.after, query.tier, query.segment].filter((v) => v !== undefined);
  if (query.limit <= 0 || !ids.every(storable)) return [];
  const { sql, params } = listMembersStatement(schema, programId, query);
  const { rows } = await client.query(sql, params);
  return rows.map((r) => ({
    memberId: text(r.member_id),
    index:
      r.member_index === null || r.member_index === undefined
        ? null
        : (JSON.parse(text(r.member_index)) as MemberIndex),
  }));
}
