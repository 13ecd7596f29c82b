/**
 * The engine's calls to its store and how their failures surface: a store's own error becomes
 * STORE_FAILURE (a LoyaltyError or a CommitConflict passes through as it is), a member that is not
 * there MEMBER_NOT_FOUND. Members come back decoded into their live state.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { fromSnapshot, isLegacySnapshot, purchaseFromSnapshot, redemptionFromSnapshot } from "../ledger/snapshot.js";
import type { MemberState, PurchaseRecord, RedemptionRecord } from "../ledger/state.js";
import type { CompiledReward } from "../program/compile.js";
import {
  CommitConflict,
  CommitOutcomeUnknown,
  type IdempotencyRecord,
  type MemberIndex,
  type MemberRecords,
  type RecordIds,
  type StoredMember,
} from "../store/port.js";
import { stockLeftFrom } from "../store/stock.js";
import type { Entry } from "../ledger/entries.js";
import { memberIndexOf } from "./member-index.js";
import type { EngineContext } from "./context.js";

export async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof LoyaltyError || isCommitConflict(error) || isOutcomeUnknown(error)) throw error;
    throw new LoyaltyError(
      "STORE_FAILURE",
      messages.storeFailure(error instanceof Error ? error.message : String(error)),
      { cause: error },
    );
  }
}

/** By name as well as class: a store bundled with another copy of the library throws its own class. */
export function isCommitConflict(error: unknown): error is CommitConflict {
  return error instanceof CommitConflict || (error instanceof Error && error.name === "CommitConflict");
}

export function isOutcomeUnknown(error: unknown): error is CommitOutcomeUnknown {
  return error instanceof CommitOutcomeUnknown || (error instanceof Error && error.name === "CommitOutcomeUnknown");
}

/**
 * A member as the store holds it: its state, freshly decoded (a writer may adopt it), the version a
 * commit must expect, and the records as read (by id; the fold replaces a record it changes, so a
 * commit writes the records that are no longer these: see `changedRecords` in write-path.ts).
 */
export interface LoadedMember {
  readonly state: MemberState;
  readonly version: number;
  readonly read: ReadRecords;
  /** The index committed with the member (stores with `capabilities.listing`); null when none. */
  readonly index: MemberIndex | null;
}

/** The records a state held when it was read; `all`: a snapshot of format 1, whose every record is still to write to its row. */
export interface ReadRecords {
  readonly purchases: ReadonlyMap<string, PurchaseRecord>;
  readonly redemptions: ReadonlyMap<string, RedemptionRecord>;
  readonly all: boolean;
}

/** `field`: the command's field that named the member (fromMemberId, referredId, ...). */
export function memberNotFound(memberId: string, field = "memberId"): LoyaltyError {
  return new LoyaltyError("MEMBER_NOT_FOUND", messages.memberNotFound(memberId), {
    issues: [{ path: [field], message: messages.memberNotFound(memberId) }],
  });
}

export async function loadState(ctx: EngineContext, memberId: string): Promise<LoadedMember | null> {
  const { program, store } = ctx;
  return decoded(await guard(() => store.loadMember(program.id, memberId)));
}

export async function loadKnown(ctx: EngineContext, memberId: string): Promise<MemberState> {
  const loaded = await loadState(ctx, memberId);
  if (!loaded) throw memberNotFound(memberId);
  return loaded.state;
}

/** Decodes a stored member, with `records` read from its record rows added to its state. */
function decoded(stored: StoredMember | null, records?: MemberRecords): LoadedMember | null {
  if (!stored) return null;
  const state = fromSnapshot(stored.snapshot);
  if (records) addRecords(state, records);
  return {
    state,
    version: stored.version,
    read: recordsRead(state, isLegacySnapshot(stored.snapshot)),
    index: stored.index ?? null,
  };
}

/** The records `state` holds now, as read (see ReadRecords). */
const recordsRead = (state: MemberState, all: boolean): ReadRecords => ({
  purchases: new Map(Object.entries(state.purchases)),
  redemptions: new Map(Object.entries(state.redemptions)),
  all,
});

/** Adds records read from rows to a state; a record the snapshot holds already (an open purchase's) is the same, and stays. */
export function addRecords(state: MemberState, records: MemberRecords): void {
  for (const [id, p] of Object.entries(records.purchases)) state.purchases[id] ??= purchaseFromSnapshot(id, p);
  for (const [id, r] of Object.entries(records.redemptions)) state.redemptions[id] ??= redemptionFromSnapshot(id, r);
}

