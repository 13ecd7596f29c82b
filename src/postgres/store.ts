/**
 * The PostgreSQL store: `LoyaltyStore` over any client with `query(text, params)` and a
 * transaction (see `client.ts`). No ORM: a handful of statements, written out in `statements.ts`.
 * This class only holds the client and options; each method calls its concern's module: `reads.ts`
 * (members, keys, history, the due index), `commit.ts` (the commit transaction), `stock.ts`.
 *
 * A command first reads its members and its idempotency record in one statement
 * (`loadForCommand`), so at one instant: a member that shows a commit comes with that commit's key.
 *
 * Amounts never pass through a JS number: the snapshot and entries travel as JSON text in which
 * amounts are decimal strings, and the lot rows cast them to `numeric` in SQL (`layout.ts` says
 * what lives where). Every column read back is cast to text in SQL, so the result does not depend
 * on the driver's type parsers.
 */
import type {
  CommandRead,
  CommitBatch,
  EventPage,
  HistoryPage,
  IdempotencyRecord,
  LiabilityQuery,
  ListedMember,
  LoyaltyStore,
  MemberListQuery,
  MemberRecords,
  RecordIds,
  StoreCapabilities,
  StoredMember,
  WalletLiability,
} from "../store/port.js";
import type { SqlClient } from "./client.js";
import { commitBatch } from "./commit.js";
import { readEvents } from "./events.js";
import { liabilityQuery } from "./liability.js";
import { listMembers } from "./listing.js";
import type { CommitContext, PostgresFaultPoint } from "./context.js";
import { LayoutCache } from "./layout.js";
import { quoteSchema } from "./migrate.js";
import {
  findDueMembers,
  findPurchaseOwner,
  getIdempotency,
  listRedemptions,
  loadForCommand,
  loadMember,
  loadRecords,
  readEntries,
} from "./reads.js";
import { statements } from "./statements.js";
import { getStock } from "./stock.js";

export type { PostgresFaultPoint } from "./context.js";
export { isTransientPostgresError } from "./errors.js";

export interface PostgresStoreOptions {
  /** The schema `migrate()` created the tables in. Default `public`. */
  readonly schema?: string;
  /**
   * Retries of a commit that failed with a serialisation failure (40001) or a deadlock (40P01).
   * Default 5; the first retry waits up to 2 ms, doubling each time.
   */
  readonly maxRetries?: number;
  /**
   * For tests: called inside the commit's transaction after each write statement, before COMMIT
   * (throw, or drop the connection, to see that nothing remains written). May return a promise,
   * which is awaited. When set, every commit runs inside BEGIN ... COMMIT, even a one-statement one.
   */
  readonly faults?: (point: PostgresFaultPoint) => void | Promise<void>;
}

export class PostgresStore implements LoyaltyStore {
  readonly capabilities: StoreCapabilities = {
    durable: true,
    multiProcess: true,
    purchaseClaims: true,
    liability: true,
    events: true,
    erasure: true,
    listing: true,
  };
  readonly schema: string;
  private readonly context: CommitContext;

  constructor(client: SqlClient, options: PostgresStoreOptions = {}) {
    this.schema = options.schema ?? "public";
    this.context = {
      client,
      maxRetries: options.maxRetries ?? 5,
      faults: options.faults,
      sql: statements(quoteSchema(this.schema)),
      layouts: new LayoutCache(),
    };
  }

  loadMember(programId: string, memberId: string): Promise<StoredMember | null> {
    return loadMember(this.context, programId, memberId);
  }

  getIdempotency(programId: string, key: string): Promise<IdempotencyRecord | null> {
    return getIdempotency(this.context, programId, key);
  }

  /**
   * The command's members and its key in one statement, so in one snapshot of the database: one
   * round trip where `loadMember` and `getIdempotency` would take two (or three, for two members).
   */
  loadForCommand(
    programId: string,
    memberIds: readonly string[],
    key: string,
    records?: readonly (RecordIds | null)[],
  ): Promise<CommandRead> {
    return loadForCommand(this.context, programId, memberIds, key, records);
  }

  loadRecords(programId: string, memberId: string, ids: RecordIds): Promise<MemberRecords> {
    return loadRecords(this.context, programId, memberId, ids);
  }

  listRedemptions(programId: string, memberId: string, query: { limit: number }) {
    return listRedemptions(this.context, programId, memberId, query);
  }

  commit(batch: CommitBatch): Promise<void> {
    return commitBatch(this.context, batch);
  }

  findPurchaseOwner(programId: string, purchaseId: string): Promise<string | null> {
    return findPurchaseOwner(this.context, programId, purchaseId);
  }

  liability(programId: string, query: LiabilityQuery): Promise<readonly WalletLiability[]> {
    return liabilityQuery(this.context.client, quoteSchema(this.schema), programId, query);
  }

  /** The outbox after the cursor, in the order of the transactions that wrote it (events.ts). */
  readEvents(programId: string, query: { after: string | null; limit: number }): Promise<EventPage> {
    return readEvents(this.context, programId, query);
  }

  listMembers(programId: string, query: MemberListQuery): Promise<readonly ListedMember[]> {
    return listMembers(this.context.client, quoteSchema(this.schema), programId, query);
  }

  getStock(programId: string, rewardId: string): Promise<number | null> {
    return getStock(this.context, programId, rewardId);
  }

  readEntries(programId: string, memberId: string, page: { afterSeq: number; limit: number }): Promise<HistoryPage> {
    return readEntries(this.context, programId, memberId, page);
  }

  findDueMembers(
    programId: string,
    query: { before: number; limit: number; after?: { dueAt: number; memberId: string } },
  ): Promise<readonly { memberId: string; dueAt: number }[]> {
    return findDueMembers(this.context, programId, query);
  }
}

/** The store over `client`, on tables `migrate()` made in `options.schema`. */
export function createPostgresStore(client: SqlClient, options: PostgresStoreOptions = {}): PostgresStore {
  return new PostgresStore(client, options);
}
