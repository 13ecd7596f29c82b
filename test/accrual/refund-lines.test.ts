/**
 * Refunds by returned line (issue 17): a refund that names the returned lines takes back the
 * points those lines earned, so a bonus tied to one product goes back with that product. Worked
 * examples (the issue's, Talon.One's partial return), partial quantities over several refunds, the
 * refusals with their paths, the points tied to no line, tiers' qualifying points, and properties:
 * a line refund never takes back more than its lines earned, and every line returned equals a full
 * refund.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, type ProgramDefinition } from "../../src/index.js";
import { line, rate, rule } from "../support/awards.js";
import { testEngine } from "../support/engine.js";
import { expectError } from "../support/errors.js";
import { earningProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
type Json = any;

/** The issue's program: 1 point per £1 on everything, 2 more per £1 on category B. */
const categoryBonus = () =>
  earningProgram([rule("base", [rate("1", "1")]), rule("catB", [rate("2", "1", { lines: { categories: ["B"] } })])]);

async function member(program: ProgramDefinition) {
  const { engine, store } = testEngine(program, "2030-01-02T10:00:00Z");
  await engine.enroll({ key: "enroll", memberId: "m1" });
  let n = 0;
  const refund = (purchaseId: string | undefined, amount: string, lines?: { sku: string; quantity: number }[]) =>
    engine.refund({
      key: `refund-${++n}`,
      memberId: "m1",
      amount,
      currency: "GBP",
      ...(purchaseId === undefined ? {} : { purchaseId }),
      ...(lines === undefined ? {} : { lines }),
    });
  const taken = (
    r: { reversed: readonly { wallet: string; points: string; forgiven: string }[] },
    wallet = "points",
  ) => {
    const x = r.reversed.find((v) => v.wallet === wallet);
    return x === undefined ? "0" : new Decimal(x.points).plus(x.forgiven).toString();
  };
  const buy = (purchaseId: string, amount: string, lines?: Json[]) =>
    engine.recordPurchase({
      key: `buy-${purchaseId}`,
      memberId: "m1",
      purchaseId,
      amount,
      currency: "GBP",
      ...(lines === undefined ? {} : { lines }),
    });
  const fingerprint = async () => ({
    member: await store.loadMember(program.id, "m1"),
    entries: (await store.readEntries(program.id, "m1", { afterSeq: 0, limit: 10_000 })).entries,
  });
  return { engine, store, refund, taken, buy, fingerprint };
}

describe("the issue's example: 1 per £1 on everything, 2 more per £1 on category B", () => {
  it("lines A £50 and B £50 earn 200; returning B takes back 150, not 100", async () => {
    const m = await member(categoryBonus());
    const earned = await m.buy("p1", "100.00", [line("a", 1, "50.00", "A"), line("b", 1, "50.00", "B")]);
    expect(earned.totals).toEqual({ points: "200" });
    const r = await m.refund("p1", "50.00", [{ sku: "b", quantity: 1 }]);
    expect(m.taken(r)).toBe("150");
    expect((await m.engine.summary("m1")).wallets.points!.available).toBe("50");
    // Returning A too brings the purchase to a full refund: the last 50 go back.
    expect(m.taken(await m.refund("p1", "50.00", [{ sku: "a", quantity: 1 }]))).toBe("50");
    expect((await m.engine.summary("m1")).wallets.points!.available).toBe("0");
  });

  it("the same £50 refunded without lines stays proportional: 100", async () => {
    const m = await member(categoryBonus());
    await m.buy("p1", "100.00", [line("a", 1, "50.00", "A"), line("b", 1, "50.00", "B")]);
    expect(m.taken(await m.refund("p1", "50.00"))).toBe("100");
  });
});

