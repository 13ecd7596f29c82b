/**
 * The `refund` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import type { EntryBase } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { noteActivity } from "./steps.js";

/** A refund of money: moves no points by itself; reverse entries follow it per wallet. */
export interface RefundEntry extends EntryBase {
  readonly kind: "refund";
  /** null: a return with no receipt. */
  readonly purchaseId: string | null;
  readonly amount: string;
}

export const refund: EntryKindSpec<RefundEntry> = {
  fold(s, e) {
    noteActivity(s, "refund", Date.parse(e.at));
    if (e.purchaseId === null) return;
    const p = s.purchases[e.purchaseId];
    assert(p !== undefined, `refund ${e.id} names unknown purchase ${e.purchaseId}`);
    p.refunded = p.refunded.plus(e.amount);
    assert(p.refunded.lte(p.amount), `refund ${e.id}: refunds exceed purchase ${e.purchaseId}`);
  },
};
