/**
 * `loyalty-engine/postgres`: the PostgreSQL store. Works with any client that runs
 * `query(text, params)` and transactions; adapters for `pg` (a Pool) and PGlite are included, and
 * neither is imported here (`pg` is an optional peer dependency).
 *
 * ```ts
 * import pg from "pg";
 * import { createPostgresStore, migrate, pgPool } from "loyalty-engine/postgres";
 *
 * const client = pgPool(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * await migrate(client);                       // creates or upgrades the tables, once per start-up
 * const store = createPostgresStore(client);   // pass to createLoyaltyEngine({ program, store })
 * ```
 *
 * @packageDocumentation
 */
export {
  createPostgresStore,
  PostgresStore,
  isTransientPostgresError,
  type PostgresStoreOptions,
  type PostgresFaultPoint,
} from "./store.js";
export { migrate, type MigrateOptions, type MigrateResult } from "./migrate.js";
export { migrations, SCHEMA_VERSION, type Migration } from "./migrations.js";
export {
  pgPool,
  pglite,
  type SqlClient,
  type SqlQueryable,
  type SqlRow,
  type PgPoolLike,
  type PgPoolClientLike,
  type PGliteLike,
  type PgPoolAdapterOptions,
} from "./client.js";