describe("Talon.One's partial return: 1 pair of shoes ($60) and 2 shirts ($20 each), 5 per item", () => {
  // docs.talon.one, "Returning individual items": the campaign gives 5 per item (there a $5
  // discount per item, here 5 points per unit); the customer returns 1 of the 2 shirts.
  const perItem = () => earningProgram([rule("per-item", [{ kind: "perUnit", points: "5", wallet: "points" }])]);
  const cart = [line("9696", 1, "60.00", "shoes"), line("6478", 2, "40.00", "shirts")];

  it("returning one shirt takes back that shirt's 5 points; the other shirt and the shoes keep theirs", async () => {
    const m = await member(perItem());
    expect((await m.buy("s1", "100.00", cart)).totals).toEqual({ points: "15" });
    expect(m.taken(await m.refund("s1", "20.00", [{ sku: "6478", quantity: 1 }]))).toBe("5");
    expect((await m.engine.summary("m1")).wallets.points!.available).toBe("10");
    // The second shirt, later: 5 more; a third is refused (2 were bought), and writes nothing.
    expect(m.taken(await m.refund("s1", "20.00", [{ sku: "6478", quantity: 1 }]))).toBe("5");
    const before = await m.fingerprint();
    const e = await expectError(m.refund("s1", "20.00", [{ sku: "6478", quantity: 1 }]), "REFUND_EXCEEDS_PURCHASE");
    expect(e.issues.map((i) => i.path)).toEqual([["lines", 0, "quantity"]]);
    expect(e.details).toEqual({ returnable: { "6478": 0 } });
    expect(await m.fingerprint()).toEqual(before);
    expect(m.taken(await m.refund("s1", "60.00", [{ sku: "9696", quantity: 1 }]))).toBe("5");
  });
});

describe("partial quantities across several refunds", () => {
  it("3 of 4 units in two refunds take back 3/4 of the line, rounded so the total never overshoots", async () => {
    // 10 per unit of SKU x: 4 units earn 40; 1 point per £1 on the £40: 80 in all, all on x.
    const program = earningProgram([
      rule("base", [rate("1", "1")]),
      rule("units", [{ kind: "perUnit", points: "10", wallet: "points" }]),
    ]);
    const m = await member(program);
    await m.buy("p1", "40.00", [line("x", 4, "40.00")]);
    expect(m.taken(await m.refund("p1", "10.00", [{ sku: "x", quantity: 1 }]))).toBe("20");
    expect(m.taken(await m.refund("p1", "20.00", [{ sku: "x", quantity: 2 }]))).toBe("40");
    // Naming the SKU twice in one refund counts both: 2 units, but only 1 is left.
    const e = await expectError(
      m.refund("p1", "10.00", [
        { sku: "x", quantity: 1 },
        { sku: "x", quantity: 1 },
      ]),
      "REFUND_EXCEEDS_PURCHASE",
    );
    expect(e.issues.map((i) => i.path)).toEqual([
      ["lines", 0, "quantity"],
      ["lines", 1, "quantity"],
    ]);
    expect(m.taken(await m.refund("p1", "10.00", [{ sku: "x", quantity: 1 }]))).toBe("20");
  });

  it("two lines of one SKU are one line of their units together", async () => {
    const m = await member(categoryBonus());
    await m.buy("p1", "30.00", [line("b", 1, "10.00", "B"), line("b", 2, "20.00", "B")]);
    // 90 points on 3 units of b: one unit back is 30.
    expect(m.taken(await m.refund("p1", "10.00", [{ sku: "b", quantity: 1 }]))).toBe("30");
  });
});

describe("refusals, each with the path of the bad field, writing nothing", () => {
  it("a SKU the purchase did not have: LINE_NOT_IN_PURCHASE at lines.i.sku", async () => {
    const m = await member(categoryBonus());
    await m.buy("p1", "100.00", [line("a", 1, "50.00", "A"), line("b", 1, "50.00", "B")]);
    const before = await m.fingerprint();
    const e = await expectError(
      m.refund("p1", "50.00", [
        { sku: "b", quantity: 1 },
        { sku: "zz", quantity: 1 },
      ]),
      "LINE_NOT_IN_PURCHASE",
    );
    expect(e.issues.map((i) => i.path)).toEqual([["lines", 1, "sku"]]);
    expect(await m.fingerprint()).toEqual(before);
  });

  it("a purchase recorded without lines is refunded in proportion only: LINE_NOT_IN_PURCHASE at lines", async () => {
    const m = await member(categoryBonus());
    await m.buy("p1", "100.00");
    const before = await m.fingerprint();
    const e = await expectError(m.refund("p1", "50.00", [{ sku: "a", quantity: 1 }]), "LINE_NOT_IN_PURCHASE");
    expect(e.issues.map((i) => i.path)).toEqual([["lines"]]);
    expect(await m.fingerprint()).toEqual(before);
    expect(m.taken(await m.refund("p1", "50.00"))).toBe("50");
  });

  it("a return with no receipt cannot name lines: INVALID_COMMAND at lines", async () => {
    const m = await member({ ...categoryBonus(), refunds: { negativeBalance: "within_balance", baseRule: "base" } });
    await m.buy("p1", "100.00", [line("a", 1, "50.00", "A"), line("b", 1, "50.00", "B")]);
    const e = await expectError(m.refund(undefined, "50.00", [{ sku: "a", quantity: 1 }]), "INVALID_COMMAND");
    expect(e.issues.map((i) => i.path)).toEqual([["lines"]]);
  });

  it("a line of 0 units or a missing SKU is invalid input", async () => {
    const m = await member(categoryBonus());
    await m.buy("p1", "100.00", [line("a", 1, "50.00", "A"), line("b", 1, "50.00", "B")]);
    const e = await expectError(m.refund("p1", "50.00", [{ sku: "a", quantity: 0 }]), "INVALID_COMMAND");
    expect(e.issues.map((i) => i.path)).toEqual([["lines", 0, "quantity"]]);
  });
});

