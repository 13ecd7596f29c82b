/**
 * The outbox on PostgreSQL: events are written in the commit's own statement (commit.ts) and read
 * in the order of the transactions that wrote them.
 *
 * The hazard: a sequence value is taken when a row is inserted, but the row becomes visible when its
 * transaction commits, and transactions commit in any order. A reader that pages by a sequence
 * (`id > cursor`) can read 8 while 7's transaction is still open, move its cursor past 7, and never
 * see 7 once it commits. So a row here is keyed by the id of the transaction that wrote it
 * (`pg_current_xact_id()`, a 64-bit xid8 that never wraps) and its place in the commit, and a reader
 * reads only rows with `xid < pg_snapshot_xmin(pg_current_snapshot())`:
 * - xmin is the oldest transaction id still running when the reading statement took its snapshot;
 *   every transaction below it has ended, committed or rolled back, and the statement's snapshot
 *   (the same one) sees every row the committed ones wrote. Ids are handed out in increasing order,
 *   so a transaction that has none yet will get one at or above xmin. The rows below xmin are
 *   therefore final: no row can ever appear among them again.
 * - The reader pages through that final prefix in (xid, pos) order and returns the last key it read
 *   as the cursor. A row above the cursor that is not final yet is not read, and xmin only grows, so
 *   when it becomes final it is still above the cursor: no committed event is skipped, none is read
 *   twice, and a rolled-back transaction's rows never exist to be read.
 * - Per member: every commit on a member compare-and-sets the version its command read. A later
 *   commit on the member read the earlier one's result, so it began its write after the earlier
 *   transaction had committed, and took its xid after the earlier one's: its events sort after.
 *   Within one commit, `pos` keeps the batch's order. A command that read an older version loses
 *   its compare-and-set (it waits for the row lock, then finds the version moved) and writes nothing.
 * The cost: a long-running transaction (anywhere in the cluster: xids are cluster-wide) that has
 * written anything holds the feed back until it ends; it delays events, it never loses one.
 */
import { BadCursor, type EventPage, type MemberWrite, type OutboxEvent } from "../store/port.js";
import type { SqlContext } from "./context.js";
import { eventFromRow, storedEvent } from "./compact.js";
import { entryEventsRef, eventsFromEntryRows, isEntryEventsRef } from "./event-refs.js";
import { storable, text } from "./rows.js";

/**
 * The batch's events as the write statement's parameter: a JSON array of [pos, id, member id, stored
 * event], or one row naming the entries they derive from (event-refs.ts).
 */
export function eventRows(events: readonly OutboxEvent[], members: readonly MemberWrite[]): string {
  const names = new Set(members.map((m) => m.memberId));
  for (const e of events) {
    if (!names.has(e.memberId)) throw new Error(`PostgreSQL store: event ${e.id} names no member of the commit`);
    if (!storable(e.id)) throw new Error(`PostgreSQL store: the event id ${JSON.stringify(e.id)} cannot be stored`);
  }
  const ref = entryEventsRef(events, members);
  if (ref !== null) return JSON.stringify([[0, events[0]!.id, events[0]!.memberId, ref]]);
  return JSON.stringify(events.map((e, pos) => [pos, e.id, e.memberId, storedEvent(e)]));
}

const MAX_XID = 2n ** 64n - 1n;

/** The cursor "<xid>.<pos>" as statement parameters; the start of the feed for null. */
function position(after: string | null): [string, string] {
  if (after === null) return ["0", "-1"];
  const m = /^(0|[1-9]\d{0,19})\.(0|[1-9]\d{0,9})$/.exec(after);
  if (!m || BigInt(m[1]!) > MAX_XID || Number(m[2]) > 2 ** 31 - 1) throw new BadCursor(after);
  return [m[1]!, m[2]!];
}

export async function readEvents(
  ctx: SqlContext,
  programId: string,
  query: { after: string | null; limit: number },
): Promise<EventPage> {
  const [xid, pos] = position(query.after);
  if (!storable(programId)) return { events: [], cursor: query.after };
  const { rows } = await ctx.client.query(ctx.sql.readEvents, [programId, xid, pos, String(query.limit)]);
  // A row naming entries stands for several events at consecutive positions, and the cursor may
  // point inside it: the rows come from the cursor's transaction on, its events up to the cursor
  // are skipped here, and a page stops at `limit` events (the SQL limit counts rows, each one event or more).
  const events: OutboxEvent[] = [];
  let cursor = query.after;
  for (const r of rows) {
    const rowXid = text(r.xid);
    const first = Number(text(r.pos));
    const memberId = text(r.member_id);
    const stored = JSON.parse(text(r.event)) as unknown;
    const expanded = isEntryEventsRef(stored)
      ? eventsFromEntryRows(stored, memberId, JSON.parse(text(r.entries ?? "[]")) as never)
      : [eventFromRow(stored as Record<string, unknown>, text(r.event_id), memberId)];
    for (const [i, event] of expanded.entries()) {
      if (events.length >= query.limit) return { events, cursor };
      if (rowXid === xid && first + i <= Number(pos)) continue;
      events.push(event);
      cursor = `${rowXid}.${first + i}`;
    }
  }
  return { events, cursor };
}
