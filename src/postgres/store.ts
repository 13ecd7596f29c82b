/**
 * The PostgreSQL store: `LoyaltyStore` over any client with `query(text, params)` and a
 * transaction (see `client.ts`). No ORM: a handful of statements, written out below.
 *
 * A command first reads its members and its idempotency record in one statement
 * (`loadForCommand`), so at one instant: a member that shows a commit comes with that commit's key.
 *
 * A commit is one transaction, with the command's idempotency record in it:
 * - One member (every command today): one statement, which PostgreSQL runs as a transaction of
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
 *
 * Under READ COMMITTED (the default) a compare-and-set that meets a concurrent writer waits for it,
 * then re-reads the row and finds the new version, so two commits on one member never both land.
 * Serialisation failures (40001: under SERIALIZABLE, or on CockroachDB) and deadlocks (40P01) are
 * retried a bounded number of times with jittered back-off: nothing of the failed try remains. Any
 * other error is rethrown, with nothing written.
 *
 * Amounts never pass through a JS number: the snapshot and entries travel as JSON text in which
 * amounts are decimal strings, and the lot mirror casts them to `numeric` in SQL. Every column read
 * back is cast to text in SQL, so the result does not depend on the driver's type parsers.
 */
import type { Entry } from "../ledger/entries.js";
import type { MemberSnapshot } from "../ledger/state.js";
import {
  CommitConflict,
  type CommandRead,
  type CommitBatch,
  type HistoryPage,
  type IdempotencyRecord,
  type LoyaltyStore,
  type MemberWrite,
  type StoreCapabilities,
  type StoredMember,
} from "../store/port.js";
import type { SqlClient, SqlQueryable, SqlRow } from "./client.js";
import { quoteSchema } from "./migrate.js";
import { isStorableText } from "../shared/validation.js";

/**
 * Where a test may make a commit fail, inside its transaction: after locking the members of a
 * multi-member commit, after each member's statement, after a lone idempotency record.
 */
export type PostgresFaultPoint = "lock" | "member" | "stock" | "idempotency";

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

const TRANSIENT = new Set(["40001", "40P01"]);

/** True for a serialisation failure or a deadlock: the transaction was rolled back and may be run again. */
export function isTransientPostgresError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && TRANSIENT.has(code);
}

// NUL cannot be stored in a PostgreSQL text value, and a lone surrogate would be replaced on the
// way to UTF-8, so that two ids could meet. Such an id is refused (commit) or cannot exist (reads).
const storable = isStorableText;

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const text = (value: unknown): string => {
  if (typeof value !== "string") throw new Error(`PostgreSQL store: expected a text column, got ${typeof value}`);
  return value;
};

export class PostgresStore implements LoyaltyStore {
  readonly capabilities: StoreCapabilities = { durable: true, multiProcess: true };
  readonly schema: string;
  private readonly client: SqlClient;
  private readonly maxRetries: number;
  private readonly faults: ((point: PostgresFaultPoint) => void | Promise<void>) | undefined;
  private readonly sql: ReturnType<typeof statements>;

  constructor(client: SqlClient, options: PostgresStoreOptions = {}) {
    this.client = client;
    this.schema = options.schema ?? "public";
    this.maxRetries = options.maxRetries ?? 5;
    this.faults = options.faults;
    this.sql = statements(quoteSchema(this.schema));
  }

  async loadMember(programId: string, memberId: string): Promise<StoredMember | null> {
    if (!storable(programId) || !storable(memberId)) return null;
    const { rows } = await this.client.query(this.sql.loadMember, [programId, memberId]);
    return rows[0] ? memberFrom(rows[0]) : null;
  }

  async getIdempotency(programId: string, key: string): Promise<IdempotencyRecord | null> {
    if (!storable(programId) || !storable(key)) return null;
    const { rows } = await this.client.query(this.sql.getIdempotency, [programId, key]);
    return rows[0] ? recordFrom(key, rows[0]) : null;
  }

