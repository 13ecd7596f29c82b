/**
 * The memory store's part of an erasure (port.ts `MemberErasure`): stored entries replaced by their
 * redacted form, idempotency records given the erased hash, each step logged for undo like the
 * rest of a commit. Apart from memory.ts so that the store's file stays about committing.
 */
import type { Entry } from "../ledger/entries.js";
import { frozen } from "../shared/frozen.js";
import { ERASED_PAYLOAD_HASH, type IdempotencyRecord, type MemberErasure } from "./port.js";

/** The tables an erasure rewrites, keyed as the memory store keys them. */
export interface ErasureTables {
  readonly entries: Map<string, Entry[]>;
  readonly idempotency: Map<string, string>;
  readonly key: (programId: string, id: string) => string;
}

/** Refuses (before anything is written) an erasure naming an entry the store does not hold. */
export function checkErasure(tables: ErasureTables, programId: string, erasure: MemberErasure): void {
  for (const e of erasure.entries) {
    const stored = tables.entries.get(tables.key(programId, e.memberId))?.[e.seq - 1];
    if (stored === undefined || stored.seq !== e.seq || stored.kind !== e.kind || stored.id !== e.id)
      throw new Error(`memory store: erasure names entry ${e.seq} of member ${e.memberId}, which is not stored`);
  }
}

export function applyErasure(
  tables: ErasureTables,
  programId: string,
  erasure: MemberErasure,
  undo: (() => void)[],
): void {
  for (const e of erasure.entries) {
    const log = tables.entries.get(tables.key(programId, e.memberId))!;
    const previous = log[e.seq - 1]!;
    log[e.seq - 1] = frozen(e);
    undo.push(() => (log[e.seq - 1] = previous));
  }
  for (const key of erasure.idempotencyKeys) {
    const k = tables.key(programId, key);
    const previous = tables.idempotency.get(k);
    if (previous === undefined) continue;
    const record = JSON.parse(previous) as IdempotencyRecord;
    tables.idempotency.set(k, JSON.stringify({ ...record, payloadHash: ERASED_PAYLOAD_HASH }));
    undo.push(() => tables.idempotency.set(k, previous));
  }
}
