/**
 * The purchase records an export carries beyond the state's: a purchase whose lots have all closed
 * (its points spent, expired, or its counter units converted by a milestone) lives in the store's
 * record rows only, yet a refund of it still takes back what it earned, or undoes the conversion.
 * Read from the member's ledger (the ids of its purchases, and of an earlier import's) and the
 * store's records: the export costs a read of the member's history, as an erasure does.
 */
import type { MemberView, PurchaseRecord } from "../ledger/state.js";
import { purchaseFromSnapshot } from "../ledger/snapshot.js";
import { refundWindowClosesAt } from "../expiry/policy.js";
import type { HistoryPage } from "../store/port.js";
import type { EngineContext } from "./context.js";
import { guard } from "./store-calls.js";

const PAGE = 500;

/** The member's refundable purchase records that the state does not hold: not wholly refunded, within the refund window at `now`. */
export async function closedPurchases(ctx: EngineContext, state: MemberView, now: number): Promise<PurchaseRecord[]> {
  const { program, store } = ctx;
  const ids: string[] = [];
  for (let after: number | null = 0; after !== null;) {
    const from: number = after;
    const page: HistoryPage = await guard(() =>
      store.readEntries(program.id, state.memberId, { afterSeq: from, limit: PAGE }),
    );
    for (const e of page.entries) {
      if (e.kind === "purchase" && state.purchases[e.purchaseId] === undefined) ids.push(e.purchaseId);
      if (e.kind === "import")
        for (const p of e.purchases) if (state.purchases[p.purchaseId] === undefined) ids.push(p.purchaseId);
    }
    after = page.nextAfterSeq;
  }
  if (ids.length === 0) return [];
  const { purchases } = await guard(() =>
    store.loadRecords(program.id, state.memberId, { purchases: ids, redemptions: [] }),
  );
  return ids.flatMap((id) => {
    const record = purchases[id];
    if (record === undefined) return [];
    const p = purchaseFromSnapshot(id, record);
    const closesAt = refundWindowClosesAt(program, p);
    return p.refunded.gte(p.amount) || (closesAt !== null && now >= closesAt) ? [] : [p];
  });
}
