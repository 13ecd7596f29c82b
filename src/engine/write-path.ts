/**
 * The write path every command takes: validate (the caller), then look up the idempotency key and
 * load the members, run their due work, decide on a LedgerWriter per member, and commit entries,
 * snapshots, stock and the idempotency record in one store call with compare-and-set on each
 * member's version; on a lost race, read again and decide again, a bounded number of times. A
 * recorded key replays its first result instead. Sweeps take `systemWrite`: the same without a key.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { eventsOf } from "../events/derive.js";
import { messages } from "../errors/messages.js";
import type { CommandType, Entry } from "../ledger/entries.js";
import {
  purchaseSnapshot,
  redemptionSnapshot,
  toSnapshot,
  type PurchaseSnapshot,
  type RedemptionSnapshot,
} from "../ledger/snapshot.js";
import type { MemberView } from "../ledger/state.js";
import { LedgerWriter } from "../ledger/writer.js";
import { canonicalJson, sha256Hex, sha256HexSync } from "../shared/canonical.js";
import { Decimal } from "../shared/decimal.js";
import { idKeyed } from "../shared/id-keyed.js";
import { iso } from "../shared/time.js";
import { backoff } from "./backoff.js";
import {
  ERASED_PAYLOAD_HASH,
  type CommitBatch,
  type MemberErasure,
  type MemberRecords,
  type MemberWrite,
  type OutboxEvent,
  type PurchaseClaim,
  type RecordIds,
  type StockChange,
} from "../store/port.js";
import { qualifiedIndex, tiersAfterCommand } from "../tiers/review.js";
import { convertMilestones } from "../accrual/milestones.js";
import type { EngineContext } from "./context.js";
import { dueAtOf, runDueWork } from "./due-work.js";
import { memberIndexOf } from "./member-index.js";
import { recordedResult, replayResult } from "./replay.js";
import type { Replayable } from "./results.js";
import {
  guard,
  isCommitConflict,
  isOutcomeUnknown,
  loadState,
  memberNotFound,
  readForCommand,
  readMoreRecords,
  type LoadedMember,
  type ReadRecords,
  withLedgerIndex,
} from "./store-calls.js";

/**
 * A command's payload: as the caller sent it (`raw`) and as its schema parsed it (`parsed`). The
 * idempotency key's record keeps the hash of the parsed payload with its amounts written the one
 * way (`payloadText`), so "10", "10.0" and "10.00" are the same command; a record written before
 * (the hash of the raw payload) still matches a retry sent as it was.
 */
export interface Payload {
  readonly raw: unknown;
  readonly parsed: object;
}

/** Fields that hold a decimal amount in some command; attributes (the caller's own values) are never read. */
const AMOUNT_FIELDS = new Set(["amount", "points", "orderAmount", "paidWithPoints"]);

/**
 * An amount already written the one way (no leading zero, no trailing fractional zero, not -0):
 * `new Decimal(text).toFixed()` gives it back unchanged, so the hash needs no Decimal for it.
 */
const NORMAL_AMOUNT = /^(?:0|-?[1-9]\d*(?:\.\d*[1-9])?|-?0\.\d*[1-9])$/;

/** An amount in its one form for the hash: `10.00` as `10`. */
export const normalAmount = (text: string) => (NORMAL_AMOUNT.test(text) ? text : new Decimal(text).toFixed());

/** The parsed payload with its amounts normalised (`10.00` as `10`), for the hash. */
function normalised(value: unknown, field = ""): unknown {
  if (typeof value === "string") return AMOUNT_FIELDS.has(field) ? normalAmount(value) : value;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => normalised(item));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === "attributes" ? v : normalised(v, k);
  return out;
}

/** The hash earlier versions took, of the raw payload; "" if the raw payload cannot be read again. */
async function legacyHash(type: CommandType, raw: unknown): Promise<string> {
  try {
    return await sha256Hex(canonicalJson({ command: type, input: raw }));
  } catch {
    return "";
  }
}

/** The text a payload's hash is taken of. */
export const payloadText = (type: CommandType, parsed: object): string =>
  canonicalJson({ command: type, input: normalised(parsed) });

/** What a decision returns to the write path: the command's result, the stock it moves, the purchase ids it claims. */
export interface Decided<R> {
  readonly result: Omit<R, "entries">;
  readonly stock?: readonly StockChange[];
  readonly purchaseClaims?: readonly PurchaseClaim[];
  /** An erasure's rewrites of stored entries and idempotency hashes (eraseMember only). */
  readonly erasure?: MemberErasure;
}