describe("points tied to no line go back with the money", () => {
  it("a fixed bonus of 100 on a £100 purchase: returning the £50 line takes back its points and half the bonus", async () => {
    const m = await member(
      earningProgram([
        rule("catB", [rate("2", "1", { lines: { categories: ["B"] } })]),
        rule("bonus", [{ kind: "fixed", points: "100", wallet: "points" }]),
      ]),
    );
    expect((await m.buy("p1", "100.00", [line("a", 1, "50.00", "A"), line("b", 1, "50.00", "B")])).totals).toEqual({
      points: "200",
    });
    expect(m.taken(await m.refund("p1", "50.00", [{ sku: "b", quantity: 1 }]))).toBe("150");
    expect(m.taken(await m.refund("p1", "50.00", [{ sku: "a", quantity: 1 }]))).toBe("50");
  });

  it("shipping outside the lines: every line back leaves the shipping's points until it is refunded", async () => {
    const m = await member(categoryBonus());
    // £90 of lines and £10 of shipping: 90 + 2 × 40 on B + 10 = 180.
    expect((await m.buy("p1", "100.00", [line("a", 1, "50.00", "A"), line("b", 1, "40.00", "B")])).totals).toEqual({
      points: "180",
    });
    // The 1 per £1 is on the whole purchase: it goes back per £1 refunded (50), the B bonus with B.
    expect(m.taken(await m.refund("p1", "50.00", [{ sku: "a", quantity: 1 }]))).toBe("50");
    expect(m.taken(await m.refund("p1", "40.00", [{ sku: "b", quantity: 1 }]))).toBe("120");
    expect(m.taken(await m.refund("p1", "10.00"))).toBe("10");
  });
});

describe("tiers' qualifying points go back the same way", () => {
  it("status points earned on category B go back with the B line, not with the A line", async () => {
    const m = await member(
      earningProgram([
        rule("base", [rate("1", "1")]),
        rule("status", [rate("1", "1", { wallet: "status", lines: { categories: ["B"] } })]),
      ]),
    );
    expect((await m.buy("p1", "100.00", [line("a", 1, "60.00", "A"), line("b", 1, "40.00", "B")])).totals).toEqual({
      points: "100",
      status: "40",
    });
    const a = await m.refund("p1", "60.00", [{ sku: "a", quantity: 1 }]);
    expect([m.taken(a), m.taken(a, "status")]).toEqual(["60", "0"]);
    const b = await m.refund("p1", "40.00", [{ sku: "b", quantity: 1 }]);
    expect([m.taken(b), m.taken(b, "status")]).toEqual(["40", "40"]);
  });
});

describe("the purchase record keeps only what a refund by line needs", () => {
  it("per SKU: units, points per wallet of the awards tied to lines, units returned once some are", async () => {
    const m = await member(categoryBonus());
    await m.buy("p1", "100.00", [line("a", 2, "50.00", "A"), line("b", 1, "50.00", "B"), line("c", 1, "0.00")]);
    await m.refund("p1", "25.00", [{ sku: "a", quantity: 1 }]);
    const record = (await m.store.loadMember("t", "m1"))!.snapshot.purchases.p1!;
    expect(record.lines).toEqual({
      // Only the B bonus is tied to a line; the 1 per £1 on everything goes back with the money.
      wallets: ["points"],
      bySku: { a: [2], b: [1, "100"], c: [1] },
      returned: { a: 1 },
    });
    expect(record.lineRefunded).toBe("25");
  });
});

// --- properties ---------------------------------------------------------------------------------

/** A cart of whole-pound lines; categories A, B (2 more per £1) and C (5 per unit). */
const cartArb = fc
  .uniqueArray(
    fc.record({
      sku: fc.constantFrom("s1", "s2", "s3", "s4", "s5"),
      category: fc.constantFrom("A", "B", "C"),
      quantity: fc.integer({ min: 1, max: 4 }),
      unitPrice: fc.integer({ min: 1, max: 30 }),
    }),
    { minLength: 1, maxLength: 4, selector: (l) => l.sku },
  )
  .map((lines) => lines.map((l) => ({ ...l, amount: l.quantity * l.unitPrice })));

