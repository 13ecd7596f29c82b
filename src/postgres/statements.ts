/**
 * Every SQL statement of the PostgreSQL store, written out for one (quoted) schema. No ORM: the
 * store's files run these and nothing else.
 */

/** The statements of one schema. */
export type Statements = ReturnType<typeof statements>;

/**
 * The statement that writes one member: $1 program, $2 member, $3 the member row's snapshot, $4
 * dueAt, $5 entries (a JSON array of {s: seq, k: kind, c: command key, e: the stored entry}:
 * compact.ts), $6 lot rows to upsert (each with its ord), $7 lot ids to delete (a text array: an
 * index condition on a member with many lots, where a JSON list beside $9's case in one OR was a
 * filter over every lot row of the member), $8 records to
 * upsert, $9 whether every other lot row goes too (a layout written whole), $10 whether the member
 * row leaves lots and open purchases to rows (layout.ts), $11 outbox events (a JSON array of
 * [pos, event id, member id, stored event]; events.ts), $12 the member index (JSON, or null), $13 its tier and $14 its last
 * purchase (indexed columns), $15 its segments (a JSON array), then $16 the expected version
 * (update), then the idempotency record's key, hash, result and commit time. Every write after the member
 * row's is gated on it (`EXISTS (SELECT 1 FROM member)`), so a lost compare-and-set writes nothing.
 * The parts touch different rows (the member; new entries; lots the command emptied, or with $9
 * every lot row it does not write; lots it
 * created or drew from that still hold points; a new key), so one statement can hold them all.
 */
const lotColumns =
  "program_id, member_id, lot_id, wallet, amount, remaining, earned_at, available_at, expires_at, rule_id, purchase_id, ord";
const lotValues = `l.id, l.wallet, l.amount, l.remaining, l."earnedAt", l."availableAt", l."expiresAt", l."ruleId", l."purchaseId", l.ord`;
const lotRecord = `l(id text, wallet text, amount numeric, remaining numeric, "earnedAt" bigint, "availableAt" bigint,
  "expiresAt" bigint, "ruleId" text, "purchaseId" text, ord float8, fresh boolean)`;

