/**
 * apply: the second pure function of the core. Folding entries into member state is the only way
 * state changes, so "a snapshot equals the fold of its entries" holds by construction, and the
 * property tests check it against the store.
 */
import { Decimal, ZERO } from "../shared/decimal.js";
import { countInPeriods } from "../shared/periods.js";
import { counterName, type CounterName } from "./limits.js";
import type { Entry, LotDraw, LotRecord, MetricStamp, PeriodKeys, TierRecord } from "./entries.js";
import {
  CAP_KEYS_KEPT,
  LIMIT_KEYS_KEPT,
  cloneState,
  dict,
  emptyState,
  emptyTotals,
  type Lot,
  type LotShape,
  type MemberState,
  type TierState,
  type WalletTotals,
} from "./state.js";

/** Thrown when an entry does not fit the state: a bug or a corrupted ledger, never bad input. */
export class LedgerInvariantError extends Error {
  override readonly name = "LedgerInvariantError";
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new LedgerInvariantError(message);
}

/** Applies entries to a copy of `state` (or to an empty state for a new member). */
export function applyEntries(state: MemberState | null, entries: readonly Entry[]): MemberState {
  if (entries.length === 0 && state) return state;
  const memberId = state?.memberId ?? entries[0]!.memberId;
  const next = state ? cloneState(state) : emptyState(memberId);
  for (const entry of entries) applyEntry(next, entry);
  return next;
}

/** The fold from nothing: what a member's snapshot must equal. */
export function foldEntries(memberId: string, entries: readonly Entry[]): MemberState {
  const s = emptyState(memberId);
  for (const e of entries) applyEntry(s, e);
  return s;
}

/** Activity keeps the latest time per kind: a backdated command never moves it back. */
function noteActivity(s: MemberState, name: string, at: number) {
  const previous = s.activity[name];
  if (previous === undefined || at > previous) s.activity[name] = at;
}

function totals(s: MemberState, wallet: string): WalletTotals {
  return (s.wallets[wallet] ??= emptyTotals());
}

function createLot(
  s: MemberState,
  id: string,
  record: LotRecord,
  amount: Decimal,
  remaining: Decimal,
  ruleId: string | null,
  purchaseId: string | null,
) {
  assert(remaining.gte(0) && remaining.lte(amount), `lot ${id}: remaining outside [0, amount]`);
  if (remaining.isZero()) return;
  s.lots.push({
    id,
    wallet: record.wallet,
    amount,
    remaining,
    earnedAt: Date.parse(record.earnedAt),
    availableAt: Date.parse(record.availableAt),
    expiresAt: record.expiresAt === null ? null : Date.parse(record.expiresAt),
    ruleId,
    purchaseId,
  });
}

function drawLots(
  s: MemberState,
  wallet: string,
  draws: readonly LotDraw[],
  each?: (lot: Lot, points: Decimal) => void,
): Decimal {
  let total = ZERO;
  for (const draw of draws) {
    const lot = s.lots.find((l) => l.id === draw.lotId);
    assert(lot !== undefined, `draw from unknown or empty lot ${draw.lotId}`);
    assert(lot.wallet === wallet, `draw from lot ${draw.lotId} of another wallet`);
    const points = new Decimal(draw.points);
    assert(
      points.gt(0) && points.lte(lot.remaining),
      `draw of ${draw.points} from lot ${draw.lotId} holding ${lot.remaining}`,
    );
    lot.remaining = lot.remaining.minus(points);
    total = total.plus(points);
    each?.(lot, points);
  }
  s.lots = s.lots.filter((l: Lot) => !l.remaining.isZero());
  return total;
}

/** Adds `delta` to a limit counter for each of `keys`, keeping the latest LIMIT_KEYS_KEPT keys per period. */
function countLimit(s: MemberState, name: CounterName, keys: PeriodKeys, delta: Decimal) {
  countInPeriods((s.limits[name] ??= {}), keys, delta, () => LIMIT_KEYS_KEPT);
}

/** Opens a lot again with `points` (a cancelled redemption's), from its shape as it was drawn. */
function reopenLot(s: MemberState, shape: LotShape, points: Decimal) {
  assert(points.gt(0) && points.lte(shape.amount), `reopen lot ${shape.id}: ${points} of ${shape.amount}`);
  // Back where creation order put it, as near as the earned time tells.
  const at = s.lots.findIndex((l) => l.earnedAt > shape.earnedAt);
  const lot: Lot = { ...shape, remaining: points };
  if (at < 0) s.lots.push(lot);
  else s.lots.splice(at, 0, lot);
}

