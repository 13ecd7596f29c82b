/**
 * The store port: everything the engine needs from a database, and nothing more. Richer behaviour
 * lives in the core; a store keeps member snapshots, the entries beside them and idempotency
 * records, and commits one command's writes atomically. Implement this interface to keep the
 * engine's state in your own database, then run `runStoreConformance` from `loyalty-engine/testing`
 * against it.
 */
import { brand, hasBrand, mark } from "../errors/brand.js";
import type { EventPage, OutboxEvent } from "../events/event.js";
import type { Entry } from "../ledger/entries.js";
import type { MemberSnapshot, PurchaseSnapshot, RedemptionSnapshot } from "../ledger/snapshot.js";
import type { ListedMember, MemberIndex, MemberListQuery } from "./listing.js";

export type { ListedMember, MemberIndex, MemberListQuery } from "./listing.js";

export type { EventPage, OutboxEvent } from "../events/event.js";

/** A member as stored: the snapshot (the fold of its entries) and its version. */
export interface StoredMember {
  readonly snapshot: MemberSnapshot;
  /** Incremented by one on every commit that touches the member; 1 after the first. */
  readonly version: number;
  /** The last committed `MemberWrite.index` (capabilities.listing); null or absent: none kept. */
  readonly index?: MemberIndex | null;
}

/** What a command left for its idempotency key: the payload hash and the result to replay. */
export interface IdempotencyRecord {
  readonly key: string;
  /** Hash of the canonical command payload; a retry must match it. */
  readonly payloadHash: string;
  /** The command's result, JSON-serialisable, returned as-is to a retry. */
  readonly result: unknown;
  /** ISO timestamp of the commit. */
  readonly committedAt: string;
}

/**
 * A member's purchase and redemption records by id, in their JSON form: what a refund, a
 * cancellation or a duplicate check reads of the past. The snapshot holds only the records of
 * purchases with a lot still open; every record also has a row of its own, which commands that
 * do not name it never read (docs/ledger.md, "What a member's state holds").
 */
export interface MemberRecords {
  readonly purchases: Readonly<Record<string, PurchaseSnapshot>>;
  readonly redemptions: Readonly<Record<string, RedemptionSnapshot>>;
}

/** Ids of a member's records to read. */
export interface RecordIds {
  readonly purchases: readonly string[];
  readonly redemptions: readonly string[];
}

/** What `loadForCommand` returns: the members in the order asked (null: never committed) and the key's record. */
export interface CommandRead {
  readonly members: readonly (StoredMember | null)[];
  readonly idempotency: IdempotencyRecord | null;
  /** Per member, in the same order: the records asked for that exist (absent when none were asked for). */
  readonly records?: readonly MemberRecords[];
}

/** The writes of one member in a commit. */
export interface MemberWrite {
  readonly memberId: string;
  /** The version the command read; null if the member did not exist. Compare-and-set on this. */
  readonly expectedVersion: number | null;
  readonly snapshot: MemberSnapshot;
  /** New entries, seq-ordered, continuing the member's ledger without gaps. */
  readonly entries: readonly Entry[];
  /** Epoch ms of the member's next due work (earliest lot expiry), or null; index it. */
  readonly dueAt: number | null;
  /** What listings filter on (store/listing.ts): sent to a store with `capabilities.listing`, which keeps it. */
  readonly index?: MemberIndex;
  /**
   * Records the command made or changed: insert each, or replace the one with its id. Absent:
   * none. A record is never deleted.
   */
  readonly records?: MemberRecords;
}

/** A change to a reward's global stock count, made in the same commit as the redemption. */
export interface StockChange {
  readonly rewardId: string;
  /** Units: negative takes (a redemption), positive gives back (a cancellation, a restock). A whole number. */
  readonly delta: number;
  /** The count to start from when the store holds none for the reward yet: the program's `stock` (store/stock.ts). */
  readonly initial: number;
}

/**
 * A purchase id claimed for a member across the program: what a program with
 * `purchases.uniqueAcrossMembers` commits with each purchase, so that two members cannot both
 * record one (a shared receipt). Only stores with `capabilities.purchaseClaims` receive them.
 */
export interface PurchaseClaim {
  readonly purchaseId: string;
  readonly memberId: string;
}

