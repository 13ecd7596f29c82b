/**
 * The store's commit: one transaction, with the command's idempotency record in it:
 * - One member (most commands): one statement, which PostgreSQL runs as a transaction of
 *   its own. It compare-and-sets the member row (a new member: `INSERT ... ON CONFLICT DO NOTHING`;
 *   an existing one: `UPDATE ... WHERE version = expected`), and only if that took, appends the
 *   entries, brings the lot rows in line with the snapshot and inserts the idempotency record.
 *   No member row back means someone else wrote first: `CommitConflict("version")`, nothing
 *   written. A duplicate idempotency key fails the statement (23505), so nothing of it remains:
 *   `CommitConflict("idempotency")`. One round trip per commit.
 * - Two members or more (a transfer, a referral), or any stock change (a redemption, a
 *   cancellation, a restock): BEGIN; lock the members' rows (`SELECT ... FOR UPDATE`, ascending
 *   member id) so that two commands on the same pair queue instead of deadlocking; the same
 *   statement per member, in ascending member id, the idempotency record with the last; then each
 *   stock change in ascending reward id, an upsert that refuses to go below zero (no row back, or
 *   the CHECK failing on a first insert: `CommitConflict("stock")`); COMMIT. Members before stock,
 *   each in a fixed order: two commits cannot wait on each other in a cycle.
 * - Outbox events go into the last member's statement, like the idempotency record, each with its
 *   place in the batch; the row's xid is the transaction's own (src/postgres/events.ts).
 * - An erasure (`CommitBatch.erasure`) takes the transaction too: its rewrites of stored entries
 *   and idempotency hashes after the member's statement (erasure.ts).
 * - Purchase claims (a program with `purchases.uniqueAcrossMembers`) also take the transaction:
 *   after the stock, each claim in ascending purchase id, an upsert that returns no row when
 *   another member holds the id (`CommitConflict("purchase")`).
 *
 * Under READ COMMITTED (the default) a compare-and-set that meets a concurrent writer waits for it,
 * then re-reads the row and finds the new version, so two commits on one member never both land.
 * Serialisation failures (40001: under SERIALIZABLE, or on CockroachDB) and deadlocks (40P01) are
 * retried a bounded number of times with jittered back-off: nothing of the failed try remains. Any
 * other error is rethrown, with nothing written.
 */
