import {
  CommitConflict,
  type CommitBatch,
  type HistoryPage,
  type IdempotencyRecord,
  type LoyaltyStore,
  type MemberRecords,
  type RecordIds,
  type StoreCapabilities,
  type StoredMember,
} from "loyalty-engine";

/**
 * A store over a key-value map of JSON strings: the shape of Redis, Deno KV, Cloudflare KV or
 * localStorage, here a `Map<string, string>`. Every value is written as JSON and parsed on the way
 * out, so nothing a caller holds can change what is stored. A commit checks everything first, then
 * stages its writes and applies them in one go, with no `await` in between: in one process no other
 * commit can interleave (a real KV would use its atomic batch with version checks instead).
 */
export class JsonKvStore implements LoyaltyStore {
  // Not durable (a Map), one process; purchase ids are claimed across members.
  readonly capabilities: StoreCapabilities = { durable: false, multiProcess: false, purchaseClaims: true };
  readonly #kv = new Map<string, string>();
  readonly #faults: ((point: string) => void) | undefined;

  /** `faults`: called after each staged write, for the conformance suite's atomicity tests. */
  constructor(options: { faults?: (point: string) => void } = {}) {
    this.#faults = options.faults;
  }

  async loadMember(programId: string, memberId: string): Promise<StoredMember | null> {
    const row = this.#get<MemberRow>(["member", programId, memberId]);
    return row === null ? null : { snapshot: row.snapshot, version: row.version };
  }

  async getIdempotency(programId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.#get<IdempotencyRecord>(["key", programId, key]);
  }

  async loadRecords(programId: string, memberId: string, ids: RecordIds): Promise<MemberRecords> {
    const pick = (table: string, wanted: readonly string[]) => {
      const out: Record<string, never> = {};
      for (const id of wanted) {
        const record = this.#get<never>([table, programId, memberId, id]);
        if (record !== null) out[id] = record;
      }
      return out;
    };
    return { purchases: pick("purchase", ids.purchases), redemptions: pick("redemption", ids.redemptions) };
  }

  async listRedemptions(programId: string, memberId: string, query: { limit: number }) {
    type Redemption = MemberRecords["redemptions"][string];
    return this.#scan<Redemption>(["redemption", programId, memberId])
      .map(([key, record]) => ({ redemptionId: key.at(-1)!, record }))
      .filter(({ record }) => !record.cancelled)
      .sort((a, b) => b.record.at - a.record.at || compare(b.redemptionId, a.redemptionId))
      .slice(0, query.limit);
  }

  async findPurchaseOwner(programId: string, purchaseId: string): Promise<string | null> {
    return this.#get<string>(["claim", programId, purchaseId]);
  }

  async getStock(programId: string, rewardId: string): Promise<number | null> {
    return this.#get<number>(["stock", programId, rewardId]);
  }

  async readEntries(programId: string, memberId: string, page: { afterSeq: number; limit: number }) {
    // Entries are keyed by seq, which has no gaps: read them one by one from afterSeq + 1.
    const entries: HistoryPage["entries"][number][] = [];
    for (let seq = page.afterSeq + 1; entries.length < page.limit; seq++) {
      const entry = this.#get<HistoryPage["entries"][number]>(["entry", programId, memberId, String(seq)]);
      if (entry === null) break;
      entries.push(entry);
    }
    const last = entries.at(-1)?.seq;
    const more = last !== undefined && this.#kv.has(keyOf(["entry", programId, memberId, String(last + 1)]));
    return { entries, nextAfterSeq: more ? last : null };
  }

