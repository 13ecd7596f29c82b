/**
 * Which pending lots a return without a receipt takes first: soonest-expiring first (ties: oldest
 * earned), as spends draw. The return names no purchase, so it takes the points worth least to the
 * member, those with the least life left, rather than guessing that the newest purchase came back.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, foldEntries, type Lot, type ReverseEntry } from "../../src/index.js";
import { readAllEntries } from "../../src/testing/index.js";
import { bySpendOrder, isPending } from "../../src/ledger/lots.js";
import { testEngine } from "../support/engine.js";
import { poundsProgram } from "../support/programs.js";

const HOUR = 3_600_000;
/** Monday 2 March 2026, 10:00 in London (GMT). */
const T0 = Date.parse("2026-03-02T10:00:00Z");
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

/**
 * Points pending for 14 days and lasting 12 months; a campaign purchase also earns 10 points that
 * last only `campaignDays`: pending lots of one member then expire in an order unlike their age.
 */
const program = (campaignDays: number) =>
  poundsProgram({
    id: "receiptless",
    expiry: { after: { months: 12 } },
    pending: { days: 14 },
    refunds: { negativeBalance: "within_balance", baseRule: "base" },
    rules: [
      { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
      {
        id: "campaign",
        on: "purchase",
        when: { field: "attributes.campaign", op: "eq", value: "yes" },
        awards: [{ kind: "fixed", points: "10", wallet: "points" }],
        expiry: { after: { days: campaignDays } },
      },
    ],
  });

async function member(campaignDays: number) {
  const { engine, store, t } = testEngine(program(campaignDays), T0);
  await engine.enroll({ key: "enroll", memberId: "m" });
  const state = async () => foldEntries("m", await readAllEntries(store, "receiptless", "m"));
  return { engine, t, state };
}

describe("a return without a receipt takes pending points soonest-expiring first", () => {
  it("an older campaign lot that expires sooner goes before the newest purchase's lot", async () => {
    const h = await member(20);
    await h.engine.recordPurchase({
      key: "b1",
      memberId: "m",
      purchaseId: "p1",
      amount: "30.00",
      currency: "GBP",
      attributes: { campaign: "yes" },
    });
    h.t.set(T0 + 48 * HOUR);
    await h.engine.recordPurchase({ key: "b2", memberId: "m", purchaseId: "p2", amount: "50.00", currency: "GBP" });
    const lots = (await h.state()).lots;
    const campaign = lots.find((l) => l.amount.eq(10))!;
    const r = await h.engine.refund({ key: "r", memberId: "m", amount: "15.00", currency: "GBP" });
    const reverse = r.entries.find((e): e is ReverseEntry => e.kind === "reverse")!;
    // The campaign's 10 (expire in 20 days), then 5 of p1's base lot (older than p2's): p2 is untouched.
    expect(reverse.lots).toEqual([
      { lotId: campaign.id, points: "10" },
      { lotId: lots.find((l) => l.amount.eq(30))!.id, points: "5" },
    ]);
  });

  it("property: for random pending lots, the return draws a prefix of them in spending order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400 }),
        fc.array(
          fc.record({
            gapHours: fc.integer({ min: 1, max: 48 }),
            pounds: fc.integer({ min: 1, max: 60 }),
            campaign: fc.boolean(),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.integer({ min: 1, max: 300 }),
        async (campaignDays, purchases, returned) => {
          const h = await member(campaignDays);
          let n = 0;
          for (const p of purchases) {
            h.t.advance(p.gapHours * HOUR);
            n += 1;
            await h.engine.recordPurchase({
              key: `b${n}`,
              memberId: "m",
              purchaseId: `p${n}`,
              amount: `${p.pounds}.00`,
              currency: "GBP",
              ...(p.campaign ? { attributes: { campaign: "yes" } } : {}),
            });
          }
          const now = h.t.now();
          const pending = (await h.state()).lots
            .filter((l: Lot) => l.wallet === "points" && isPending(l, now, null))
            .sort(bySpendOrder);
          const r = await h.engine.refund({ key: "r", memberId: "m", amount: `${returned}.00`, currency: "GBP" });
          const reverse = r.entries.find((e): e is ReverseEntry => e.kind === "reverse" && e.wallet === "points")!;
          // The lots drawn from, in order, are the first pending lots in spending order, each drawn
          // whole but the last; pending lots are drawn before any other point is.
          const expected: { lotId: string; points: string }[] = [];
          let left = new Decimal(returned);
          for (const lot of pending) {
            if (left.lte(0)) break;
            const take = Decimal.min(left, lot.remaining);
            expected.push({ lotId: lot.id, points: take.toString() });
            left = left.minus(take);
          }
          expect(reverse.lots.slice(0, expected.length)).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
