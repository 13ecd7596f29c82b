/**
 * The engine's calls to its store and how their failures surface: a store's own error becomes
 * STORE_FAILURE (a LoyaltyError or a CommitConflict passes through as it is), a member that is not
 * there MEMBER_NOT_FOUND. Members come back decoded into their live state.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { fromSnapshot } from "../ledger/snapshot.js";
import type { MemberState } from "../ledger/state.js";
import type { CompiledReward } from "../program/compile.js";
import { CommitConflict, type IdempotencyRecord, type StoredMember } from "../store/port.js";
import { stockLeftFrom } from "../store/stock.js";
import type { EngineContext } from "./context.js";

export async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof LoyaltyError || isCommitConflict(error)) throw error;
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

/** A member as the store holds it: its state, freshly decoded (a writer may adopt it), and the version a commit must expect. */
export interface LoadedMember {
  readonly state: MemberState;
  readonly version: number;
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

const decoded = (stored: StoredMember | null): LoadedMember | null =>
  stored ? { state: fromSnapshot(stored.snapshot), version: stored.version } : null;

/** The members a command writes (null: not enrolled) and the record of its key. */
export async function readForCommand(
  ctx: EngineContext,
  memberIds: readonly string[],
  key: string,
): Promise<{ loaded: (LoadedMember | null)[]; prior: IdempotencyRecord | null }> {
  const { program, store } = ctx;
  if (store.loadForCommand !== undefined && memberIds.length > 0) {
    const read = await guard(() => store.loadForCommand!(program.id, memberIds, key));
    if (read.members.length !== memberIds.length)
      throw new LoyaltyError(
        "STORE_FAILURE",
        messages.storeFailure(`loadForCommand returned ${read.members.length} members for ${memberIds.length}`),
      );
    return { loaded: read.members.map(decoded), prior: read.idempotency };
  }
  const loaded = await Promise.all(memberIds.map((id) => loadState(ctx, id)));
  return { loaded, prior: await guard(() => store.getIdempotency(program.id, key)) };
}

/** Units left of a reward's stock now (see store/stock.ts); null: unlimited. */
export async function stockLeft(ctx: EngineContext, reward: CompiledReward): Promise<number | null> {
  const { program, store } = ctx;
  if (reward.stock === null) return null;
  return stockLeftFrom(await guard(() => store.getStock(program.id, reward.id)), reward.stock);
}