  /**
   * The command's members and its key in one statement, so in one snapshot of the database: one
   * round trip where `loadMember` and `getIdempotency` would take two (or three, for two members).
   */
  async loadForCommand(programId: string, memberIds: readonly string[], key: string): Promise<CommandRead> {
    if (!storable(programId)) return { members: memberIds.map(() => null), idempotency: null };
    // A key PostgreSQL text cannot hold has no record; the members are read all the same.
    if (!storable(key))
      return { members: await Promise.all(memberIds.map((id) => this.loadMember(programId, id))), idempotency: null };
    const wanted = memberIds.filter(storable);
    const { rows } =
      wanted.length === 1
        ? await this.client.query(this.sql.loadForOne, [programId, wanted[0], key])
        : await this.client.query(this.sql.loadForMany, [programId, JSON.stringify(wanted), key]);
    const found = new Map<string, StoredMember>();
    let idempotency: IdempotencyRecord | null = null;
    for (const row of rows) {
      if (row.version !== null) found.set(wanted.length === 1 ? wanted[0]! : text(row.member_id), memberFrom(row));
      if (row.payload_hash !== null) idempotency = recordFrom(key, row);
    }
    return { members: memberIds.map((id) => found.get(id) ?? null), idempotency };
  }

  async commit(batch: CommitBatch): Promise<void> {
    const ids = [
      batch.programId,
      ...batch.members.map((m) => m.memberId),
      ...(batch.idempotency ? [batch.idempotency.key] : []),
      ...(batch.stock ?? []).map((c) => c.rewardId),
    ];
    const bad = ids.find((id) => !storable(id));
    if (bad !== undefined)
      throw new Error(
        `PostgreSQL store: the id ${JSON.stringify(bad)} contains NUL or a lone surrogate, which PostgreSQL text cannot hold.`,
      );
    const writes = [...batch.members].sort((a, b) => byId(a.memberId, b.memberId));
    // One member (every command today): one statement, which is a transaction of its own. With
    // `faults` it runs inside BEGIN ... COMMIT, so that a test can fail the commit after the write.
    const single = writes.length === 1 && this.faults === undefined && (batch.stock ?? []).length === 0;
    for (let attempt = 0; ; attempt++) {
      try {
        if (single) await this.writeMember(this.client, batch.programId, writes[0]!, batch.idempotency);
        else await this.client.transaction((tx) => this.write(tx, batch, writes));
        return;
      } catch (error) {
        if (error instanceof CommitConflict) throw error;
        if (isIdempotencyViolation(error) && batch.idempotency)
          throw new CommitConflict("idempotency", batch.idempotency.key);
        const stockShort = stockViolation(error, batch);
        if (stockShort !== null) throw new CommitConflict("stock", stockShort);
        if (!isTransientPostgresError(error) || attempt >= this.maxRetries) throw error;
        await sleep(Math.random() * 2 ** (attempt + 1));
      }
    }
  }

  private async write(tx: SqlQueryable, batch: CommitBatch, writes: readonly MemberWrite[]): Promise<void> {
    const p = batch.programId;
    if (writes.length > 1) {
      const existing = writes.filter((w) => w.expectedVersion !== null).map((w) => w.memberId);
      if (existing.length > 0) {
        const { rows } = await tx.query(this.sql.lockMembers, [p, JSON.stringify(existing)]);
        const versions = new Map(rows.map((r) => [text(r.member_id), Number(text(r.version))]));
        for (const w of writes)
          if (w.expectedVersion !== null && versions.get(w.memberId) !== w.expectedVersion)
            throw new CommitConflict("version", w.memberId);
        await this.faults?.("lock");
      }
    }
    // The idempotency record goes with the last member's statement (or alone, for a batch of none).
    for (const [i, w] of writes.entries()) {
      await this.writeMember(tx, p, w, i === writes.length - 1 ? batch.idempotency : null);
      await this.faults?.("member");
    }
    if (writes.length === 0 && batch.idempotency !== null) {
      await tx.query(this.sql.insertIdempotency, idempotencyParams(p, batch.idempotency));
      await this.faults?.("idempotency");
    }
    for (const c of [...(batch.stock ?? [])].sort((a, b) => byId(a.rewardId, b.rewardId))) {
      if (!Number.isSafeInteger(c.delta) || !Number.isSafeInteger(c.initial) || c.initial < 0)
        throw new Error(`PostgreSQL store: bad stock change for reward ${c.rewardId}`);
      const { rows } = await tx.query(this.sql.changeStock, [p, c.rewardId, String(c.initial), String(c.delta)]);
      if (rows.length === 0) throw new CommitConflict("stock", c.rewardId);
      await this.faults?.("stock");
    }
  }

