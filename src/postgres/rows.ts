/**
 * Values across the SQL boundary: which ids PostgreSQL text can hold, how they are ordered, rows
 * decoded into what the port returns, and the idempotency record as statement parameters.
 */
import type { PurchaseSnapshot, RedemptionSnapshot } from "../ledger/snapshot.js";
import type { IdempotencyRecord, MemberRecords, MemberWrite, RecordIds } from "../store/port.js";
import { isStorableText } from "../shared/storable-text.js";
import type { SqlRow } from "./client.js";

// NUL cannot be stored in a PostgreSQL text value, and a lone surrogate would be replaced on the
// way to UTF-8, so that two ids could meet. Such an id is refused (commit) or cannot exist (reads).
export const storable = isStorableText;

export const byId = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);
export const text = (value: unknown): string => {
  if (typeof value !== "string") throw new Error(`PostgreSQL store: expected a text column, got ${typeof value}`);
  return value;
};

/** An idempotency row (`payload_hash`, `result` and `committed_at` as text) as the port returns it. */
export const recordFrom = (key: string, row: SqlRow): IdempotencyRecord => ({
  key,
  payloadHash: text(row.payload_hash),
  result: JSON.parse(text(row.result)) as unknown,
  committedAt: text(row.committed_at),
});

export const idempotencyParams = (programId: string, record: IdempotencyRecord) => [
  programId,
  record.key,
  record.payloadHash,
  JSON.stringify(record.result),
  record.committedAt,
];

/** Record ids to read, as the JSON array of {kind, id} the statements take; null when there are none. */
export function recordKeys(ids: RecordIds | null | undefined): string | null {
  const keys = [
    ...(ids?.purchases ?? []).filter(storable).map((id) => ({ kind: "purchase", id })),
    ...(ids?.redemptions ?? []).filter(storable).map((id) => ({ kind: "redemption", id })),
  ];
  return keys.length === 0 ? null : JSON.stringify(keys);
}

/** The `records` column (a JSON array of [kind, id, record], or null) as the port returns it. */
export function recordsFrom(column: unknown): MemberRecords {
  const purchases: Record<string, PurchaseSnapshot> = Object.create(null) as Record<string, PurchaseSnapshot>;
  const redemptions: Record<string, RedemptionSnapshot> = Object.create(null) as Record<string, RedemptionSnapshot>;
  if (column !== null && column !== undefined)
    for (const [kind, id, record] of JSON.parse(text(column)) as [string, string, unknown][]) {
      if (kind === "purchase") purchases[id] = record as PurchaseSnapshot;
      else redemptions[id] = record as RedemptionSnapshot;
    }
  return { purchases, redemptions };
}

/** A member write's records as the rows the write statement upserts. */
export function recordRows(w: MemberWrite): unknown[] {
  const rows: unknown[] = [];
  for (const [id, record] of Object.entries(w.records?.purchases ?? {}))
    rows.push({ kind: "purchase", id, at: null, cancelled: false, record });
  for (const [id, record] of Object.entries(w.records?.redemptions ?? {}))
    rows.push({ kind: "redemption", id, at: record.at, cancelled: record.cancelled, record });
  return rows;
}
