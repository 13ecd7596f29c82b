/**
 * The in-memory store: the embedded default, for tests, demos and single-process tools. It keeps
 * JSON copies (never live objects) so that nothing a caller holds can change stored state, and it
 * writes a commit step by step with an undo log, so that a fault injected half-way through really
 * exercises the rollback path rather than an all-or-nothing swap.
 */
import type { Entry } from "../ledger/entries.js";
import type { MemberSnapshot } from "../ledger/snapshot.js";
import {
  CommitConflict,
  type CommandRead,
  type CommitBatch,
  type HistoryPage,
  type IdempotencyRecord,
  type LoyaltyStore,
  type StoreCapabilities,
  type StoredMember,
} from "./port.js";
import { stockAfter } from "./stock.js";

/** Where a test may make a commit fail: after each of its steps. */
export type FaultPoint = "entries" | "snapshot" | "due-index" | "stock" | "idempotency";

export interface MemoryStoreOptions {
  /** Called after each write step of a commit; throw to simulate a crash at that point. */
  readonly faults?: (point: FaultPoint) => void;
}

interface MemberRow {
  snapshot: string;
  version: number;
  dueAt: number | null;
}

const k = (programId: string, id: string) => `${programId}\u0000${id}`;

function dueCompare(a: { dueAt: number; memberId: string }, b: { dueAt: number; memberId: string }) {
  return a.dueAt - b.dueAt || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);
}

export class MemoryStore implements LoyaltyStore {
  readonly capabilities: StoreCapabilities = { durable: false, multiProcess: false };
  private readonly members = new Map<string, MemberRow>();
  private readonly entries = new Map<string, string[]>();
  private readonly idempotency = new Map<string, string>();
  private readonly stockCounts = new Map<string, number>();
  /** Per program: (dueAt, memberId) ascending. */
  private readonly dueIndex = new Map<string, { dueAt: number; memberId: string }[]>();
  private readonly faults: ((point: FaultPoint) => void) | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.faults = options.faults;
  }

  async loadMember(programId: string, memberId: string): Promise<StoredMember | null> {
    return this.member(programId, memberId);
  }

  async getIdempotency(programId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.record(programId, key);
  }

  /** Both reads with no await between them: nothing can commit in the middle. */
  async loadForCommand(programId: string, memberIds: readonly string[], key: string): Promise<CommandRead> {
    return { members: memberIds.map((id) => this.member(programId, id)), idempotency: this.record(programId, key) };
  }

  private member(programId: string, memberId: string): StoredMember | null {
    const row = this.members.get(k(programId, memberId));
    return row ? { snapshot: JSON.parse(row.snapshot) as MemberSnapshot, version: row.version } : null;
  }

  private record(programId: string, key: string): IdempotencyRecord | null {
    const row = this.idempotency.get(k(programId, key));
    return row === undefined ? null : (JSON.parse(row) as IdempotencyRecord);
  }

  async getStock(programId: string, rewardId: string): Promise<number | null> {
    return this.stockCounts.get(k(programId, rewardId)) ?? null;
  }

  async commit(batch: CommitBatch): Promise<void> {
    // Checks first, all of them, before any write: the critical section below has no await, so
    // no other commit can interleave with it.
    const record = batch.idempotency;
    const idemKey = record === null ? null : k(batch.programId, record.key);
    if (record !== null && idemKey !== null && this.idempotency.has(idemKey))
      throw new CommitConflict("idempotency", record.key);
    const writes = [...batch.members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
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

    const undo: (() => void)[] = [];
    try {
      for (const w of writes) {
        const mk = k(batch.programId, w.memberId);
        const log = this.entries.get(mk);
        const before = log?.length ?? 0;
        const next = log ?? [];
        for (const e of w.entries) next.push(JSON.stringify(e));
        if (!log) this.entries.set(mk, next);
        undo.push(() => (log ? log.splice(before) : this.entries.delete(mk)));
        this.faults?.("entries");

        const previous = this.members.get(mk);
        this.members.set(mk, {
          snapshot: JSON.stringify(w.snapshot),
          version: (w.expectedVersion ?? 0) + 1,
          dueAt: w.dueAt,
        });
        undo.push(() => (previous ? this.members.set(mk, previous) : this.members.delete(mk)));
        this.faults?.("snapshot");

        this.setDue(batch.programId, w.memberId, previous?.dueAt ?? null, w.dueAt);
        undo.push(() => this.setDue(batch.programId, w.memberId, w.dueAt, previous?.dueAt ?? null));
        this.faults?.("due-index");
      }
      for (const c of stockChanges) {
        const sk = k(batch.programId, c.rewardId);
        const previous = this.stockCounts.get(sk);
        this.stockCounts.set(sk, stockAfter(previous, c));
        undo.push(() => (previous === undefined ? this.stockCounts.delete(sk) : this.stockCounts.set(sk, previous)));
        this.faults?.("stock");
      }
      if (record !== null && idemKey !== null) {
        this.idempotency.set(idemKey, JSON.stringify(record));
        undo.push(() => this.idempotency.delete(idemKey));
        this.faults?.("idempotency");
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
    const slice = log.slice(page.afterSeq, page.afterSeq + page.limit).map((s) => JSON.parse(s) as Entry);
    const last = slice.at(-1);
    return { entries: slice, nextAfterSeq: last && last.seq < log.length ? last.seq : null };
  }

  async findDueMembers(
    programId: string,
    query: { before: number; limit: number; after?: { dueAt: number; memberId: string } },
  ) {
    const index = this.dueIndex.get(programId) ?? [];
    let i = query.after ? upperBound(index, query.after) : 0;
    const out: { memberId: string; dueAt: number }[] = [];
    for (; i < index.length && out.length < query.limit; i++) {
      const item = index[i]!;
      if (item.dueAt > query.before) break;
      out.push({ ...item });
    }
    return out;
  }

  private setDue(programId: string, memberId: string, from: number | null, to: number | null) {
    if (from === to) return;
    let index = this.dueIndex.get(programId);
    if (!index) this.dueIndex.set(programId, (index = []));
    if (from !== null) {
      const at = lowerBound(index, { dueAt: from, memberId });
      if (at < index.length && index[at]!.memberId === memberId && index[at]!.dueAt === from) index.splice(at, 1);
    }
    if (to !== null) index.splice(lowerBound(index, { dueAt: to, memberId }), 0, { dueAt: to, memberId });
  }
}

function lowerBound(index: { dueAt: number; memberId: string }[], item: { dueAt: number; memberId: string }): number {
  let lo = 0,
    hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dueCompare(index[mid]!, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function upperBound(index: { dueAt: number; memberId: string }[], item: { dueAt: number; memberId: string }): number {
  let lo = 0,
    hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dueCompare(index[mid]!, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The embedded default store. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}
