/**
 * Outbox rows that name entries instead of holding events (migration 8). An entry's events are a
 * function of the entry alone (events/derive.ts `eventsOf`), and the entry is written in the same
 * statement, so when a commit's events are exactly its member's entries' events, one outbox row
 * stands for all of them: `event` is the JSON array `[first seq, last seq, number of events]` (a
 * stored event is always an object, so the two forms cannot be confused), and a reader derives the
 * events from those entry rows. The row keeps the first event's id and position; the others take
 * the next positions, so a cursor `<xid>.<pos>` may point inside such a row.
 *
 * Why: the events of a short-history purchase were a quarter of its WAL (three rows of JSON that
 * repeat the entries, each with its primary key entry); one row without JSON is a tenth of that.
 *
 * A commit is stored so only when the read can only give what was committed: one member, its new
 * entries in one run of seqs, every event id an entry event's (`ENTRY_EVENT_ID`: no notice, so the
 * row stays out of the unique index on notice ids), and the events derived from the entries, and
 * from the entries as an erasure would redact them (an erasure rewrites entry rows, never outbox
 * rows), both equal to the committed ones, key order included. Any other commit keeps a row per event.
 */
import type { Entry } from "../ledger/entries.js";
import { redactEntry } from "../ledger/redact.js";
import { eventsOf } from "../events/derive.js";
import type { MemberWrite, OutboxEvent } from "../store/port.js";
import { entryFromRow } from "./compact.js";

/** The stored reference: first seq, last seq, number of events. */
export type EntryEventsRef = readonly [number, number, number];

const entryEventId = /^[^/]+\/[0-9]+\/[0-9]+$/;

/** The reference that stands for `events` of a commit writing `members`, or null when they must be stored one by one. */
export function entryEventsRef(events: readonly OutboxEvent[], members: readonly MemberWrite[]): EntryEventsRef | null {
  if (members.length !== 1 || events.length === 0) return null;
  const entries = members[0]!.entries;
  const first = entries[0]?.seq;
  if (first === undefined || entries.some((e, i) => e.seq !== first + i)) return null;
  if (!events.every((e) => entryEventId.test(e.id))) return null;
  const committed = JSON.stringify(events);
  if (JSON.stringify(eventsOf(entries)) !== committed) return null;
  if (JSON.stringify(eventsOf(entries.map(redactEntry))) !== committed) return null;
  return [first, first + entries.length - 1, events.length];
}

/** Whether a stored `event` is a reference (an array) rather than an event. */
export const isEntryEventsRef = (stored: unknown): stored is EntryEventsRef => Array.isArray(stored);

/**
 * The events a reference stands for, from its entry rows (`[seq, kind, command key, stored entry]`,
 * in seq order). Fails loudly when the rows are not the ones named or give another number of events:
 * the outbox and the ledger no longer agree, and guessing would publish the wrong events.
 */
export function eventsFromEntryRows(
  ref: EntryEventsRef,
  memberId: string,
  rows: readonly (readonly [number, string, string, Record<string, unknown>])[],
): OutboxEvent[] {
  const [first, last, count] = ref;
  if (rows.length !== last - first + 1 || rows.some((r, i) => r[0] !== first + i))
    throw new Error(`PostgreSQL store: an outbox row names entries ${first} to ${last} of ${memberId}, not all stored`);
  const entries: Entry[] = rows.map(([seq, kind, key, stored]) => entryFromRow(stored, memberId, seq, kind, key));
  const events = eventsOf(entries);
  if (events.length !== count)
    throw new Error(
      `PostgreSQL store: entries ${first} to ${last} of ${memberId} give ${events.length} events, the outbox row says ${count}`,
    );
  return events;
}
