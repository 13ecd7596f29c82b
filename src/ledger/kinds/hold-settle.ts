/**
 * The entries that close a hold: `capture` (the order was paid: some or all of the held points are
 * spent, the rest go back) and `holdRelease` (the order was abandoned, or the hold expired: all go
 * back). Their wire forms and how the fold applies them (asserting that they fit the state).
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { EntryBase, LotDraw } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { HoldRecord, MemberState } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { noteActivity, plusIn, reopenLot, replaceLot, totals, updatePurchase } from "./steps.js";

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
  /**
   * Points going back that repaid the wallet's debt instead (a refund made while they were held,
   * under allow_debt): as any credit, they settle debt first. Absent (0) on entries before it.
   */
  readonly debtRepaid?: string;
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

/**
 * Tells each purchase the points of it that were forfeited (their lot expired while they were held):
 * they expired unused, and a later refund of the purchase must not take them back from other
 * points, as it does not for a lot that expires unheld (expire.ts). The closing decision keeps the
 * hold's first draws and forfeits the rest of every draw whose lot expired by `settledAt`
 * (rewards/holds.ts `settlement`); this follows the same rule.
 */
function chargeForfeits(state: MemberState, h: HoldRecord, keep: Decimal, settledAt: number, what: string): Decimal {
  let toKeep = keep,
    total = ZERO;
  for (const d of h.draws) {
    const kept = Decimal.min(toKeep, d.points);
    toKeep = toKeep.minus(kept);
    const back = d.points.minus(kept);
    if (back.isZero() || d.lot.expiresAt === null || d.lot.expiresAt > settledAt) continue;
    total = total.plus(back);
    const p = d.lot.purchaseId === null ? undefined : state.purchases[d.lot.purchaseId];
    if (p !== undefined)
      updatePurchase(state, p.id, what, (r) => ({ ...r, expired: plusIn(r.expired, h.wallet, back) }));
  }
  return total;
}

/** Puts the returned points back and closes the hold; returns the points kept (captured). */
function settle(
  state: MemberState,
  entry: HoldSettlement,
  what: string,
  at: number,
  keep: Decimal,
  settledAt: number,
): Decimal {
  const h = state.holds[entry.holdId];
  assert(h !== undefined && h.wallet === entry.wallet, `${what}: no open hold ${entry.holdId} in ${entry.wallet}`);
  noteActivity(state, "spend", at);
  const forfeited = new Decimal(entry.forfeited);
  assert(
    forfeited.gte(0) && chargeForfeits(state, h, keep, settledAt, what).eq(forfeited),
    `${what}: forfeits ${forfeited}, not what expired while held`,
  );
  const repaid = new Decimal(entry.debtRepaid ?? "0");
  const t = totals(state, entry.wallet);
  assert(repaid.gte(0) && repaid.lte(t.debt), `${what}: repays ${repaid} of a debt of ${t.debt}`);
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
  const back = restored.plus(forfeited).plus(repaid);
  assert(back.lte(h.points), `${what}: gives back ${back}, the hold took ${h.points}`);
  t.spent = t.spent.minus(back);
  t.expired = t.expired.plus(forfeited);
  t.debt = t.debt.minus(repaid);
  delete state.holds[entry.holdId];
  return h.points.minus(back);
}

export const capture: EntryKindSpec<CaptureEntry> = {
  fold(state, entry, at) {
    const kept = settle(state, entry, `capture ${entry.id}`, at, new Decimal(entry.points), at);
    assert(kept.gt(0) && kept.eq(entry.points), `capture ${entry.id}: keeps ${kept}, not ${entry.points}`);
  },
};

export const holdRelease: EntryKindSpec<HoldReleaseEntry> = {
  fold(state, entry, at) {
    const points = state.holds[entry.holdId]?.points;
    const expiresAt = state.holds[entry.holdId]?.expiresAt ?? at;
    const kept = settle(state, entry, `holdRelease ${entry.id}`, at, ZERO, entry.expired ? expiresAt : at);
    assert(
      kept.isZero() && points !== undefined && points.eq(entry.points),
      `holdRelease ${entry.id}: releases ${entry.points} of a hold of ${points}`,
    );
  },
};
