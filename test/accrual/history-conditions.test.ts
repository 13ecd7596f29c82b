/**
 * Conditions on the member's own history (issue 17): first purchase, Nth purchase, days since the
 * last purchase, days since joining, first purchase in a category. They read bounded counters in
 * the member's state (a purchase count, the last purchase's instant, the categories bought), never
 * the purchase history. Worked examples after Open Loyalty's and Talon.One's documented campaigns
 * (a first-purchase bonus, a bonus on the 5th purchase, a win-back bonus after 90 days without a
 * purchase), what refunds do to the counters, members from before the counters, and a property:
 * the Nth-purchase bonus is paid exactly once per member, whatever the order of purchases and
 * refunds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileProgram, fromSnapshot, isLoyaltyError, toSnapshot } from "../../src/index.js";
import { testEngine } from "../support/engine.js";
import { earningProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const DAY = 86_400_000;
/** Friday 4 January 2030, 12:00 London. */
const T0 = Date.parse("2030-01-04T12:00:00Z");
type Json = any;

const base = { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] };
const bonus = (id: string, when: Json, points = "100") => ({
  id,
  on: "purchase",
  when,
  awards: [{ kind: "fixed", points, wallet: "points" }],
});

async function member(rules: Json[], start = T0) {
  const program = earningProgram(rules);
  const { engine, store, t } = testEngine(program, start);
  await engine.enroll({ key: "enroll", memberId: "m1" });
  let n = 0;
  const buy = async (amount = "10.00", lines?: Json[]) => {
    const r = await engine.recordPurchase({
      key: `buy-${++n}`,
      memberId: "m1",
      purchaseId: `p${n}`,
      amount,
      currency: "GBP",
      ...(lines === undefined ? {} : { lines }),
    });
    return r.awards.map((a) => a.ruleId).filter((id) => id !== "base");
  };
  return { program, engine, store, t, buy };
}

describe("Open Loyalty's / Talon.One's history campaigns", () => {
  it("a first-purchase bonus: 100 points on the member's first purchase only", async () => {
    const m = await member([base, bonus("first", { field: "member.purchases", op: "eq", value: 0 })]);
    expect(await m.buy()).toEqual(["first"]);
    expect(await m.buy()).toEqual([]);
  });

  it("a bonus on the 5th purchase: member.purchases is 4 then (purchases before this one)", async () => {
    const m = await member([base, bonus("fifth", { field: "member.purchases", op: "eq", value: 4 })]);
    const paid = [];
    for (let i = 1; i <= 7; i++) paid.push((await m.buy()).length > 0 ? i : null);
    expect(paid.filter((i) => i !== null)).toEqual([5]);
  });

  it("a win-back bonus after 90 days without a purchase (not on a first purchase)", async () => {
    const m = await member([base, bonus("win-back", { field: "member.daysSinceLastPurchase", op: "gte", value: 90 })]);
    expect(await m.buy()).toEqual([]); // no earlier purchase: the field is absent, so gte is false
    m.t.set(T0 + 50 * DAY);
    expect(await m.buy()).toEqual([]);
    m.t.set(T0 + 50 * DAY + 89 * DAY);
    expect(await m.buy()).toEqual([]);
    // 90 local days after the last one (day 139).
    m.t.set(T0 + 139 * DAY + 90 * DAY);
    expect(await m.buy()).toEqual(["win-back"]);
  });

  it("days are local calendar days: 23:59 and 00:01 the next morning are one day apart", async () => {
    const start = Date.parse("2030-07-01T22:59:00Z"); // 23:59 in London (BST)
    const m = await member(
      [base, bonus("next-day", { field: "member.daysSinceLastPurchase", op: "eq", value: 1 })],
      start,
    );
    expect(await m.buy()).toEqual([]);
    m.t.set(start + 2 * 60_000); // 00:01 on 2 July, London
    expect(await m.buy()).toEqual(["next-day"]);
  });

  it("a welcome window: purchases in the first 30 days after joining", async () => {
    const m = await member([base, bonus("welcome", { field: "member.daysSinceJoining", op: "lt", value: 30 })]);
    expect(await m.buy()).toEqual(["welcome"]);
    m.t.set(T0 + 29 * DAY);
    expect(await m.buy()).toEqual(["welcome"]);
    m.t.set(T0 + 30 * DAY);
    expect(await m.buy()).toEqual([]);
  });

  it("a cross-sell bonus on the first purchase in category B, whatever else was bought before", async () => {
    const m = await member([base, bonus("first-b", { firstInCategory: ["B"] })]);
    const a = { sku: "a", quantity: 1, amount: "10.00", category: "A" };
    const b = { sku: "b", quantity: 1, amount: "10.00", category: "B" };
    expect(await m.buy("10.00", [a])).toEqual([]);
    expect(await m.buy("10.00")).toEqual([]); // no lines: no category
    expect(await m.buy("20.00", [a, b])).toEqual(["first-b"]);
    expect(await m.buy("10.00", [b])).toEqual([]);
  });
});

