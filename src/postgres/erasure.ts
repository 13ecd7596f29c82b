/**
 * An erasure's part of a commit (port.ts `MemberErasure`), inside the commit's transaction, after
 * the erased member's statement (whose compare-and-set guards it): the stored entries it names get
 * their redacted JSON, and the idempotency records of the member's commands the erased hash.
 *
 * Nothing is cached to go stale: the layout cache (layout.ts) keeps lot rows and purchase records,
 * which hold no personal data, and the member row's snapshot is read afresh by every load. The
 * rows' old versions stay in the table's pages until VACUUM reclaims them (and in WAL and backups
 * for their retention): docs/members.md says what to run.
 */
import { ERASED_PAYLOAD_HASH, type CommitBatch } from "../store/port.js";
import type { SqlQueryable } from "./client.js";
import type { CommitContext } from "./context.js";
import { storedEntry } from "./compact.js";

export async function writeErasure(ctx: CommitContext, tx: SqlQueryable, batch: CommitBatch): Promise<void> {
  const erasure = batch.erasure;
  if (erasure === undefined) return;
  const p = batch.programId;
  if (erasure.entries.length > 0) {
    // A redaction only removes text from a stored entry: what PostgreSQL held it holds again.
    // Stored as a commit stores entries (compact.ts); a row written whole before gets the compact form.
    const rows = erasure.entries.map((e) => ({ m: e.memberId, s: e.seq, e: storedEntry(e, e.memberId) }));
    const { rows: replaced } = await tx.query(ctx.sql.eraseEntries, [p, JSON.stringify(rows)]);
    // Every entry named must have been stored: fewer rows back means the erasure was planned on
    // another history (the transaction is rolled back, nothing written).
    if (replaced.length !== erasure.entries.length) throw new Error("PostgreSQL store: erasure of unknown entries");
  }
  if (erasure.idempotencyKeys.length > 0)
    await tx.query(ctx.sql.eraseKeys, [p, JSON.stringify(erasure.idempotencyKeys), ERASED_PAYLOAD_HASH]);
  await ctx.faults?.("erasure");
}