/** A member a command writes: whether it must exist, the command field that names it, the records it reads. */
export interface MemberToWrite {
  readonly id: string;
  readonly mustExist: boolean;
  readonly field?: string;
  /** Records the command names (a refund's purchase, a duplicate check's id). */
  readonly records?: RecordIds;
  /** Records the command needs once it has read the first ones (a cancellation: its redemption's purchases). */
  readonly moreRecords?: (state: MemberView) => RecordIds;
}

/**
 * The records a commit writes: those the command made or changed. The fold replaces a record it
 * changes (records are values), so a record that is no longer the one read has changed. A member
 * read from a snapshot of format 1 writes every record it holds: they move to their rows.
 */
function changedRecords(state: MemberView, read: ReadRecords | null): MemberRecords | undefined {
  const changed = <T>(now: T, before: T | undefined) => read === null || read.all || before !== now;
  const purchases = idKeyed<PurchaseSnapshot>();
  const redemptions = idKeyed<RedemptionSnapshot>();
  let any = false;
  for (const [id, p] of Object.entries(state.purchases)) {
    if (!changed(p, read?.purchases.get(id))) continue;
    purchases[id] = purchaseSnapshot(p);
    any = true;
  }
  for (const [id, r] of Object.entries(state.redemptions)) {
    if (!changed(r, read?.redemptions.get(id))) continue;
    redemptions[id] = redemptionSnapshot(r);
    any = true;
  }
  return any ? { purchases, redemptions } : undefined;
}

/** What a decision commits for its member: the new entries, snapshot, due instant and changed records. */
export function memberWrite(ctx: EngineContext, writer: LedgerWriter, loaded: LoadedMember | null): MemberWrite {
  const records = changedRecords(writer.state, loaded?.read ?? null);
  // Only a store that keeps the index gets one: its spend series builds on the one it returns.
  const index = ctx.store.capabilities.listing
    ? memberIndexOf(ctx.program, writer.state, loaded?.index ?? null, writer.entries)
    : undefined;
  return {
    memberId: writer.state.memberId,
    expectedVersion: loaded?.version ?? null,
    snapshot: toSnapshot(writer.state),
    entries: writer.entries,
    dueAt: dueAtOf(ctx, writer),
    ...(records ? { records } : {}),
    ...(index ? { index } : {}),
  };
}

/**
 * The outbox events a commit carries, for a store that keeps an outbox: those of its entries
 * (events/derive.ts), then any notices. Nothing for a store without `capabilities.events`.
 */
function outbox(
  ctx: EngineContext,
  entries: readonly Entry[],
  notices: readonly OutboxEvent[] = [],
): Pick<CommitBatch, "events"> {
  if (!ctx.store.capabilities.events) return {};
  const events = [...eventsOf(entries), ...notices];
  return events.length > 0 ? { events } : {};
}

/**
 * The write path shared by every command: idempotency, load, decide, commit, retry. `members`
 * are the members the command writes, in the order `decide` gets their writers (each over the
 * member's state with its due work done); `decide` returns the command's result and any stock
 * changes, or throws a LoyaltyError to refuse. Everything commits in one store call.
 */
export function write<R extends object>(
  ctx: EngineContext,
  type: CommandType,
  payload: Payload,
  key: string,
  members: readonly MemberToWrite[],
  decide: (writers: LedgerWriter[]) => Decided<R> | Promise<Decided<R>>,
  check?: (at: number) => void,
): Promise<Replayable<R>> {
  // In this process, a command waits for those before it on its members (member-queue.ts).
  return ctx.queue.run(
    ctx.program.id,
    members.map((m) => m.id),
    () => writeInTurn(ctx, type, payload, key, members, decide, check),
  );
}

