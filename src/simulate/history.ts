/**
 * A purchase history as the simulation reads it: one event per purchase or return, already parsed
 * (src/cli/history-file.ts reads them from CSV or JSON Lines). Amounts stay decimal strings, as on
 * the wire; the engine validates them, and refuses what it would refuse in production.
 */
import type { Scalar } from "../shared/scalar.js";

export interface HistoryLine {
  readonly sku: string;
  readonly category?: string;
  readonly quantity: number;
  readonly amount: string;
}

export interface HistoryEvent {
  /** Where the event came from (a file's line number), for the list of refused rows. */
  readonly line: number;
  /** null: a sale to a customer who is not a member; it counts in the sales, never in the ledger. */
  readonly memberId: string | null;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly kind: "purchase" | "return";
  /** Positive decimal text in the currency's units (a return's amount is what is given back). */
  readonly amount: string;
  readonly currency: string;
  /** A purchase's id, or a return's own id; null: derived from the line number. */
  readonly id: string | null;
  /** A return's receipt: the purchase it returns; null: a return without a receipt. */
  readonly returnsPurchaseId: string | null;
  readonly lines?: readonly HistoryLine[];
  /** Member attributes, given to the enrolment at the member's first event. */
  readonly attributes?: Readonly<Record<string, Scalar>>;
}

/** The events in replay order: by time, ties kept in the order given (a stable sort). */
export function inReplayOrder(events: readonly HistoryEvent[]): HistoryEvent[] {
  return [...events].sort((a, b) => a.at - b.at);
}
