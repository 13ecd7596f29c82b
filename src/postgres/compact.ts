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
 * - Since migration 8, an `earn` entry's `lot` leaves out `wallet` and `earnedAt`, which are the
 *   entry's `wallet` and `at` as accrual writes them, and `availableAt` when it is `at` too (no
 *   pending period); a `purchase` entry leaves out `occurredAt` when it is `at` and follows `amount`. These instants were
 *   a fifth of a purchase's entry JSON. A compact entry whose lot or purchase lacks those fields to
 *   begin with is stored whole instead, so that an absent field always means "elided".
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
  if (e.kind === "earn" && isPlain(e.lot)) {
    if (!("wallet" in e.lot)) return entry;
    body.lot = storedLot(e.lot, e);
  } else if (e.kind === "purchase") {
    if (!("occurredAt" in e)) return entry;
    if (e.occurredAt === e.at && keys[keys.indexOf("amount") + 1] === "occurredAt") delete body.occurredAt;
  }
  return { ...body, command: rest };
}

/**
 * An earn entry's lot as stored: `{ availableAt?, expiresAt }` when its keys are `wallet`,
 * `earnedAt`, `availableAt`, `expiresAt` in that order (accrual's) with the entry's wallet and `at`;
 * else the lot itself (it has a `wallet`, so a read keeps it as it is).
 */
function storedLot(lot: Json, e: Json): Json {
  const keys = Object.keys(lot);
  if (
    keys.length !== 4 ||
    keys[0] !== "wallet" ||
    keys[1] !== "earnedAt" ||
    keys[2] !== "availableAt" ||
    keys[3] !== "expiresAt" ||
    lot.wallet !== e.wallet ||
    lot.earnedAt !== e.at
  )
    return lot;
  return lot.availableAt === e.at
    ? { expiresAt: lot.expiresAt }
    : { availableAt: lot.availableAt, expiresAt: lot.expiresAt };
}

/** A stored field put back: an earn's lot whole, a purchase's `occurredAt` (`at`, where it was left out). */
function restored(name: string, value: unknown, kind: string, stored: Json): unknown {
  if (kind !== "earn" || name !== "lot" || !isPlain(value) || "wallet" in value) return value;
  return {
    wallet: stored.wallet,
    earnedAt: stored.at,
    availableAt: "availableAt" in value ? value.availableAt : stored.at,
    expiresAt: value.expiresAt,
  };
}

/** An entry row (its columns, `entry` parsed) as the ledger's entry: a compact one put back together. */
export function entryFromRow(stored: Json, memberId: string, seq: number, kind: string, commandKey: string): Entry {
  if ("kind" in stored) return stored as unknown as Entry;
  const fields: [string, unknown][] = [["kind", kind]];
  // A purchase's `occurredAt` was left out only where it followed `amount`: put back there.
  const occurred = kind === "purchase" && !("occurredAt" in stored);
  for (const [name, value] of Object.entries(stored)) {
    if (name === "at") fields.push(["memberId", memberId], ["seq", seq], ["at", value]);
    else if (name === "command") fields.push(["command", { key: commandKey, ...(value as Json) }]);
    else fields.push([name, restored(name, value, kind, stored)]);
    if (occurred && name === "amount") fields.push(["occurredAt", stored.at]);
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
