/**
 * The `hold` entry: points reserved for an order at checkout (engine.hold). Its wire form and how
 * the fold applies it (asserting that it fits the state).
 */
import { Decimal } from "../../shared/decimal.js";
import type { EntryBase, LotDraw } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { LotShape } from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { drawLots, noteActivity, totals } from "./steps.js";

/**
 * Debit: the points leave their lots at once, soonest-expiring first as a spend draws, so no other
 * command can spend them; the wallet's `spent` counts them until a capture keeps them or a release
 * gives them back (as a redemption's points until a cancellation).
 */
export interface HoldEntry extends EntryBase {
  readonly kind: "hold";
  /** The caller's id for the hold (its order), to capture or release it by. */
  readonly holdId: string;
  readonly wallet: string;
  readonly points: string;
  /** Debit: the lots the held points are drawn out of. */
  readonly lots: readonly LotDraw[];
  /** Money: the order's basket, when the hold named one (the share payable in points was checked against it). */
  readonly orderAmount: string | null;
  /** When the hold is released by the clock unless captured or released first (ISO). */
  readonly expiresAt: string;
  readonly reference: string | null;
}

export const hold: EntryKindSpec<HoldEntry> = {
  fold(state, entry, at) {
    assert(state.holds[entry.holdId] === undefined, `hold ${entry.id}: hold ${entry.holdId} is open already`);
    const expiresAt = Date.parse(entry.expiresAt);
    assert(expiresAt > at, `hold ${entry.id}: expires at ${entry.expiresAt}, not after it was made`);
    noteActivity(state, "spend", at);
    const draws: { lot: LotShape; points: Decimal }[] = [];
    const drawn = drawLots(state, entry.wallet, entry.lots, (lot, points) => {
      const { remaining: _, ...shape } = lot;
      draws.push({ lot: shape, points });
    });
    assert(drawn.gt(0) && drawn.eq(entry.points), `hold ${entry.id}: lots add up to ${drawn}, not ${entry.points}`);
    const t = totals(state, entry.wallet);
    t.spent = t.spent.plus(drawn);
    state.holds[entry.holdId] = {
      id: entry.holdId,
      wallet: entry.wallet,
      points: drawn,
      orderAmount: entry.orderAmount === null ? null : new Decimal(entry.orderAmount),
      at,
      expiresAt,
      draws,
    };
  },
};