/**
 * The payload hash an erasure leaves on the idempotency records of the erased member's commands:
 * the hash of a payload that held a birthday or an attribute could be matched against guesses. A
 * retry of such a key then matches no payload (IDEMPOTENCY_CONFLICT), and writes nothing.
 */
export const ERASED_PAYLOAD_HASH = "erased";

/**
 * What an erasure (`engine.eraseMember`) rewrites besides its member's ordinary write: the one
 * exception to append-only entries (docs/ledger.md). Only stores with `capabilities.erasure`
 * receive it, and only in a commit whose `members` hold the erased member (compare-and-set on it:
 * no entry can land between the engine's read of the history and this commit).
 */
export interface MemberErasure {
  /**
   * Entries already stored, with their personal fields redacted (src/ledger/redact.ts): each
   * replaces the stored entry with its member and seq, which must exist. The erased member's, and
   * a counterpart's transfer entry that carries the same reference text. Only the JSON changes:
   * kind, seq and command key stay.
   */
  readonly entries: readonly Entry[];
  /** Keys whose idempotency records get `ERASED_PAYLOAD_HASH` as their payload hash (a missing key is skipped). */
  readonly idempotencyKeys: readonly string[];
}

/** Everything one command writes. A store applies all of it or none of it. */
export interface CommitBatch {
  readonly programId: string;
  /** The members the command writes: none (a restock), one, or two (a transfer, a referral). */
  readonly members: readonly MemberWrite[];
  /**
   * Stock changes, at most one per reward. The count after the change must not be below zero;
   * if it would be, the store throws `CommitConflict("stock")` and writes nothing.
   */
  readonly stock?: readonly StockChange[];
  /**
   * The command's idempotency record; null for system work that is idempotent by itself and keyed
   * by nothing the caller chose (an expiry sweep: a lot cannot expire twice, and the version
   * compare-and-set stops two sweeps writing the same expiry).
   */
  readonly idempotency: IdempotencyRecord | null;
  /**
   * Purchase ids to claim for their members, in the same transaction (only for a store with
   * `capabilities.purchaseClaims`). A claim another member already holds is refused:
   * `CommitConflict("purchase")`, nothing written. Claiming an id the same member holds is a no-op.
   */
  readonly purchaseClaims?: readonly PurchaseClaim[];
  /**
   * Outbox events (only for a store with `capabilities.events`), appended to the program's feed in
   * this order, in the same transaction as the rest: a commit that fails writes none. Each names
   * one of the batch's members, so that it is ordered after every earlier commit on that member
   * (docs/events.md, "Order"). An event whose id the program's feed already holds is skipped, not
   * refused: a sweep's notice written again (a rerun) stays one event.
   */
  readonly events?: readonly OutboxEvent[];
  /** An erasure's rewrites, in the same transaction (only for a store with `capabilities.erasure`). */
  readonly erasure?: MemberErasure;
}

const COMMIT_CONFLICT = brand("CommitConflict");
const COMMIT_OUTCOME_UNKNOWN = brand("CommitOutcomeUnknown");

/**
 * Thrown by `commit` when the batch cannot be applied as read: another command changed a member
 * first (`version`), another command committed the same idempotency key first (`idempotency`),
 * a stock count would go below zero (`stock`: other redemptions took the last units first), or
 * another member claimed a purchase id first (`purchase`). Nothing was written. The engine
 * reloads and decides again.
 */
export class CommitConflict extends Error {
  override readonly name = "CommitConflict";
  constructor(
    readonly reason: "version" | "idempotency" | "stock" | "purchase",
    readonly subject: string,
  ) {
    super(`commit conflict on ${reason} of ${subject}`);
    mark(this, COMMIT_CONFLICT);
  }

