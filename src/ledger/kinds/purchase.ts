/**
 * The `purchase` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { EntryBase } from "../entry-base.js";
import { assert } from "../invariant.js";
import { CATEGORIES_KEPT, dict, mapDict, type Dict, type MemberState, type PurchaseLineRecord } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { noteActivity } from "./steps.js";

/** One SKU of a purchase in the purchase entry: units bought, and points earned per wallet (none: omitted). */
export interface PurchaseLineFigures {
  readonly quantity: number;
  readonly earned?: Readonly<Record<string, string>>;
}

/** A purchase of record: it moves no points, and is what refunds are checked against. */
export interface PurchaseEntry extends EntryBase {
  readonly kind: "purchase";
  readonly purchaseId: string;
  /** Money: the part of the order paid in money, what it earned on and what refunds are checked against. */
  readonly amount: string;
  /** Money: the part of the order paid with points (a captured hold), which earned nothing; absent: none. */
  readonly paidWithPoints?: string;
  readonly occurredAt: string;
  /**
   * What each line earned, by SKU, for refunds by line (accrual/refund-lines.ts). Absent on a
   * purchase recorded without lines, and on entries written before refunds by line existed.
   */
  readonly lines?: Readonly<Record<string, PurchaseLineFigures>>;
  /** The distinct categories of its lines, sorted (absent: none). */
  readonly categories?: readonly string[];
  /**
   * Present (true) on purchases recorded since the member's purchase counters exist; absent on
   * earlier entries, whose fold makes the counters unknown (state.ts `purchaseCount`).
   */
  readonly counted?: true;
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
      ...(entry.lines === undefined ? {} : { lines: linesOf(entry.lines) }),
    };
    countPurchase(state, entry);
  },
};

/** The member's purchase counters after `entry` (state.ts `purchaseCount`, `categoriesBought`). */
function countPurchase(state: MemberState, entry: PurchaseEntry): void {
  if (entry.counted !== true || state.purchaseCount === null) {
    state.purchaseCount = null;
    state.categoriesBought = null;
    return;
  }
  state.purchaseCount += 1;
  const held = state.categoriesBought;
  const added = (entry.categories ?? []).filter((c) => held !== null && !held.includes(c));
  if (held === null || added.length === 0) return;
  const all = [...held, ...added].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  state.categoriesBought = all.length > CATEGORIES_KEPT ? null : all;
}

function linesOf(figures: Readonly<Record<string, PurchaseLineFigures>>): Dict<PurchaseLineRecord> {
  return mapDict(figures, (f) => {
    assert(Number.isInteger(f.quantity) && f.quantity > 0, `purchase line of ${f.quantity} units`);
    return { quantity: f.quantity, earned: mapDict(f.earned ?? {}, (p) => new Decimal(p)), returned: 0 };
  });
}