import { CommitConflict, CommitOutcomeUnknown, type CommitBatch, type MemberWrite } from "../store/port.js";
import type { SqlQueryable } from "./client.js";
import type { CommitContext } from "./context.js";
import { certainlyNotWritten, isIdempotencyViolation, isTransientPostgresError } from "./errors.js";
import { rowSnapshot, splittable, type MemberLayout } from "./layout.js";
import { eventRows } from "./events.js";
import { planLots } from "./lot-plan.js";
import { loadMember } from "./reads.js";
import { byId, idempotencyParams, recordRows, storable, text } from "./rows.js";
import { stockViolation, writeStockChanges } from "./stock.js";
import { writeErasure } from "./erasure.js";
import { storedEntry } from "./compact.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function commitBatch(ctx: CommitContext, batch: CommitBatch): Promise<void> {
  const ids = [
    batch.programId,
    ...batch.members.map((m) => m.memberId),
    ...(batch.idempotency ? [batch.idempotency.key] : []),
    ...(batch.stock ?? []).map((c) => c.rewardId),
    ...(batch.purchaseClaims ?? []).map((c) => c.purchaseId),
  ];
  const bad = ids.find((id) => !storable(id));
  if (bad !== undefined)
    throw new Error(
      `PostgreSQL store: the id ${JSON.stringify(bad)} contains NUL or a lone surrogate, which PostgreSQL text cannot hold.`,
    );
  const writes = [...batch.members].sort((a, b) => byId(a.memberId, b.memberId));
  // One member (most commands): one statement, which is a transaction of its own. With
  // `faults` it runs inside BEGIN ... COMMIT, so that a test can fail the commit after the write.
  const single =
    writes.length === 1 &&
    ctx.faults === undefined &&
    (batch.stock ?? []).length === 0 &&
    (batch.purchaseClaims ?? []).length === 0 &&
    batch.erasure === undefined;
  for (let attempt = 0; ; attempt++) {
    // Whether the commit may have reached the server: the single statement once sent, a
    // transaction once its work is done and COMMIT is on its way. A failure before that wrote
    // nothing, whatever it was (a transaction that never commits is rolled back).
    let committing = false;
    const landed: (() => void)[] = [];
    try {
      if (single) {
        const w = writes[0]!;
        const prepared = await prepareMember(ctx, ctx.client, batch.programId, w, batch, landed);
        committing = true;
        await writeMember(ctx, ctx.client, batch.programId, w, prepared);
      } else
        await ctx.client.transaction(async (tx) => {
          await writeBatch(ctx, tx, batch, writes, landed);
          committing = true;
        });
      for (const remember of landed) remember();
      return;
    } catch (error) {
      if (error instanceof CommitConflict) throw error;
      if (committing && !certainlyNotWritten(error))
        throw new CommitOutcomeUnknown(error instanceof Error ? error.message : String(error), { cause: error });
      if (isIdempotencyViolation(error) && batch.idempotency)
        throw new CommitConflict("idempotency", batch.idempotency.key);
      const stockShort = stockViolation(error, batch);
      if (stockShort !== null) throw new CommitConflict("stock", stockShort);
      if (!isTransientPostgresError(error) || attempt >= ctx.maxRetries) throw error;
      await sleep(Math.random() * 2 ** (attempt + 1));
    }
  }
}

async function writeBatch(
  ctx: CommitContext,
  tx: SqlQueryable,
  batch: CommitBatch,
  writes: readonly MemberWrite[],
  landed: (() => void)[],
): Promise<void> {
  const p = batch.programId;
  if (writes.length > 1) {
    const existing = writes.filter((w) => w.expectedVersion !== null).map((w) => w.memberId);
    if (existing.length > 0) {
      const { rows } = await tx.query(ctx.sql.lockMembers, [p, JSON.stringify(existing)]);
      const versions = new Map(rows.map((r) => [text(r.member_id), Number(text(r.version))]));
      for (const w of writes)
        if (w.expectedVersion !== null && versions.get(w.memberId) !== w.expectedVersion)
          throw new CommitConflict("version", w.memberId);
      await ctx.faults?.("lock");
    }
  }
  // The idempotency record and the events go with the last member's statement (the record alone,
  // for a batch of none: a batch with events names members).
  if (writes.length === 0 && (batch.events ?? []).length > 0)
    throw new Error("PostgreSQL store: a commit's events must name its members, and this commit has none");
  for (const [i, w] of writes.entries()) {
    const last = i === writes.length - 1 ? batch : null;
    await writeMember(ctx, tx, p, w, await prepareMember(ctx, tx, p, w, last, landed));
    await ctx.faults?.("member");
  }
  if (writes.length === 0 && batch.idempotency !== null) {
    await tx.query(ctx.sql.insertIdempotency, idempotencyParams(p, batch.idempotency));
    await ctx.faults?.("idempotency");
  }
  await writeErasure(ctx, tx, batch);
  await writeStockChanges(ctx, tx, batch);
  await writePurchaseClaims(ctx, tx, batch);
}

/** The batch's purchase claims, in ascending purchase id; one another member holds refuses the commit. */
async function writePurchaseClaims(ctx: CommitContext, tx: SqlQueryable, batch: CommitBatch): Promise<void> {
  for (const c of [...(batch.purchaseClaims ?? [])].sort((a, b) => byId(a.purchaseId, b.purchaseId))) {
    const { rows } = await tx.query(ctx.sql.claimPurchase, [batch.programId, c.purchaseId, c.memberId]);
    if (rows.length === 0) throw new CommitConflict("purchase", c.purchaseId);
    await ctx.faults?.("claim");
  }
}

