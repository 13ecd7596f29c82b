/**
 * Refunds: the cases real loyalty systems got wrong (points kept after a return, refunds reversing
 * more than was earned, retries reversing twice), with exact figures, under the example program
 * and variants of it. Invariant 7 (docs/architecture.md: a refund never reverses more points than its
 * purchase earned) is checked by a property at the end.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectError } from "../support/errors.js";
import {
  Decimal,
  type LoyaltyEngine,
  type LoyaltyStore,
  type NegativeBalancePolicy,
  type ProgramDefinition,
} from "../../src/index.js";
import { exampleProgram } from "../../examples/program.js";
import { testEngine } from "../support/engine.js";
import { refundProgram } from "../support/programs.js";

const DAY = 86_400_000;
/** Monday 2 March 2026, 10:00 London (GMT): no weekend, birthday or DST effect. */
const T0 = Date.parse("2026-03-02T10:00:00Z");
/** Tuesday 17 March: the 14-day return window of a T0 purchase is over. */
const AFTER = T0 + 15 * DAY;
const POLICIES: NegativeBalancePolicy[] = ["only_pending", "within_balance", "allow_debt"];

/** The example program with another negative-balance policy. */
const examplePolicy = (negativeBalance: NegativeBalancePolicy): ProgramDefinition => ({
  ...exampleProgram,
  refunds: { ...exampleProgram.refunds, negativeBalance },
});

interface Harness {
  engine: LoyaltyEngine;
  store: LoyaltyStore;
  programId: string;
  setTime(ms: number): void;
  entries(memberId?: string): Promise<readonly any[]>;
  wallet(
    name: string,
    memberId?: string,
  ): Promise<{ available: string; pending: string; debt: string; reversed: string; earned: string }>;
  fingerprint(key?: string, memberId?: string): Promise<unknown>;
}

async function harness(program: ProgramDefinition, start = T0, memberId = "m1"): Promise<Harness> {
  let n = 0;
  const { engine, store, t } = testEngine(program, start, { ids: () => "e" + ++n });
  await engine.enroll({ key: `enroll-${memberId}`, memberId });
  const h: Harness = {
    engine,
    store,
    programId: program.id,
    setTime: t.set,
    entries: async (m = memberId) => (await store.readEntries(program.id, m, { afterSeq: 0, limit: 10_000 })).entries,
    wallet: async (name, m = memberId) => {
      const w = (await engine.summary(m)).wallets[name]!;
      return {
        available: w.available,
        pending: w.pending,
        debt: w.debt,
        reversed: w.lifetime.reversed,
        earned: w.lifetime.earned,
      };
    },
    fingerprint: async (key, m = memberId) => ({
      member: await store.loadMember(program.id, m),
      entries: await h.entries(m),
      idempotency: key === undefined ? null : await store.getIdempotency(program.id, key),
    }),
  };
  return h;
}

const buy = (h: Harness, purchaseId: string, amount: string, memberId = "m1") =>
  h.engine.recordPurchase({ key: `buy-${memberId}-${purchaseId}`, memberId, purchaseId, amount, currency: "GBP" });
const giveBack = (h: Harness, key: string, amount: string, purchaseId?: string, memberId = "m1") =>
  h.engine.refund({ key, memberId, amount, currency: "GBP", ...(purchaseId === undefined ? {} : { purchaseId }) });
const reversal = (
  r: { reversed: readonly { wallet: string; points: string; debt: string; forgiven: string }[] },
  wallet: string,
) => r.reversed.find((x) => x.wallet === wallet);

// ---------------------------------------------------------------------------------------------