function writeMember(schema: string, kind: "insert" | "update", withIdempotency: boolean): string {
  const next = kind === "update" ? 17 : 16;
  const member =
    kind === "insert"
      ? `INSERT INTO ${schema}.loyalty_members (program_id, member_id, version, snapshot, due_at, lots_in_rows,
          member_index, tier, last_purchase_at)
        VALUES ($1, $2, 1, $3::json, $4::bigint, $10::boolean, $12::json, $13, $14::bigint)
        ON CONFLICT (program_id, member_id) DO NOTHING RETURNING 1`
      : `UPDATE ${schema}.loyalty_members SET version = version + 1, snapshot = $3::json, due_at = $4::bigint,
          lots_in_rows = $10::boolean, member_index = $12::json, tier = $13, last_purchase_at = $14::bigint,
          updated_at = now()
        WHERE program_id = $1 AND member_id = $2 AND version = $16::integer RETURNING 1`;
  // The member's segment rows become $15's (a JSON array): those it left go, new ones come.
  const seg = `${schema}.loyalty_member_segments`;
  const segments = `
      seg_out AS (DELETE FROM ${seg} AS t WHERE t.program_id = $1 AND t.member_id = $2
        AND t.segment NOT IN (SELECT json_array_elements_text($15::json)) AND EXISTS (SELECT 1 FROM member) RETURNING 1),
      seg_in AS (INSERT INTO ${seg} (program_id, member_id, segment) SELECT $1, $2, g FROM json_array_elements_text($15::json) AS g
        WHERE EXISTS (SELECT 1 FROM member) ON CONFLICT DO NOTHING RETURNING 1),`;
  const idempotency = withIdempotency
    ? `,
      new_key AS (
        INSERT INTO ${schema}.loyalty_idempotency (program_id, key, payload_hash, result, committed_at)
        SELECT $1, $${next}, $${next + 1}, $${next + 2}::json, $${next + 3}::timestamptz WHERE EXISTS (SELECT 1 FROM member)
        RETURNING 1)`
    : "";
  return `WITH
      member AS (${member}),${segments}
      new_entries AS (
        INSERT INTO ${schema}.loyalty_entries (program_id, member_id, seq, kind, command_key, entry)
        SELECT $1, $2, e.s, e.k, e.c, e.e FROM json_to_recordset($5::json) AS e(s integer, k text, c text, e json)
        WHERE EXISTS (SELECT 1 FROM member)
        RETURNING 1),
      emptied AS (
        DELETE FROM ${schema}.loyalty_lots AS t WHERE t.program_id = $1 AND t.member_id = $2 AND t.lot_id = ANY($7::text[])
          AND EXISTS (SELECT 1 FROM member)
        RETURNING 1),
      replaced AS (
        DELETE FROM ${schema}.loyalty_lots AS t WHERE $9::boolean AND t.program_id = $1 AND t.member_id = $2
          AND t.lot_id NOT IN (SELECT l.id FROM json_to_recordset($6::json) AS l(id text))
          AND EXISTS (SELECT 1 FROM member)
        RETURNING 1),
      fresh_lots AS (
        INSERT INTO ${schema}.loyalty_lots (${lotColumns})
        SELECT $1, $2, ${lotValues} FROM json_to_recordset($6::json) AS ${lotRecord}
        WHERE l.fresh AND EXISTS (SELECT 1 FROM member)
        RETURNING 1),
      kept AS (
        INSERT INTO ${schema}.loyalty_lots AS t (${lotColumns})
        SELECT $1, $2, ${lotValues} FROM json_to_recordset($6::json) AS ${lotRecord}
        WHERE l.fresh IS NOT TRUE AND EXISTS (SELECT 1 FROM member)
        ON CONFLICT (program_id, member_id, lot_id) DO UPDATE SET remaining = EXCLUDED.remaining, ord = EXCLUDED.ord
          WHERE t.remaining <> EXCLUDED.remaining OR t.ord IS DISTINCT FROM EXCLUDED.ord
        RETURNING 1),
      records AS (
        INSERT INTO ${schema}.loyalty_records AS t (program_id, member_id, kind, record_id, at, cancelled, record)
        SELECT $1, $2, r.kind, r.id, r.at, r.cancelled, r.record
        FROM json_to_recordset($8::json) AS r(kind text, id text, at bigint, cancelled boolean, record json)
        WHERE EXISTS (SELECT 1 FROM member)
        ON CONFLICT (program_id, member_id, kind, record_id) DO UPDATE
          SET at = EXCLUDED.at, cancelled = EXCLUDED.cancelled, record = EXCLUDED.record
        RETURNING 1),
      new_events AS (${insertEvents(schema, "$11")} AND v->>1 ~ '${ENTRY_EVENT_ID}' AND EXISTS (SELECT 1 FROM member)
        RETURNING 1),
      new_notices AS (${insertEvents(schema, "$11")} AND v->>1 !~ '${ENTRY_EVENT_ID}' AND EXISTS (SELECT 1 FROM member)
        ON CONFLICT (program_id, event_id) WHERE event_id !~ '${ENTRY_EVENT_ID}' DO NOTHING RETURNING 1)${idempotency}
    SELECT (SELECT count(*) FROM member)::text AS member, (SELECT count(*) FROM new_entries)::text AS entries`;
}

/**
 * What an entry's event id looks like (`<member>/<seq>/<index>`, events/event.ts `entryEventId`: the
 * member id URI-encoded, so without `/`); a notice's id never does (`<member>/expiring/...`,
 * `<member>/lapsing/...`). An entry's events are unique by construction (their entry's (member,
 * seq) is the entries' primary key, taken in the same statement), so since migration 7 only
 * notices, which a sweep may write again, are in the unique index on event ids, and only they are
 * inserted with ON CONFLICT (a speculative insertion costs WAL of its own). Migration 7 uses the same
 * pattern for the index's predicate: keep them equal.
 */
export const ENTRY_EVENT_ID = "^[^/]+/[0-9]+/[0-9]+$";

/**
 * Inserts the events of `param` (a JSON array of [pos, event id, member id, stored event]; events.ts)
 * under the writing transaction's id, which `pg_current_xact_id()` gives (assigning one if the
 * transaction has none yet); ends in a WHERE clause, so that the caller can add a condition and an
 * ON CONFLICT.
 */
const insertEvents = (schema: string, param: string) =>
  `INSERT INTO ${schema}.loyalty_events (program_id, xid, pos, event_id, member_id, event)
        SELECT $1, pg_current_xact_id(), (v->>0)::integer, v->>1, v->>2, v->3
        FROM json_array_elements(${param}::json) AS v WHERE true`;

/** The idempotency record's result and commit time as text (ISO, UTC, milliseconds). */
const committedAt = (column: string, result = "result") =>
  `${result}::text AS result, to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS committed_at`;

/**
 * A member row's columns as the reads return them (`m` the member row): version, snapshot,
 * `in_rows` and, when its lots are in rows (layout.ts) and the member is not at `cached` (the
 * version whose lots the store remembers, or null), `lots` (by ord, each an array of its columns
 * and ord) and `open_purchases` (the records of the purchases those lots name, each [id, record]).
 */
