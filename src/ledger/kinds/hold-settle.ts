/**
 * The entries that close a hold: `capture` (the order was paid: some or all of the held points are
 * spent, the rest go back) and `holdRelease` (the order was abandoned, or the hold expired: all go
 * back). Their wire forms and how the fold applies them (asserting that they fit the state).
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { EntryBase, LotDraw } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { MemberState } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { noteActivity, reopenLot, replaceLot, totals } from "./steps.js";

/** What both closing entries carry. */
interface HoldSettlement extends EntryBase {
  readonly holdId: string;
  readonly wallet: string;
  /**
   * Credit, as on `cancel`: points put back into the hold's lots (an emptied lot is opened again
   * with its own dates), soonest-expiring last: a capture keeps the soonest-expiring points.
   */
  readonly lots: readonly LotDraw[];
  /** Points going back whose lot expired while they were held: written off as expired, never reopened. */
  readonly forfeited: string;
}

export interface CaptureEntry extends HoldSettlement {
  readonly kind: "capture";
  /** Points spent: the hold's points less those put back (`lots`) and forfeited. */
  readonly points: string;
}

export interface HoldReleaseEntry extends HoldSettlement {
  readonly kind: "holdRelease";
  /** Every point of the hold: put back (`lots`) plus forfeited. */
  readonly points: string;
  /** true: released by the clock at the hold's `expiresAt`; false: on request (engine.releaseHold). */
  readonly expired: boolean;
}

/** Puts the returned points back and closes the hold; returns the points kept (captured). */
function settle(state: MemberState, entry: HoldSettlement, what: string, at: number): Decimal {
  const h = state.holds[entry.holdId];
  assert(h !== undefined && h.wallet === entry.wallet, `${what}: no open hold ${entry.holdId} in ${entry.wallet}`);
  noteActivity(state, "spend", at);
  const forfeited = new Decimal(entry.forfeited);
  assert(forfeited.gte(0), `${what}: forfeited below zero`);
  let restored = ZERO;
  for (const draw of entry.lots) {
    const points = new Decimal(draw.points);
    const was = h.draws.find((d) => d.lot.id === draw.lotId);
    assert(
      was !== undefined && points.gt(0) && points.lte(was.points),
      `${what}: restores ${draw.points} to lot ${draw.lotId}, which the hold did not draw so much from`,
    );
    const lot = state.lots.find((l) => l.id === draw.lotId);
    if (lot) {
      assert(lot.remaining.plus(points).lte(lot.amount), `${what}: lot ${draw.lotId} would hold more than its amount`);
      replaceLot(state, { ...lot, remaining: lot.remaining.plus(points) });
    } else {
      reopenLot(state, was.lot, points);
    }
    restored = restored.plus(points);
  }
  const back = restored.plus(forfeited);
  assert(back.lte(h.points), `${what}: gives back ${back}, the hold took ${h.points}`);
  const t = totals(state, entry.wallet);
  t.spent = t.spent.minus(back);
  t.expired = t.expired.plus(forfeited);
  delete state.holds[entry.holdId];
  return h.points.minus(back);
}

export const capture: EntryKindSpec<CaptureEntry> = {
  fold(state, entry, at) {
    const kept = settle(state, entry, `capture ${entry.id}`, at);
    assert(kept.gt(0) && kept.eq(entry.points), `capture ${entry.id}: keeps ${kept}, not ${entry.points}`);
  },
};

export const holdRelease: EntryKindSpec<HoldReleaseEntry> = {
  fold(state, entry, at) {
    const points = state.holds[entry.holdId]?.points;
    const kept = settle(state, entry, `holdRelease ${entry.id}`, at);
    assert(
      kept.isZero() && points !== undefined && points.eq(entry.points),
      `holdRelease ${entry.id}: releases ${entry.points} of a hold of ${points}`,
    );
  },
};