describe("a refund after the points were spent (simple program: 100.00 earns 100, 80 spent, full refund)", () => {
  const expected: Record<
    NegativeBalancePolicy,
    { points: object; status: object; after: { available: string; debt: string }; statusAfter: string }
  > = {
    // Nothing was pending any more: nothing comes back, the member keeps all of it.
    only_pending: {
      points: { points: "0", debt: "0", forgiven: "100" },
      status: { points: "0", debt: "0", forgiven: "100" },
      after: { available: "20", debt: "0" },
      statusAfter: "100",
    },
    // The 20 left are taken back; the 80 spent are forgiven.
    within_balance: {
      points: { points: "20", debt: "0", forgiven: "80" },
      status: { points: "100", debt: "0", forgiven: "0" },
      after: { available: "0", debt: "0" },
      statusAfter: "0",
    },
    // All 100 come back: 20 from the lot, 80 as debt.
    allow_debt: {
      points: { points: "100", debt: "80", forgiven: "0" },
      status: { points: "100", debt: "0", forgiven: "0" },
      after: { available: "0", debt: "80" },
      statusAfter: "0",
    },
  };

  it.each(POLICIES)("%s", async (policy) => {
    const h = await harness(refundProgram(policy));
    const earned = await buy(h, "p1", "100.00");
    expect(earned.totals).toEqual({ points: "100", status: "100" });
    h.setTime(AFTER);
    await h.engine.spend({ key: "spend-80", memberId: "m1", wallet: "points", points: "80" });

    const r = await giveBack(h, "refund-p1", "100.00", "p1");
    const e = expected[policy];
    expect(reversal(r, "points")).toEqual({ wallet: "points", ...e.points });
    expect(reversal(r, "status")).toEqual({ wallet: "status", ...e.status });
    const points = await h.wallet("points");
    expect(points).toMatchObject({ ...e.after, pending: "0", reversed: (e.points as { points: string }).points });
    expect((await h.wallet("status")).available).toBe(e.statusAfter);

    // Whatever the policy, the purchase is settled: refunding it again is refused.
    await expectError(giveBack(h, "refund-p1-again", "0.01", "p1"), "REFUND_EXCEEDS_PURCHASE");
  });

  it("allow_debt: the debt is repaid by the next purchases before anything becomes spendable", async () => {
    const h = await harness(refundProgram("allow_debt"));
    await buy(h, "p1", "100.00");
    h.setTime(AFTER);
    await h.engine.spend({ key: "spend-80", memberId: "m1", wallet: "points", points: "80" });
    await giveBack(h, "refund-p1", "100.00", "p1");
    expect(await h.wallet("points")).toMatchObject({ available: "0", pending: "0", debt: "80" });

    const p2 = await buy(h, "p2", "50.00");
    expect(p2.totals).toEqual({ points: "50", status: "50" });
    const earnP2 = p2.entries.find((x) => x.kind === "earn" && x.wallet === "points") as any;
    expect(earnP2.debtRepaid).toBe("50");
    expect(await h.wallet("points")).toMatchObject({ available: "0", pending: "0", debt: "30" });
    expect((await h.wallet("status")).pending).toBe("50"); // status had no debt

    const p3 = await buy(h, "p3", "50.00");
    expect((p3.entries.find((x) => x.kind === "earn" && x.wallet === "points") as any).debtRepaid).toBe("30");
    expect(await h.wallet("points")).toMatchObject({ available: "0", pending: "20", debt: "0" });
    h.setTime(AFTER + 15 * DAY);
    expect(await h.wallet("points")).toMatchObject({ available: "20", pending: "0", debt: "0" });
    // A spend can use only what is left after the debt.
    await expectError(
      h.engine.spend({ key: "spend-21", memberId: "m1", wallet: "points", points: "21" }),
      "INSUFFICIENT_POINTS",
    );
    await h.engine.spend({ key: "spend-20", memberId: "m1", wallet: "points", points: "20" });
  });

  it("allow_debt: a goodwill credit also repays debt first", async () => {
    const h = await harness(refundProgram("allow_debt"));
    await buy(h, "p1", "100.00");
    h.setTime(AFTER);
    await h.engine.spend({ key: "spend-100", memberId: "m1", wallet: "points", points: "100" });
    await giveBack(h, "refund-p1", "40.00", "p1");
    expect(await h.wallet("points")).toMatchObject({ available: "0", debt: "40" });
    await h.engine.adjust({ key: "goodwill", memberId: "m1", wallet: "points", points: "50", reason: "goodwill" });
    expect(await h.wallet("points")).toMatchObject({ available: "10", debt: "0" });
  });

  it("within_balance: takes back from the member's other available points, never below zero", async () => {
    const h = await harness(refundProgram("within_balance"));
    await buy(h, "p1", "100.00");
    h.setTime(AFTER);
    await h.engine.adjust({ key: "goodwill", memberId: "m1", wallet: "points", points: "40", reason: "goodwill" });
    // The p1 lot expires first, so it is spent first: 100 from p1, nothing from the goodwill lot.
    await h.engine.spend({ key: "spend-100", memberId: "m1", wallet: "points", points: "100" });
    expect((await h.wallet("points")).available).toBe("40");
    const r = await giveBack(h, "refund-p1", "100.00", "p1");
    expect(reversal(r, "points")).toEqual({ wallet: "points", points: "40", debt: "0", forgiven: "60" });
    expect(await h.wallet("points")).toMatchObject({ available: "0", debt: "0" });
  });

  it("allow_debt: refunding the purchase that repaid a debt brings the debt back", async () => {
    const h = await harness(refundProgram("allow_debt"));
    await buy(h, "p1", "100.00");
    h.setTime(AFTER);
    await h.engine.spend({ key: "spend-100", memberId: "m1", wallet: "points", points: "100" });
    await giveBack(h, "refund-p1", "80.00", "p1");
    expect(await h.wallet("points")).toMatchObject({ debt: "80" });
    await buy(h, "p2", "100.00"); // repays 80, leaves a pending lot of 20
    expect(await h.wallet("points")).toMatchObject({ pending: "20", debt: "0" });
    h.setTime(AFTER + DAY);
    const r = await giveBack(h, "refund-p2", "100.00", "p2");
    expect(reversal(r, "points")).toEqual({ wallet: "points", points: "100", debt: "80", forgiven: "0" });
    expect(await h.wallet("points")).toMatchObject({ available: "0", pending: "0", debt: "80" });
  });

  /**
   * Points that already expired have left the balance: the member got nothing for them. Reversing
   * them again from the member's other purchases would take them twice (once by expiry, once by the
   * refund). The expired part of the purchase is settled as forgiven, whatever the policy.
   */
  it.each(POLICIES)(
    "%s: a refund after the purchase's points expired takes nothing from other purchases",
    async (policy) => {
      const start = Date.parse("2025-03-03T10:00:00Z"); // Monday
      const h = await harness(refundProgram(policy), start);
      await buy(h, "p1", "100.00");
      h.setTime(Date.parse("2026-03-04T10:00:00Z")); // Wednesday: p1's points expired on 3 March
      await buy(h, "p2", "80.00");
      h.setTime(Date.parse("2026-03-20T10:00:00Z")); // p2 available
      expect(await h.wallet("points")).toMatchObject({ available: "80", pending: "0" });

      const r = await giveBack(h, "refund-p1", "100.00", "p1");
      expect(reversal(r, "points")).toEqual({ wallet: "points", points: "0", debt: "0", forgiven: "100" });
      expect(await h.wallet("points")).toMatchObject({ available: "80", debt: "0" });
      // Status credits never expire: they are taken back as usual (only_pending: already available, so forgiven).
      expect(reversal(r, "status")).toEqual(
        policy === "only_pending"
          ? { wallet: "status", points: "0", debt: "0", forgiven: "100" }
          : { wallet: "status", points: "100", debt: "0", forgiven: "0" },
      );
    },
  );

  describe("under the example program (250.00 on a Monday earns 250 + 50 big-basket = 300 points, 250 status; 250 spent)", () => {
    const cases: [NegativeBalancePolicy, object, object, { available: string; debt: string }, string][] = [
      [
        "only_pending",
        { points: "0", debt: "0", forgiven: "300" },
        { points: "0", debt: "0", forgiven: "250" },
        { available: "50", debt: "0" },
        "250",
      ],
      [
        "within_balance",
        { points: "50", debt: "0", forgiven: "250" },
        { points: "250", debt: "0", forgiven: "0" },
        { available: "0", debt: "0" },
        "0",
      ],
      [
        "allow_debt",
        { points: "300", debt: "250", forgiven: "0" },
        { points: "250", debt: "0", forgiven: "0" },
        { available: "0", debt: "250" },
        "0",
      ],
    ];
    it.each(cases)("%s", async (policy, points, status, after, statusAfter) => {
      const h = await harness(examplePolicy(policy));
      const earned = await buy(h, "p1", "250.00");
      expect(earned.totals).toEqual({ points: "300", status: "250" });
      h.setTime(AFTER);
      await h.engine.spend({ key: "spend-250", memberId: "m1", wallet: "points", points: "250" });
      const r = await giveBack(h, "refund-p1", "250.00", "p1");
      expect(reversal(r, "points")).toEqual({ wallet: "points", ...points });
      expect(reversal(r, "status")).toEqual({ wallet: "status", ...status });
      expect(await h.wallet("points")).toMatchObject(after);
      expect((await h.wallet("status")).available).toBe(statusAfter);

      if (policy === "allow_debt") {
        // The next purchase (100.00 on a Tuesday: 100 points) repays 100 of the 250 owed.
        const next = await buy(h, "p2", "100.00");
        expect(next.totals).toEqual({ points: "100", status: "100" });
        expect(await h.wallet("points")).toMatchObject({ available: "0", pending: "0", debt: "150" });
        expect((await h.wallet("status")).pending).toBe("100");
      }
    });
  });
});