const memberColumns = (schema: string, cached: string) => {
  const read = `m.lots_in_rows AND m.version IS DISTINCT FROM ${cached}`;
  const lots = `${schema}.loyalty_lots AS l WHERE l.program_id = m.program_id AND l.member_id = m.member_id`;
  return `m.version::text AS version, m.snapshot::text AS snapshot, m.lots_in_rows::text AS in_rows, m.member_index::text AS member_index,
  CASE WHEN ${read} THEN coalesce((SELECT json_agg(json_build_array(l.lot_id, l.wallet, l.amount::text, l.remaining::text,
      l.earned_at, l.available_at, l.expires_at, l.rule_id, l.purchase_id, l.ord) ORDER BY l.ord, l.lot_id)
    FROM ${lots}), '[]')::text END AS lots,
  CASE WHEN ${read} THEN (SELECT json_agg(json_build_array(r.record_id, r.record))
    FROM ${schema}.loyalty_records AS r WHERE r.program_id = m.program_id AND r.member_id = m.member_id AND r.kind = 'purchase'
      AND r.record_id IN (SELECT l.purchase_id FROM ${lots} AND l.purchase_id IS NOT NULL))::text END AS open_purchases`;
};

/** Every statement of the store, for one (quoted) schema. */
export function statements(schema: string) {
  const members = `${schema}.loyalty_members`,
    entries = `${schema}.loyalty_entries`,
    idempotency = `${schema}.loyalty_idempotency`,
    records = `${schema}.loyalty_records`;
  return {
    // $3: the version whose lots the store remembers (or null).
    loadMember: `SELECT ${memberColumns(schema, "$3::integer")} FROM ${members} AS m WHERE m.program_id = $1 AND m.member_id = $2`,

    getIdempotency: `SELECT payload_hash, ${committedAt("committed_at")}
      FROM ${idempotency} WHERE program_id = $1 AND key = $2`,

    // One member and the key: one row, its columns null where there is no member or no record;
    // with the member's records named in $4 (a JSON array of {kind, id}; none: null).
    loadForOne: `SELECT ${memberColumns(schema, "$5::integer")}, i.payload_hash, ${committedAt("i.committed_at", "i.result")},
        (SELECT json_agg(json_build_array(r.kind, r.record_id, r.record))::text FROM ${records} AS r
          WHERE $4::json IS NOT NULL AND r.program_id = $1 AND r.member_id = $2
            AND (r.kind, r.record_id) IN (SELECT w.kind, w.id FROM json_to_recordset($4::json) AS w(kind text, id text))) AS records
      FROM (VALUES (1)) AS one
      LEFT JOIN ${members} AS m ON m.program_id = $1 AND m.member_id = $2
      LEFT JOIN ${idempotency} AS i ON i.program_id = $1 AND i.key = $3`,

    // The member's records named in $3 (a JSON array of {kind, id}).
    loadRecords: `SELECT json_agg(json_build_array(r.kind, r.record_id, r.record))::text AS records FROM ${records} AS r
      WHERE r.program_id = $1 AND r.member_id = $2
        AND (r.kind, r.record_id) IN (SELECT w.kind, w.id FROM json_to_recordset($3::json) AS w(kind text, id text))`,

    listRedemptions: `SELECT record_id, record::text AS record FROM ${records}
      WHERE program_id = $1 AND member_id = $2 AND kind = 'redemption' AND NOT cancelled
      ORDER BY at DESC, record_id DESC LIMIT $3::bigint`,

    // Any number of members ($2: a JSON array of ids), a row each, and a row for the key if it has a record.
    loadForMany: `SELECT m.member_id, ${memberColumns(schema, "NULL::integer")}, NULL::text AS payload_hash, NULL::text AS result, NULL::text AS committed_at
        FROM ${members} AS m WHERE m.program_id = $1 AND m.member_id IN (SELECT json_array_elements_text($2::json))
      UNION ALL
      SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, payload_hash, ${committedAt("committed_at")}
        FROM ${idempotency} WHERE program_id = $1 AND key = $3`,

    lockMembers: `SELECT member_id, version::text AS version FROM ${members}
      WHERE program_id = $1 AND member_id IN (SELECT json_array_elements_text($2::json))
      ORDER BY member_id FOR UPDATE`,

    writeMember: {
      insert: { plain: writeMember(schema, "insert", false), withIdempotency: writeMember(schema, "insert", true) },
      update: { plain: writeMember(schema, "update", false), withIdempotency: writeMember(schema, "update", true) },
    },

    insertIdempotency: `INSERT INTO ${idempotency} (program_id, key, payload_hash, result, committed_at)
      VALUES ($1, $2, $3, $4::json, $5::timestamptz)`,

    findPurchaseOwner: `SELECT member_id FROM ${schema}.loyalty_purchase_claims WHERE program_id = $1 AND purchase_id = $2`,

    // A claim another member holds returns no row (the WHERE of DO UPDATE fails on it); under READ
    // COMMITTED a concurrent claim of the same id waits for the first to commit, then sees it.
    claimPurchase: `INSERT INTO ${schema}.loyalty_purchase_claims AS c (program_id, purchase_id, member_id) VALUES ($1, $2, $3)
      ON CONFLICT (program_id, purchase_id) DO UPDATE SET member_id = c.member_id WHERE c.member_id = EXCLUDED.member_id
      RETURNING 1`,

    getStock: `SELECT remaining::text AS remaining FROM ${schema}.loyalty_reward_stock WHERE program_id = $1 AND reward_id = $2`,

    // A first change starts the count at $3 (the program's stock); later ones add to it unless the
    // count would go below zero (no row back). Under READ COMMITTED a concurrent change waits for
    // the row lock and re-checks the condition on the row it left.
    changeStock: `INSERT INTO ${schema}.loyalty_reward_stock AS t (program_id, reward_id, remaining) VALUES ($1, $2, $3::bigint + $4::bigint)
      ON CONFLICT (program_id, reward_id) DO UPDATE SET remaining = t.remaining + $4::bigint WHERE t.remaining + $4::bigint >= 0
      RETURNING remaining::text AS remaining`,

    // An erasure (erasure.ts): stored entries replaced by their redacted JSON, by member and seq
    // ($2: [{m, s, e}]), a row back per entry; the erased member's keys ($2) get the hash $3.
    eraseEntries: `UPDATE ${entries} t SET entry = r.e FROM json_to_recordset($2::json) r(m text, s int, e json)
      WHERE t.program_id = $1 AND t.member_id = r.m AND t.seq = r.s RETURNING 1`,
    eraseKeys: `UPDATE ${idempotency} SET payload_hash = $3 WHERE program_id = $1 AND key IN (SELECT json_array_elements_text($2::json))`,

    readEntries: `SELECT seq::text AS entry_seq, kind, command_key, entry::text AS entry FROM ${entries}
      WHERE program_id = $1 AND member_id = $2 AND seq > $3::bigint ORDER BY seq LIMIT $4::bigint`,

    // Events after the cursor ($2 xid, $3 pos), only of transactions older than every one still
    // running: no transaction can commit a row below that bound any more (events.ts). A row naming
    // entries (event-refs.ts: `event` an array [first seq, last seq, count]) holds positions pos to
    // pos + count - 1, so it is read while its last one is after the cursor, with its entry rows.
    // ORDER BY names the table's columns: a bare `xid` would be the text output column (so 10 < 9).
    readEvents: `SELECT e.xid::text AS xid, e.pos::text AS pos, e.event_id, e.member_id, e.event::text AS event,
        CASE WHEN json_typeof(e.event) = 'array' THEN (SELECT json_agg(json_build_array(x.seq, x.kind, x.command_key, x.entry) ORDER BY x.seq)
          FROM ${entries} AS x WHERE x.program_id = e.program_id AND x.member_id = e.member_id
            AND x.seq BETWEEN (e.event->>0)::integer AND (e.event->>1)::integer)::text END AS entries
      FROM ${schema}.loyalty_events AS e
      WHERE e.program_id = $1 AND e.xid >= $2::xid8
        AND (e.xid > $2::xid8 OR e.pos + CASE WHEN json_typeof(e.event) = 'array' THEN (e.event->>2)::integer - 1 ELSE 0 END > $3::integer)
        AND e.xid < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.xid, e.pos LIMIT $4::bigint`,

    findDue: `SELECT member_id, due_at::text AS due_at FROM ${members} AS m
      WHERE program_id = $1 AND due_at IS NOT NULL AND due_at <= $2::bigint
      ORDER BY m.due_at, m.member_id LIMIT $3::bigint`,

    findDueAfter: `SELECT member_id, due_at::text AS due_at FROM ${members} AS m
      WHERE program_id = $1 AND due_at IS NOT NULL AND due_at <= $2::bigint AND (due_at, member_id) > ($3::bigint, $4)
      ORDER BY m.due_at, m.member_id LIMIT $5::bigint`,
  };
}
