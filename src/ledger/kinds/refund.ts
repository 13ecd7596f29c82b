/**
 * The `refund` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import type { EntryBase } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { noteActivity, updatePurchase } from "./steps.js";

/** A refund of money: moves no points by itself; reverse entries follow it per wallet. */
export interface RefundEntry extends EntryBase {
  readonly kind: "refund";
  /** null: a return with no receipt. */
  readonly purchaseId: string | null;
  readonly amount: string;
}

export const refund: EntryKindSpec<RefundEntry> = {
  fold(state, entry) {
    noteActivity(state, "refund", Date.parse(entry.at));
    if (entry.purchaseId === null) return;
    const p = updatePurchase(state, entry.purchaseId, `refund ${entry.id}`, (record) => ({
      ...record,
      refunded: record.refunded.plus(entry.amount),
    }));
    assert(p.refunded.lte(p.amount), `refund ${entry.id}: refunds exceed purchase ${entry.purchaseId}`);
  },
};
