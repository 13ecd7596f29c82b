/**
 * The one rule of which points are spendable (ledger/lots.ts `lotStatusAt`), checked against a
 * definition written from scratch: a lot's points are spendable at t when t is at or after its
 * availableAt, before its own expiresAt (if any) and before the wallet's inactivity deadline (if
 * any); they are expired from the first of those two ends on; pending before that otherwise.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/shared/decimal.js";
import {
  assertNothingDue,
  bySpendOrder,
  lotStatusAt,
  spendableAt,
  walletBalanceAt,
  type LotStatus,
} from "../../src/ledger/lots.js";
import { emptyState, type Lot } from "../../src/ledger/state.js";
import { InternalInvariantError } from "../../src/shared/invariant.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

/** Instants on a small range, so that equal instants (the boundaries) come up often. */
const instantArb = fc.integer({ min: 0, max: 20 });
const deadlineArb = fc.option(instantArb, { nil: null });

const lotArb = (id: string): fc.Arbitrary<Lot> =>
  fc
    .record({
      wallet: fc.constantFrom("points", "miles"),
      remaining: fc.integer({ min: 0, max: 50 }),
      earnedAt: instantArb,
      wait: fc.integer({ min: 0, max: 5 }),
      expiresAt: deadlineArb,
    })
    .map((r) => ({
      id,
      wallet: r.wallet,
      amount: new Decimal(50),
      remaining: new Decimal(r.remaining),
      earnedAt: r.earnedAt,
      availableAt: r.earnedAt + r.wait,
      expiresAt: r.expiresAt,
      ruleId: null,
      purchaseId: null,
    }));

const lotsArb = fc
  .integer({ min: 0, max: 8 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => lotArb(`L${i}`))));

/** From scratch: no shared helper, every end spelled out. */
function statusFromScratch(lot: Lot, at: number, deadline: number | null): LotStatus {
  const pastOwnExpiry = lot.expiresAt !== null && at >= lot.expiresAt;
  const pastDeadline = deadline !== null && at >= deadline;
  if (pastOwnExpiry || pastDeadline) return "expired";
  if (at < lot.availableAt) return "pending";
  return "available";
}

describe("which points are spendable at an instant", () => {
  it("lotStatusAt agrees with the definition from scratch", () => {
    fc.assert(
      fc.property(lotArb("L"), instantArb, deadlineArb, (lot, at, deadline) => {
        expect(lotStatusAt(lot, at, deadline)).toBe(statusFromScratch(lot, at, deadline));
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it("spendableAt and walletBalanceAt count exactly the lots the definition calls spendable", () => {
    fc.assert(
      fc.property(lotsArb, instantArb, deadlineArb, (lots, at, deadline) => {
        const state = { ...emptyState("m"), lots: [...lots] };
        const mine = lots.filter((l) => l.wallet === "points");
        const expected = mine.filter((l) => statusFromScratch(l, at, deadline) === "available");
        const spendable = spendableAt(state, "points", at, deadline);
        expect(new Set(spendable.map((l) => l.id))).toEqual(new Set(expected.map((l) => l.id)));
        for (let i = 1; i < spendable.length; i++)
          expect(bySpendOrder(spendable[i - 1]!, spendable[i]!)).toBeLessThanOrEqual(0);

        const sum = (status: LotStatus) =>
          mine
            .filter((l) => statusFromScratch(l, at, deadline) === status)
            .reduce((s, l) => s.plus(l.remaining), new Decimal(0));
        const balance = walletBalanceAt(state, "points", at, deadline);
        expect(balance.available.toString()).toBe(sum("available").toString());
        expect(balance.pending.toString()).toBe(sum("pending").toString());
        expect(balance.expiredUnswept.toString()).toBe(sum("expired").toString());
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it("assertNothingDue throws exactly when a lot holding points has expired unswept", () => {
    fc.assert(
      fc.property(lotsArb, instantArb, deadlineArb, (lots, at, deadline) => {
        const state = { ...emptyState("m"), lots: [...lots] };
        const unswept = lots.some(
          (l) => l.wallet === "points" && l.remaining.gt(0) && statusFromScratch(l, at, deadline) === "expired",
        );
        if (unswept) expect(() => assertNothingDue(state, "points", at, deadline)).toThrow(InternalInvariantError);
        else expect(() => assertNothingDue(state, "points", at, deadline)).not.toThrow();
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