  /** True for a CommitConflict of any copy of the library (a store from its CJS build, the engine from ESM). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, COMMIT_CONFLICT);
  }
}

/**
 * Thrown by `commit` when the commit may or may not have been applied: the connection dropped after
 * the commit was sent, so its reply was lost. Any other error from `commit` must mean that nothing
 * was written. The engine reports it as `OUTCOME_UNKNOWN`: a retry with the same idempotency key
 * replays the command or commits it once.
 */
export class CommitOutcomeUnknown extends Error {
  override readonly name = "CommitOutcomeUnknown";
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`commit outcome unknown: ${detail}`, options);
    mark(this, COMMIT_OUTCOME_UNKNOWN);
  }

  /** True for a CommitOutcomeUnknown of any copy of the library. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, COMMIT_OUTCOME_UNKNOWN);
  }
}

const BAD_CURSOR = brand("BadCursor");

/** Thrown by `readEvents` for a cursor the store did not make (the engine reports INVALID_COMMAND). */
export class BadCursor extends Error {
  override readonly name = "BadCursor";
  constructor(readonly cursor: string) {
    super(`not a cursor of this store's event feed: ${JSON.stringify(cursor.slice(0, 80))}`);
    mark(this, BAD_CURSOR);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, BAD_CURSOR);
  }
}

/** What a store can do; the conformance suite reads this rather than assuming. */
export interface StoreCapabilities {
  /** Commits are atomic even when the process dies half-way (a database transaction). */
  readonly durable: boolean;
  /** Several processes can share the store (the engine's optimistic concurrency is enough). */
  readonly multiProcess: boolean;
  /**
   * Purchase ids are claimed across members: the store offers `findPurchaseOwner` and honours
   * `CommitBatch.purchaseClaims`. A program with `purchases.uniqueAcrossMembers` needs it.
   */
  readonly purchaseClaims?: boolean;
  /** The store offers `liability`: outstanding points summed in the store, not member by member. */
  readonly liability?: boolean;
  /** The store keeps the outbox: it writes `CommitBatch.events` and offers `readEvents`. */
  readonly events?: boolean;
  /**
   * The store honours `CommitBatch.erasure` (rewrites stored entries and idempotency hashes in the
   * commit). `engine.eraseMember` refuses to run on a store without it: its personal data would stay.
   */
  readonly erasure?: boolean;
  /** The store keeps `MemberWrite.index`, returns it as `StoredMember.index` and offers `listMembers`. */
  readonly listing?: boolean;
}
/** What `liability` is asked: the instant to count at, and the time zone of the expiry months. */
export interface LiabilityQuery {
  readonly asOf: number;
  readonly timeZone: string;
}

/**
 * One wallet's outstanding points across a program, from the lots' remaining points: what finance
 * books as the programme's liability at a month end. Debt (points owed after refunds) is not netted.
 */
export interface WalletLiability {
  readonly wallet: string;
  /** Remaining points of lots not expired at `asOf`, pending ones included (decimal text). */
  readonly points: string;
  /** Of `points`, those not yet available at `asOf` (the return window). */
  readonly pending: string;
  /** Remaining points of lots past their expiry at `asOf` that no write has written off yet (not in `points`). */
  readonly expiredUnswept: string;
  /** Members holding any of `points`. */
  readonly members: number;
  /** `points` by the local month (YYYY-MM) their lots expire in, ascending; null: lots that never expire, last. */
  readonly byExpiryMonth: readonly { readonly month: string | null; readonly points: string }[];
}

export interface HistoryPage {
  readonly entries: readonly Entry[];
  /** Pass as `afterSeq` to read the next page; null when there is none. */
  readonly nextAfterSeq: number | null;
}

export interface LoyaltyStore {
  readonly capabilities: StoreCapabilities;

  /** The member's snapshot and version, or null if the member has never been committed. */
  loadMember(programId: string, memberId: string): Promise<StoredMember | null>;

  /** The record committed with this idempotency key in this program, or null. */
  getIdempotency(programId: string, key: string): Promise<IdempotencyRecord | null>;

  /**
   * Optional: what a command reads before it decides, in one go: each of `memberIds` (as
   * `loadMember` returns it, in the order given) and the record of `key` (as `getIdempotency`
   * returns it), all read at one instant, so that a commit whose effect the members show has its
   * key in the result too. A store where that costs one round trip instead of several should
   * offer it (the PostgreSQL store does: one statement); the engine falls back to `loadMember`
   * for each member, then `getIdempotency`, when it is absent. The conformance suite holds a
   * store that offers it to the same answers as the two single reads.
   */
  loadForCommand?(
    programId: string,
    memberIds: readonly string[],
    key: string,
    records?: readonly (RecordIds | null)[],
  ): Promise<CommandRead>;

