/**
 * The `consolidate` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import { Decimal } from "../../shared/decimal.js";
import type { EntryBase, LotDraw, LotRecord } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { Lot } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { drawLots } from "./steps.js";

/**
 * Lots merged into one: every point of `lots` moves to the new lot (`lot`, whose id is this entry's
 * id), which takes the place of the first of them. It moves no points in or out of the wallet, so
 * no balance, total or statement figure changes. The engine writes one only where the merge can
 * change no later outcome either (src/expiry/consolidate.ts says when).
 */
export interface ConsolidateEntry extends EntryBase {
  readonly kind: "consolidate";
  readonly wallet: string;
  /** Every point the merged lots held: the new lot's amount. */
  readonly points: string;
  /** Debit: the lots merged, each with every point it still held. */
  readonly lots: readonly LotDraw[];
  /** Credit: the lot they become; its expiry is theirs (they share one). */
  readonly lot: LotRecord;
}

export const consolidate: EntryKindSpec<ConsolidateEntry> = {
  fold(state, entry, at) {
    assert(entry.lots.length >= 2, `consolidate ${entry.id}: fewer than two lots`);
    const expiresAt = entry.lot.expiresAt === null ? null : Date.parse(entry.lot.expiresAt);
    const merged = new Set(entry.lots.map((d) => d.lotId));
    const first = state.lots.findIndex((l) => merged.has(l.id));
    for (const draw of entry.lots) {
      const lot = state.lots.find((l) => l.id === draw.lotId);
      assert(
        lot !== undefined && lot.remaining.eq(draw.points),
        `consolidate ${entry.id}: lot ${draw.lotId} is not merged whole`,
      );
      assert(
        lot.expiresAt === expiresAt && lot.availableAt <= at,
        `consolidate ${entry.id}: lot ${draw.lotId} has another expiry or is pending`,
      );
    }
    const points = drawLots(state, entry.wallet, entry.lots);
    assert(points.eq(entry.points), `consolidate ${entry.id}: lots add up to ${points}, not ${entry.points}`);
    const lot: Lot = {
      id: entry.id,
      wallet: entry.wallet,
      amount: new Decimal(entry.points),
      remaining: new Decimal(entry.points),
      earnedAt: Date.parse(entry.lot.earnedAt),
      availableAt: Date.parse(entry.lot.availableAt),
      expiresAt,
      ruleId: null,
      purchaseId: null,
    };
    // In the first merged lot's place, so that it keeps its place among lots of equal age.
    state.lots = [...state.lots.slice(0, first), lot, ...state.lots.slice(first)];
  },
};
