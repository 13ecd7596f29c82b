/**
 * The `release` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal } from "../../shared/decimal.js";
import type { EntryBase, LotDraw, LotRecord } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { Lot } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { drawLots } from "./steps.js";

/**
 * Pending points of one lot that became spendable, moving no points in or out of the wallet (no
 * total changes): the ledger records the moment so that the outbox tells it once
 * (`points.available`) and a statement shows it (docs/ledger.md, "Pending points released").
 *
 * By the clock (`early: false`), at the lot's own `availableAt`, written by the due work of the
 * next write or sweep: the lot is unchanged (`lots` empty, `lot` null). On demand (`early: true`,
 * `releasePending`): the pending lot is drawn whole (`lots`) into a new lot (`lot`, whose id is
 * this entry's id) that takes its place, keeps its earning instant, expiry, rule and purchase, and
 * is available from the entry's `at`. A new lot rather than the old one changed, so that every lot
 * keeps the instants it was created with, as a store that keeps lots in rows expects (a crediting
 * entry creates the lot that bears its id, a debit lists the lots it draws), as a consolidation does.
 */
export interface ReleaseEntry extends EntryBase {
  readonly kind: "release";
  readonly wallet: string;
  /** The pending lot released: the lot its earning entry created (its `points.pending` names it). */
  readonly lotId: string;
  /** The points it held when released: every one of them. */
  readonly points: string;
  readonly ruleId: string | null;
  readonly purchaseId: string | null;
  /** When the points became spendable: the lot's own `availableAt`, or the entry's `at` for an early release. */
  readonly availableAt: string;
  /** The lot's expiry (null: never), so that the line reads on its own. */
  readonly expiresAt: string | null;
  /** True when a command released the points before their time (`releasePending`). */
  readonly early: boolean;
  /** Early only: the pending lot, drawn whole (debit). Empty for a release by the clock. */
  readonly lots: readonly LotDraw[];
  /** Early only: the lot that takes its place, available now (credit; its id is this entry's id). */
  readonly lot: LotRecord | null;
}

export const release: EntryKindSpec<ReleaseEntry> = {
  fold(state, entry, at) {
    const index = state.lots.findIndex((l) => l.id === entry.lotId);
    const lot = state.lots[index];
    const { lotId } = entry;
    assert(lot !== undefined, `release ${entry.id}: unknown or empty lot ${lotId}`);
    assert(lot.wallet === entry.wallet, `release ${entry.id}: lot ${lotId} is of another wallet`);
    assert(lot.remaining.eq(entry.points), `release ${entry.id}: lot ${lotId} holds ${lot.remaining.toString()}`);
    const releasedAt = Date.parse(entry.availableAt);
    assert(releasedAt <= at, `release ${entry.id}: released after it was written`);
    if (!entry.early) {
      assert(
        entry.lot === null && entry.lots.length === 0 && lot.availableAt === releasedAt,
        `release ${entry.id}: lot ${lotId} is released by the clock at another instant, or moved`,
      );
      return;
    }
    assert(lot.availableAt > releasedAt, `release ${entry.id}: lot ${lotId} was not pending`);
    assert(
      entry.lot !== null &&
        entry.lots.length === 1 &&
        entry.lots[0]!.lotId === lotId &&
        Date.parse(entry.lot.availableAt) === releasedAt &&
        Date.parse(entry.lot.earnedAt) === lot.earnedAt &&
        (entry.lot.expiresAt === null ? null : Date.parse(entry.lot.expiresAt)) === lot.expiresAt,
      `release ${entry.id}: the new lot is not lot ${lotId} available from the release`,
    );
    const drawn = drawLots(state, entry.wallet, entry.lots);
    assert(drawn.eq(entry.points), `release ${entry.id}: lot ${lotId} is not drawn whole`);
    const points = new Decimal(entry.points);
    const released: Lot = {
      ...lot,
      id: entry.id,
      amount: points,
      remaining: points,
      availableAt: releasedAt,
    };
    // In the old lot's place (the draw removed it), so that it keeps its place among lots of equal age.
    state.lots = [...state.lots.slice(0, index), released, ...state.lots.slice(index)];
  },
};