  async findDueMembers(
    programId: string,
    query: { before: number; limit: number; after?: { dueAt: number; memberId: string } },
  ) {
    // A scan of the program's members: fine for an example; a real store keeps a sorted due index.
    const after = query.after;
    return this.#scan<MemberRow>(["member", programId])
      .flatMap(([key, row]) => (row.dueAt === null ? [] : [{ memberId: key.at(-1)!, dueAt: row.dueAt }]))
      .filter((d) => d.dueAt <= query.before)
      .filter((d) => !after || d.dueAt > after.dueAt || (d.dueAt === after.dueAt && d.memberId > after.memberId))
      .sort((a, b) => a.dueAt - b.dueAt || compare(a.memberId, b.memberId))
      .slice(0, query.limit);
  }

  async commit(batch: CommitBatch): Promise<void> {
    const p = batch.programId;
    // 1. Every check, before anything is written.
    if (batch.idempotency && this.#kv.has(keyOf(["key", p, batch.idempotency.key])))
      throw new CommitConflict("idempotency", batch.idempotency.key);
    const members = [...batch.members].sort((a, b) => compare(a.memberId, b.memberId));
    for (const w of members)
      if ((this.#get<MemberRow>(["member", p, w.memberId])?.version ?? null) !== w.expectedVersion)
        throw new CommitConflict("version", w.memberId);
    const stock = [...(batch.stock ?? [])].sort((a, b) => compare(a.rewardId, b.rewardId));
    const stockAfter = stock.map((c) => (this.#get<number>(["stock", p, c.rewardId]) ?? c.initial) + c.delta);
    stock.forEach((c, i) => {
      if (stockAfter[i]! < 0) throw new CommitConflict("stock", c.rewardId);
    });
    for (const c of batch.purchaseClaims ?? []) {
      const owner = this.#get<string>(["claim", p, c.purchaseId]);
      if (owner !== null && owner !== c.memberId) throw new CommitConflict("purchase", c.purchaseId);
    }

    // 2. Stage the writes (a fault here leaves the map untouched), then 3. apply them all at once.
    const staged = new Map<string, string>();
    const stage = (key: readonly string[], value: unknown, point: string) => {
      staged.set(keyOf(key), JSON.stringify(value));
      this.#faults?.(point);
    };
    for (const w of members) {
      for (const e of w.entries) stage(["entry", p, w.memberId, String(e.seq)], e, "entries");
      const row: MemberRow = { snapshot: w.snapshot, version: (w.expectedVersion ?? 0) + 1, dueAt: w.dueAt };
      stage(["member", p, w.memberId], row, "snapshot");
      for (const [id, r] of Object.entries(w.records?.purchases ?? {}))
        stage(["purchase", p, w.memberId, id], r, "records");
      for (const [id, r] of Object.entries(w.records?.redemptions ?? {}))
        stage(["redemption", p, w.memberId, id], r, "records");
    }
    stock.forEach((c, i) => stage(["stock", p, c.rewardId], stockAfter[i], "stock"));
    for (const c of batch.purchaseClaims ?? []) stage(["claim", p, c.purchaseId], c.memberId, "claims");
    if (batch.idempotency) stage(["key", p, batch.idempotency.key], batch.idempotency, "idempotency");
    for (const [key, value] of staged) this.#kv.set(key, value);
  }

  #get<T>(key: readonly string[]): T | null {
    const text = this.#kv.get(keyOf(key));
    return text === undefined ? null : (JSON.parse(text) as T);
  }

  /** Every entry whose key starts with `prefix`, parsed: a prefix scan, as a KV's list operation. */
  #scan<T>(prefix: readonly string[]): [string[], T][] {
    const start = keyOf(prefix).slice(0, -1) + ",";
    return [...this.#kv]
      .filter(([key]) => key.startsWith(start))
      .map(([key, text]) => [JSON.parse(key) as string[], JSON.parse(text) as T]);
  }
}

interface MemberRow {
  readonly snapshot: StoredMember["snapshot"];
  readonly version: number;
  readonly dueAt: number | null;
}

/** A key as a JSON array: no separator an id could contain can make two keys collide. */
const keyOf = (parts: readonly string[]) => JSON.stringify(parts);

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