describe("refunds never uncount a purchase", () => {
  it("a refunded first purchase: its bonus goes back with it, and the next purchase is not first", async () => {
    const m = await member([base, bonus("first", { field: "member.purchases", op: "eq", value: 0 })]);
    expect(await m.buy("10.00")).toEqual(["first"]);
    const r = await m.engine.refund({ key: "r1", memberId: "m1", purchaseId: "p1", amount: "10.00", currency: "GBP" });
    expect(r.reversed).toEqual([{ wallet: "points", points: "110", debt: "0", forgiven: "0" }]);
    expect(await m.buy("10.00")).toEqual([]);
  });
});

describe("members from before the counters", () => {
  it("a snapshot without counters loads them as unknown if the member had purchased, as none if not", async () => {
    const m = await member([base]);
    const fresh = (await m.store.loadMember(m.program.id, "m1"))!.snapshot;
    expect(fresh).not.toHaveProperty("purchaseCount"); // none recorded: nothing written
    expect(fromSnapshot(fresh)).toMatchObject({ purchaseCount: 0, categoriesBought: [] });
    await m.buy("10.00", [{ sku: "a", quantity: 1, amount: "10.00", category: "A" }]);
    const now = (await m.store.loadMember(m.program.id, "m1"))!.snapshot;
    expect(now).toMatchObject({ purchaseCount: 1, categoriesBought: ["A"] });
    expect(toSnapshot(fromSnapshot(now))).toEqual(now);
    // The same member as today's main wrote it: no counters, a purchase's activity.
    const { purchaseCount: _count, categoriesBought: _categories, ...old } = now;
    expect(fromSnapshot(old)).toMatchObject({ purchaseCount: null, categoriesBought: null });
  });

  it("an imported member who bought elsewhere: count and categories unknown, so those conditions are false; days since still read", async () => {
    const rules = [
      base,
      bonus("first", { field: "member.purchases", op: "eq", value: 0 }),
      bonus("first-b", { firstInCategory: ["B"] }),
      bonus("win-back", { field: "member.daysSinceLastPurchase", op: "gte", value: 90 }),
    ];
    const program = earningProgram(rules);
    const { engine } = testEngine(program, T0);
    await engine.importMember({
      key: "import",
      memberId: "m1",
      joinedAt: "2029-01-01T00:00:00Z",
      currency: "GBP",
      activity: { purchase: "2029-06-01T10:00:00Z" },
    } as Json);
    const r = await engine.recordPurchase({
      key: "buy",
      memberId: "m1",
      purchaseId: "p1",
      amount: "10.00",
      currency: "GBP",
      lines: [{ sku: "b", quantity: 1, amount: "10.00", category: "B" }],
    });
    expect(r.awards.map((a) => a.ruleId)).toEqual(["base", "win-back"]);
  });
});

describe("validation", () => {
  it("an unknown history field or an empty category list is refused with its path", () => {
    const bad = earningProgram([
      bonus("x", { field: "member.purchaseCount", op: "eq", value: 1 }),
      bonus("y", { firstInCategory: [] }),
    ]);
    try {
      compileProgram(bad);
      expect.unreachable();
    } catch (e) {
      if (!isLoyaltyError(e)) throw e;
      expect(e.issues.map((i) => i.path.join("."))).toEqual(["rules.0.when.field", "rules.1.when.firstInCategory"]);
    }
  });

  it("a derived segment may not read the member's history (it reads the clock)", () => {
    const program = {
      ...earningProgram([base]),
      segments: [{ id: "regulars", when: { field: "member.purchases", op: "gte", value: 10 } }],
    };
    try {
      compileProgram(program);
      expect.unreachable();
    } catch (e) {
      if (!isLoyaltyError(e)) throw e;
      expect(e.issues.map((i) => i.path.join("."))).toEqual(["segments.0.when.field"]);
    }
  });
});

describe("property", () => {
  it("the Nth-purchase bonus is paid exactly once per member, in any order of purchases and refunds", async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant("buy" as const), daysLater: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant("refund" as const), which: fc.nat(), full: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(step, { maxLength: 14 }), async (nth, steps) => {
        const m = await member([base, bonus("nth", { field: "member.purchases", op: "eq", value: nth - 1 })]);
        let at = T0;
        let bought = 0;
        let paid = 0;
        const refundable: string[] = [];
        for (const s of steps) {
          if (s.kind === "buy") {
            at += s.daysLater * DAY;
            m.t.set(at);
            paid += (await m.buy("10.00")).filter((id) => id === "nth").length;
            refundable.push(`p${++bought}`);
          } else if (refundable.length > 0) {
            const purchaseId = refundable.splice(s.which % refundable.length, 1)[0]!;
            await m.engine.refund({
              key: `refund-${purchaseId}`,
              memberId: "m1",
              purchaseId,
              amount: s.full ? "10.00" : "5.00",
              currency: "GBP",
            });
          }
        }
        expect(paid).toBe(bought >= nth ? 1 : 0);
      }),
      { numRuns: RUNS },
    );
  });
});
