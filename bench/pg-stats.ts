/**
 * What the PostgreSQL figures were measured on, read from the server: the members' histories
 * (purchases per member, snapshot sizes) and the WAL position, whose difference over a run is the
 * WAL that run wrote (the whole cluster's: anything else writing to it counts too).
 */
import type pg from "pg";

export interface HistoryStats {
  readonly members: number;
  readonly purchases: number;
  /** Purchases per member. */
  readonly min: number;
  readonly median: number;
  readonly max: number;
  /** Snapshot size as JSON text, in bytes, as a read puts it back together (lots and open purchases included; within a few %). */
  readonly snapshotMedian: number;
  readonly snapshotMax: number;
  /** What of it the member row holds (migration 4: without lots and open purchases). */
  readonly rowMedian: number;
}

/** Histories of the members whose id starts with `${prefix}-`. */
export async function historyStats(admin: pg.Pool, schema: string, prefix: string): Promise<HistoryStats> {
  const { rows } = await admin.query(
    `WITH p AS (SELECT member_id, count(*)::int AS n FROM "${schema}".loyalty_entries
                 WHERE kind = 'purchase' AND member_id LIKE $1 GROUP BY member_id),
          s AS (SELECT length(m.snapshot::text) AS row_bytes, length(m.snapshot::text) + CASE WHEN m.lots_in_rows THEN
                  coalesce((SELECT length(replace(json_agg(json_build_object('id', l.lot_id, 'wallet', l.wallet, 'amount', l.amount::text,
                     'remaining', l.remaining::text, 'earnedAt', l.earned_at, 'availableAt', l.available_at, 'expiresAt', l.expires_at,
                     'ruleId', l.rule_id, 'purchaseId', l.purchase_id))::text, ' : ', ':'))
                   FROM "${schema}".loyalty_lots l WHERE l.program_id = m.program_id AND l.member_id = m.member_id), 0)
                  + coalesce((SELECT sum(length(r.record_id) + length(r.record::text) + 4)
                   FROM "${schema}".loyalty_records r WHERE r.program_id = m.program_id AND r.member_id = m.member_id AND r.kind = 'purchase'
                     AND r.record_id IN (SELECT l.purchase_id FROM "${schema}".loyalty_lots l
                       WHERE l.program_id = m.program_id AND l.member_id = m.member_id)), 0) ELSE 0 END AS bytes
                FROM "${schema}".loyalty_members m WHERE m.member_id LIKE $1)
     SELECT (SELECT count(*) FROM s)::int AS members, (SELECT coalesce(sum(n), 0) FROM p)::int AS purchases,
            (SELECT coalesce(min(n), 0) FROM p) AS min,
            (SELECT coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY n), 0) FROM p) AS median,
            (SELECT coalesce(max(n), 0) FROM p) AS max,
            (SELECT coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY bytes), 0) FROM s)::int AS snapshot_median,
            (SELECT coalesce(max(bytes), 0) FROM s)::int AS snapshot_max,
            (SELECT coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY row_bytes), 0) FROM s)::int AS row_median`,
    [`${prefix}-%`],
  );
  const r = rows[0] as Record<string, number>;
  return {
    members: r.members!,
    purchases: r.purchases!,
    min: r.min!,
    median: r.median!,
    max: r.max!,
    snapshotMedian: r.snapshot_median!,
    snapshotMax: r.snapshot_max!,
    rowMedian: r.row_median!,
  };
}

/** The cluster's WAL position in bytes (pg_current_wal_lsn). */
export async function walBytes(admin: pg.Pool): Promise<number> {
  const { rows } = await admin.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS bytes`);
  return Number((rows[0] as { bytes: string }).bytes);
}