async function writeInTurn<R extends object>(
  ctx: EngineContext,
  type: CommandType,
  payload: Payload,
  key: string,
  members: readonly MemberToWrite[],
  decide: (writers: LedgerWriter[]) => Decided<R> | Promise<Decided<R>>,
  check?: (at: number) => void,
): Promise<Replayable<R>> {
  const { program, store, now, newId, maxAttempts, stamp } = ctx;
  const payloadHash = sha256HexSync(payloadText(type, payload.parsed));
  for (let attempt = 1; attempt <= maxAttempts + 1; attempt++) {
    if (attempt > 1) await backoff(attempt);
    // The members and the key at one instant (one read, where the store offers it), else the
    // members first, then the key: either way a commit whose effect the members show is visible
    // to the key read, so a delivery that loses the race to its own key replays it rather than
    // failing on its own effect (DUPLICATE_PURCHASE, MEMBER_EXISTS).
    const last = attempt > maxAttempts;
    const { loaded, prior } = await readForCommand(
      ctx,
      last ? [] : members.map((m) => m.id),
      key,
      last ? [] : members.map((m) => m.records ?? null),
    );
    if (prior) {
      if (prior.payloadHash !== payloadHash && prior.payloadHash !== (await legacyHash(type, payload.raw))) {
        // A key of an erased member's command matches no payload any more (port.ts ERASED_PAYLOAD_HASH).
        const message =
          prior.payloadHash === ERASED_PAYLOAD_HASH
            ? messages.idempotencyErased(key)
            : messages.idempotencyConflict(key);
        throw new LoyaltyError("IDEMPOTENCY_CONFLICT", message, { issues: [{ path: ["key"], message }] });
      }
      return { ...(await replayResult<R>(ctx, prior.result)), replayed: true };
    }
    // The extra pass after the last attempt only reads the key: a command that lost its last
    // race to the same key is a replay, not a conflict.
    if (last) break;
    const at = now();
    // Checks against the program and the clock come after the key's lookup: a recorded command
    // replays whatever changed since (the clock, the catalogue); only its schema is checked first.
    check?.(at);
    members.forEach((m, i) => {
      if (!loaded[i] && m.mustExist) throw memberNotFound(m.id, m.field);
      if (loaded[i] && !m.mustExist)
        throw new LoyaltyError("MEMBER_EXISTS", messages.memberExists(m.id), {
          issues: [{ path: [m.field ?? "memberId"], message: messages.memberExists(m.id) }],
        });
    });
    for (const [i, m] of members.entries()) {
      const read = loaded[i];
      if (read && m.moreRecords) loaded[i] = await readMoreRecords(ctx, read, m.moreRecords(read.state));
      if (loaded[i]) loaded[i] = await withLedgerIndex(ctx, loaded[i]);
    }
    // Each writer adopts its member's freshly decoded state. Tiers judge what the command itself
    // did (a refund's demotion), so they note the tier the member qualified for after the due
    // work, before the command.
    const qualifiedBefore: (number | null)[] = [];
    const writers = members.map((m, i) => {
      const writerContext = { now: at, newId, command: { key, type }, ...(stamp ? { stamp } : {}) };
      const w = loaded[i]
        ? LedgerWriter.adopting(loaded[i].state, writerContext)
        : LedgerWriter.forNewMember(m.id, writerContext);
      if (loaded[i]) runDueWork(ctx, w);
      qualifiedBefore.push(loaded[i] && program.tiers !== null ? qualifiedIndex(program, w.state, at) : null);
      return w;
    });
    const decided = await decide(writers);
    // Milestones first, so a gold key chain made by this command counts for the tier it brings.
    writers.forEach((w) => convertMilestones(w, program));
    writers.forEach((w, i) => tiersAfterCommand(w, program, qualifiedBefore[i]!, type));
    const result = { ...decided.result, entries: writers.flatMap((w) => w.entries) } as unknown as R;
    try {
      await guard(() =>
        store.commit({
          programId: program.id,
          members: writers.map((w, i) => memberWrite(ctx, w, loaded[i] ?? null)),
          idempotency: { key, payloadHash, result: recordedResult(decided.result, writers), committedAt: iso(at) },
          ...(decided.stock && decided.stock.length > 0 ? { stock: decided.stock } : {}),
          ...(decided.purchaseClaims && decided.purchaseClaims.length > 0
            ? { purchaseClaims: decided.purchaseClaims }
            : {}),
          ...outbox(
            ctx,
            writers.flatMap((w) => w.entries),
          ),
          ...(decided.erasure ? { erasure: decided.erasure } : {}),
        }),
      );
      return { ...result, replayed: false };
    } catch (error) {
      if (isCommitConflict(error)) continue; // someone else wrote first: read again, decide again
      if (isOutcomeUnknown(error)) return settleUnknown<R>(ctx, key, payloadHash, error);
      throw error;
    }
  }
  const subject = members.map((m) => m.id).join(", ") || key;
  throw new LoyaltyError("CONCURRENCY_CONFLICT", messages.concurrencyConflict(subject, maxAttempts), {
    details: { memberIds: members.map((m) => m.id), attempts: maxAttempts },
  });
}

