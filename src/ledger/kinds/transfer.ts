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
  fold(s, e, at) {
    assert(e.counterpartyId !== s.memberId, `transfer ${e.id}: to the member itself`);
    const t = totals(s, e.wallet);
    const points = new Decimal(e.points);
    // Sending and receiving both count as activity: a dormant receiver's wallet wakes up with
    // the points rather than receiving them already expired.
    noteActivity(s, "transfer", at);
    if (e.direction === "out") {
      const drawn = drawLots(s, e.wallet, e.lots);
      assert(drawn.eq(points), `transfer ${e.id}: lots add up to ${drawn}, not ${e.points}`);
      t.transferredOut = t.transferredOut.plus(drawn);
      countLimit(s, counterName.transferred(e.wallet), e.limitKeys, drawn);
    } else {
      const repaid = new Decimal(e.debtRepaid);
      assert(e.lot !== null && e.lot.wallet === e.wallet && points.gt(0), `transfer ${e.id}: a credit needs a lot`);
      assert(repaid.gte(0) && repaid.lte(t.debt) && repaid.lte(points), `transfer ${e.id}: debt repaid out of range`);
      t.transferredIn = t.transferredIn.plus(points);
      t.debt = t.debt.minus(repaid);
      createLot(s, e.id, e.lot, points, points.minus(repaid), null, null);
    }
  },
};