  /**
   * One member's writes in one statement: compare-and-set on the member row, then, only if that
   * took, the entries, the lot rows and the idempotency record (whose duplicate key fails the whole
   * statement with 23505: the caller turns that into CommitConflict).
   */
  private async writeMember(
    q: SqlQueryable,
    programId: string,
    w: MemberWrite,
    record: IdempotencyRecord | null,
  ): Promise<void> {
    const lots = lotChanges(w);
    const params: unknown[] = [
      programId,
      w.memberId,
      JSON.stringify(w.snapshot),
      w.dueAt === null ? null : String(w.dueAt),
      JSON.stringify(w.entries),
      JSON.stringify(lots.upsert),
      JSON.stringify(lots.remove),
    ];
    if (w.expectedVersion !== null) params.push(String(w.expectedVersion));
    if (record !== null) params.push(...idempotencyParams(programId, record).slice(1));
    const statement =
      this.sql.writeMember[w.expectedVersion === null ? "insert" : "update"][
        record === null ? "plain" : "withIdempotency"
      ];
    const { rows } = await q.query(statement, params);
    const row = rows[0];
    if (Number(text(row?.member)) !== 1) throw new CommitConflict("version", w.memberId);
    if (Number(text(row?.entries)) !== w.entries.length)
      throw new Error(
        `PostgreSQL store: wrote ${String(row?.entries)} of ${w.entries.length} entries of member ${w.memberId}`,
      );
  }

  async getStock(programId: string, rewardId: string): Promise<number | null> {
    if (!storable(programId) || !storable(rewardId)) return null;
    const { rows } = await this.client.query(this.sql.getStock, [programId, rewardId]);
    return rows[0] ? Number(text(rows[0].remaining)) : null;
  }

  async readEntries(
    programId: string,
    memberId: string,
    page: { afterSeq: number; limit: number },
  ): Promise<HistoryPage> {
    if (!storable(programId) || !storable(memberId) || page.limit <= 0) return { entries: [], nextAfterSeq: null };
    const { rows } = await this.client.query(this.sql.readEntries, [
      programId,
      memberId,
      String(page.afterSeq),
      String(page.limit + 1),
    ]);
    const entries = rows.slice(0, page.limit).map((r) => JSON.parse(text(r.entry)) as Entry);
    return { entries, nextAfterSeq: rows.length > page.limit ? entries.at(-1)!.seq : null };
  }

  async findDueMembers(
    programId: string,
    query: { before: number; limit: number; after?: { dueAt: number; memberId: string } },
  ): Promise<readonly { memberId: string; dueAt: number }[]> {
    if (!storable(programId) || query.limit <= 0) return [];
    const { rows } = query.after
      ? await this.client.query(this.sql.findDueAfter, [
          programId,
          String(query.before),
          String(query.after.dueAt),
          query.after.memberId,
          String(query.limit),
        ])
      : await this.client.query(this.sql.findDue, [programId, String(query.before), String(query.limit)]);
    return rows.map((r) => ({ memberId: text(r.member_id), dueAt: Number(text(r.due_at)) }));
  }
}

/** A member row (`version`, `snapshot` as text) as the port returns it. */
const memberFrom = (row: SqlRow): StoredMember => ({
  snapshot: JSON.parse(text(row.snapshot)) as MemberSnapshot,
  version: Number(text(row.version)),
});

/** An idempotency row (`payload_hash`, `result` and `committed_at` as text) as the port returns it. */
const recordFrom = (key: string, row: SqlRow): IdempotencyRecord => ({
  key,
  payloadHash: text(row.payload_hash),
  result: JSON.parse(text(row.result)) as unknown,
  committedAt: text(row.committed_at),
});

/**
 * The lot rows a member write changes. Lots change only through entries (ledger/apply.ts): a
 * crediting entry creates the lot that bears its id, and a debit lists the lots it draws (`lots`,
 * each with a `lotId`). So the lots to write are the snapshot's lots among those ids, and the lots
 * to delete are those ids that the snapshot no longer holds (emptied): the cost follows the
 * command, not the number of lots the member holds.
 */
function lotChanges(w: MemberWrite): { upsert: MemberSnapshot["lots"]; remove: string[] } {
  const touched = new Set<string>();
  for (const e of w.entries) {
    touched.add(e.id);
    const draws = (e as { lots?: unknown }).lots;
    if (Array.isArray(draws)) for (const d of draws) touched.add((d as { lotId: string }).lotId);
  }
  const upsert = w.snapshot.lots.filter((l) => touched.has(l.id));
  const kept = new Set(upsert.map((l) => l.id));
  return { upsert, remove: [...touched].filter((id) => !kept.has(id)) };
}

