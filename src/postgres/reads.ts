/**
 * The store's reads: a member, an idempotency record, both at once for a command, a member's
 * history by pages, a purchase id's owner, and the due index (members with work due before an instant). Every column
 * read back is cast to text in SQL, so the result does not depend on the driver's type parsers.
 */
import type { RedemptionSnapshot } from "../ledger/snapshot.js";
import type {
  CommandRead,
  HistoryPage,
  IdempotencyRecord,
  MemberRecords,
  RecordIds,
  StoredMember,
} from "../store/port.js";
import { entryFromRow } from "./compact.js";
import { memberFromRow, remembered } from "./layout.js";
import { recordFrom, recordKeys, recordsFrom, storable, text } from "./rows.js";
import type { SqlContext } from "./context.js";

export async function loadMember(ctx: SqlContext, programId: string, memberId: string): Promise<StoredMember | null> {
  if (!storable(programId) || !storable(memberId)) return null;
  const known = remembered(ctx.layouts, programId, memberId);
  const { rows } = await ctx.client.query(ctx.sql.loadMember, [programId, memberId, known.version]);
  return rows[0] ? memberFromRow(rows[0], ctx.layouts, programId, memberId, known.layout) : null;
}

/** The member that claimed a purchase id in the program, or null (`purchases.uniqueAcrossMembers`). */
export async function findPurchaseOwner(
  ctx: SqlContext,
  programId: string,
  purchaseId: string,
): Promise<string | null> {
  if (!storable(programId) || !storable(purchaseId)) return null;
  const { rows } = await ctx.client.query(ctx.sql.findPurchaseOwner, [programId, purchaseId]);
  return rows[0] ? text(rows[0].member_id) : null;
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
 * A single member's records come in the same statement; with several members (a transfer, a
 * referral: commands that name no records) each member's records are a read of their own, which
 * is safe: a record changes only in a commit that moves its member's version, so a decision over
 * records read after the member fails its compare-and-set rather than commit over them.
 */
export async function loadForCommand(
  ctx: SqlContext,
  programId: string,
  memberIds: readonly string[],
  key: string,
  records?: readonly (RecordIds | null)[],
): Promise<CommandRead> {
  const none = (): MemberRecords => ({ purchases: {}, redemptions: {} });
  const recordsOf = (members: readonly unknown[]) =>
    records
      ? Promise.all(members.map((_, i) => loadRecords(ctx, programId, memberIds[i]!, records[i] ?? null)))
      : undefined;
  if (!storable(programId))
    return {
      members: memberIds.map(() => null),
      idempotency: null,
      ...(records ? { records: memberIds.map(none) } : {}),
    };
  // A key PostgreSQL text cannot hold has no record; the members are read all the same.
  if (!storable(key)) {
    const members = await Promise.all(memberIds.map((id) => loadMember(ctx, programId, id)));
    return { members, idempotency: null, ...(records ? { records: (await recordsOf(members))! } : {}) };
  }
  const wanted = memberIds.filter(storable);
  const one = wanted.length === 1 && memberIds.length === 1;
  const known = one ? remembered(ctx.layouts, programId, wanted[0]!) : undefined;
  const { rows } = one
    ? await ctx.client.query(ctx.sql.loadForOne, [programId, wanted[0], key, recordKeys(records?.[0]), known!.version])
    : await ctx.client.query(ctx.sql.loadForMany, [programId, JSON.stringify(wanted), key]);
  const found = new Map<string, StoredMember>();
  let idempotency: IdempotencyRecord | null = null;
  for (const row of rows) {
    if (row.version !== null) {
      const id = one ? wanted[0]! : text(row.member_id);
      found.set(id, memberFromRow(row, ctx.layouts, programId, id, known?.layout));
    }
    if (row.payload_hash !== null) idempotency = recordFrom(key, row);
  }
  const members = memberIds.map((id) => found.get(id) ?? null);
  if (!records) return { members, idempotency };
  return { members, idempotency, records: one ? [recordsFrom(rows[0]?.records)] : (await recordsOf(members))! };
}

export async function loadRecords(
  ctx: SqlContext,
  programId: string,
  memberId: string,
  ids: RecordIds | null,
): Promise<MemberRecords> {
  const keys = recordKeys(ids);
  if (keys === null || !storable(programId) || !storable(memberId)) return recordsFrom(null);
  const { rows } = await ctx.client.query(ctx.sql.loadRecords, [programId, memberId, keys]);
  return recordsFrom(rows[0]?.records);
}

export async function listRedemptions(
  ctx: SqlContext,
  programId: string,
  memberId: string,
  query: { limit: number },
): Promise<{ redemptionId: string; record: RedemptionSnapshot }[]> {
  if (!storable(programId) || !storable(memberId) || query.limit <= 0) return [];
  const { rows } = await ctx.client.query(ctx.sql.listRedemptions, [programId, memberId, String(query.limit)]);
  return rows.map((r) => ({
    redemptionId: text(r.record_id),
    record: JSON.parse(text(r.record)) as RedemptionSnapshot,
  }));
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
  const entries = rows
    .slice(0, page.limit)
    .map((r) =>
      entryFromRow(
        JSON.parse(text(r.entry)) as Record<string, unknown>,
        memberId,
        Number(text(r.entry_seq)),
        text(r.kind),
        text(r.command_key),
      ),
    );
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
