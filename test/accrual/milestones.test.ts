/**
 * Milestones (issue 17): counter wallets fed by rules and converted at thresholds, in cascade, with
 * the conversions undone by refunds. Tesco's keys and key chains as the loyalty literature tells
 * them (a key per purchase of at least $38, 50 keys make a key chain, 100 key chains a gold key
 * chain, which brings a tier), the punch card ("the 10th coffee is free") and goal spend ("spend
 * £1,000 within 5 purchases"), each with its own numbers. The conservation of units and the
 * refund of everything are properties at the end.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProgramDefinition } from "../../src/index.js";
import { goalSpend, punchCard, setUp, tesco } from "../support/milestones.js";

describe("Tesco keys and key chains", () => {
  it("gives a key per purchase of at least $38 and none for $37.99", async () => {
    const m = await setUp(tesco());
    await m.buy("37.99");
    expect(await m.held("keys")).toEqual(["0"]);
    await m.buy("38");
    expect(await m.held("keys")).toEqual(["1"]);
  });

  it("makes a key chain of 50 keys in the command that gives the 50th key", async () => {
    const m = await setUp(tesco());
    for (let i = 0; i < 49; i++) await m.buy("38");
    expect(await m.held("keys", "key-chains")).toEqual(["49", "0"]);
    const fiftieth = await m.buy("38");
    expect(await m.held("keys", "key-chains")).toEqual(["0", "1"]);
    const conversion = fiftieth.entries.find((e) => e.kind === "milestone");
    expect(conversion).toMatchObject({ from: "keys", into: "key-chains", every: 50, units: 1, times: 1, undo: false });
  });

  it("undoes the key chain when a refund takes back a key at exactly 50", async () => {
    const m = await setUp(tesco());
    for (let i = 0; i < 50; i++) await m.buy("38");
    const result = await m.refund("p50", "38");
    expect(await m.held("keys", "key-chains")).toEqual(["49", "0"]);
    expect(result.reversed).toEqual([{ wallet: "keys", points: "1", debt: "0", forgiven: "0" }]);
    expect(result.entries.map((e) => e.kind)).toEqual(["refund", "milestone", "reverse"]);
    expect(result.entries[1]).toMatchObject({ from: "keys", into: "key-chains", times: 1, undo: true });
  });

  it("a partial refund keeps the key; the last dollar takes it", async () => {
    const m = await setUp(tesco());
    await m.buy("38");
    await m.refund("p1", "37");
    expect(await m.held("keys")).toEqual(["1"]);
    await m.refund("p1", "1");
    expect(await m.held("keys")).toEqual(["0"]);
  });

  it("5,000 purchases of $38 make one gold key chain and the gold tier; a refund of the last undoes both, in cascade", async () => {
    const m = await setUp(tesco());
    for (let i = 0; i < 4999; i++) await m.buy("38");
    expect(await m.held("keys", "key-chains", "gold-key-chains")).toEqual(["49", "99", "0"]);
    const last = await m.buy("38");
    expect(await m.held("keys", "key-chains", "gold-key-chains")).toEqual(["0", "0", "1"]);
    expect(last.entries.map((e) => e.kind)).toEqual(["purchase", "earn", "milestone", "milestone", "tier"]);
    expect((await m.engine.summary("m")).tier?.id).toBe("gold");

    await m.refund("p5000", "38");
    expect(await m.held("keys", "key-chains", "gold-key-chains")).toEqual(["49", "99", "0"]);
    expect((await m.engine.summary("m")).tier?.id).toBe("member");
  }, 120_000);
});

describe("punch card: the 10th coffee is free", () => {
  const coffees = (quantity: number) => [{ sku: "coffee", quantity, amount: (quantity * 3.2).toFixed(2) }];

  it("9 coffees leave 9 stamps; the 10th makes a free coffee the member redeems", async () => {
    const m = await setUp(punchCard());
    for (let i = 0; i < 9; i++) await m.buy("3.20", coffees(1));
    expect(await m.held("stamps", "free-coffee")).toEqual(["9", "0"]);
    await m.buy("3.20", coffees(1));
    expect(await m.held("stamps", "free-coffee")).toEqual(["0", "1"]);
    await m.engine.redeem({ key: "free", memberId: "m", rewardId: "coffee" });
    expect(await m.held("free-coffee")).toEqual(["0"]);
  });

  it("12 coffees in one purchase give a free coffee and 2 stamps", async () => {
    const m = await setUp(punchCard());
    await m.buy("38.40", coffees(12));
    expect(await m.held("stamps", "free-coffee")).toEqual(["2", "1"]);
  });

  it("a refund after the free coffee was drunk forgives the stamp: no counter goes negative", async () => {
    const m = await setUp(punchCard());
    for (let i = 0; i < 10; i++) await m.buy("3.20", coffees(1));
    await m.engine.redeem({ key: "free", memberId: "m", rewardId: "coffee" });
    const result = await m.refund("p10", "3.20");
    expect(result.reversed).toEqual([{ wallet: "stamps", points: "0", debt: "0", forgiven: "1" }]);
    expect(await m.held("stamps", "free-coffee")).toEqual(["0", "0"]);
  });
});

describe("goal spend: £1,000 within 5 purchases", () => {
  it("pays 500 points in the purchase that reaches £1,000, the 4th of 5", async () => {
    const m = await setUp(goalSpend());
    for (const amount of ["300", "300", "300"]) await m.buy(amount);
    expect(await m.held("points", "goal")).toEqual(["900", "900"]);
    await m.buy("150.50");
    expect(await m.held("points", "goal")).toEqual(["1550", "50"]);
  });

  it("a refund that brings the goal back under £1,000 takes the bonus back", async () => {
    const m = await setUp(goalSpend());
    for (const amount of ["300", "300", "300", "150"]) await m.buy(amount);
    await m.refund("p4", "150");
    expect(await m.held("points", "goal")).toEqual(["900", "900"]);
  });

  it("pays nothing for £1,000 reached at the 6th purchase", async () => {
    const m = await setUp(goalSpend());
    for (let i = 0; i < 5; i++) await m.buy("150");
    await m.buy("500");
    expect(await m.held("points", "goal")).toEqual(["1250", "750"]);
  });
});

/** Small thresholds so that short runs cross them: 3 keys a chain, 2 chains a gold chain. */
const small = (): ProgramDefinition => {
  const p = tesco();
  return {
    ...p,
    id: "small",
    tiers: undefined,
    milestones: [
      { from: "keys", every: 3, into: "key-chains" },
      { from: "key-chains", every: 2, into: "gold-key-chains" },
    ],
  } as ProgramDefinition;
};

