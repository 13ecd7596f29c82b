/**
 * The stored form of entries and events (migration 7): their JSON without the fields the row's own
 * columns already hold, so that each is written once per row instead of twice. Half of a short
 * history purchase's WAL was entry and event JSON, and these fields were a fifth of it.
 *
 * - An entry row (`loyalty_entries`) has `member_id`, `seq`, `kind` and `command_key` columns: its
 *   `entry` leaves out `kind`, `memberId`, `seq` and the command's `key`.
 * - An event row (`loyalty_events`) has `event_id` and `member_id`: its `event` leaves out `id` and
 *   `memberId`.
 *
 * A read puts them back in the places they came from, so what a caller gets is the same object, key
 * order included, as the one that was committed (exports and replays serialise it). Only a value
 * with exactly the shape the engine writes is stored compact; any other is stored whole, and a row
 * written whole (before migration 7, or of another shape) is recognised by the field a compact form
 * never holds (`kind` for an entry, `id` for an event) and read as it is. So no data migration is
 * needed, and ad-hoc SQL over `entry`/`event` still finds every other field where it was.
 */
import type { Entry } from "../ledger/entries.js";
import type { OutboxEvent } from "../store/port.js";

type Json = Record<string, unknown>;

const isPlain = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The entry as stored: compact when its keys are `kind`, its body, then `memberId`, `seq`, `at`,
 * `command` (in that order, as the ledger's writer makes them), its member is `memberId` and its
 * command's first key is `key` (a string); else the entry itself.
 */
export function storedEntry(entry: Entry, memberId: string): unknown {
  const e = entry as unknown as Json;
  const keys = Object.keys(e);
  const n = keys.length;
  const command = e.command;
  if (
    n < 5 ||
    keys[0] !== "kind" ||
    keys[n - 4] !== "memberId" ||
    keys[n - 3] !== "seq" ||
    keys[n - 2] !== "at" ||
    keys[n - 1] !== "command" ||
    e.memberId !== memberId ||
    typeof e.kind !== "string" ||
    !Number.isSafeInteger(e.seq) ||
    !isPlain(command) ||
    Object.keys(command)[0] !== "key" ||
    typeof command.key !== "string"
  )
    return entry;
  const { kind: _kind, memberId: _member, seq: _seq, ...body } = e;
  const { key: _key, ...rest } = command;
  return { ...body, command: rest };
}

/** An entry row (its columns, `entry` parsed) as the ledger's entry: a compact one put back together. */
export function entryFromRow(stored: Json, memberId: string, seq: number, kind: string, commandKey: string): Entry {
  if ("kind" in stored) return stored as unknown as Entry;
  const fields: [string, unknown][] = [["kind", kind]];
  for (const [name, value] of Object.entries(stored)) {
    if (name === "at") fields.push(["memberId", memberId], ["seq", seq], ["at", value]);
    else if (name === "command") fields.push(["command", { key: commandKey, ...(value as Json) }]);
    else fields.push([name, value]);
  }
  // fromEntries defines each field (a key named `__proto__` stays a field, as JSON.parse made it).
  return Object.fromEntries(fields) as unknown as Entry;
}

/** The event as stored: without `id` and `memberId` when they are its first and third keys; else the event itself. */
export function storedEvent(event: OutboxEvent): unknown {
  const e = event as unknown as Json;
  const keys = Object.keys(e);
  if (keys[0] !== "id" || keys[1] !== "type" || keys[2] !== "memberId") return event;
  const { id: _id, memberId: _member, ...rest } = e;
  return rest;
}

/** An event row (`event` parsed) as the outbox event: a compact one put back together. */
export function eventFromRow(stored: Json, eventId: string, memberId: string): OutboxEvent {
  if ("id" in stored) return stored as unknown as OutboxEvent;
  const { type, ...rest } = stored;
  return { id: eventId, type, memberId, ...rest } as unknown as OutboxEvent;
}
