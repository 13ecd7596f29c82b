/**
 * The exporter, pure: a member's state as the importMember command that brings them into another
 * store (or another deployment of the same program) with everything a later command reads: lots
 * with their dates, every wallet total, open purchases, tier, tier metrics, cap and limit counters,
 * activity. Exported and imported at the same instant, the two members' summaries are equal, and
 * stay equal under the same later commands (test/engine/import-uci.test.ts).
 *
 * Not carried: the ledger's history (the statement starts at the import), redemption records (a
 * redemption made before cannot be cancelled after), and purchase records whose lots have all closed
 * (they live in the store's record rows, not in the state; a refund of one is then a return without
 * receipt). docs/migrating.md says so.
 */
import { tierRecord } from "../tiers/write-tier.js";
import type { MemberView } from "../ledger/state.js";
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

/** `state` (as loaded, before any due work) as an importMember command with idempotency key `key`. */
export function exportCommand(state: MemberView, key: string): ImportMemberCommand {
  const t = state.tier;
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
    lots: state.lots.map((l) => ({
      wallet: l.wallet,
      amount: str(l.amount),
      remaining: str(l.remaining),
      earnedAt: iso(l.earnedAt),
      availableAt: iso(l.availableAt),
      expiresAt: isoOrNull(l.expiresAt),
      ...(l.ruleId === null ? {} : { ruleId: l.ruleId }),
      // A lot whose purchase record the state lacks keeps its points, not the link.
      ...(l.purchaseId === null || state.purchases[l.purchaseId] === undefined ? {} : { purchaseId: l.purchaseId }),
    })),
    purchases: Object.values(state.purchases).map((p) => ({
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