const noRecords = (ids: RecordIds | null | undefined) =>
  !ids || (ids.purchases.length === 0 && ids.redemptions.length === 0);

/**
 * The members a command writes (null: not enrolled), with the records it names (`records`, per
 * member: a refund's purchase, a cancellation's redemption), and the record of its key.
 */
export async function readForCommand(
  ctx: EngineContext,
  memberIds: readonly string[],
  key: string,
  records: readonly (RecordIds | null)[] = [],
): Promise<{ loaded: (LoadedMember | null)[]; prior: IdempotencyRecord | null }> {
  const { program, store } = ctx;
  const wanted = records.some((ids) => !noRecords(ids)) ? memberIds.map((_, i) => records[i] ?? null) : undefined;
  if (store.loadForCommand !== undefined && memberIds.length > 0) {
    const read = await guard(() => store.loadForCommand!(program.id, memberIds, key, wanted));
    if (read.members.length !== memberIds.length || (wanted && read.records?.length !== memberIds.length))
      throw new LoyaltyError(
        "STORE_FAILURE",
        messages.storeFailure(`loadForCommand returned ${read.members.length} members for ${memberIds.length}`),
      );
    return { loaded: read.members.map((m, i) => decoded(m, read.records?.[i])), prior: read.idempotency };
  }
  const loaded = await Promise.all(
    memberIds.map(async (id, i) => {
      const stored = await guard(() => store.loadMember(program.id, id));
      const ids = wanted?.[i];
      if (!stored || noRecords(ids)) return decoded(stored);
      return decoded(stored, await guard(() => store.loadRecords(program.id, id, ids!)));
    }),
  );
  return { loaded, prior: await guard(() => store.getIdempotency(program.id, key)) };
}

/**
 * Reads more records into a loaded member: those a decision finds it needs only once it has the
 * first ones (a cancellation reopens lots of purchases whose records had retired). They count as
 * read: a commit writes them only if the command changes them.
 */
export async function readMoreRecords(ctx: EngineContext, loaded: LoadedMember, ids: RecordIds): Promise<LoadedMember> {
  const { program, store } = ctx;
  const missing: RecordIds = {
    purchases: ids.purchases.filter((id) => loaded.state.purchases[id] === undefined),
    redemptions: ids.redemptions.filter((id) => loaded.state.redemptions[id] === undefined),
  };
  if (noRecords(missing)) return loaded;
  addRecords(loaded.state, await guard(() => store.loadRecords(program.id, loaded.state.memberId, missing)));
  return {
    ...loaded,
    read: recordsRead(loaded.state, loaded.read.all),
  };
}

/** Units left of a reward's stock now (see store/stock.ts); null: unlimited. */
export async function stockLeft(ctx: EngineContext, reward: CompiledReward): Promise<number | null> {
  const { program, store } = ctx;
  if (reward.stock === null) return null;
  return stockLeftFrom(await guard(() => store.getStock(program.id, reward.id)), reward.stock);
}

/**
 * `loaded` with the index folded from its whole ledger, when the store keeps indexes and holds none
 * for the member (written before it kept one): once, at the member's next write, so that the spend
 * series is complete from then on rather than starting at that write (engine/member-backfill.ts).
 */
export async function withLedgerIndex(ctx: EngineContext, loaded: LoadedMember): Promise<LoadedMember> {
  if (!ctx.store.capabilities.listing || loaded.index !== null) return loaded;
  const { program, store } = ctx;
  const entries: Entry[] = [];
  for (let afterSeq = 0; afterSeq < loaded.state.lastSeq;) {
    const page = await guard(() => store.readEntries(program.id, loaded.state.memberId, { afterSeq, limit: 1000 }));
    if (page.entries.length === 0) break;
    entries.push(...page.entries);
    afterSeq = page.entries.at(-1)!.seq;
  }
  // Entries a commit after the read added belong to a newer version: the compare-and-set refuses it.
  const upTo = entries.filter((e) => e.seq <= loaded.state.lastSeq);
  return { ...loaded, index: memberIndexOf(program, loaded.state, null, upTo) };
}
