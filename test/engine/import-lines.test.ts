/**
 * The line figures that purchase records keep for refunds by line (issue 17) survive a move:
 * a member exported and imported refunds by line exactly as before, a partial return made before
 * the move included; an import's lines are checked with a path per bad field; and the
 * `purchase.refunded` event says which lines a refund returned.
 */
import { describe, expect, it } from "vitest";
import { line, rate, rule } from "../support/awards.js";
import { testEngine } from "../support/engine.js";
import { expectError } from "../support/errors.js";
import { earningProgram } from "../support/programs.js";

/** The issue's program: 1 point per £1 on everything, 2 more per £1 on category B. */
const categoryBonus = () =>
  earningProgram([rule("base", [rate("1", "1")]), rule("catB", [rate("2", "1", { lines: { categories: ["B"] } })])]);
const START = "2030-01-02T10:00:00Z";

async function twoEngines() {
  const program = categoryBonus();
  const source = testEngine(program, START);
  const target = testEngine(program, START);
  await source.engine.enroll({ key: "enroll", memberId: "m1" });
  return { source, target };
}

const refund = (n: number, amount: string, lines?: { sku: string; quantity: number }[]) => ({
  key: `refund-${n}`,
  memberId: "m1",
  purchaseId: "p1",
  amount,
  currency: "GBP",
  ...(lines === undefined ? {} : { lines }),
});
const taken = (r: { reversed: readonly { wallet: string; points: string }[] }) =>
  r.reversed.find((v) => v.wallet === "points")?.points ?? "0";

describe("exportMember / importMember keep the line figures of open purchases", () => {
  it("returning line B after the move takes back 150 (its 50 + 100 bonus), as before the move", async () => {
    const { source, target } = await twoEngines();
    const buy = {
      key: "buy",
      memberId: "m1",
      purchaseId: "p1",
      amount: "100.00",
      currency: "GBP",
      lines: [line("a", 1, "50.00", "A"), line("b", 1, "50.00", "B")],
    };
    expect((await source.engine.recordPurchase(buy)).totals).toEqual({ points: "200" });
    const exported = await source.engine.exportMember("m1");
    expect(exported.purchases?.[0]?.lines).toEqual([
      // Only the points of awards tied to lines: the base rate's 100 go back with the money.
      { sku: "a", quantity: 1, earned: {} },
      { sku: "b", quantity: 1, earned: { points: "100" } },
    ]);
    await target.engine.importMember(exported);
    for (const { engine } of [source, target])
      expect(taken(await engine.refund(refund(1, "50.00", [{ sku: "b", quantity: 1 }])))).toBe("150");
    expect((await target.engine.summary("m1")).wallets).toEqual((await source.engine.summary("m1")).wallets);
  });

  it("a partial return before the move is carried: the units left and the money refunded by line", async () => {
    // Talon.One's return of one of two shirts (5 points per unit): the second shirt after the move.
    const program = earningProgram([rule("per-item", [{ kind: "perUnit", points: "5", wallet: "points" }])]);
    const source = testEngine(program, START);
    const target = testEngine(program, START);
    await source.engine.enroll({ key: "enroll", memberId: "m1" });
    await source.engine.recordPurchase({
      key: "buy",
      memberId: "m1",
      purchaseId: "p1",
      amount: "100.00",
      currency: "GBP",
      lines: [line("9696", 1, "60.00", "shoes"), line("6478", 2, "40.00", "shirts")],
    });
    expect(taken(await source.engine.refund(refund(1, "20.00", [{ sku: "6478", quantity: 1 }])))).toBe("5");
    const exported = await source.engine.exportMember("m1");
    expect(exported.purchases?.[0]).toMatchObject({
      refunded: "20",
      lineRefunded: "20",
      // (integer-like keys first: the record is a plain object)
      lines: [
        { sku: "6478", quantity: 2, returned: 1, earned: { points: "10" } },
        { sku: "9696", quantity: 1, earned: { points: "5" } },
      ],
    });
    await target.engine.importMember(exported);
    for (const { engine } of [source, target]) {
      expect(taken(await engine.refund(refund(2, "20.00", [{ sku: "6478", quantity: 1 }])))).toBe("5");
      // A third shirt was never bought: refused the same way on both.
      const e = await expectError(
        engine.refund(refund(3, "20.00", [{ sku: "6478", quantity: 1 }])),
        "REFUND_EXCEEDS_PURCHASE",
      );
      expect(e.details).toEqual({ returnable: { "6478": 0 } });
      expect(taken(await engine.refund(refund(4, "60.00", [{ sku: "9696", quantity: 1 }])))).toBe("5");
    }
    expect((await target.engine.summary("m1")).wallets).toEqual((await source.engine.summary("m1")).wallets);
  });

  it("refuses bad lines with the path of each, and writes nothing", async () => {
    const { target } = await twoEngines();
    const e = await expectError(
      target.engine.importMember({
        key: "imp",
        memberId: "m2",
        joinedAt: "2029-01-01T00:00:00Z",
        purchases: [
          {
            purchaseId: "p1",
            amount: "100.00",
            occurredAt: "2029-06-01T00:00:00Z",
            refunded: "10.00",
            lineRefunded: "20.00",
            lines: [
              { sku: "a", quantity: 1, returned: 2 },
              { sku: "a", quantity: 1, earned: { nope: "5" } },
            ],
          },
        ],
      }),
      "INVALID_COMMAND",
    );
    expect(e.issues.map((i) => i.path)).toEqual([
      ["purchases", 0, "lines", 0, "returned"],
      ["purchases", 0, "lines", 1, "sku"],
      ["purchases", 0, "lines", 1, "earned", "nope"],
      ["purchases", 0, "lineRefunded"],
    ]);
    await expectError(target.engine.summary("m2"), "MEMBER_NOT_FOUND");
  });
});

describe("the purchase.refunded event names the lines a refund returned", () => {
  it("lines as JSON text of units per SKU; none on a refund in proportion", async () => {
    const { source } = await twoEngines();
    const { engine } = source;
    await engine.recordPurchase({
      key: "buy",
      memberId: "m1",
      purchaseId: "p1",
      amount: "100.00",
      currency: "GBP",
      lines: [line("b", 2, "50.00", "B"), line("a", 1, "50.00", "A")],
    });
    await engine.refund(
      refund(1, "50.00", [
        { sku: "b", quantity: 1 },
        { sku: "a", quantity: 1 },
        { sku: "b", quantity: 1 },
      ]),
    );
    await engine.refund(refund(2, "0.01"));
    const refunded = (await engine.events({ limit: 100 })).events.filter((e) => e.type === "purchase.refunded");
    expect(refunded.map((e) => e.payload)).toEqual([
      { purchaseId: "p1", amount: "50.00", lines: '{"a":1,"b":2}' },
      { purchaseId: "p1", amount: "0.01" },
    ]);
    expect(JSON.parse(refunded[0]!.payload.lines as string)).toEqual({ a: 1, b: 2 });
  });
});
