/**
 * The store's SQL migrations, as strings in the bundle (no files to ship or find at run time).
 * Each is applied once, in order, by `migrate()`, which records it in `loyalty_migrations`; one
 * call applies every pending migration in a single transaction (all or none). Never edit a
 * published migration: add the next one.
 *
 * Tables (all keyed by program id first, so that one database can hold several programs, and so
 * that a distributed Postgres can co-locate a member's rows):
 * - `loyalty_members`: one row per member: the snapshot (the fold of its entries, as JSON), its
 *   version (compare-and-set on every commit) and `due_at`, the epoch ms of its next due work,
 *   indexed where not null so that sweeps cost what is due, not what is stored.
 * - `loyalty_entries`: the ledger, append-only, one row per entry, gapless `seq` per member.
 * - `loyalty_lots`: the snapshot's open lots, mirrored as rows with `numeric` amounts and a CHECK
 *   that `0 <= remaining <= amount`: a backstop for the core's own checks (sweeps find members
 *   through `due_at`; migration 1's index of lots by expiry went in migration 7, unread).
 * - `loyalty_idempotency`: one row per command key and program: the payload hash and the result a
 *   retry gets back, written in the same transaction as the command's effect.
 * - `loyalty_reward_stock`: units left per reward, never below zero (for the rewards catalogue).
 * - `loyalty_records` (migration 2): a member's purchase and redemption records, one row each,
 *   read only by the commands that name them (a refund, a cancellation, a duplicate check) and,
 *   for open redemptions newest first, by the summary; the snapshot holds only what is open
 *   (docs/ledger.md, "What a member's state holds").
 * - `loyalty_purchase_claims` (migration 3): which member recorded a purchase id, for programs with
 *   `purchases.uniqueAcrossMembers`; its primary key is what stops two members recording one
 *   purchase id at once (the second insert waits for the first, then finds it taken). On a
 *   distributed Postgres partitioned by member it is keyed by purchase id, not member: a
 *   reference table, or a two-shard transaction, like idempotency keys.
 *
 * - Migration 4 (src/postgres/layout.ts): the member row's snapshot leaves out its lots, which are
 *   the `loyalty_lots` rows (ordered by their new `ord`), and the records of its open purchases,
 *   which are their `loyalty_records` rows; `lots_in_rows` says which rows are laid out so.
 *
 * - `loyalty_events` (migration 5): the outbox, one row per event, keyed by (program, the writing
 *   transaction's id as xid8, the event's place in its commit): a reader pages by that key and
 *   only up to the oldest transaction still running, so that a transaction that commits late can
 *   never land behind a cursor (src/postgres/events.ts, docs/events.md). `event_id` is unique per
 *   program: a notice written again is skipped.
 * - Migration 6: the member index (engine/member-index.ts) on the member row, `member_index`, with
 *   its tier and last purchase as indexed columns, and `loyalty_member_segments`, one row per
 *   member and segment it is in: what `listMembers` reads (src/postgres/listing.ts).
 *
 * - Migration 7: `loyalty_events_id` holds notices only (an entry's events are unique by
 *   construction), `loyalty_lots_expiry` is gone (no statement read it); entries and events are
 *   stored without the fields their columns hold (src/postgres/compact.ts).
 *
 * - Migration 8: a member row's update leaves every index alone when its tier and due time stay
 *   (a HOT update: no index entries, the new version on the same page, which a fillfactor of 80
 *   keeps room for): `loyalty_members_last_purchase` is gone, since its last-purchase instant moves
 *   with every purchase; a listing by last purchase walks the primary key (listing.ts). From this
 *   version on, a commit whose events are all its entries' own stores one outbox row naming those
 *   entries (src/postgres/event-refs.ts); rows written before hold their events and read as they are.
 *
 * The snapshot, the entries and the idempotency results are `json`, not `jsonb`: the store writes
 * and reads each of them whole, so `jsonb`'s binary form would cost a conversion on every write (the
 * snapshot is rewritten by every command) and buy nothing; `json` still checks the text is JSON and
 * takes the `->`/`->>` operators for ad-hoc queries (cast to `jsonb` to index one).
 *
 * Key columns use the "C" collation: ids compare by code point, as the engine sorts them (the
 * order members are locked in, and the `findDueMembers` cursor), whatever the database's locale.
 */

