/**
 * The PostgreSQL store's `liability`: outstanding points by wallet and expiry month, summed by the
 * server over the lots table (the commit keeps it as the snapshots' lots), in two aggregate
 * queries, however many members there are. Sums stay numeric in SQL and come back as text
 * (`trim_scale`: "10.5", as the memory store writes it), never as JS numbers; no decimal library
 * is needed here, which keeps it out of the PostgreSQL bundle.
 */
import type { LiabilityQuery, WalletLiability } from "../store/port.js";
import type { SqlQueryable } from "./client.js";
import { text } from "./rows.js";

export async function liabilityQuery(
  client: SqlQueryable,
  schema: string,
  programId: string,
  { asOf, timeZone }: LiabilityQuery,
): Promise<WalletLiability[]> {
  const open = `SELECT *, (expires_at IS NOT NULL AND expires_at <= $2::bigint) AS expired
    FROM ${schema}.loyalty_lots WHERE program_id = $1 AND remaining > 0`;
  const totals = await client.query(
    `SELECT wallet,
       trim_scale(coalesce(sum(remaining) FILTER (WHERE NOT expired), 0))::text AS points,
       trim_scale(coalesce(sum(remaining) FILTER (WHERE NOT expired AND available_at > $2::bigint), 0))::text AS pending,
       trim_scale(coalesce(sum(remaining) FILTER (WHERE expired), 0))::text AS expired_unswept,
       (count(DISTINCT member_id) FILTER (WHERE NOT expired))::text AS members
     FROM (${open}) AS l GROUP BY wallet`,
    [programId, String(asOf)],
  );
  const months = await client.query(
    `SELECT wallet,
       CASE WHEN expires_at IS NULL THEN 'never'
            ELSE to_char(to_timestamp(expires_at / 1000.0) AT TIME ZONE $3, 'YYYY-MM') END AS month,
       trim_scale(sum(remaining))::text AS points
     FROM (${open}) AS l WHERE NOT expired GROUP BY 1, 2`,
    [programId, String(asOf), timeZone],
  );
  const byWallet = new Map<string, { month: string | null; points: string }[]>();
  for (const row of months.rows) {
    const wallet = text(row.wallet);
    const list = byWallet.get(wallet) ?? [];
    list.push({ month: text(row.month) === "never" ? null : text(row.month), points: text(row.points) });
    byWallet.set(wallet, list);
  }
  const order = (a: string | null, b: string | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
  return totals.rows
    .map((row) => {
      const wallet = text(row.wallet);
      return {
        wallet,
        points: text(row.points),
        pending: text(row.pending),
        expiredUnswept: text(row.expired_unswept),
        members: Number(text(row.members)),
        byExpiryMonth: (byWallet.get(wallet) ?? []).sort((a, b) => order(a.month, b.month)),
      };
    })
    .sort((a, b) => order(a.wallet, b.wallet));
}