describe("partial refunds", () => {
  it("two partial refunds that together exceed the purchase: the second is refused and writes nothing", async () => {
    const h = await harness(refundProgram("within_balance"));
    await buy(h, "p1", "100.00");
    const first = await giveBack(h, "r1", "60.00", "p1");
    expect(reversal(first, "points")).toEqual({ wallet: "points", points: "60", debt: "0", forgiven: "0" });

    const before = await h.fingerprint("r2");
    const error = await expectError(giveBack(h, "r2", "50.00", "p1"), "REFUND_EXCEEDS_PURCHASE");
    expect(error.issues.map((i) => i.path)).toContainEqual(["amount"]);
    expect(new Decimal(error.details.refundable as string).eq("40")).toBe(true);
    expect(await h.fingerprint("r2")).toEqual(before);

    // The rest can still be refunded, and then nothing more.
    const rest = await giveBack(h, "r3", "40.00", "p1");
    expect(reversal(rest, "points")).toEqual({ wallet: "points", points: "40", debt: "0", forgiven: "0" });
    expect(reversal(rest, "status")).toEqual({ wallet: "status", points: "40", debt: "0", forgiven: "0" });
    expect(await h.wallet("points")).toMatchObject({ available: "0", pending: "0", reversed: "100", earned: "100" });
    await expectError(giveBack(h, "r4", "0.01", "p1"), "REFUND_EXCEEDS_PURCHASE");
  });

  const oddCases: {
    name: string;
    program: ProgramDefinition;
    amount: string;
    refunds: string[];
    earned: Record<string, string>;
    steps: Record<string, string[]>;
  }[] = [
    {
      name: "1.5 points per £1 rounded down: 99.99 earns 149; three refunds of 33.33 reverse 49, 50, 50",
      program: refundProgram("within_balance", { pointsRate: ["3", "2"] }),
      amount: "99.99",
      refunds: ["33.33", "33.33", "33.33"],
      earned: { points: "149", status: "99" },
      steps: { points: ["49", "50", "50"], status: ["33", "33", "33"] },
    },
    {
      name: "1.5 points per £1 rounded up: 99.99 earns 150; three refunds of 33.33 reverse 50, 50, 50",
      program: refundProgram("within_balance", { pointsRate: ["3", "2"], rounding: "up" }),
      amount: "99.99",
      refunds: ["33.33", "33.33", "33.33"],
      earned: { points: "150", status: "100" },
      steps: { points: ["50", "50", "50"], status: ["34", "33", "33"] },
    },
    {
      name: "rounded up, many pennies: each 0.01 refund would round up to 1 point on its own, the running total does not",
      program: refundProgram("within_balance", { pointsRate: ["3", "2"], rounding: "up" }),
      amount: "99.99",
      refunds: ["0.01", "0.01", "0.01", "0.01", "99.95"],
      earned: { points: "150", status: "100" },
      steps: { points: ["1", "0", "0", "0", "149"], status: ["1", "0", "0", "0", "99"] },
    },
    {
      name: "example program: 250.00 earns 300 (with the big-basket bonus); refunds 83.33, 83.33, 83.34 reverse 99, 100, 101",
      program: exampleProgram,
      amount: "250.00",
      refunds: ["83.33", "83.33", "83.34"],
      earned: { points: "300", status: "250" },
      steps: { points: ["99", "100", "101"], status: ["83", "83", "84"] },
    },
  ];

  it.each(oddCases)("$name", async (c) => {
    const h = await harness(c.program);
    const earned = await buy(h, "p1", c.amount);
    expect(earned.totals).toEqual(c.earned);
    const totals: Record<string, Decimal> = {};
    for (const [i, amount] of c.refunds.entries()) {
      const r = await giveBack(h, `r${i}`, amount, "p1");
      for (const wallet of Object.keys(c.earned)) {
        const x = reversal(r, wallet);
        const got = x === undefined ? "0" : x.points;
        expect(got, `${wallet} after refund ${i + 1}`).toBe(c.steps[wallet]![i]);
        if (x) expect(x.forgiven).toBe("0");
        totals[wallet] = (totals[wallet] ?? new Decimal(0)).plus(got);
        expect(totals[wallet]!.lte(c.earned[wallet]!), `${wallet} never more than earned`).toBe(true);
      }
    }
    for (const wallet of Object.keys(c.earned)) expect(totals[wallet]!.toString()).toBe(c.earned[wallet]);
    expect(await h.wallet("points")).toMatchObject({ available: "0", pending: "0", debt: "0" });
    expect(await h.wallet("status")).toMatchObject({ available: "0", pending: "0", debt: "0" });
  });
});