import { ENTRY_EVENT_ID } from "./statements.js";

export interface Migration {
  /** 1, 2, 3, ...: applied in this order, each once. */
  readonly version: number;
  readonly name: string;
  /** The statements, for a schema name that has already been checked and quoted. */
  readonly sql: (schema: string) => string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "members, entries, lots, idempotency, reward stock",
    sql: (s) => `
CREATE TABLE ${s}.loyalty_members (
  program_id text COLLATE "C" NOT NULL,
  member_id text COLLATE "C" NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  snapshot json NOT NULL,
  due_at bigint,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (program_id, member_id)
);
CREATE INDEX loyalty_members_due ON ${s}.loyalty_members (program_id, due_at, member_id) WHERE due_at IS NOT NULL;
-- A snapshot over ~2 kB is compressed on every write: lz4 costs a fraction of the default pglz. Kept at the default where the server lacks lz4 (built without it: feature_not_supported; before PostgreSQL 14: syntax_error, raised only at EXECUTE, so that the block itself compiles).
DO $$ BEGIN EXECUTE 'ALTER TABLE ${s}.loyalty_members ALTER COLUMN snapshot SET COMPRESSION lz4'; EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL; END $$;

CREATE TABLE ${s}.loyalty_entries (
  program_id text COLLATE "C" NOT NULL,
  member_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL CHECK (seq >= 1),
  kind text NOT NULL,
  command_key text NOT NULL,
  entry json NOT NULL,
  PRIMARY KEY (program_id, member_id, seq)
);

CREATE TABLE ${s}.loyalty_lots (
  program_id text COLLATE "C" NOT NULL,
  member_id text COLLATE "C" NOT NULL,
  lot_id text COLLATE "C" NOT NULL,
  wallet text NOT NULL,
  amount numeric NOT NULL,
  remaining numeric NOT NULL,
  earned_at bigint NOT NULL,
  available_at bigint NOT NULL,
  expires_at bigint,
  rule_id text,
  purchase_id text,
  PRIMARY KEY (program_id, member_id, lot_id),
  CONSTRAINT loyalty_lots_remaining_in_bounds CHECK (0 <= remaining AND remaining <= amount)
);
CREATE INDEX loyalty_lots_expiry ON ${s}.loyalty_lots (program_id, expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE ${s}.loyalty_idempotency (
  program_id text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  payload_hash text NOT NULL,
  result json NOT NULL,
  committed_at timestamptz NOT NULL,
  PRIMARY KEY (program_id, key)
);

CREATE TABLE ${s}.loyalty_reward_stock (
  program_id text COLLATE "C" NOT NULL,
  reward_id text COLLATE "C" NOT NULL,
  remaining bigint NOT NULL CHECK (remaining >= 0),
  PRIMARY KEY (program_id, reward_id)
);
`,
  },
  {
    version: 2,
    name: "purchase and redemption records in rows of their own",
    // Snapshots written before it still hold their records; the engine moves them to rows on each
    // member's next write (a snapshot without `format`), so no data migration is needed here.
    sql: (s) => `
CREATE TABLE ${s}.loyalty_records (
  program_id text COLLATE "C" NOT NULL,
  member_id text COLLATE "C" NOT NULL,
  kind text NOT NULL CHECK (kind IN ('purchase', 'redemption')),
  record_id text COLLATE "C" NOT NULL,
  -- A redemption's time and whether it was cancelled, for the summary's list; null and false for purchases.
  at bigint,
  cancelled boolean NOT NULL DEFAULT false,
  record json NOT NULL,
  PRIMARY KEY (program_id, member_id, kind, record_id)
);
CREATE INDEX loyalty_records_open_redemptions ON ${s}.loyalty_records (program_id, member_id, at DESC, record_id DESC)
  WHERE kind = 'redemption' AND NOT cancelled;
`,
  },
  {
    version: 3,
    name: "purchase id claims across members",
    // Only programs with purchases.uniqueAcrossMembers write claims: purchases recorded before the
    // setting was turned on have none, and are not checked.
    sql: (s) => `
CREATE TABLE ${s}.loyalty_purchase_claims (
  program_id text COLLATE "C" NOT NULL,
  purchase_id text COLLATE "C" NOT NULL,
  member_id text COLLATE "C" NOT NULL,
  PRIMARY KEY (program_id, purchase_id)
);
`,
  },
  {
    version: 4,
    name: "lots and open purchase records out of the member row",
    // Rows written before it keep the whole snapshot (lots_in_rows false) and load as they are;
    // each member's next write moves it to the new layout (src/postgres/layout.ts), so no data
    // migration is needed here. Both ALTERs only change the catalogue (no table rewrite).
    sql: (s) => `
ALTER TABLE ${s}.loyalty_members ADD COLUMN lots_in_rows boolean NOT NULL DEFAULT false;
ALTER TABLE ${s}.loyalty_lots ADD COLUMN ord double precision;
`,
  },
  {
    version: 5,
    name: "the outbox of events, ordered by writing transaction",
    // xid8 and pg_current_xact_id() need PostgreSQL 13 or later (PGlite has them).
    sql: (s) => `
CREATE TABLE ${s}.loyalty_events (
  program_id text COLLATE "C" NOT NULL,
  xid xid8 NOT NULL,
  pos integer NOT NULL CHECK (pos >= 0),
  event_id text COLLATE "C" NOT NULL,
  member_id text COLLATE "C" NOT NULL,
  event json NOT NULL,
  PRIMARY KEY (program_id, xid, pos)
);
CREATE UNIQUE INDEX loyalty_events_id ON ${s}.loyalty_events (program_id, event_id);
`,
  },
  {
    version: 6,
    name: "member index for listings and win-back",
    // Rows written before it have no index (all four null): each member's next write sets it. The
    // spend series of a member indexed so starts from that write; docs/upgrading.md says how to
    // index every member at once from its ledger. The ALTERs only change the catalogue.
    sql: (s) => `
ALTER TABLE ${s}.loyalty_members ADD COLUMN member_index json;
ALTER TABLE ${s}.loyalty_members ADD COLUMN tier text COLLATE "C";
ALTER TABLE ${s}.loyalty_members ADD COLUMN last_purchase_at bigint;
CREATE INDEX loyalty_members_tier ON ${s}.loyalty_members (program_id, tier, member_id) WHERE tier IS NOT NULL;
CREATE INDEX loyalty_members_last_purchase ON ${s}.loyalty_members (program_id, member_id) INCLUDE (last_purchase_at)
  WHERE last_purchase_at IS NOT NULL;
CREATE TABLE ${s}.loyalty_member_segments (
  program_id text COLLATE "C" NOT NULL,
  member_id text COLLATE "C" NOT NULL,
  segment text COLLATE "C" NOT NULL,
  PRIMARY KEY (program_id, member_id, segment)
);
CREATE INDEX loyalty_member_segments_listing ON ${s}.loyalty_member_segments (program_id, segment, member_id);
`,
  },
  {
    version: 7,
    name: "unique event ids for notices only, no index of lots by expiry",
    // An entry's events are unique by construction (statements.ts ENTRY_EVENT_ID, the same pattern
    // as here), so only notices stay in the unique index. The index is built again: on a large
    // outbox that takes a while, under the migration's lock. No statement of the store reads lots by
    // expiry (sweeps find members through due_at; liability sums all open lots), so their index went:
    // each insert of a lot that expires paid for it. Entries and events written from this version on
    // leave out what their columns hold (compact.ts); rows written before are read as they are, so
    // no data is converted.
    sql: (s) => `
DROP INDEX ${s}.loyalty_lots_expiry;
DROP INDEX ${s}.loyalty_events_id;
CREATE UNIQUE INDEX loyalty_events_id ON ${s}.loyalty_events (program_id, event_id) WHERE event_id !~ '${ENTRY_EVENT_ID}';
`,
  },
  {
    version: 8,
    name: "member rows updated without index entries; outbox rows that name entries",
    // Dropping the index and setting the fillfactor only change the catalogue (pages already full
    // keep their rows; pruning makes room on them). The outbox's new row form needs no DDL: its
    // `event` is a JSON array where an event is an object (event-refs.ts), so old and new rows sit
    // side by side and no data is converted.
    sql: (s) => `
DROP INDEX ${s}.loyalty_members_last_purchase;
ALTER TABLE ${s}.loyalty_members SET (fillfactor = 80);
`,
  },
];

/** The latest migration's version: what `migrate()` brings a schema to. */
export const SCHEMA_VERSION = migrations.at(-1)!.version;
