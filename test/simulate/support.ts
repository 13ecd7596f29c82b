/** Histories for the simulation's tests: the UCI invoices as history events, and small generated ones. */
import fc from "fast-check";
import { DATA_CURRENCY, type InvoiceEvent } from "../../examples/replay.js";
import type { HistoryEvent } from "../../src/simulate/index.js";

/** The UCI invoices the example replay parsed, as the simulation's events (adjustment invoices left out, as the replay does). */
export function uciHistory(events: readonly InvoiceEvent[]): HistoryEvent[] {
  return events
    .filter((e) => e.kind !== "other")
    .map((e) => ({
      line: e.line,
      memberId: e.customerId,
      at: e.occurredAt,
      kind: e.kind === "purchase" ? "purchase" : "return",
      amount: e.amount.abs().toFixed(2),
      currency: DATA_CURRENCY,
      id: e.invoiceNo,
      returnsPurchaseId: null,
    }));
}

const START = Date.UTC(2024, 0, 3, 12);
const DAY = 86_400_000;

/**
 * A few members' purchases and returns over about two years: returns with a receipt (of an
 * earlier line's purchase, possibly larger than it) or without, now and then a currency the
 * program does not take, so that some rows are refused.
 */
export const historyArb = historyOf(1);

export function historyOf(minLength: number): fc.Arbitrary<HistoryEvent[]> {
  return fc
    .array(
      fc.record({
        member: fc.integer({ min: 1, max: 4 }),
        day: fc.integer({ min: 0, max: 800 }),
        kind: fc.constantFrom("purchase", "purchase", "purchase", "return"),
        pence: fc.integer({ min: 1, max: 40_000 }),
        receipt: fc.boolean(),
        foreign: fc.integer({ min: 0, max: 19 }),
      }),
      { minLength, maxLength: Math.max(40, minLength) },
    )
    .map((rows) => {
      const sorted = [...rows].sort((a, b) => a.day - b.day);
      const purchases = new Map<number, string>(); // member -> last purchase id
      return sorted.map((r, i): HistoryEvent => {
        const line = i + 2;
        const last = purchases.get(r.member) ?? null;
        if (r.kind === "purchase") purchases.set(r.member, `p${line}`);
        return {
          line,
          memberId: `m${r.member}`,
          at: START + r.day * DAY,
          kind: r.kind as "purchase" | "return",
          amount: (r.pence / 100).toFixed(2),
          currency: r.foreign === 0 ? "USD" : "GBP",
          id: `${r.kind === "purchase" ? "p" : "r"}${line}`,
          returnsPurchaseId: r.kind === "return" && r.receipt ? last : null,
        };
      });
    });
}