describe("a refund while the points are still pending", () => {
  it.each(POLICIES)(
    "%s: taken from the refunded purchase's pending lot; the available balance is untouched",
    async (policy) => {
      const h = await harness(refundProgram(policy));
      await h.engine.adjust({ key: "goodwill", memberId: "m1", wallet: "points", points: "30", reason: "goodwill" });
      const p1 = await buy(h, "p1", "100.00");
      const p2 = await buy(h, "p2", "50.00");
      const p1Lot = p1.entries.find((e) => e.kind === "earn" && e.wallet === "points")!.id;
      expect(await h.wallet("points")).toMatchObject({ available: "30", pending: "150" });

      h.setTime(T0 + 3 * DAY);
      const r = await giveBack(h, "r1", "40.00", "p1");
      expect(reversal(r, "points")).toEqual({ wallet: "points", points: "40", debt: "0", forgiven: "0" });
      const reverse = r.entries.find((e) => e.kind === "reverse" && e.wallet === "points") as any;
      expect(reverse.lots).toEqual([{ lotId: p1Lot, points: "40" }]);
      expect(await h.wallet("points")).toMatchObject({ available: "30", pending: "110", debt: "0" });
      expect((await h.wallet("status")).pending).toBe("110");

      // The other pending purchase is untouched and becomes available in full.
      h.setTime(AFTER);
      expect(await h.wallet("points")).toMatchObject({ available: "140", pending: "0" });
      void p2;
    },
  );

  it("only_pending: a full refund inside the return window takes every point back", async () => {
    const h = await harness(refundProgram("only_pending"));
    await buy(h, "p1", "100.00");
    h.setTime(T0 + DAY);
    const r = await giveBack(h, "r1", "100.00", "p1");
    expect(reversal(r, "points")).toEqual({ wallet: "points", points: "100", debt: "0", forgiven: "0" });
    expect(reversal(r, "status")).toEqual({ wallet: "status", points: "100", debt: "0", forgiven: "0" });
    h.setTime(AFTER);
    expect(await h.wallet("points")).toMatchObject({ available: "0", pending: "0" });
  });
});

