/**
 * Invariant checks over a stored member (docs/architecture.md, invariants 2, 3 and 7: lots within their
 * bounds and the snapshot equal to the fold of its entries; conservation; no refund reversing more
 * than its purchase earned): what the property tests and the conformance suite assert after every
 * command. Exported so that users can run them against their own store and data.
 */
import { foldEntries } from "../ledger/apply.js";
import type { Entry } from "../ledger/entries.js";
import { isExpired } from "../ledger/lots.js";
import type { MemberState, MemberView } from "../ledger/state.js";
import { purchaseSnapshot, redemptionSnapshot, toSnapshot } from "../ledger/snapshot.js";
import { canonicalJson } from "../shared/canonical.js";
import { ZERO } from "../shared/decimal.js";
import type { LoyaltyStore } from "../store/port.js";

/** Every entry of a member, in seq order, read page by page. */
export async function readAllEntries(
  store: LoyaltyStore,
  programId: string,
  memberId: string,
  pageSize = 500,
): Promise<Entry[]> {
  const all: Entry[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await store.readEntries(programId, memberId, { afterSeq, limit: pageSize });
    all.push(...page.entries);
    if (page.nextAfterSeq === null) return all;
    afterSeq = page.nextAfterSeq;
  }
}

/** Violations of the ledger invariants in a folded state; empty when all hold. */
export function stateViolations(state: MemberView, now: number): string[] {
  const out: string[] = [];
  for (const lot of state.lots) {
    if (!(lot.remaining.gt(0) && lot.remaining.lte(lot.amount)))
      out.push(`lot ${lot.id}: remaining ${lot.remaining} outside (0, ${lot.amount}]`);
  }
  for (const [wallet, t] of Object.entries(state.wallets)) {
    const held = state.lots.filter((l) => l.wallet === wallet).reduce((s, l) => s.plus(l.remaining), ZERO);
    const lhs = t.earned
      .minus(t.spent)
      .minus(t.expired)
      .minus(t.reversed)
      .plus(t.adjusted)
      .plus(t.transferredIn)
      .minus(t.transferredOut);
    if (!lhs.eq(held.minus(t.debt)))
      out.push(
        `wallet ${wallet}: earned - spent - expired - reversed + adjusted + transferredIn - transferredOut = ${lhs}, lots - debt = ${held.minus(t.debt)}`,
      );
    if (t.debt.lt(0)) out.push(`wallet ${wallet}: negative debt ${t.debt}`);
    // null: no program here, so lots are judged by their own expiry (a stricter check: a lot past
    // an inactivity deadline is written off before any write anyway).
    if (t.debt.gt(0) && state.lots.some((l) => l.wallet === wallet && !isExpired(l, now, null)))
      out.push(`wallet ${wallet}: debt ${t.debt} outstanding while unexpired lots hold points`);
  }
  for (const r of Object.values(state.redemptions)) {
    const drawn = r.draws.reduce((s, d) => s.plus(d.points), ZERO);
    if (!r.cancelled && !drawn.eq(r.points)) out.push(`redemption ${r.id}: draws add up to ${drawn}, not ${r.points}`);
  }
  for (const h of Object.values(state.holds)) {
    const drawn = h.draws.reduce((s, d) => s.plus(d.points), ZERO);
    if (!h.points.gt(0) || !drawn.eq(h.points)) out.push(`hold ${h.id}: draws add up to ${drawn}, not ${h.points}`);
  }
  for (const p of Object.values(state.purchases)) {
    if (p.refunded.gt(p.amount)) out.push(`purchase ${p.id}: refunded ${p.refunded} of ${p.amount}`);
    for (const [wallet, settled] of Object.entries(p.settled)) {
      if (settled.gt(p.earned[wallet] ?? ZERO))
        out.push(`purchase ${p.id}: settled ${settled} of ${p.earned[wallet] ?? 0} in ${wallet}`);
    }
  }
  return out;
}

/**
 * Loads a member and its entries from a store and checks: seqs are 1..n without gaps; the stored
 * snapshot equals the fold of the entries, and so does every purchase and redemption record row;
 * every lot, wallet and purchase holds its invariants.
 */
export async function memberViolations(
  store: LoyaltyStore,
  programId: string,
  memberId: string,
  now: number,
): Promise<string[]> {
  const stored = await store.loadMember(programId, memberId);
  const entries = await readAllEntries(store, programId, memberId);
  if (!stored) return entries.length === 0 ? [] : [`member ${memberId}: entries without a snapshot`];
  const out: string[] = [];
  entries.forEach((e, i) => {
    if (e.seq !== i + 1) out.push(`entry ${e.id}: seq ${e.seq} at position ${i + 1}`);
  });
  let folded: MemberState;
  try {
    folded = foldEntries(memberId, entries);
  } catch (error) {
    return [...out, `entries do not fold: ${(error as Error).message}`];
  }
  if (canonicalJson(toSnapshot(folded)) !== canonicalJson(stored.snapshot))
    out.push(`member ${memberId}: stored snapshot differs from the fold of its ${entries.length} entries`);
  // A snapshot of format 1 still holds its records; they move to rows on the member's next write.
  if (stored.snapshot.format !== undefined) out.push(...(await recordViolations(store, programId, folded)));
  return [...out, ...stateViolations(folded, now)];
}

/** Every record of the fold, compared with its row. */
async function recordViolations(store: LoyaltyStore, programId: string, folded: MemberView): Promise<string[]> {
  const out: string[] = [];
  const rows = await store.loadRecords(programId, folded.memberId, {
    purchases: Object.keys(folded.purchases),
    redemptions: Object.keys(folded.redemptions),
  });
  for (const [id, p] of Object.entries(folded.purchases)) {
    const row = rows.purchases[id];
    if (row === undefined || canonicalJson(row) !== canonicalJson(purchaseSnapshot(p)))
      out.push(`member ${folded.memberId}: purchase ${id}'s record row differs from the fold of its entries`);
  }
  for (const [id, r] of Object.entries(folded.redemptions)) {
    const row = rows.redemptions[id];
    if (row === undefined || canonicalJson(row) !== canonicalJson(redemptionSnapshot(r)))
      out.push(`member ${folded.memberId}: redemption ${id}'s record row differs from the fold of its entries`);
  }
  return out;
}

/** A fingerprint of everything a store holds for these members, keys and rewards' stock: equal before and after means nothing was written. */
export async function storeFingerprint(
  store: LoyaltyStore,
  programId: string,
  memberIds: readonly string[],
  keys: readonly string[] = [],
  rewardIds: readonly string[] = [],
): Promise<string> {
  const parts: unknown[] = [];
  for (const id of memberIds) {
    const entries = await readAllEntries(store, programId, id);
    // The records its entries name (a failed command's would name none), and its open redemptions.
    const purchaseIds = [...new Set(entries.flatMap((e) => ("purchaseId" in e && e.purchaseId ? [e.purchaseId] : [])))];
    const records = await store.loadRecords(programId, id, { purchases: purchaseIds, redemptions: [] });
    const redemptions = await store.listRedemptions(programId, id, { limit: 10_000 });
    parts.push([id, await store.loadMember(programId, id), entries, records, redemptions]);
  }
  for (const key of keys) parts.push([key, await store.getIdempotency(programId, key)]);
  for (const reward of rewardIds) parts.push([`stock:${reward}`, await store.getStock(programId, reward)]);
  return canonicalJson(parts);
}