/**
 * A commit whose reply was lost: if the key's record can be read and is this command's, it was
 * written, and its result is returned as a replay would return it. Otherwise the outcome stays
 * unknown (a record not found yet may still land: the server may not have finished with the lost
 * connection), and so says the error: retry with the same key.
 */
async function settleUnknown<R extends object>(
  ctx: EngineContext,
  key: string,
  payloadHash: string,
  lost: Error,
): Promise<Replayable<R>> {
  try {
    const record = await ctx.store.getIdempotency(ctx.program.id, key);
    if (record !== null && record.payloadHash === payloadHash)
      return { ...(await replayResult<R>(ctx, record.result)), replayed: false };
  } catch {
    // The store is still unreachable: the outcome stays unknown.
  }
  throw new LoyaltyError("OUTCOME_UNKNOWN", messages.outcomeUnknown(key, lost.message), {
    cause: lost,
    details: { key },
  });
}

/** A command on one member: `decide` gets its writer and returns the result. */
export function writeOne<R extends object>(
  ctx: EngineContext,
  type: CommandType,
  payload: Payload,
  key: string,
  memberId: string,
  mustExist: boolean,
  decide: (writer: LedgerWriter) => Omit<R, "entries">,
  options: { readonly records?: RecordIds | undefined; readonly check?: (at: number) => void } = {},
): Promise<Replayable<R>> {
  const { records, check } = options;
  return write<R>(
    ctx,
    type,
    payload,
    key,
    [{ id: memberId, mustExist, ...(records ? { records } : {}) }],
    ([w]) => ({ result: decide(w!) }),
    check,
  );
}

/**
 * System work on one member (a sweep's): decided at `at`, committed without an idempotency
 * record, decided again on a lost race. `decide` says whether there is anything to write (true,
 * or the notices to write with the entries: a notice alone is a commit too); the entries written
 * are returned (none: nothing was due, or another sweep got there first).
 */
export function systemWrite(
  ctx: EngineContext,
  memberId: string,
  at: number,
  type: "expire" | "reviewTiers" | "convert",
  decide: (writer: LedgerWriter) => boolean | readonly OutboxEvent[],
): Promise<Entry[]> {
  return ctx.queue.run(ctx.program.id, [memberId], () => systemWriteInTurn(ctx, memberId, at, type, decide));
}

async function systemWriteInTurn(
  ctx: EngineContext,
  memberId: string,
  at: number,
  type: "expire" | "reviewTiers" | "convert",
  decide: (writer: LedgerWriter) => boolean | readonly OutboxEvent[],
): Promise<Entry[]> {
  const { program, store, newId, maxAttempts, stamp } = ctx;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await backoff(attempt);
    const read = await loadState(ctx, memberId);
    if (!read) return [];
    const loaded = await withLedgerIndex(ctx, read);
    const writer = LedgerWriter.adopting(loaded.state, {
      now: at,
      newId,
      command: { key: `${type}@${iso(at)}`, type },
      ...(stamp ? { stamp } : {}),
    });
    const decided = decide(writer);
    const notices = typeof decided === "boolean" ? [] : decided;
    if (decided === false || (decided !== true && notices.length === 0 && writer.entries.length === 0)) return [];
    try {
      await guard(() =>
        store.commit({
          programId: program.id,
          members: [memberWrite(ctx, writer, loaded)],
          idempotency: null,
          ...outbox(ctx, writer.entries, notices),
        }),
      );
      return [...writer.entries];
    } catch (error) {
      if (isCommitConflict(error)) continue;
      // System work has no key: running it again is safe (a lot cannot expire twice), so say so.
      if (isOutcomeUnknown(error))
        throw new LoyaltyError("OUTCOME_UNKNOWN", messages.outcomeUnknown(`${type}@${iso(at)}`, error.message), {
          cause: error,
          details: { memberId },
        });
      throw error;
    }
  }
  throw new LoyaltyError("CONCURRENCY_CONFLICT", messages.concurrencyConflict(memberId, maxAttempts), {
    details: { memberId, attempts: maxAttempts },
  });
}
