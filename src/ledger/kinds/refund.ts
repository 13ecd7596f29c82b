/**
 * The `refund` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { EntryBase } from "../entry-base.js";
import { assert } from "../invariant.js";
import { dict, type Dict, type PurchaseLineRecord, type PurchaseRecord } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { noteActivity, updatePurchase } from "./steps.js";

/** A refund of money: moves no points by itself; reverse entries follow it per wallet. */
export interface RefundEntry extends EntryBase {
  readonly kind: "refund";
  /** null: a return with no receipt. */
  readonly purchaseId: string | null;
  readonly amount: string;
  /** A refund by line: units returned per SKU of the purchase. Absent: a refund in proportion. */
  readonly lines?: Readonly<Record<string, number>>;
}

export const refund: EntryKindSpec<RefundEntry> = {
  fold(state, entry) {
    noteActivity(state, "refund", Date.parse(entry.at));
    if (entry.purchaseId === null) {
      assert(entry.lines === undefined, `refund ${entry.id}: lines without a purchase`);
      return;
    }
    const p = updatePurchase(state, entry.purchaseId, `refund ${entry.id}`, (record) => ({
      ...record,
      refunded: record.refunded.plus(entry.amount),
      ...(entry.lines === undefined ? {} : returnLines(record, entry)),
    }));
    assert(p.refunded.lte(p.amount), `refund ${entry.id}: refunds exceed purchase ${entry.purchaseId}`);
  },
};

/** The record's lines with `entry`'s units returned, and its money refunded by line. */
function returnLines(record: PurchaseRecord, entry: RefundEntry): Pick<PurchaseRecord, "lines" | "lineRefunded"> {
  const lines: Dict<PurchaseLineRecord> = dict(Object.entries(record.lines ?? {}));
  for (const [sku, units] of Object.entries(entry.lines ?? {})) {
    const line = lines[sku];
    assert(line !== undefined, `refund ${entry.id}: purchase ${entry.purchaseId} has no line ${sku}`);
    const returned = line.returned + units;
    assert(
      Number.isInteger(units) && units > 0 && returned <= line.quantity,
      `refund ${entry.id}: returns ${returned} of ${line.quantity} units of ${sku}`,
    );
    lines[sku] = { ...line, returned };
  }
  return { lines, lineRefunded: (record.lineRefunded ?? ZERO).plus(new Decimal(entry.amount)) };
}
