/**
 * The exporter, pure: a member's state as the importMember command that brings them into another
 * store (or another deployment of the same program) with everything a later command reads: lots
 * with their dates, every wallet total, open purchases, tier, tier metrics, cap and limit counters,
 * activity. Exported and imported at the same instant, the two members' summaries are equal, and
 * stay equal under the same later commands (test/engine/import-uci.test.ts).
 *
 * Not carried: the ledger's history (the statement starts at the import), redemption records (a
 * redemption made before cannot be cancelled after), and purchases no refund can reach any more
 * (wholly refunded, or past refunds.windowDays). docs/migrating.md says so.
 */
import { tierRecord } from "../tiers/write-tier.js";
import type { DeepReadonly, Lot, LotShape, MemberView, PurchaseRecord } from "../ledger/state.js";
import type { Decimal } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import type { ImportMemberCommand } from "./import-schema.js";

const str = (d: Decimal) => d.toFixed();
const figures = (byKey: Readonly<Record<string, Decimal>>) =>
  Object.fromEntries(Object.entries(byKey).map(([k, v]) => [k, str(v)]));
const counters = (byPeriod: Readonly<Partial<Record<string, Readonly<Record<string, Decimal>>>>>) =>
  Object.fromEntries(Object.entries(byPeriod).map(([period, byKey]) => [period, figures(byKey!)]));
const map = <A, B>(byKey: Readonly<Record<string, A>>, fn: (a: A) => B): Record<string, B> =>
  Object.fromEntries(Object.entries(byKey).map(([k, v]) => [k, fn(v)]));
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/**
 * The open lots, then every lot an open hold emptied (remaining 0: a release reopens it with its
 * own dates), each once, with each lot id's place in the list.
 */
function lotsAndHeld(state: MemberView): {
  lots: (Lot | (LotShape & { remaining: null }))[];
  place: Map<string, number>;
} {
  const lots: (Lot | (LotShape & { remaining: null }))[] = [...state.lots];
  const place = new Map(lots.map((l, i) => [l.id, i]));
  for (const h of Object.values(state.holds))
    for (const d of h.draws)
      if (!place.has(d.lot.id)) {
        place.set(d.lot.id, lots.length);
        lots.push({ ...d.lot, remaining: null });
      }
  return { lots, place };
}

/**
 * `state` (as loaded, before any due work) as an importMember command with idempotency key `key`;
 * `closed`: refundable purchase records the state does not hold (their lots all closed), read from
 * the store by exportMember (export-purchases.ts).
 */
export function exportCommand(
  state: MemberView,
  key: string,
  closed: readonly DeepReadonly<PurchaseRecord>[] = [],
): ImportMemberCommand {
  const t = state.tier;
  const { lots, place } = lotsAndHeld(state);
  const purchases = [...Object.values(state.purchases), ...closed];
  const exported = new Set(purchases.map((p) => p.id));
  return {
    key,
    memberId: state.memberId,
    joinedAt: iso(state.joinedAt),
    ...(state.birthday === null ? {} : { birthday: state.birthday }),
    attributes: { ...state.attributes },
    // Period-end work after the member's last entry is still to run, after the import as before.
    asOf: iso(state.lastAt),
    wallets: map(state.wallets, (w) => ({
      debt: str(w.debt),
      lifetime: {
        earned: str(w.earned),
        spent: str(w.spent),
        expired: str(w.expired),
        reversed: str(w.reversed),
        adjusted: str(w.adjusted),
        transferredIn: str(w.transferredIn),
        transferredOut: str(w.transferredOut),
      },
    })),
    lots: lots.map((l) => ({
      wallet: l.wallet,
      amount: str(l.amount),
      remaining: l.remaining === null ? "0" : str(l.remaining),
      earnedAt: iso(l.earnedAt),
      availableAt: iso(l.availableAt),
      expiresAt: isoOrNull(l.expiresAt),
      ...(l.ruleId === null ? {} : { ruleId: l.ruleId }),
      // A lot whose purchase record the state lacks keeps its points, not the link.
      ...(l.purchaseId === null || !exported.has(l.purchaseId) ? {} : { purchaseId: l.purchaseId }),
    })),
    purchases: purchases.map((p) => ({
      purchaseId: p.id,
      amount: str(p.amount),
      occurredAt: iso(p.occurredAt),
      refunded: str(p.refunded),
      earned: figures(p.earned),
      settled: figures(p.settled),
      reversed: figures(p.reversed),
      expired: figures(p.expired),
      // The line figures, so that a refund by line takes back the same points after the move.
      ...(p.lines === undefined
        ? {}
        : {
            lines: Object.entries(p.lines).map(([sku, l]) => ({
              sku,
              quantity: l.quantity,
              ...(l.returned === 0 ? {} : { returned: l.returned }),
              earned: figures(l.earned),
            })),
          }),
      ...(p.lineRefunded === undefined ? {} : { lineRefunded: str(p.lineRefunded) }),
      // Its donation, so that a refund after the move takes the rest of the share back.
      ...(p.donation === undefined
        ? {}
        : {
            donation: {
              cause: p.donation.cause,
              of: p.donation.of,
              ...(p.donation.wallet === null ? {} : { wallet: p.donation.wallet }),
              amount: str(p.donation.amount),
              returned: str(p.donation.returned),
            },
          }),
    })),
    // Open checkout holds, drawing from the lots above by place: captured, released or expired after the move as before.
    ...(Object.keys(state.holds).length === 0
      ? {}
      : {
          holds: Object.values(state.holds).map((h) => ({
            holdId: h.id,
            wallet: h.wallet,
            placedAt: iso(h.at),
            expiresAt: iso(h.expiresAt),
            ...(h.orderAmount === null ? {} : { orderAmount: str(h.orderAmount) }),
            draws: h.draws.map((d) => ({ lot: place.get(d.lot.id)!, points: str(d.points) })),
          })),
        }),
    ...(t === null
      ? {}
      : {
          tier: tierRecord(t),
        }),
    metrics: map(state.metrics, figures),
    caps: map(state.caps, (byWallet) => map(byWallet, counters)),
    limits: map(state.limits, counters),
    activity: map(state.activity, iso),
    lapsed: map(state.lapsed, iso),
    referredBy: state.referredBy,
  };
}
