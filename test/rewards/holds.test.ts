/**
 * Checkout holds (issue #17, docs/checkout.md): hold, capture, release, expiry by the clock, the
 * share of the basket payable in points, and the part paid with points earning nothing. Through
 * the engine facade on the in-memory store, with the numbers of documented examples:
 *
 * - Selflane, "Point Voucher" (https://docs.selflane.com/biz/customer/member/point_voucher.html):
 *   "50 Points for $5 ... if an order total payment is $20, the $5 voucher can be redeemed with 50
 *   points": a point pays $0.10, and 50 points pay $5 of a $20 order (a share of 0.25).
 * - OneTrace for Bitrix, release 1.2.0 (https://github.com/OneTracePro/onetrace-bitrix/releases/tag/v1.2.0):
 *   "The points are held for 30 minutes ... and confirmed with the order number when the order is
 *   placed"; "The amount of order_completed excludes the points payment".
 * - LOKE, "What is voucher credit?" (https://support.loke.global/hc/en-us/articles/209598946):
 *   "Reward points are not earned on payments made with voucher credit."
 */
import { describe, expect, it } from "vitest";
import { LoyaltyError, compileProgram, type ErrorCode, type ProgramDefinition } from "../../src/index.js";
import { memberViolations } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const MINUTE = 60_000;

/** $1 earns 1 point; a point pays $0.10 at checkout; holds last 30 minutes; points may pay 10% to 50% of a basket. */
const checkoutProgram = {
  id: "checkout",
  version: 1,
  currency: "USD",
  timeZone: "America/New_York",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying", expiresAfter: null },
  ],
  expiry: { after: { months: 12 } },
  refunds: { negativeBalance: "within_balance", baseRule: "base" },
  rules: [{ id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] }],
  checkout: { pointValue: "0.10", holdMinutes: 30, minShare: "0.1", maxShare: "0.5" },
} satisfies ProgramDefinition;

async function member(def: ProgramDefinition = checkoutProgram, points = "80") {
  const { engine, store, t } = testEngine(def, T0);
  await engine.enroll({ key: "e", memberId: "ann" });
  await engine.adjust({ key: "a", memberId: "ann", wallet: "points", points, reason: "opening" });
  const wallet = async () => (await engine.summary("ann")).wallets.points!;
  const violations = () => memberViolations(store, def.id, "ann", t.now());
  return { engine, store, t, wallet, violations };
}

async function refusal(p: Promise<unknown>): Promise<LoyaltyError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(LoyaltyError);
  return e as LoyaltyError;
}
const codeOf = async (p: Promise<unknown>): Promise<ErrorCode> => (await refusal(p)).code;

