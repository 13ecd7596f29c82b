/**
 * The `transfer` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal } from "../../shared/decimal.js";
import type { EntryBase, LotDraw, LotRecord, PeriodKeys } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { counterName } from "../limits.js";
import { countLimit, createLot, drawLots, noteActivity, totals } from "./steps.js";

/** One side of a transfer between members: "out" draws the sender's lots, "in" credits a lot. */
export interface TransferEntry extends EntryBase {
  readonly kind: "transfer";
  readonly direction: "out" | "in";
  readonly transferId: string;
  /** The other member. */
  readonly counterpartyId: string;
  readonly wallet: string;
  readonly points: string;
  /** Debit, "out" only: the sender's lots drawn, soonest-expiring first; empty for "in". */
  readonly lots: readonly LotDraw[];
  /**
   * Credit, "in" only: the receiver's new lot (its id is this entry's id), keeping the expiry of the
   * sender's lot; null for "out".
   */
  readonly lot: LotRecord | null;
  readonly debtRepaid: string;
  /** "out": periods the points count towards, for the program's transfer limits. */
  readonly limitKeys: PeriodKeys;
  readonly reference: string | null;
}

export const transfer: EntryKindSpec<TransferEntry> = {
  fold(state, entry, at) {
    assert(entry.counterpartyId !== state.memberId, `transfer ${entry.id}: to the member itself`);
    const t = totals(state, entry.wallet);
    const points = new Decimal(entry.points);
    // Sending and receiving both count as activity: a dormant receiver's wallet wakes up with
    // the points rather than receiving them already expired.
    noteActivity(state, "transfer", at);
    if (entry.direction === "out") {
      const drawn = drawLots(state, entry.wallet, entry.lots);
      assert(drawn.eq(points), `transfer ${entry.id}: lots add up to ${drawn}, not ${entry.points}`);
      t.transferredOut = t.transferredOut.plus(drawn);
      countLimit(state, counterName.transferred(entry.wallet), entry.limitKeys, drawn);
    } else {
      const repaid = new Decimal(entry.debtRepaid);
      assert(
        entry.lot !== null && entry.lot.wallet === entry.wallet && points.gt(0),
        `transfer ${entry.id}: a credit needs a lot`,
      );
      assert(
        repaid.gte(0) && repaid.lte(t.debt) && repaid.lte(points),
        `transfer ${entry.id}: debt repaid out of range`,
      );
      t.transferredIn = t.transferredIn.plus(points);
      t.debt = t.debt.minus(repaid);
      createLot(state, entry.id, entry.lot, points, points.minus(repaid), null, null);
    }
  },
};
