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
  fold(state, entry) {
    assert(state.purchases[entry.purchaseId] === undefined, `purchase ${entry.purchaseId} recorded twice`);
    noteActivity(state, "purchase", Date.parse(entry.occurredAt));
    state.purchases[entry.purchaseId] = {
      id: entry.purchaseId,
      amount: new Decimal(entry.amount),
      occurredAt: Date.parse(entry.occurredAt),
      refunded: ZERO,
      earned: dict(),
      settled: dict(),
      reversed: dict(),
      expired: dict(),
    };
  },
};
