/**
 * The in-memory store: the embedded default, for tests, demos and single-process tools. It keeps
 * what a commit hands it as deeply frozen values (shared/frozen.ts) rather than live objects or JSON
 * text: nothing a caller holds can change stored state, and a load costs no parse. It writes a
 * commit step by step with an undo log, so that a fault injected half-way through really
 * exercises the rollback path rather than an all-or-nothing swap.
 */
import type { Entry } from "../ledger/entries.js";
import type { MemberSnapshot, PurchaseSnapshot, RedemptionSnapshot } from "../ledger/snapshot.js";
import { DueIndex } from "./due-index.js";
import { EventFeed } from "./event-feed.js";
import { MemberIdIndex, listFrom } from "./member-list.js";
import { frozen } from "../shared/frozen.js";
import {
  CommitConflict,
  type CommandRead,
  type EventPage,
  type CommitBatch,
  type HistoryPage,
  type IdempotencyRecord,
  type LiabilityQuery,
  type ListedMember,
  type LoyaltyStore,
  type MemberIndex,
  type MemberListQuery,
  type MemberRecords,
  type RecordIds,
  type StoreCapabilities,
  type StoredMember,
  type WalletLiability,
} from "./port.js";
import { stockAfter } from "./stock.js";
import { liabilityOf } from "./liability.js";
import { applyErasure, checkErasure, type ErasureTables } from "./memory-erasure.js";

/** Where a test may make a commit fail: after each of its steps. */
export type FaultPoint =
  "entries" | "snapshot" | "due-index" | "records" | "stock" | "claims" | "events" | "idempotency" | "erasure";

export interface MemoryStoreOptions {
  /** Called after each write step of a commit; throw to simulate a crash at that point. */
  readonly faults?: (point: FaultPoint) => void;
}

interface MemberRow {
  readonly snapshot: MemberSnapshot;
  readonly version: number;
  readonly dueAt: number | null;
  readonly index: MemberIndex | null;
}

/** A member's record rows: frozen JSON forms by id. */
interface RecordRows {
  readonly purchases: Map<string, PurchaseSnapshot>;
  readonly redemptions: Map<string, RedemptionSnapshot>;
}

const k = (programId: string, id: string) => `${programId}\u0000${id}`;