describe("a hold reserves points until the order is paid (Selflane: 50 points pay $5 of a $20 order)", () => {
  it("takes the 50 points out of the available balance at once, and shows them held", async () => {
    const { engine, wallet, violations } = await member();
    const r = await engine.hold({
      key: "h1",
      memberId: "ann",
      holdId: "order-1",
      wallet: "points",
      points: "50",
      orderAmount: "20.00",
    });
    expect(r).toMatchObject({ holdId: "order-1", points: "50", expiresAt: "2026-03-02T10:30:00.000Z" });
    expect(r.entries.map((e) => e.kind)).toEqual(["hold"]);
    // The same command again replays its first result and holds nothing more.
    const again = await engine.hold({
      key: "h1",
      memberId: "ann",
      holdId: "order-1",
      wallet: "points",
      points: "50",
      orderAmount: "20.00",
    });
    expect([again.replayed, again.expiresAt]).toEqual([true, r.expiresAt]);
    const w = await wallet();
    expect([w.available, w.held, w.lifetime.spent]).toEqual(["30", "50", "50"]);
    expect(await violations()).toEqual([]);
  });

  it("held points cannot be spent twice: a spend or a second hold of them is refused", async () => {
    const { engine, wallet } = await member();
    await engine.hold({
      key: "h1",
      memberId: "ann",
      holdId: "order-1",
      wallet: "points",
      points: "50",
      orderAmount: "20",
    });
    expect(await codeOf(engine.spend({ key: "s", memberId: "ann", wallet: "points", points: "31" }))).toBe(
      "INSUFFICIENT_POINTS",
    );
    const again = { key: "h2", memberId: "ann", wallet: "points", points: "31", orderAmount: "20" } as const;
    expect(await codeOf(engine.hold({ ...again, holdId: "order-2" }))).toBe("INSUFFICIENT_POINTS");
    expect(await codeOf(engine.hold({ ...again, key: "h3", points: "10", holdId: "order-1" }))).toBe("HOLD_EXISTS");
    expect((await wallet()).available).toBe("30");
  });

  it("capture spends them; the $15 paid in money earns 15 points and the $5 paid with points none (LOKE)", async () => {
    const { engine, wallet, violations } = await member();
    await engine.hold({
      key: "h1",
      memberId: "ann",
      holdId: "order-1",
      wallet: "points",
      points: "50",
      orderAmount: "20",
    });
    const c = await engine.captureHold({ key: "c1", memberId: "ann", holdId: "order-1" });
    expect(c).toMatchObject({ captured: "50", returned: "0", forfeited: "0" });
    const p = await engine.recordPurchase({
      key: "p1",
      memberId: "ann",
      purchaseId: "order-1",
      amount: "20.00",
      paidWithPoints: "5.00",
      currency: "USD",
    });
    expect(p.awards.map((a) => a.points)).toEqual(["15"]);
    expect(p.entries[0]).toMatchObject({ kind: "purchase", amount: "15.00", paidWithPoints: "5.00" });
    const w = await wallet();
    expect([w.available, w.held, w.lifetime.spent]).toEqual(["45", "0", "50"]);
    const told = (await engine.events({ limit: 100 })).events.filter(
      (e) => e.type.startsWith("points.held") || e.type === "points.captured",
    );
    expect(told.map((e) => [e.type, e.payload])).toEqual([
      [
        "points.held",
        { holdId: "order-1", wallet: "points", points: "50", orderAmount: "20", expiresAt: "2026-03-02T10:30:00.000Z" },
      ],
      ["points.captured", { holdId: "order-1", wallet: "points", points: "50", forfeited: "0", debtRepaid: "0" }],
    ]);
    const statement = (await engine.statement("ann")).entries.map((e) => e.kind);
    expect(statement).toEqual(expect.arrayContaining(["hold", "capture", "purchase"]));
    expect(await codeOf(engine.captureHold({ key: "c2", memberId: "ann", holdId: "order-1" }))).toBe("HOLD_NOT_FOUND");
    expect(await violations()).toEqual([]);
  });

  it("a partial capture spends part and gives the rest back; the lines earn in proportion", async () => {
    const { engine, wallet, violations } = await member();
    await engine.hold({
      key: "h1",
      memberId: "ann",
      holdId: "order-1",
      wallet: "points",
      points: "50",
      orderAmount: "20",
    });
    // One item of the order is out of stock: $2 less is paid with points, 20 points go back.
    const c = await engine.captureHold({ key: "c1", memberId: "ann", holdId: "order-1", points: "30" });
    expect(c).toMatchObject({ captured: "30", returned: "20", forfeited: "0" });
    expect((await wallet()).available).toBe("50");
    // $18 basket, $3 with points: lines of $12 and $6 earn on $10 and $5.
    const p = await engine.recordPurchase({
      key: "p1",
      memberId: "ann",
      purchaseId: "order-1",
      amount: "18",
      paidWithPoints: "3",
      currency: "USD",
      lines: [
        { sku: "a", quantity: 1, amount: "12" },
        { sku: "b", quantity: 1, amount: "6" },
      ],
    });
    expect(p.awards.map((a) => a.points)).toEqual(["15"]);
    expect(await violations()).toEqual([]);
  });

  it("release gives every point back to the lots it came from, with their expiry", async () => {
    const { engine, wallet, violations } = await member();
    const before = await engine.summary("ann");
    await engine.hold({
      key: "h1",
      memberId: "ann",
      holdId: "order-1",
      wallet: "points",
      points: "50",
      orderAmount: "20",
    });
    const r = await engine.releaseHold({ key: "r1", memberId: "ann", holdId: "order-1" });
    expect(r).toMatchObject({ captured: "0", returned: "50", forfeited: "0" });
    const w = await wallet();
    expect([w.available, w.held, w.lifetime.spent]).toEqual(["80", "0", "0"]);
    expect(w.expiringSoon).toEqual(before.wallets.points!.expiringSoon);
    expect(await violations()).toEqual([]);
  });
});

