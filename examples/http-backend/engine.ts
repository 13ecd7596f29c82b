import { createLoyaltyEngine, defineProgram, type LoyaltyEngine } from "loyalty-engine";
import { createPostgresStore, migrate, type SqlClient } from "loyalty-engine/postgres";

/** A café's program: a point per pound, a free coffee for 50 points, a £5 voucher for 200. */
export const program = defineProgram({
  id: "cafe",
  version: 1,
  currency: "GBP",
  timeZone: "Europe/London",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable", expiresAfter: { months: 12 } },
    { id: "status", kind: "qualifying", expiresAfter: null },
  ],
  refunds: { negativeBalance: "within_balance", windowDays: 30 },
  rules: [
    {
      id: "base",
      name: "A point per £1",
      on: "purchase",
      awards: [
        { kind: "rate", points: "1", per: "1", wallet: "points" },
        { kind: "rate", points: "1", per: "1", wallet: "status" },
      ],
    },
  ],
  rewards: [
    { id: "coffee", name: "A free coffee", kind: "product", wallet: "points", price: "50" },
    { id: "voucher-5", name: "£5 voucher", kind: "voucher", wallet: "points", price: "200", value: "5.00" },
  ],
});

export interface EngineSetup {
  /** The PostgreSQL schema of the tables. Default `public`. */
  readonly schema?: string;
  /** The clock, for tests; default the system's. */
  readonly clock?: () => number;
}

/**
 * The engine on PostgreSQL: `migrate` creates or upgrades the tables (safe to run at every start,
 * and by two instances at once), then the store works on them. Create it once per process.
 */
export async function engineOn(client: SqlClient, setup: EngineSetup = {}): Promise<LoyaltyEngine> {
  const schema = setup.schema ?? "public";
  await migrate(client, { schema });
  return createLoyaltyEngine({
    program,
    store: createPostgresStore(client, { schema }),
    // Voucher codes: your coupon system's, or random ones as here.
    codes: () => globalThis.crypto.randomUUID(),
    ...(setup.clock === undefined ? {} : { clock: setup.clock }),
  });
}