export class MemoryStore implements LoyaltyStore {
  readonly capabilities: StoreCapabilities = {
    durable: false,
    multiProcess: false,
    purchaseClaims: true,
    liability: true,
    events: true,
    erasure: true,
    listing: true,
  };
  private readonly members = new Map<string, MemberRow>();
  private readonly entries = new Map<string, Entry[]>();
  private readonly records = new Map<string, RecordRows>();
  /** JSON text: a record holds the command's result, which the caller holds too (not frozen under it). */
  private readonly idempotency = new Map<string, string>();
  private readonly stockCounts = new Map<string, number>();
  /** Purchase id claims (program, purchase id) to member id. */
  private readonly claims = new Map<string, string>();
  /** Per program. */
  private readonly dueIndex = new Map<string, DueIndex>();
  /** Per program: the outbox (event-feed.ts). */
  private readonly feeds = new Map<string, EventFeed>();
  /** Per program: member ids in order, for listings. */
  private readonly memberIds = new Map<string, MemberIdIndex>();
  private readonly faults: ((point: FaultPoint) => void) | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.faults = options.faults;
  }

  liability(programId: string, query: LiabilityQuery): Promise<readonly WalletLiability[]> {
    const prefix = k(programId, "");
    const snapshots = [...this.members].filter(([key]) => key.startsWith(prefix)).map(([, row]) => row.snapshot);
    return Promise.resolve(liabilityOf(snapshots, query));
  }

  async loadMember(programId: string, memberId: string): Promise<StoredMember | null> {
    return this.member(programId, memberId);
  }

  async getIdempotency(programId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.record(programId, key);
  }

  /** All reads with no await between them: nothing can commit in the middle. */
  async loadForCommand(
    programId: string,
    memberIds: readonly string[],
    key: string,
    records?: readonly (RecordIds | null)[],
  ): Promise<CommandRead> {
    return {
      members: memberIds.map((id) => this.member(programId, id)),
      idempotency: this.record(programId, key),
      ...(records ? { records: memberIds.map((id, i) => this.recordsOf(programId, id, records[i] ?? null)) } : {}),
    };
  }

  async loadRecords(programId: string, memberId: string, ids: RecordIds): Promise<MemberRecords> {
    return this.recordsOf(programId, memberId, ids);
  }

  async listRedemptions(programId: string, memberId: string, query: { limit: number }) {
    const rows = this.records.get(k(programId, memberId))?.redemptions ?? new Map<string, RedemptionSnapshot>();
    return [...rows]
      .filter(([, r]) => !r.cancelled)
      .sort(([ia, a], [ib, b]) => b.at - a.at || (ia < ib ? 1 : ia > ib ? -1 : 0))
      .slice(0, query.limit)
      .map(([redemptionId, record]) => ({ redemptionId, record }));
  }

  // Stored values are frozen: handed out as they are, no copy needed.
  private member(programId: string, memberId: string): StoredMember | null {
    const row = this.members.get(k(programId, memberId));
    return row ? { snapshot: row.snapshot, version: row.version, index: row.index } : null;
  }

  private record(programId: string, key: string): IdempotencyRecord | null {
    const row = this.idempotency.get(k(programId, key));
    return row === undefined ? null : (JSON.parse(row) as IdempotencyRecord);
  }

  private recordsOf(programId: string, memberId: string, ids: RecordIds | null): MemberRecords {
    const rows = this.records.get(k(programId, memberId));
    const pick = <T>(from: Map<string, T> | undefined, wanted: readonly string[]) => {
      const out: Record<string, T> = Object.create(null) as Record<string, T>;
      for (const id of wanted) {
        const row = from?.get(id);
        if (row !== undefined) out[id] = row;
      }
      return out;
    };
    return {
      purchases: pick(rows?.purchases, ids?.purchases ?? []),
      redemptions: pick(rows?.redemptions, ids?.redemptions ?? []),
    };
  }

  async getStock(programId: string, rewardId: string): Promise<number | null> {
    return this.stockCounts.get(k(programId, rewardId)) ?? null;
  }

  async findPurchaseOwner(programId: string, purchaseId: string): Promise<string | null> {
    return this.claims.get(k(programId, purchaseId)) ?? null;
  }

  async commit(batch: CommitBatch): Promise<void> {
    // Checks first, all of them, before any write: the critical section below has no await, so
    // no other commit can interleave with it.
    const record = batch.idempotency;
    const idemKey = record === null ? null : k(batch.programId, record.key);
    if (record !== null && idemKey !== null && this.idempotency.has(idemKey))
      throw new CommitConflict("idempotency", record.key);
    const writes =
      batch.members.length === 1
        ? batch.members
        : [...batch.members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
    for (const w of writes) {
      const row = this.members.get(k(batch.programId, w.memberId));
      if ((row?.version ?? null) !== w.expectedVersion) throw new CommitConflict("version", w.memberId);
    }
    const stockChanges = [...(batch.stock ?? [])].sort((a, b) =>
      a.rewardId < b.rewardId ? -1 : a.rewardId > b.rewardId ? 1 : 0,
    );
    for (const c of stockChanges) {
      if (!Number.isSafeInteger(c.delta) || !Number.isSafeInteger(c.initial) || c.initial < 0)
        throw new Error(`memory store: bad stock change for ${c.rewardId}`);
      if (stockAfter(this.stockCounts.get(k(batch.programId, c.rewardId)), c) < 0)
        throw new CommitConflict("stock", c.rewardId);
    }
    if (batch.erasure) checkErasure(this.erasureTables(), batch.programId, batch.erasure);
    const claims = batch.purchaseClaims ?? [];
    for (const c of claims) {
      const owner = this.claims.get(k(batch.programId, c.purchaseId));
      if (owner !== undefined && owner !== c.memberId) throw new CommitConflict("purchase", c.purchaseId);
    }

    const undo: (() => void)[] = [];
    try {
      for (const w of writes) {
        const mk = k(batch.programId, w.memberId);
        const log = this.entries.get(mk);
        const before = log?.length ?? 0;
        const next = log ?? [];
        for (const e of w.entries) next.push(frozen(e));
        if (!log) this.entries.set(mk, next);
        undo.push(() => (log ? log.splice(before) : this.entries.delete(mk)));
        this.faults?.("entries");

        const previous = this.members.get(mk);
        this.members.set(mk, {
          snapshot: frozen(w.snapshot),
          version: (w.expectedVersion ?? 0) + 1,
          dueAt: w.dueAt,
          index: w.index ? frozen(w.index) : null,
        });
        undo.push(() => (previous ? this.members.set(mk, previous) : this.members.delete(mk)));
        const ids = previous ? null : this.idsOf(batch.programId).add(w.memberId);
        if (ids) undo.push(() => ids.remove(w.memberId));
        this.faults?.("snapshot");

        const due = this.dueOf(batch.programId);
        due.set(w.memberId, w.dueAt);
        undo.push(() => due.set(w.memberId, previous?.dueAt ?? null));
        this.faults?.("due-index");

        if (w.records) {
          this.writeRecords(mk, w.records, undo);
          this.faults?.("records");
        }
      }
      for (const c of stockChanges) {
        const sk = k(batch.programId, c.rewardId);
        const previous = this.stockCounts.get(sk);
        this.stockCounts.set(sk, stockAfter(previous, c));
        undo.push(() => (previous === undefined ? this.stockCounts.delete(sk) : this.stockCounts.set(sk, previous)));
        this.faults?.("stock");
      }
      for (const c of claims) {
        const ck = k(batch.programId, c.purchaseId);
        if (this.claims.has(ck)) continue;
        this.claims.set(ck, c.memberId);
        undo.push(() => this.claims.delete(ck));
        this.faults?.("claims");
      }
      if (batch.events?.length) {
        undo.push(this.feed(batch.programId).append(batch.events, new Set(writes.map((w) => w.memberId))));
        this.faults?.("events");
      }
      if (record !== null && idemKey !== null) {
        this.idempotency.set(idemKey, JSON.stringify(record));
        undo.push(() => this.idempotency.delete(idemKey));
        this.faults?.("idempotency");
      }
      if (batch.erasure) {
        applyErasure(this.erasureTables(), batch.programId, batch.erasure, undo);
        this.faults?.("erasure");
      }
    } catch (error) {
      for (const step of undo.reverse()) step();
      throw error;
    }
  }

  async readEntries(
    programId: string,
    memberId: string,
    page: { afterSeq: number; limit: number },
  ): Promise<HistoryPage> {
    const log = this.entries.get(k(programId, memberId)) ?? [];
    // seq n lives at index n - 1: the log has no gaps.
    const slice = log.slice(page.afterSeq, page.afterSeq + page.limit);
    const last = slice.at(-1);
    return { entries: slice, nextAfterSeq: last && last.seq < log.length ? last.seq : null };
  }

  async findDueMembers(
    programId: string,
    query: { before: number; limit: number; after?: { dueAt: number; memberId: string } },
  ) {
    return this.dueOf(programId).find(query);
  }

  async readEvents(programId: string, query: { after: string | null; limit: number }): Promise<EventPage> {
    return this.feed(programId).read(query.after, query.limit);
  }

  private feed(programId: string): EventFeed {
    let feed = this.feeds.get(programId);
    if (!feed) this.feeds.set(programId, (feed = new EventFeed()));
    return feed;
  }

  private erasureTables(): ErasureTables {
    return { entries: this.entries, idempotency: this.idempotency, key: k };
  }

  /** Members by id after the cursor, filtered on their index (member-list.ts). */
  async listMembers(programId: string, query: MemberListQuery): Promise<readonly ListedMember[]> {
    return listFrom(this.idsOf(programId), (id) => this.members.get(k(programId, id))?.index ?? null, query);
  }

  private idsOf(programId: string): MemberIdIndex {
    let ids = this.memberIds.get(programId);
    if (!ids) this.memberIds.set(programId, (ids = new MemberIdIndex()));
    return ids;
  }

  private dueOf(programId: string): DueIndex {
    let index = this.dueIndex.get(programId);
    if (!index) this.dueIndex.set(programId, (index = new DueIndex()));
    return index;
  }

  /** Inserts or replaces each record, logging how to undo it. */
  private writeRecords(memberKey: string, records: MemberRecords, undo: (() => void)[]) {
    let rows = this.records.get(memberKey);
    if (!rows) {
      const created: RecordRows = { purchases: new Map(), redemptions: new Map() };
      this.records.set(memberKey, (rows = created));
      undo.push(() => this.records.delete(memberKey));
    }
    const put = <T>(table: Map<string, T>, byId: Readonly<Record<string, T>>) => {
      for (const id of Object.keys(byId)) {
        const previous = table.get(id);
        table.set(id, frozen(byId[id]!));
        undo.push(() => (previous === undefined ? table.delete(id) : table.set(id, previous)));
      }
    };
    put(rows.purchases, records.purchases);
    put(rows.redemptions, records.redemptions);
  }
}

/** The embedded default store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}