describe("retries", () => {
  it("the same refund retried with the same key returns the first result, replayed, and writes nothing", async () => {
    const h = await harness(refundProgram("within_balance"));
    await buy(h, "p1", "100.00");
    h.setTime(T0 + DAY);
    const first = await giveBack(h, "r1", "40.00", "p1");
    expect(first.replayed).toBe(false);
    const before = await h.fingerprint("r1");

    h.setTime(T0 + 2 * DAY);
    const again = await giveBack(h, "r1", "40.00", "p1");
    expect(again.replayed).toBe(true);
    const { replayed: _a, ...firstBody } = first;
    const { replayed: _b, ...againBody } = again;
    expect(againBody).toEqual(firstBody);
    expect(await h.fingerprint("r1")).toEqual(before);

    // Still replayed once the rest has been refunded (it must not now be refused as too much).
    await giveBack(h, "r2", "60.00", "p1");
    const late = await giveBack(h, "r1", "40.00", "p1");
    expect(late.replayed).toBe(true);
    expect(reversal(late, "points")!.points).toBe("40");
    expect(await h.wallet("points")).toMatchObject({ reversed: "100", pending: "0" });
  });

  it("the same key with a different amount fails with IDEMPOTENCY_CONFLICT and writes nothing", async () => {
    const h = await harness(refundProgram("within_balance"));
    await buy(h, "p1", "100.00");
    await giveBack(h, "r1", "40.00", "p1");
    const before = await h.fingerprint("r1");
    const error = await expectError(giveBack(h, "r1", "41.00", "p1"), "IDEMPOTENCY_CONFLICT");
    expect(error.issues.map((i) => i.path)).toContainEqual(["key"]);
    await expectError(giveBack(h, "r1", "40.00"), "IDEMPOTENCY_CONFLICT"); // same amount, no receipt
    expect(await h.fingerprint("r1")).toEqual(before);
  });
});