  /**
   * The member's records with these ids, as last committed; ids with no record are left out.
   * `loadForCommand`, where offered, takes the same ids (`records`, per member) and reads them at
   * the same instant as the member.
   */
  loadRecords(programId: string, memberId: string, ids: RecordIds): Promise<MemberRecords>;

  /**
   * Optional, with `capabilities.purchaseClaims`: the member that claimed `purchaseId` in this
   * program (`CommitBatch.purchaseClaims`), or null if none has. Served by the claim's key.
   */
  findPurchaseOwner?(programId: string, purchaseId: string): Promise<string | null>;

  /**
   * The member's redemptions that are not cancelled, newest first (by `at`, then by id,
   * descending), at most `limit`: what the member summary lists. Served by an index.
   */
  listRedemptions(
    programId: string,
    memberId: string,
    query: { limit: number },
  ): Promise<readonly { readonly redemptionId: string; readonly record: RedemptionSnapshot }[]>;

  /**
   * Atomically: for each member, check `expectedVersion` (null: must not exist), append the
   * entries, replace the snapshot, set version to expected + 1 (or 1), index `dueAt` (and, with
   * `capabilities.listing`, keep `index`), and write its records (insert, or replace by id); apply
   * each stock change (a missing count starts at `initial`; none may end below zero); and insert
   * the idempotency record (if any), whose key must not exist yet. On a failed check throw
   * `CommitConflict`; on any other failure throw anything. Either way nothing may remain written;
   * the one exception is a commit whose outcome the store cannot know (the connection dropped
   * after the commit was sent): throw `CommitOutcomeUnknown` then, never a plain error.
   * Members must be written (locked) in ascending memberId order, then stock in ascending rewardId
   * order, so that two commits cannot deadlock.
   */
  commit(batch: CommitBatch): Promise<void>;

  /** Units left of a reward's stock, or null if no commit has touched it yet (the program's `stock` applies). */
  getStock(programId: string, rewardId: string): Promise<number | null>;

  /**
   * Optional, with `capabilities.liability`: every wallet's outstanding points in the program at
   * `asOf` (wallets ascending), summed by the store (an aggregate query), never by loading each
   * member into the caller. Lots with no remaining points are left out.
   */
  liability?(programId: string, query: LiabilityQuery): Promise<readonly WalletLiability[]>;

  /**
   * Optional, with `capabilities.events`: the program's events committed after the cursor (`after`:
   * a cursor this method returned, or null for the start of the feed), at most `limit`, in feed
   * order, and the cursor to pass back (unchanged when there is nothing new). The feed order is
   * final: every event that will ever be read after the returned cursor is ordered after every event
   * returned so far, so a reader that follows the cursor sees each committed event exactly once,
   * never one of a commit that failed, and each member's events in commit order. A store that
   * cannot yet know whether an earlier position will still be filled (a transaction still open)
   * stops before it. A cursor this store did not make: throw `BadCursor`.
   */
  readEvents?(programId: string, query: { after: string | null; limit: number }): Promise<EventPage>;

  /**
   * Optional, with `capabilities.listing`: the program's members matching every filter of `query`,
   * ascending by member id (code point order) after `query.after`, at most `query.limit`, each with
   * its index. Served by indexes (by tier, by segment, by last purchase), never by loading members. The
   * cursor is the member id, which no write changes: a member that matches throughout a pass of
   * pages is returned exactly once, whatever is written between them.
   */
  listMembers?(programId: string, query: MemberListQuery): Promise<readonly ListedMember[]>;

  /** Entries of a member with seq > afterSeq, ascending, at most `limit`. */
  readEntries(programId: string, memberId: string, page: { afterSeq: number; limit: number }): Promise<HistoryPage>;

  /**
   * Members whose `dueAt` is at or before `before`, ascending by (dueAt, memberId), starting after
   * the cursor, at most `limit`. Served by an index: the cost follows the due count, not the
   * member count.
   */
  findDueMembers(
    programId: string,
    query: { before: number; limit: number; after?: { dueAt: number; memberId: string } },
  ): Promise<readonly { memberId: string; dueAt: number }[]>;
}