describe("a hold expires by itself (OneTrace: held for 30 minutes)", () => {
  it("is released at its expiry by the member's due work, with an outbox event", async () => {
    const { engine, store, t, wallet, violations } = await member();
    await engine.hold({
      key: "h1",
      memberId: "ann",
      holdId: "order-1",
      wallet: "points",
      points: "50",
      orderAmount: "20",
    });
    t.advance(29 * MINUTE);
    expect((await wallet()).held).toBe("50");
    t.advance(MINUTE);
    // A read shows it released already; the next write records the release.
    expect((await wallet()).available).toBe("80");
    // The due index wakes the member at the hold's expiry (the lot's own expiry is a year away).
    expect(await store.findDueMembers(checkoutProgram.id, { before: t.now(), limit: 10 })).toEqual([
      { memberId: "ann", dueAt: T0 + 30 * MINUTE },
    ]);
    const s = await engine.spend({ key: "s", memberId: "ann", wallet: "points", points: "80" });
    expect(s.entries.map((e) => e.kind)).toEqual(["holdRelease", "spend"]);
    expect(s.entries[0]).toMatchObject({ expired: true, points: "50", forfeited: "0" });
    const events = (await engine.events({ limit: 100 })).events.map((e) => e.type);
    expect(events).toContain("points.hold_released");
    expect(await codeOf(engine.captureHold({ key: "c", memberId: "ann", holdId: "order-1" }))).toBe("HOLD_NOT_FOUND");
    expect(await violations()).toEqual([]);
  });

  it("the expiry sweep releases it too", async () => {
    const { engine, t, wallet } = await member();
    await engine.hold({
      key: "h1",
      memberId: "ann",
      holdId: "order-1",
      wallet: "points",
      points: "50",
      orderAmount: "20",
    });
    t.advance(31 * MINUTE);
    const r = await engine.expire();
    expect(r.members).toBe(1);
    expect((await wallet()).held).toBe("0");
  });

  it("points whose lot expired while held are forfeited on release, never reopened", async () => {
    const def = { ...checkoutProgram, expiry: { after: { days: 1 } } } satisfies ProgramDefinition;
    const { engine, t, wallet, violations } = await member(def);
    t.advance(24 * 60 * MINUTE - 10 * MINUTE);
    await engine.hold({
      key: "h1",
      memberId: "ann",
      holdId: "order-1",
      wallet: "points",
      points: "50",
      orderAmount: "20",
      expiresInMinutes: 30,
    });
    t.advance(30 * MINUTE);
    await engine.adjust({ key: "a2", memberId: "ann", wallet: "points", points: "5", reason: "later" });
    const w = await wallet();
    expect([w.available, w.held, w.lifetime.expired]).toEqual(["5", "0", "80"]);
    expect(await violations()).toEqual([]);
  });
});

describe("the share of the basket payable in points", () => {
  const hold = (points: string, orderAmount?: string) => ({
    key: `h-${points}-${orderAmount}`,
    memberId: "ann",
    holdId: `o-${points}-${orderAmount}`,
    wallet: "points",
    points,
    ...(orderAmount === undefined ? {} : { orderAmount }),
  });

  it("refuses below checkout.minShare and above checkout.maxShare, accepts both bounds", async () => {
    const { engine, wallet } = await member(checkoutProgram, "500");
    // $20 basket: 10% is $2 (20 points), 50% is $10 (100 points).
    const low = await refusal(engine.hold(hold("19", "20")));
    expect(low.code).toBe("SHARE_OUT_OF_BOUNDS");
    expect(low.details).toMatchObject({ paid: "1.9", minShare: "0.1", maxShare: "0.5" });
    expect(await codeOf(engine.hold(hold("101", "20")))).toBe("SHARE_OUT_OF_BOUNDS");
    await engine.hold(hold("20", "20"));
    await engine.hold(hold("100", "20"));
    expect((await wallet()).held).toBe("120");
  });

  it("needs the basket when the program prices points, and not otherwise", async () => {
    const { engine } = await member();
    const e = await refusal(engine.hold(hold("10")));
    expect([e.code, e.issues[0]?.path]).toEqual(["INVALID_COMMAND", ["orderAmount"]]);
    const { checkout: _, ...plain } = checkoutProgram;
    const other = await member(plain as ProgramDefinition);
    const r = await other.engine.hold(hold("10"));
    expect(r.expiresAt).toBe("2026-03-02T10:15:00.000Z");
  });

  it("a program whose maxShare is below its minShare is refused at the field", () => {
    const bad = { ...checkoutProgram, checkout: { pointValue: "0.10", minShare: "0.6", maxShare: "0.5" } };
    const e = (() => {
      try {
        compileProgram(bad);
      } catch (x) {
        return x as LoyaltyError;
      }
      return null;
    })();
    expect([e?.code, e?.issues.map((i) => i.path)]).toEqual(["INVALID_PROGRAM", [["checkout", "maxShare"]]]);
  });

  it("refuses a capture of more than the hold, and paidWithPoints above the amount", async () => {
    const { engine } = await member();
    await engine.hold(hold("50", "20"));
    const e = await refusal(engine.captureHold({ key: "c", memberId: "ann", holdId: "o-50-20", points: "51" }));
    expect([e.code, e.issues[0]?.path]).toEqual(["INVALID_COMMAND", ["points"]]);
    const p = await refusal(
      engine.recordPurchase({
        key: "p",
        memberId: "ann",
        purchaseId: "x",
        amount: "5",
        paidWithPoints: "6",
        currency: "USD",
      }),
    );
    expect([p.code, p.issues[0]?.path]).toEqual(["INVALID_COMMAND", ["paidWithPoints"]]);
  });
});
