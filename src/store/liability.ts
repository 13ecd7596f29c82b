/**
 * Outstanding points by wallet and by expiry month, summed over member snapshots: the in-memory
 * store's `liability` (the PostgreSQL store sums its lots table in one query instead).
 */
import { Decimal } from "../shared/decimal.js";
import type { LotSnapshot } from "../ledger/snapshot.js";
import { periodKey } from "../shared/periods.js";
import type { LiabilityQuery, WalletLiability } from "./port.js";

interface Tally {
  points: Decimal;
  pending: Decimal;
  expiredUnswept: Decimal;
  members: Set<string>;
  byMonth: Map<string | null, Decimal>;
}

export function liabilityOf(
  members: Iterable<{ readonly memberId: string; readonly lots: readonly LotSnapshot[] }>,
  { asOf, timeZone }: LiabilityQuery,
): WalletLiability[] {
  const wallets = new Map<string, Tally>();
  const zero = new Decimal(0);
  for (const { memberId, lots } of members)
    for (const lot of lots) {
      const remaining = new Decimal(lot.remaining);
      if (remaining.isZero()) continue;
      let t = wallets.get(lot.wallet);
      if (t === undefined) {
        t = { points: zero, pending: zero, expiredUnswept: zero, members: new Set(), byMonth: new Map() };
        wallets.set(lot.wallet, t);
      }
      if (lot.expiresAt !== null && lot.expiresAt <= asOf) {
        t.expiredUnswept = t.expiredUnswept.plus(remaining);
        continue;
      }
      t.points = t.points.plus(remaining);
      if (lot.availableAt > asOf) t.pending = t.pending.plus(remaining);
      t.members.add(memberId);
      const month = lot.expiresAt === null ? null : periodKey(lot.expiresAt, timeZone, "month");
      t.byMonth.set(month, (t.byMonth.get(month) ?? zero).plus(remaining));
    }
  return [...wallets]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([wallet, t]) => ({
      wallet,
      points: t.points.toFixed(),
      pending: t.pending.toFixed(),
      expiredUnswept: t.expiredUnswept.toFixed(),
      members: t.members.size,
      byExpiryMonth: [...t.byMonth]
        .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
        .map(([month, points]) => ({ month, points: points.toFixed() })),
    }));
}