/** The store over `client`, on tables `migrate()` made in `options.schema`. */
export function createPostgresStore(client: SqlClient, options: PostgresStoreOptions = {}): PostgresStore {
  return new PostgresStore(client, options);
}

const idempotencyParams = (programId: string, r: IdempotencyRecord) => [
  programId,
  r.key,
  r.payloadHash,
  JSON.stringify(r.result),
  r.committedAt,
];

/**
 * The reward whose stock a failed statement would have taken below zero: a first insert whose
 * count starts below zero fails the table's CHECK (23514). Null for any other error.
 */
function stockViolation(error: unknown, batch: CommitBatch): string | null {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown; detail?: unknown } | null;
  if (e?.code !== "23514" || !(batch.stock ?? []).length) return null;
  const named = typeof e.constraint === "string" ? e.constraint : typeof e.message === "string" ? e.message : "";
  if (!named.includes("loyalty_reward_stock")) return null;
  const short = (batch.stock ?? []).find((c) => c.initial + c.delta < 0);
  return short?.rewardId ?? batch.stock![0]!.rewardId;
}

/** A unique violation of the idempotency table's key: another command committed the key first. */
function isIdempotencyViolation(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  return (
    e?.code === "23505" &&
    (e.constraint === "loyalty_idempotency_pkey" ||
      (typeof e.message === "string" && e.message.includes("loyalty_idempotency_pkey")))
  );
}

/**
 * The statement that writes one member: $1 program, $2 member, $3 snapshot, $4 dueAt, $5 entries,
 * $6 lots to upsert, $7 lot ids to delete, then $8 the expected version (update), then the
 * idempotency record's key, hash, result and commit time. Every write after the member row's is
 * gated on it (`EXISTS (SELECT 1 FROM member)`), so a lost compare-and-set writes nothing at all.
 * The parts touch different rows (the member; new entries; lots the command emptied; lots it
 * created or drew from that still hold points; a new key), so one statement can hold them all.
 */
function writeMember(s: string, kind: "insert" | "update", withIdempotency: boolean): string {
  const next = kind === "update" ? 9 : 8;
  const member =
    kind === "insert"
      ? `INSERT INTO ${s}.loyalty_members (program_id, member_id, version, snapshot, due_at)
        VALUES ($1, $2, 1, $3::json, $4::bigint)
        ON CONFLICT (program_id, member_id) DO NOTHING RETURNING 1`
      : `UPDATE ${s}.loyalty_members SET version = version + 1, snapshot = $3::json, due_at = $4::bigint, updated_at = now()
        WHERE program_id = $1 AND member_id = $2 AND version = $8::integer RETURNING 1`;
  const idempotency = withIdempotency
    ? `,
      new_key AS (
        INSERT INTO ${s}.loyalty_idempotency (program_id, key, payload_hash, result, committed_at)
        SELECT $1, $${next}, $${next + 1}, $${next + 2}::json, $${next + 3}::timestamptz WHERE EXISTS (SELECT 1 FROM member)
        RETURNING 1)`
    : "";
  return `WITH
      member AS (${member}),
      new_entries AS (
        INSERT INTO ${s}.loyalty_entries (program_id, member_id, seq, kind, command_key, entry)
        SELECT $1, $2, (e->>'seq')::integer, e->>'kind', e->'command'->>'key', e FROM json_array_elements($5::json) AS e
        WHERE EXISTS (SELECT 1 FROM member)
        RETURNING 1),
      emptied AS (
        DELETE FROM ${s}.loyalty_lots AS t WHERE t.program_id = $1 AND t.member_id = $2
          AND t.lot_id IN (SELECT json_array_elements_text($7::json)) AND EXISTS (SELECT 1 FROM member)
        RETURNING 1),
      kept AS (
        INSERT INTO ${s}.loyalty_lots AS t (program_id, member_id, lot_id, wallet, amount, remaining, earned_at, available_at, expires_at, rule_id, purchase_id)
        SELECT $1, $2, l.id, l.wallet, l.amount, l.remaining, l."earnedAt", l."availableAt", l."expiresAt", l."ruleId", l."purchaseId"
        FROM json_to_recordset($6::json) AS l(id text, wallet text, amount numeric, remaining numeric,
          "earnedAt" bigint, "availableAt" bigint, "expiresAt" bigint, "ruleId" text, "purchaseId" text)
        WHERE EXISTS (SELECT 1 FROM member)
        ON CONFLICT (program_id, member_id, lot_id) DO UPDATE SET remaining = EXCLUDED.remaining
          WHERE t.remaining <> EXCLUDED.remaining
        RETURNING 1)${idempotency}
    SELECT (SELECT count(*) FROM member)::text AS member, (SELECT count(*) FROM new_entries)::text AS entries`;
}