describe("a return without a receipt (no purchaseId)", () => {
  it("is priced at the base rule's rate, not at what the purchase earned with bonuses", async () => {
    // Saturday 7 March: 100.00 earns 100 base + 100 weekend double = 200 points, 100 status.
    const h = await harness(exampleProgram, Date.parse("2026-03-07T10:00:00Z"));
    const earned = await buy(h, "p1", "100.00");
    expect(earned.totals).toEqual({ points: "200", status: "100" });
    h.setTime(Date.parse("2026-03-24T10:00:00Z"));
    const r = await giveBack(h, "r1", "50.99");
    expect(r.purchaseId).toBeNull();
    expect(reversal(r, "points")).toEqual({ wallet: "points", points: "50", debt: "0", forgiven: "0" });
    expect(reversal(r, "status")).toEqual({ wallet: "status", points: "50", debt: "0", forgiven: "0" });
    expect(r.entries.find((e) => e.kind === "refund")).toMatchObject({ purchaseId: null, amount: "50.99" });
    expect(await h.wallet("points")).toMatchObject({ available: "150", reversed: "50" });
  });

  it("takes pending points first (soonest-expiring first: receiptless-return.test.ts)", async () => {
    const h = await harness(refundProgram("within_balance"));
    await buy(h, "p1", "100.00");
    h.setTime(AFTER + DAY);
    const p2 = await buy(h, "p2", "30.00"); // pending
    const p2Lot = p2.entries.find((e) => e.kind === "earn" && e.wallet === "points")!.id;
    const r = await giveBack(h, "r1", "20.00");
    expect((r.entries.find((e) => e.kind === "reverse" && e.wallet === "points") as any).lots).toEqual([
      { lotId: p2Lot, points: "20" },
    ]);
    expect(await h.wallet("points")).toMatchObject({ available: "100", pending: "10" });
  });

  it("beyond what the member holds: forgiven under within_balance", async () => {
    const h = await harness(refundProgram("within_balance"));
    await buy(h, "p1", "10.00");
    h.setTime(AFTER);
    const r = await giveBack(h, "r1", "25.00");
    expect(reversal(r, "points")).toEqual({ wallet: "points", points: "10", debt: "0", forgiven: "15" });
  });
});