/** 1 per £1 on all, 2 more per £1 on B, 5 per unit of C: what a line earns, exactly (an independent oracle). */
const propertyProgram = () =>
  earningProgram([
    rule("base", [rate("1", "1")]),
    rule("catB", [rate("2", "1", { lines: { categories: ["B"] } })]),
    rule("catC", [{ kind: "perUnit", points: "5", wallet: "points", lines: { categories: ["C"] } }]),
  ]);
const lineEarns = (l: { category: string; quantity: number; amount: number }) =>
  l.amount + (l.category === "B" ? 2 * l.amount : 0) + (l.category === "C" ? 5 * l.quantity : 0);

describe("properties", () => {
  it("a line refund never takes back more than its lines earned; every line returned equals a full refund", async () => {
    await fc.assert(
      fc.asyncProperty(cartArb, fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), async (cart, picks) => {
        const total = cart.reduce((t, l) => t + l.amount, 0);
        const lines = cart.map((l) => line(l.sku, l.quantity, `${l.amount}.00`, l.category));
        const m = await member(propertyProgram());
        const earned = Number((await m.buy("p1", `${total}.00`, lines)).totals.points ?? "0");
        expect(earned).toBe(cart.reduce((t, l) => t + lineEarns(l), 0));
        const left = new Map(cart.map((l) => [l.sku, l.quantity]));
        let takenSoFar = 0;
        // Returns in the order the picks give, a unit or more at a time, until every unit is back.
        for (let i = 0; [...left.values()].some((q) => q > 0); i++) {
          const open = cart.filter((l) => left.get(l.sku)! > 0);
          const l = open[(picks[i % picks.length] ?? 0) % open.length]!;
          const units = 1 + ((picks[(i + 1) % picks.length] ?? 0) % left.get(l.sku)!);
          const taken = Number(
            m.taken(await m.refund("p1", `${units * l.unitPrice}.00`, [{ sku: l.sku, quantity: units }])),
          );
          left.set(l.sku, left.get(l.sku)! - units);
          takenSoFar += taken;
          // Cumulatively, never more than the returned units earned (exactly, before rounding).
          const owed = cart.reduce((t, c) => t + (lineEarns(c) * (c.quantity - left.get(c.sku)!)) / c.quantity, 0);
          expect(takenSoFar).toBeLessThanOrEqual(owed);
          expect(takenSoFar).toBeGreaterThan(owed - cart.length);
        }
        // Every line back: the whole purchase, as one full refund without lines takes back.
        expect(takenSoFar).toBe(earned);
        const twin = await member(propertyProgram());
        await twin.buy("p1", `${total}.00`, lines);
        expect(Number(twin.taken(await twin.refund("p1", `${total}.00`)))).toBe(takenSoFar);
      }),
      { numRuns: RUNS },
    );
  });

  it("refunds by line and without lines, mixed in any order, never settle more than earned, and all the money back settles all of it", async () => {
    await fc.assert(
      fc.asyncProperty(
        cartArb,
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 }),
        async (cart, steps) => {
          const total = cart.reduce((t, l) => t + l.amount, 0) + 5; // £5 of shipping
          const lines = cart.map((l) => line(l.sku, l.quantity, `${l.amount}.00`, l.category));
          const m = await member(propertyProgram());
          const earned = Number((await m.buy("p1", `${total}.00`, lines)).totals.points ?? "0");
          const left = new Map(cart.map((l) => [l.sku, l.quantity]));
          let money = total;
          let settled = 0;
          for (const [byLine, a, b] of steps) {
            const open = cart.filter((l) => left.get(l.sku)! > 0);
            let r;
            if (byLine && open.length > 0) {
              const l = open[a % open.length]!;
              const units = 1 + (b % left.get(l.sku)!);
              const pounds = Math.min(money, units * l.unitPrice);
              if (pounds === 0) continue;
              r = await m.refund("p1", `${pounds}.00`, [{ sku: l.sku, quantity: units }]);
              left.set(l.sku, left.get(l.sku)! - units);
              money -= pounds;
            } else {
              if (money === 0) continue;
              const pounds = 1 + (a % money);
              r = await m.refund("p1", `${pounds}.00`);
              money -= pounds;
            }
            settled += Number(m.taken(r));
            expect(settled).toBeLessThanOrEqual(earned);
          }
          if (money > 0) settled += Number(m.taken(await m.refund("p1", `${money}.00`)));
          expect(settled).toBe(earned);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
