/**
 * The `cancel` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { EntryBase, LotDraw, LotRecord } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";
import { counterName } from "../limits.js";
import { countLimit, createLot, noteActivity, reopenLot, replaceLot, totals, updateRedemption } from "./steps.js";

/**
 * A cancelled redemption: its points come back to the lots they were drawn from (`lots`), except
 * those whose lot has expired since by its own date: they come back as a new lot with a short grace
 * term (`lot`, `regranted`), or are forfeited (graceDays 0); all are forfeited when the wallet lapsed
 * for inactivity after the redemption. Debt is repaid first, as by any credit.
 */
export interface CancelEntry extends EntryBase {
  readonly kind: "cancel";
  readonly redemptionId: string;
  readonly rewardId: string;
  readonly wallet: string;
  /** Every point of the redemption: restored + regranted + forfeited + debtRepaid. */
  readonly points: string;
  /**
   * Credit, unlike `lots` on every other kind: points put back into the redemption's original lots
   * (an emptied lot is opened again with its own dates).
   */
  readonly lots: readonly LotDraw[];
  /** Credit: the new grace lot for `regranted` points (its id is this entry's id), or null. */
  readonly lot: LotRecord | null;
  readonly regranted: string;
  readonly forfeited: string;
  readonly debtRepaid: string;
  /** Units this cancellation gave back to the reward's stock (the redemption's `stock`), not the stock left. */
  readonly stock: number;
  readonly reason: string | null;
}

export const cancel: EntryKindSpec<CancelEntry> = {
  fold(state, entry, at) {
    const r = state.redemptions[entry.redemptionId];
    assert(r !== undefined && !r.cancelled, `cancel ${entry.id}: no open redemption ${entry.redemptionId}`);
    // The member undoing a redemption is active: a grace lot must not arrive past the inactivity deadline.
    noteActivity(state, "spend", at);
    assert(
      r.wallet === entry.wallet && r.rewardId === entry.rewardId && r.stock === entry.stock,
      `cancel ${entry.id}: does not match redemption ${entry.redemptionId}`,
    );
    const t = totals(state, entry.wallet);
    const regranted = new Decimal(entry.regranted),
      forfeited = new Decimal(entry.forfeited),
      repaid = new Decimal(entry.debtRepaid);
    assert(
      regranted.gte(0) && forfeited.gte(0) && repaid.gte(0) && repaid.lte(t.debt),
      `cancel ${entry.id}: figures out of range`,
    );
    let restored = ZERO;
    for (const draw of entry.lots) {
      const points = new Decimal(draw.points);
      const was = r.draws.find((d) => d.lot.id === draw.lotId);
      assert(
        was !== undefined && points.gt(0) && points.lte(was.points),
        `cancel ${entry.id}: restores ${draw.points} to lot ${draw.lotId}, which the redemption did not draw so much from`,
      );
      const lot = state.lots.find((l) => l.id === draw.lotId);
      if (lot) {
        assert(
          lot.remaining.plus(points).lte(lot.amount),
          `cancel ${entry.id}: lot ${draw.lotId} would hold more than its amount`,
        );
        replaceLot(state, { ...lot, remaining: lot.remaining.plus(points) });
      } else {
        reopenLot(state, was.lot, points);
      }
      restored = restored.plus(points);
    }
    assert(
      restored.plus(regranted).plus(forfeited).plus(repaid).eq(r.points) && r.points.eq(entry.points),
      `cancel ${entry.id}: returns ${entry.points}, redemption ${entry.redemptionId} took ${r.points}`,
    );
    if (regranted.gt(0)) {
      assert(
        entry.lot !== null && entry.lot.wallet === entry.wallet,
        `cancel ${entry.id}: regranted points need a lot`,
      );
      createLot(state, entry.id, entry.lot, regranted, regranted, null, null);
    }
    t.spent = t.spent.minus(r.points);
    t.expired = t.expired.plus(forfeited);
    t.debt = t.debt.minus(repaid);
    updateRedemption(state, entry.redemptionId, `cancel ${entry.id}`, (record) => ({
      ...record,
      cancelled: true,
      draws: [],
    }));
    countLimit(state, counterName.redeemed(r.rewardId), r.limitKeys, new Decimal(-r.quantity));
  },
};
