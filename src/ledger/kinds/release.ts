/**
 * The `release` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import type { EntryBase } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { Lot } from "../state.js";
import type { EntryKindSpec } from "./spec.js";

/**
 * Pending points of one lot that became spendable: at the lot's own `availableAt` (by the clock,
 * written by the due work of the next write or sweep) or earlier, on demand (`releasePending`),
 * when the lot's `availableAt` moves to the entry's instant. It moves no points in or out of the
 * wallet, so no total changes: the ledger records the moment so that the outbox tells it once
 * (`points.available`) and a statement shows it (docs/ledger.md, "Pending points").
 */
export interface ReleaseEntry extends EntryBase {
  readonly kind: "release";
  readonly wallet: string;
  /** The id of the lot released (its earning entry's id). */
  readonly lotId: string;
  /** The points the lot held when released: every one of them. */
  readonly points: string;
  readonly ruleId: string | null;
  readonly purchaseId: string | null;
  /** When the points became spendable: the lot's own `availableAt`, or the entry's `at` for an early release. */
  readonly availableAt: string;
  /** The lot's expiry (null: never), so that the line reads on its own. */
  readonly expiresAt: string | null;
  /** True when a command released the points before their time (`releasePending`). */
  readonly early: boolean;
}

export const release: EntryKindSpec<ReleaseEntry> = {
  fold(state, entry, at) {
    const index = state.lots.findIndex((l) => l.id === entry.lotId);
    const lot = state.lots[index];
    assert(lot !== undefined, `release ${entry.id}: unknown or empty lot ${entry.lotId}`);
    assert(lot.wallet === entry.wallet, `release ${entry.id}: lot ${entry.lotId} is of another wallet`);
    assert(lot.remaining.eq(entry.points), `release ${entry.id}: lot ${entry.lotId} holds ${lot.remaining.toString()}`);
    const releasedAt = Date.parse(entry.availableAt);
    assert(releasedAt <= at, `release ${entry.id}: released after it was written`);
    if (entry.early) {
      assert(lot.availableAt > releasedAt, `release ${entry.id}: lot ${entry.lotId} was not pending`);
      // Lots are values: a new one, spendable from the release, in the old one's place.
      const released: Lot = { ...lot, availableAt: releasedAt };
      state.lots = state.lots.map((l, i) => (i === index ? released : l));
    } else {
      assert(lot.availableAt === releasedAt, `release ${entry.id}: lot ${entry.lotId} is released at another instant`);
    }
  },
};
