/**
 * The `purchase` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { EntryBase } from "../entry-base.js";
import { assert } from "../invariant.js";
import { dict } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { noteActivity } from "./steps.js";

/** A purchase of record: it moves no points, and is what refunds are checked against. */
export interface PurchaseEntry extends EntryBase {
  readonly kind: "purchase";
  readonly purchaseId: string;
  readonly amount: string;
  readonly occurredAt: string;
}

export const purchase: EntryKindSpec<PurchaseEntry> = {
  fold(s, e) {
    assert(s.purchases[e.purchaseId] === undefined, `purchase ${e.purchaseId} recorded twice`);
    noteActivity(s, "purchase", Date.parse(e.occurredAt));
    s.purchases[e.purchaseId] = {
      id: e.purchaseId,
      amount: new Decimal(e.amount),
      occurredAt: Date.parse(e.occurredAt),
      refunded: ZERO,
      earned: dict(),
      settled: dict(),
      reversed: dict(),
      expired: dict(),
    };
  },
};