/** Adds an entry's metric deltas to its bucket, and prunes dated buckets older than `keepFrom`. */
function applyMetrics(s: MemberState, m: MetricStamp) {
  const bucket = (s.metrics[m.bucket] ??= dict());
  for (const key of Object.keys(m.deltas)) bucket[key] = (bucket[key] ?? ZERO).plus(m.deltas[key]!);
  // Dated buckets (YYYY-MM-DD) sort in time order; "all" sorts after every date and is never pruned.
  if (m.keepFrom !== null) for (const key of Object.keys(s.metrics)) if (key < m.keepFrom) delete s.metrics[key];
}

const ms = (t: string | null) => (t === null ? null : Date.parse(t));
export function tierFromRecord(r: TierRecord): TierState {
  return {
    id: r.id,
    since: Date.parse(r.since),
    guaranteedUntil: ms(r.guaranteedUntil),
    graceUntil: ms(r.graceUntil),
    floor: r.floor === null ? null : { tier: r.floor.tier, until: Date.parse(r.floor.until) },
    reviewedAt: ms(r.reviewedAt),
    basis: r.basis,
  };
}

/** Folds one entry into `s`, in place. Asserts that the entry fits (no lot below zero, no seq gap). */
export function applyEntry(s: MemberState, e: Entry): void {
  assert(e.memberId === s.memberId, `entry ${e.id} belongs to ${e.memberId}, not ${s.memberId}`);
  assert(e.seq === s.lastSeq + 1, `entry ${e.id} has seq ${e.seq}, expected ${s.lastSeq + 1}`);
  s.lastSeq = e.seq;
  const at = Date.parse(e.at);
  if (at > s.lastAt) s.lastAt = at;
  if (e.metrics !== undefined) applyMetrics(s, e.metrics);
  switch (e.kind) {
    case "tier":
      assert(
        s.tier === null ? e.from === null : e.from === s.tier.id,
        `tier ${e.id}: from ${e.from}, but the member holds ${s.tier?.id ?? "no tier"}`,
      );
      assert(e.tier.id === e.to, `tier ${e.id}: record names ${e.tier.id}, not ${e.to}`);
      s.tier = tierFromRecord(e.tier);
      if (e.resetMetrics) delete s.metrics["all"];
      return;
    case "enroll":
      s.joinedAt = Date.parse(e.joinedAt);
      s.birthday = e.birthday;
      s.attributes = dict(Object.entries(e.attributes));
      return;
    case "event":
      noteActivity(s, `event:${e.type}`, Date.parse(e.occurredAt));
      return;
    case "purchase":
      assert(s.purchases[e.purchaseId] === undefined, `purchase ${e.purchaseId} recorded twice`);
      noteActivity(s, "purchase", Date.parse(e.occurredAt));
      s.purchases[e.purchaseId] = {
        id: e.purchaseId,
        amount: new Decimal(e.amount),
        occurredAt: Date.parse(e.occurredAt),
        refunded: ZERO,
        earned: dict(),
        settled: dict(),
        reversed: dict(),
        expired: dict(),
      };
      return;
    case "earn": {
      const t = totals(s, e.wallet);
      const points = new Decimal(e.points),
        repaid = new Decimal(e.debtRepaid);
      assert(repaid.gte(0) && repaid.lte(t.debt) && repaid.lte(points), `earn ${e.id}: debt repaid out of range`);
      t.earned = t.earned.plus(points);
      t.debt = t.debt.minus(repaid);
      createLot(s, e.id, e.lot, points, points.minus(repaid), e.ruleId, e.purchaseId);
      if (e.purchaseId !== null) {
        const p = s.purchases[e.purchaseId];
        assert(p !== undefined, `earn ${e.id} names unknown purchase ${e.purchaseId}`);
        p.earned[e.wallet] = (p.earned[e.wallet] ?? ZERO).plus(points);
      }
      // Keep the latest keys only; see CAP_KEYS_KEPT.
      countInPeriods(((s.caps[e.ruleId] ??= dict())[e.wallet] ??= {}), e.capKeys, points, (p) => CAP_KEYS_KEPT[p]);
      return;
    }
    case "spend": {
      noteActivity(s, "spend", Date.parse(e.at));
      const drawn = drawLots(s, e.wallet, e.lots);
      assert(drawn.eq(e.points), `spend ${e.id}: lots add up to ${drawn}, not ${e.points}`);
      const t = totals(s, e.wallet);
      t.spent = t.spent.plus(drawn);
      return;
    }
    case "expire": {
      const drawn = drawLots(s, e.wallet, e.lots, (lot, points) => {
        const p = lot.purchaseId === null ? undefined : s.purchases[lot.purchaseId];
        if (p) p.expired[e.wallet] = (p.expired[e.wallet] ?? ZERO).plus(points);
      });
      assert(drawn.eq(e.points), `expire ${e.id}: lots add up to ${drawn}, not ${e.points}`);
      const t = totals(s, e.wallet);
      t.expired = t.expired.plus(drawn);
      if (e.lapsedAt !== undefined) {
        const lapsed = Date.parse(e.lapsedAt);
        if (lapsed > (s.lapsed[e.wallet] ?? -Infinity)) s.lapsed[e.wallet] = lapsed;
      }
      return;
    }
    case "refund": {
      noteActivity(s, "refund", Date.parse(e.at));
      if (e.purchaseId === null) return;
      const p = s.purchases[e.purchaseId];
      assert(p !== undefined, `refund ${e.id} names unknown purchase ${e.purchaseId}`);
      p.refunded = p.refunded.plus(e.amount);
      assert(p.refunded.lte(p.amount), `refund ${e.id}: refunds exceed purchase ${e.purchaseId}`);
      return;
    }
    case "reverse": {
      const drawn = drawLots(s, e.wallet, e.lots);
      const debt = new Decimal(e.debt);
      assert(
        drawn.plus(debt).eq(e.points),
        `reverse ${e.id}: lots plus debt add up to ${drawn.plus(debt)}, not ${e.points}`,
      );
      const t = totals(s, e.wallet);
      t.reversed = t.reversed.plus(e.points);
      t.debt = t.debt.plus(debt);
      if (e.purchaseId !== null) {
        const p = s.purchases[e.purchaseId];
        assert(p !== undefined, `reverse ${e.id} names unknown purchase ${e.purchaseId}`);
        const settled = (p.settled[e.wallet] ?? ZERO).plus(e.points).plus(e.forgiven);
        const reversed = (p.reversed[e.wallet] ?? ZERO).plus(e.points);
        assert(
          settled.lte(p.earned[e.wallet] ?? ZERO),
          `reverse ${e.id}: reverses more than purchase ${e.purchaseId} earned`,
        );
        assert(
          reversed.plus(p.expired[e.wallet] ?? ZERO).lte(p.earned[e.wallet] ?? ZERO),
          `reverse ${e.id}: takes back points of purchase ${e.purchaseId} that expired`,
        );
        p.settled[e.wallet] = settled;
        p.reversed[e.wallet] = reversed;
      }
      return;
    }
    case "adjust": {
      noteActivity(s, "adjust", Date.parse(e.at));
      const t = totals(s, e.wallet);
      const points = new Decimal(e.points);
      t.adjusted = t.adjusted.plus(points);
      if (points.gt(0)) {
        assert(e.lot !== null, `adjust ${e.id}: a credit needs a lot`);
        const repaid = new Decimal(e.debtRepaid);
        assert(repaid.gte(0) && repaid.lte(t.debt) && repaid.lte(points), `adjust ${e.id}: debt repaid out of range`);
        t.debt = t.debt.minus(repaid);
        createLot(s, e.id, e.lot, points, points.minus(repaid), null, null);
      } else {
        const drawn = drawLots(s, e.wallet, e.lots);
        assert(drawn.eq(points.neg()), `adjust ${e.id}: lots add up to ${drawn}, not ${points.neg()}`);
      }
      return;
    }
    case "redeem": {
      assert(s.redemptions[e.redemptionId] === undefined, `redemption ${e.redemptionId} recorded twice`);
      assert(
        Number.isSafeInteger(e.quantity) && e.quantity >= 1 && Number.isSafeInteger(e.stock) && e.stock >= 0,
        `redeem ${e.id}: quantity or stock out of range`,
      );
      // An automatic conversion is the program's doing, not the member's: it is no activity.
      if (e.periodEnd === null) noteActivity(s, "spend", at);
      const draws: { lot: LotShape; points: Decimal }[] = [];
      const drawn = drawLots(s, e.wallet, e.lots, (lot, points) => {
        const { remaining: _, ...shape } = lot;
        draws.push({ lot: shape, points });
      });
      assert(drawn.eq(e.points), `redeem ${e.id}: lots add up to ${drawn}, not ${e.points}`);
      totals(s, e.wallet).spent = totals(s, e.wallet).spent.plus(drawn);
      // An automatic conversion is dated at its period end, whenever it was written.
      const when = e.periodEnd === null ? at : Date.parse(e.periodEnd);
      s.redemptions[e.redemptionId] = {
        id: e.redemptionId,
        rewardId: e.rewardId,
        wallet: e.wallet,
        points: drawn,
        quantity: e.quantity,
        at: when,
        stock: e.stock,
        limitKeys: { ...e.limitKeys },
        cancelled: false,
        draws,
      };
      countLimit(s, counterName.redeemed(e.rewardId), e.limitKeys, new Decimal(e.quantity));
      return;
    }
    case "cancel": {
      const r = s.redemptions[e.redemptionId];
      assert(r !== undefined && !r.cancelled, `cancel ${e.id}: no open redemption ${e.redemptionId}`);
      // The member undoing a redemption is active: a grace lot must not arrive past the inactivity deadline.
      noteActivity(s, "spend", at);
      assert(
        r.wallet === e.wallet && r.rewardId === e.rewardId && r.stock === e.stock,
        `cancel ${e.id}: does not match redemption ${e.redemptionId}`,
      );
      const t = totals(s, e.wallet);
      const regranted = new Decimal(e.regranted),
        forfeited = new Decimal(e.forfeited),
        repaid = new Decimal(e.debtRepaid);
      assert(
        regranted.gte(0) && forfeited.gte(0) && repaid.gte(0) && repaid.lte(t.debt),
        `cancel ${e.id}: figures out of range`,
      );
      let restored = ZERO;
      for (const draw of e.lots) {
        const points = new Decimal(draw.points);
        const was = r.draws.find((d) => d.lot.id === draw.lotId);
        assert(
          was !== undefined && points.gt(0) && points.lte(was.points),
          `cancel ${e.id}: restores ${draw.points} to lot ${draw.lotId}, which the redemption did not draw so much from`,
        );
        const lot = s.lots.find((l) => l.id === draw.lotId);
        if (lot) {
          assert(
            lot.remaining.plus(points).lte(lot.amount),
            `cancel ${e.id}: lot ${draw.lotId} would hold more than its amount`,
          );
          lot.remaining = lot.remaining.plus(points);
        } else {
          reopenLot(s, was.lot, points);
        }
        restored = restored.plus(points);
      }
      assert(
        restored.plus(regranted).plus(forfeited).plus(repaid).eq(r.points) && r.points.eq(e.points),
        `cancel ${e.id}: returns ${e.points}, redemption ${e.redemptionId} took ${r.points}`,
      );
      if (regranted.gt(0)) {
        assert(e.lot !== null && e.lot.wallet === e.wallet, `cancel ${e.id}: regranted points need a lot`);
        createLot(s, e.id, e.lot, regranted, regranted, null, null);
      }
      t.spent = t.spent.minus(r.points);
      t.expired = t.expired.plus(forfeited);
      t.debt = t.debt.minus(repaid);
      r.cancelled = true;
      r.draws = [];
      countLimit(s, counterName.redeemed(r.rewardId), r.limitKeys, new Decimal(-r.quantity));
      return;
    }
    case "transfer": {
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
      return;
    }
    case "referral":
      assert(e.counterpartyId !== s.memberId, `referral ${e.id}: the member refers itself`);
      if (e.role === "referred") {
        assert(s.referredBy === null, `referral ${e.id}: member already referred by ${s.referredBy}`);
        s.referredBy = e.counterpartyId;
      } else {
        countLimit(s, counterName.referrals(), e.limitKeys, new Decimal(1));
      }
      return;
  }
}
