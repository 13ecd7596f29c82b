/**
 * The PostgreSQL store's `liability`: outstanding points by wallet and expiry month, summed by the
 * server over the lots table (the commit keeps it as the snapshots' lots), in two aggregate
 * queries, however many members there are. Sums travel as numeric text, never as JS numbers.
 */
import { Decimal } from "../shared/decimal.js";
import type { LiabilityQuery, WalletLiability } from "../store/port.js";
import type { SqlQueryable } from "./client.js";
import { text } from "./rows.js";

export async function liabilityQuery(
  client: SqlQueryable,
  schema: string,
  programId: string,
  { asOf, timeZone }: LiabilityQuery,
): Promise<WalletLiability[]> {
  const lots = `${schema}.loyalty_lots`;
  const groups = await client.query(
    `SELECT wallet,
       CASE WHEN expires_at IS NULL THEN 'never'
            ELSE to_char(to_timestamp(expires_at / 1000.0) AT TIME ZONE $3, 'YYYY-MM') END AS month,
       (expires_at IS NOT NULL AND expires_at <= $2::bigint)::text AS expired,
       sum(remaining)::text AS points,
       coalesce(sum(remaining) FILTER (WHERE available_at > $2::bigint), 0)::text AS pending
     FROM ${lots} WHERE program_id = $1 AND remaining > 0
     GROUP BY 1, 2, 3`,
    [programId, String(asOf), timeZone],
  );
  const holders = await client.query(
    `SELECT wallet, count(DISTINCT member_id)::text AS members FROM ${lots}
     WHERE program_id = $1 AND remaining > 0 AND (expires_at IS NULL OR expires_at > $2::bigint) GROUP BY 1`,
    [programId, String(asOf)],
  );
  const zero = new Decimal(0);
  const wallets = new Map<
    string,
    { points: Decimal; pending: Decimal; expiredUnswept: Decimal; byMonth: Map<string | null, Decimal> }
  >();
  for (const row of groups.rows) {
    const wallet = text(row.wallet);
    let w = wallets.get(wallet);
    if (w === undefined) {
      w = { points: zero, pending: zero, expiredUnswept: zero, byMonth: new Map() };
      wallets.set(wallet, w);
    }
    const points = new Decimal(text(row.points));
    if (text(row.expired) === "true") {
      w.expiredUnswept = w.expiredUnswept.plus(points);
      continue;
    }
    const month = text(row.month) === "never" ? null : text(row.month);
    w.points = w.points.plus(points);
    w.pending = w.pending.plus(text(row.pending));
    w.byMonth.set(month, (w.byMonth.get(month) ?? zero).plus(points));
  }
  const members = new Map(holders.rows.map((r) => [text(r.wallet), Number(text(r.members))]));
  return [...wallets]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([wallet, w]) => ({
      wallet,
      points: w.points.toFixed(),
      pending: w.pending.toFixed(),
      expiredUnswept: w.expiredUnswept.toFixed(),
      members: members.get(wallet) ?? 0,
      byExpiryMonth: [...w.byMonth]
        .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
        .map(([month, points]) => ({ month, points: points.toFixed() })),
    }));
}