/**
 * One member's writes in one statement: compare-and-set on the member row, then, only if that
 * took, the entries, the lot rows and the idempotency record (whose duplicate key fails the whole
 * statement with 23505: the caller turns that into CommitConflict). `prepared`: the statement and
 * its parameters (`prepareMember`), made before anything is sent.
 */
async function writeMember(
  ctx: CommitContext,
  queryable: SqlQueryable,
  programId: string,
  member: MemberWrite,
  prepared: PreparedMember,
): Promise<void> {
  const { rows } = await queryable.query(prepared.statement, prepared.params);
  const row = rows[0];
  if (Number(text(row?.member)) !== 1) throw new CommitConflict("version", member.memberId);
  if (Number(text(row?.entries)) !== member.entries.length)
    throw new Error(
      `PostgreSQL store: wrote ${String(row?.entries)} of ${member.entries.length} entries of member ${member.memberId}`,
    );
  prepared.landed.push(() =>
    ctx.layouts.set(programId, member.memberId, prepared.layout((member.expectedVersion ?? 0) + 1)),
  );
}

interface PreparedMember {
  readonly statement: string;
  readonly params: unknown[];
  readonly layout: (version: number) => MemberLayout;
  /** What to remember once the commit has landed (the layout at the new version). */
  readonly landed: (() => void)[];
}

/**
 * The statement that writes `member` and its parameters, with the idempotency record and the
 * events of `batch` when it is given (the last member's statement). The lot rows to write follow the layout
 * read at the expected version (layout.ts); when this store has not read the member at that
 * version, it reads it now (a version that moved meanwhile: the compare-and-set would fail, so
 * it fails here, having written nothing).
 */
async function prepareMember(
  ctx: CommitContext,
  queryable: SqlQueryable,
  programId: string,
  member: MemberWrite,
  batch: CommitBatch | null,
  landed: (() => void)[],
): Promise<PreparedMember> {
  const record = batch?.idempotency ?? null;
  let known: MemberLayout | undefined;
  if (member.expectedVersion !== null) {
    known = ctx.layouts.get(programId, member.memberId);
    if (known?.version !== member.expectedVersion) {
      await loadMember({ ...ctx, client: queryable }, programId, member.memberId);
      known = ctx.layouts.get(programId, member.memberId);
      if (known?.version !== member.expectedVersion) throw new CommitConflict("version", member.memberId);
    }
  }
  const split = splittable(member.snapshot);
  const lots = planLots(member, known, split);
  const records = recordRows(member);
  for (const [id, p] of Object.entries(lots.purchases))
    records.push({ kind: "purchase", id, at: null, cancelled: false, record: p });
  const params: unknown[] = [
    programId,
    member.memberId,
    rowSnapshot(member.snapshot, split),
    member.dueAt === null ? null : String(member.dueAt),
    JSON.stringify(
      member.entries.map((e) => ({ s: e.seq, k: e.kind, c: e.command.key, e: storedEntry(e, member.memberId) })),
    ),
    JSON.stringify(lots.upsert),
    lots.remove,
    JSON.stringify(records),
    lots.full,
    split,
    eventRows(batch?.events ?? [], batch?.members ?? []),
    member.index === undefined ? null : JSON.stringify(member.index),
    member.index?.tier ?? null,
    member.index?.lastPurchaseAt == null ? null : String(member.index.lastPurchaseAt),
    JSON.stringify(member.index?.segments ?? []),
  ];
  if (member.expectedVersion !== null) params.push(String(member.expectedVersion));
  if (record !== null) params.push(...idempotencyParams(programId, record).slice(1));
  const statement =
    ctx.sql.writeMember[member.expectedVersion === null ? "insert" : "update"][
      record === null ? "plain" : "withIdempotency"
    ];
  return { statement, params, layout: lots.next, landed };
}