describe("properties", () => {
  it("a conversion conserves units, and refunding every purchase leaves every counter at zero", async () => {
    const step = fc.oneof(
      fc.record({ buy: fc.constantFrom("37.99", "38", "120") }),
      fc.record({ refund: fc.nat(40), amount: fc.constantFrom("1", "all") }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const m = await setUp(small());
        const bought: { id: string; left: number }[] = [];
        for (const s of steps) {
          if ("buy" in s) {
            await m.buy(s.buy);
            bought.push({ id: `p${bought.length + 1}`, left: Number(s.buy) * 100 });
          } else if (bought.length > 0) {
            const p = bought[s.refund % bought.length]!;
            const cents = s.amount === "all" ? p.left : Math.min(100, p.left);
            if (cents === 0) continue;
            await m.refund(p.id, (cents / 100).toFixed(2));
            p.left -= cents;
          }
          // Units in the keys + 3 × key chains + 6 × gold chains = keys awarded less keys taken back.
          const s2 = await m.engine.summary("m");
          const [keys, chains, gold] = ["keys", "key-chains", "gold-key-chains"].map((w) =>
            Number(s2.wallets[w]!.available),
          );
          const lifetime = s2.wallets.keys!.lifetime;
          expect(keys! + 3 * chains! + 6 * gold!).toBe(Number(lifetime.earned) - Number(lifetime.reversed));
          expect(Math.min(keys!, chains!, gold!)).toBeGreaterThanOrEqual(0);
        }
        for (const p of bought) if (p.left > 0) await m.refund(p.id, (p.left / 100).toFixed(2));
        expect(await m.held("keys", "key-chains", "gold-key-chains")).toEqual(["0", "0", "0"]);
        expect(await m.violations()).toEqual([]);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
