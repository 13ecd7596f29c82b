/**
 * The open checkout holds an `import` entry brings (docs/checkout.md, "Moving a member with an open
 * hold"): rebuilt as the hold entries left them, their draws pointing at the opening lots by place.
 * Apart from import.ts for its size.
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import { assert } from "../invariant.js";
import { dict, type Dict, type HoldRecord, type LotShape } from "../state.js";

/** A lot as the source held it; its id is the entry's id, a colon and its 1-based place in `lots`. */
export interface OpeningLot {
  readonly wallet: string;
  readonly amount: string;
  readonly remaining: string;
  readonly earnedAt: string;
  readonly availableAt: string;
  readonly expiresAt: string | null;
  readonly ruleId: string | null;
  readonly purchaseId: string | null;
}

/** An open checkout hold as the source left it: its points drawn out of `lots`, by place. */
export interface OpeningHold {
  readonly holdId: string;
  readonly wallet: string;
  readonly orderAmount: string | null;
  readonly placedAt: string;
  readonly expiresAt: string;
  readonly reference: string | null;
  /** Soonest-expiring first; `lot` is a 0-based place in the entry's `lots`. */
  readonly draws: readonly { readonly lot: number; readonly points: string }[];
}

/** The id of the `index`th (0-based) lot an import entry opens. */
export const openingLotId = (entryId: string, index: number) => `${entryId}:${index + 1}`;

/** What the holds read of an import entry: its id, its opening lots and its holds. */
interface HoldsOfImport {
  readonly id: string;
  readonly lots: readonly OpeningLot[];
  readonly holds?: readonly OpeningHold[];
}

/** Points held by open holds in `wallet`. */
export function heldIn(state: { holds: Dict<HoldRecord> }, wallet: string): Decimal {
  let held = ZERO;
  for (const h of Object.values(state.holds)) if (h.wallet === wallet) held = held.plus(h.points);
  return held;
}

/**
 * The open holds, their draws pointing at the opening lots by place: a release puts points back
 * into the lot still open, or reopens an emptied one with its own dates, as after a hold entry.
 */
export function openingHolds(entry: HoldsOfImport): Dict<HoldRecord> {
  const out = dict<HoldRecord>();
  const drawn = new Map<number, Decimal>();
  for (const h of entry.holds ?? []) {
    const where = `import ${entry.id}: hold ${h.holdId}`;
    assert(out[h.holdId] === undefined, `${where} given twice`);
    let points = ZERO;
    const draws = h.draws.map((d) => {
      const l = entry.lots[d.lot];
      assert(l !== undefined && l.wallet === h.wallet, `${where} draws from lot ${d.lot}, not one of its wallet`);
      const p = new Decimal(d.points);
      assert(p.gt(0), `${where} draws ${d.points}`);
      points = points.plus(p);
      drawn.set(d.lot, (drawn.get(d.lot) ?? ZERO).plus(p));
      assert(
        drawn.get(d.lot)!.plus(l.remaining).lte(l.amount),
        `${where}: lot ${d.lot + 1} would hold more than its amount`,
      );
      const lot: LotShape = {
        id: openingLotId(entry.id, d.lot),
        wallet: l.wallet,
        amount: new Decimal(l.amount),
        earnedAt: Date.parse(l.earnedAt),
        availableAt: Date.parse(l.availableAt),
        expiresAt: l.expiresAt === null ? null : Date.parse(l.expiresAt),
        ruleId: l.ruleId,
        purchaseId: l.purchaseId,
      };
      return { lot, points: p };
    });
    const at = Date.parse(h.placedAt),
      expiresAt = Date.parse(h.expiresAt);
    assert(expiresAt > at, `${where} expires before it was placed`);
    out[h.holdId] = {
      id: h.holdId,
      wallet: h.wallet,
      points,
      orderAmount: h.orderAmount === null ? null : new Decimal(h.orderAmount),
      at,
      expiresAt,
      draws,
    };
  }
  return out;
}
