/**
 * The store's reads: a member, an idempotency record, both at once for a command, a member's
 * history by pages, and the due index (members with work due before an instant). Every column
 * read back is cast to text in SQL, so the result does not depend on the driver's type parsers.
 */
import type { Entry } from "../ledger/entries.js";
import type { CommandRead, HistoryPage, IdempotencyRecord, StoredMember } from "../store/port.js";
import { memberFrom, recordFrom, storable, text } from "./rows.js";
import type { SqlContext } from "./context.js";

export async function loadMember(ctx: SqlContext, programId: string, memberId: string): Promise<StoredMember | null> {
  if (!storable(programId) || !storable(memberId)) return null;
  const { rows } = await ctx.client.query(ctx.sql.loadMember, [programId, memberId]);
  return rows[0] ? memberFrom(rows[0]) : null;
}

export async function getIdempotency(
  ctx: SqlContext,
  programId: string,
  key: string,
): Promise<IdempotencyRecord | null> {
  if (!storable(programId) || !storable(key)) return null;
  const { rows } = await ctx.client.query(ctx.sql.getIdempotency, [programId, key]);
  return rows[0] ? recordFrom(key, rows[0]) : null;
}

/**
 * The command's members and its key in one statement, so in one snapshot of the database: one
 * round trip where `loadMember` and `getIdempotency` would take two (or three, for two members).
 */
export async function loadForCommand(
  ctx: SqlContext,
  programId: string,
  memberIds: readonly string[],
  key: string,
): Promise<CommandRead> {
  if (!storable(programId)) return { members: memberIds.map(() => null), idempotency: null };
  // A key PostgreSQL text cannot hold has no record; the members are read all the same.
  if (!storable(key))
    return { members: await Promise.all(memberIds.map((id) => loadMember(ctx, programId, id))), idempotency: null };
  const wanted = memberIds.filter(storable);
  const { rows } =
    wanted.length === 1
      ? await ctx.client.query(ctx.sql.loadForOne, [programId, wanted[0], key])
      : await ctx.client.query(ctx.sql.loadForMany, [programId, JSON.stringify(wanted), key]);
  const found = new Map<string, StoredMember>();
  let idempotency: IdempotencyRecord | null = null;
  for (const row of rows) {
    if (row.version !== null) found.set(wanted.length === 1 ? wanted[0]! : text(row.member_id), memberFrom(row));
    if (row.payload_hash !== null) idempotency = recordFrom(key, row);
  }
  return { members: memberIds.map((id) => found.get(id) ?? null), idempotency };
}

export async function readEntries(
  ctx: SqlContext,
  programId: string,
  memberId: string,
  page: { afterSeq: number; limit: number },
): Promise<HistoryPage> {
  if (!storable(programId) || !storable(memberId) || page.limit <= 0) return { entries: [], nextAfterSeq: null };
  const { rows } = await ctx.client.query(ctx.sql.readEntries, [
    programId,
    memberId,
    String(page.afterSeq),
    String(page.limit + 1),
  ]);
  const entries = rows.slice(0, page.limit).map((r) => JSON.parse(text(r.entry)) as Entry);
  return { entries, nextAfterSeq: rows.length > page.limit ? entries.at(-1)!.seq : null };
}

export async function findDueMembers(
  ctx: SqlContext,
  programId: string,
  query: { before: number; limit: number; after?: { dueAt: number; memberId: string } },
): Promise<readonly { memberId: string; dueAt: number }[]> {
  if (!storable(programId) || query.limit <= 0) return [];
  const { rows } = query.after
    ? await ctx.client.query(ctx.sql.findDueAfter, [
        programId,
        String(query.before),
        String(query.after.dueAt),
        query.after.memberId,
        String(query.limit),
      ])
    : await ctx.client.query(ctx.sql.findDue, [programId, String(query.before), String(query.limit)]);
  return rows.map((r) => ({ memberId: text(r.member_id), dueAt: Number(text(r.due_at)) }));
}
