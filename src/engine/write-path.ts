/**
 * The write path every command takes: validate (the caller), then look up the idempotency key and
 * load the members, run their due work, decide on a LedgerWriter per member, and commit entries,
 * snapshots, stock and the idempotency record in one store call with compare-and-set on each
 * member's version; on a lost race, read again and decide again, a bounded number of times. A
 * recorded key replays its first result instead. Sweeps take `systemWrite`: the same without a key.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
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
import { canonicalJson, sha256Hex } from "../shared/canonical.js";
import { iso } from "../shared/time.js";
import type { MemberRecords, MemberWrite, RecordIds, StockChange } from "../store/port.js";
import { qualifiedIndex, tiersAfterCommand } from "../tiers/review.js";
import type { EngineContext } from "./context.js";
import { dueAtOf, runDueWork } from "./due-work.js";
import { recordedResult, replayResult } from "./replay.js";
import type { Replayable } from "./results.js";
import {
  guard,
  isCommitConflict,
  loadState,
  memberNotFound,
  readForCommand,
  readMoreRecords,
  type LoadedMember,
  type ReadRecords,
} from "./store-calls.js";

/** What a decision returns to the write path: the command's result, and the stock it moves. */
export interface Decided<R> {
  readonly result: Omit<R, "entries">;
  readonly stock?: readonly StockChange[];
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
  const purchases: Record<string, PurchaseSnapshot> = {};
  const redemptions: Record<string, RedemptionSnapshot> = {};
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
function memberWrite(ctx: EngineContext, writer: LedgerWriter, loaded: LoadedMember | null): MemberWrite {
  const records = changedRecords(writer.state, loaded?.read ?? null);
  return {
    memberId: writer.state.memberId,
    expectedVersion: loaded?.version ?? null,
    snapshot: toSnapshot(writer.state),
    entries: writer.entries,
    dueAt: dueAtOf(ctx, writer),
    ...(records ? { records } : {}),
  };
}

/**
 * The write path shared by every command: idempotency, load, decide, commit, retry. `members`
 * are the members the command writes, in the order `decide` gets their writers (each over the
 * member's state with its due work done); `decide` returns the command's result and any stock
 * changes, or throws a LoyaltyError to refuse. Everything commits in one store call.
 */
export async function write<R extends object>(
  ctx: EngineContext,
  type: CommandType,
  raw: unknown,
  key: string,
  members: readonly MemberToWrite[],
  decide: (writers: LedgerWriter[]) => Decided<R> | Promise<Decided<R>>,
): Promise<Replayable<R>> {
  const { program, store, now, newId, maxAttempts, stamp } = ctx;
  const payloadHash = await sha256Hex(canonicalJson({ command: type, input: raw }));
  for (let attempt = 1; attempt <= maxAttempts + 1; attempt++) {
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
      if (prior.payloadHash !== payloadHash) {
        throw new LoyaltyError("IDEMPOTENCY_CONFLICT", messages.idempotencyConflict(key), {
          issues: [{ path: ["key"], message: messages.idempotencyConflict(key) }],
        });
      }
      return { ...(await replayResult<R>(ctx, prior.result)), replayed: true };
    }
    // The extra pass after the last attempt only reads the key: a command that lost its last
    // race to the same key is a replay, not a conflict.
    if (last) break;
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
    }
    const at = now();
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
    writers.forEach((w, i) => tiersAfterCommand(w, program, qualifiedBefore[i]!, type));
    const result = { ...decided.result, entries: writers.flatMap((w) => w.entries) } as unknown as R;
    try {
      await guard(() =>
        store.commit({
          programId: program.id,
          members: writers.map((w, i) => memberWrite(ctx, w, loaded[i] ?? null)),
          idempotency: { key, payloadHash, result: recordedResult(decided.result, writers), committedAt: iso(at) },
          ...(decided.stock && decided.stock.length > 0 ? { stock: decided.stock } : {}),
        }),
      );
      return { ...result, replayed: false };
    } catch (error) {
      if (isCommitConflict(error)) continue; // someone else wrote first: read again, decide again
      throw error;
    }
  }
  const subject = members.map((m) => m.id).join(", ") || key;
  throw new LoyaltyError("CONCURRENCY_CONFLICT", messages.concurrencyConflict(subject, maxAttempts), {
    details: { memberIds: members.map((m) => m.id), attempts: maxAttempts },
  });
}

/** A command on one member: `decide` gets its writer and returns the result. */
export function writeOne<R extends object>(
  ctx: EngineContext,
  type: CommandType,
  raw: unknown,
  key: string,
  memberId: string,
  mustExist: boolean,
  decide: (writer: LedgerWriter) => Omit<R, "entries">,
  records?: RecordIds,
): Promise<Replayable<R>> {
  return write<R>(ctx, type, raw, key, [{ id: memberId, mustExist, ...(records ? { records } : {}) }], ([w]) => ({
    result: decide(w!),
  }));
}

/**
 * System work on one member (a sweep's): decided at `at`, committed without an idempotency
 * record, decided again on a lost race. `decide` says whether there is anything to write; the
 * entries written are returned (none: nothing was due, or another sweep got there first).
 */
export async function systemWrite(
  ctx: EngineContext,
  memberId: string,
  at: number,
  type: "expire" | "reviewTiers" | "convert",
  decide: (writer: LedgerWriter) => boolean,
): Promise<Entry[]> {
  const { program, store, newId, maxAttempts, stamp } = ctx;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const loaded = await loadState(ctx, memberId);
    if (!loaded) return [];
    const writer = LedgerWriter.adopting(loaded.state, {
      now: at,
      newId,
      command: { key: `${type}@${iso(at)}`, type },
      ...(stamp ? { stamp } : {}),
    });
    if (!decide(writer)) return [];
    try {
      await guard(() =>
        store.commit({
          programId: program.id,
          members: [memberWrite(ctx, writer, loaded)],
          idempotency: null,
        }),
      );
      return [...writer.entries];
    } catch (error) {
      if (isCommitConflict(error)) continue;
      throw error;
    }
  }
  throw new LoyaltyError("CONCURRENCY_CONFLICT", messages.concurrencyConflict(memberId, maxAttempts), {
    details: { memberId, attempts: maxAttempts },
  });
}