// ---------------------------------------------------------------------------------------------

describe("property: partial refunds never reverse more than the purchase earned (invariant 7)", () => {
  const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;

  it("reversed + forgiven per wallet stays within earned, and equals it once fully refunded", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          policy: fc.constantFrom<NegativeBalancePolicy>(...POLICIES),
          rounding: fc.constantFrom<"down" | "up" | "half_up" | "half_even">("down", "up", "half_up", "half_even"),
          scale: fc.constantFrom(0, 2),
          rate: fc.constantFrom<[string, string]>(["1", "1"], ["3", "2"], ["7", "3"], ["1", "10"], ["2.5", "1"]),
          amountCents: fc.integer({ min: 1, max: 50_000 }),
          afterWindow: fc.boolean(),
          spendPercent: fc.integer({ min: 0, max: 100 }),
          refunds: fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 6 }),
          finish: fc.boolean(),
        }),
        async (s) => {
          const h = await harness(
            refundProgram(s.policy, { pointsRate: s.rate, rounding: s.rounding, scale: s.scale }),
          );
          const p = await buy(h, "p1", cents(s.amountCents));
          const earned: Record<string, Decimal> = {};
          for (const [w, v] of Object.entries(p.totals)) earned[w] = new Decimal(v);
          if (s.afterWindow) {
            h.setTime(AFTER);
            const available = new Decimal((await h.wallet("points")).available);
            const toSpend = available.times(s.spendPercent).div(100).toDecimalPlaces(s.scale, Decimal.ROUND_DOWN);
            if (toSpend.gt(0))
              await h.engine.spend({
                key: "spend",
                memberId: "m1",
                wallet: "points",
                points: toSpend.toFixed(s.scale),
              });
          }

          const settled: Record<string, Decimal> = {};
          let refunded = 0;
          const apply = async (c: number, key: string) => {
            const r = await giveBack(h, key, cents(c), "p1");
            refunded += c;
            for (const x of r.reversed) {
              expect(new Decimal(x.points).gte(0) && new Decimal(x.debt).gte(0) && new Decimal(x.forgiven).gte(0)).toBe(
                true,
              );
              settled[x.wallet] = (settled[x.wallet] ?? new Decimal(0)).plus(x.points).plus(x.forgiven);
            }
            for (const w of Object.keys(settled))
              expect(settled[w]!.lte(earned[w] ?? 0), `${w}: settled ${settled[w]} > earned ${earned[w]}`).toBe(true);
          };
          for (const [i, c] of s.refunds.entries()) {
            if (refunded + c > s.amountCents) {
              await expectError(giveBack(h, `r${i}`, cents(c), "p1"), "REFUND_EXCEEDS_PURCHASE");
            } else {
              await apply(c, `r${i}`);
            }
          }
          if (s.finish && refunded < s.amountCents) await apply(s.amountCents - refunded, "rest");
          if (refunded === s.amountCents) {
            for (const w of Object.keys(earned))
              expect((settled[w] ?? new Decimal(0)).toString(), `${w} fully settled`).toBe(earned[w]!.toString());
          }

          // Conservation per wallet: earned - spent - expired - reversed + adjusted = balance - debt.
          const summary = await h.engine.summary("m1");
          for (const w of Object.values(summary.wallets)) {
            const l = w.lifetime;
            const lhs = new Decimal(l.earned).minus(l.spent).minus(l.expired).minus(l.reversed).plus(l.adjusted);
            expect(lhs.eq(new Decimal(w.available).plus(w.pending).minus(w.debt))).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