/** The idempotency record's result and commit time as text (ISO, UTC, milliseconds). */
const committedAt = (column: string, result = "result") =>
  `${result}::text AS result, to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS committed_at`;

/** Every statement of the store, for one (quoted) schema. */
function statements(s: string) {
  const members = `${s}.loyalty_members`,
    entries = `${s}.loyalty_entries`,
    idempotency = `${s}.loyalty_idempotency`;
  return {
    loadMember: `SELECT version::text AS version, snapshot::text AS snapshot FROM ${members} WHERE program_id = $1 AND member_id = $2`,

    getIdempotency: `SELECT payload_hash, ${committedAt("committed_at")}
      FROM ${idempotency} WHERE program_id = $1 AND key = $2`,

    // One member and the key: one row, its columns null where there is no member or no record.
    loadForOne: `SELECT m.version::text AS version, m.snapshot::text AS snapshot, i.payload_hash, ${committedAt("i.committed_at", "i.result")}
      FROM (VALUES (1)) AS one
      LEFT JOIN ${members} AS m ON m.program_id = $1 AND m.member_id = $2
      LEFT JOIN ${idempotency} AS i ON i.program_id = $1 AND i.key = $3`,

    // Any number of members ($2: a JSON array of ids), a row each, and a row for the key if it has a record.
    loadForMany: `SELECT member_id, version::text AS version, snapshot::text AS snapshot, NULL::text AS payload_hash, NULL::text AS result, NULL::text AS committed_at
        FROM ${members} WHERE program_id = $1 AND member_id IN (SELECT json_array_elements_text($2::json))
      UNION ALL
      SELECT NULL, NULL, NULL, payload_hash, ${committedAt("committed_at")}
        FROM ${idempotency} WHERE program_id = $1 AND key = $3`,

    lockMembers: `SELECT member_id, version::text AS version FROM ${members}
      WHERE program_id = $1 AND member_id IN (SELECT json_array_elements_text($2::json))
      ORDER BY member_id FOR UPDATE`,

    writeMember: {
      insert: { plain: writeMember(s, "insert", false), withIdempotency: writeMember(s, "insert", true) },
      update: { plain: writeMember(s, "update", false), withIdempotency: writeMember(s, "update", true) },
    },

    insertIdempotency: `INSERT INTO ${idempotency} (program_id, key, payload_hash, result, committed_at)
      VALUES ($1, $2, $3, $4::json, $5::timestamptz)`,

    getStock: `SELECT remaining::text AS remaining FROM ${s}.loyalty_reward_stock WHERE program_id = $1 AND reward_id = $2`,

    // A first change starts the count at $3 (the program's stock); later ones add to it unless the
    // count would go below zero (no row back). Under READ COMMITTED a concurrent change waits for
    // the row lock and re-checks the condition on the row it left.
    changeStock: `INSERT INTO ${s}.loyalty_reward_stock AS t (program_id, reward_id, remaining) VALUES ($1, $2, $3::bigint + $4::bigint)
      ON CONFLICT (program_id, reward_id) DO UPDATE SET remaining = t.remaining + $4::bigint WHERE t.remaining + $4::bigint >= 0
      RETURNING remaining::text AS remaining`,

    readEntries: `SELECT entry::text AS entry FROM ${entries}
      WHERE program_id = $1 AND member_id = $2 AND seq > $3::bigint ORDER BY seq LIMIT $4::bigint`,

    findDue: `SELECT member_id, due_at::text AS due_at FROM ${members}
      WHERE program_id = $1 AND due_at IS NOT NULL AND due_at <= $2::bigint
      ORDER BY due_at, member_id LIMIT $3::bigint`,

    findDueAfter: `SELECT member_id, due_at::text AS due_at FROM ${members}
      WHERE program_id = $1 AND due_at IS NOT NULL AND due_at <= $2::bigint AND (due_at, member_id) > ($3::bigint, $4)
      ORDER BY due_at, member_id LIMIT $5::bigint`,
  };
}
