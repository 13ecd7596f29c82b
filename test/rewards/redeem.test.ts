/**
 * Redemption (src/rewards/redeem.ts, with the catalogue's rules from src/rewards/catalogue.ts), on
 * the in-memory store through the engine facade, with exact figures: the lots a redemption draws,
 * what it grants for each kind of reward, replays and reused ids, and every refusal as a typed error
 * that writes nothing (the store's fingerprint, the reward's stock included, is the same before and
 * after). The rest of the rewards live beside their modules: stock.test.ts, cancel.test.ts,
 * convert.test.ts, catalogue.test.ts, and properties.test.ts for the properties that span them.
 * Over 300 lines: one describe for redemption and one for its refusals, each read as a whole.
 */
import { describe, expect, it } from "vitest";
import { LoyaltyError, createLoyaltyEngine, createMemoryStore, type Entry } from "../../src/index.js";
import { storeFingerprint, testClock } from "../../src/testing/index.js";
import { T0, memberSetup } from "../support/members.js";
import { ladder, mugProgram, rewardsProgram } from "../support/programs.js";
import {
  DAY,
  cash,
  conversions,
  iso,
  lotOf,
  monthly,
  mug,
  redeemEntry,
  refuses,
  setup,
  type RewardInput,
  type Setup,
} from "../support/rewards.js";

describe("redeem", () => {
  it("draws the soonest-expiring available lots first, never pending or expired ones", async () => {
    const s = await setup(rewardsProgram([mug]));
    await s.enroll();
    const e = lotOf(await s.event("promo")); // 50, expires 1 April 10:00 BST
    s.t.set(T0 + 5 * DAY);
    const a = lotOf(await s.credit("100")); // 100, expires 7 March 2027
    s.t.set(T0 + 20 * DAY);
    const p = lotOf(await s.event("promo")); // 50, expires 21 April 10:00 BST
    await s.buy("200.00"); // 200 pending until 5 April 10:00 BST
    s.t.set(T0 + 31 * DAY); // 2 April: the first promo lot has expired (no sweep yet), the purchase is still pending
    expect(await s.wallet()).toMatchObject({ available: "150", pending: "200", expiredUnswept: "50" });

    const r = await s.redeem("mug", { key: "mug-1" });
    expect(r).toMatchObject({
      memberId: "m",
      redemptionId: "mug-1",
      rewardId: "mug",
      kind: "product",
      quantity: 1,
      wallet: "points",
      points: "120",
      replayed: false,
    });
    expect(r.grant).toEqual({ codes: [], value: null, cause: null });
    // The write first wrote off the expired lot, then drew 50 from the promo lot and 70 from the credit.
    expect(r.entries.map((x) => x.kind)).toEqual(["expire", "redeem"]);
    expect((r.entries[0] as Extract<Entry, { kind: "expire" }>).lots).toEqual([{ lotId: e, points: "50" }]);
    expect(redeemEntry(r)).toMatchObject({
      lots: [
        { lotId: p, points: "50" },
        { lotId: a, points: "70" },
      ],
      points: "120",
      quantity: 1,
      stock: 0,
      periodEnd: null,
      rewardKind: "product",
    });
    const w = await s.wallet();
    expect(w).toMatchObject({ available: "30", pending: "200", expiredUnswept: "0" });
    expect(w.lifetime).toMatchObject({ earned: "300", spent: "120", expired: "50" });
    expect((await s.engine.summary("m")).redemptions).toEqual([
      { redemptionId: "mug-1", rewardId: "mug", points: "120", quantity: 1, at: iso(T0 + 31 * DAY) },
    ]);
    expect(await s.violations()).toEqual([]);
  });

  it("charges price x quantity", async () => {
    const s = await setup(rewardsProgram([{ kind: "product", id: "coffee", wallet: "points", price: "40" }]));
    await s.enroll();
    await s.credit("150");
    const r = await s.redeem("coffee", { quantity: 3 });
    expect(r).toMatchObject({ quantity: 3, points: "120" });
    expect(redeemEntry(r)).toMatchObject({ quantity: 3, points: "120" });
    expect((await s.wallet()).available).toBe("30");
    await refuses(s, "too-many", () => s.redeem("coffee", { key: "too-many" }), "INSUFFICIENT_POINTS");
  });

  it("charges the member's tier price where the reward has one", async () => {
    const lounge: RewardInput = {
      kind: "product",
      id: "lounge",
      wallet: "points",
      price: "500",
      tierPrices: { gold: "400", silver: "450" },
    };
    const s = await setup(rewardsProgram([lounge], { tiers: ladder() }));
    await s.enroll();
    await s.credit("2000");
    expect((await s.redeem("lounge")).points).toBe("500"); // bronze pays the list price
    await s.engine.assignTier({ key: "gold", memberId: "m", tier: "gold" });
    expect((await s.engine.rewards("m"))[0]!.price).toBe("400");
    const r = await s.redeem("lounge", { quantity: 2 });
    expect(r.points).toBe("800");
    expect((await s.wallet()).available).toBe("700");
    await s.engine.assignTier({ key: "silver", memberId: "m", tier: "silver" });
    expect((await s.redeem("lounge")).points).toBe("450");
  });

  describe("grants", () => {
    const catalogue: RewardInput[] = [
      { kind: "voucher", id: "v10", wallet: "points", price: "100", value: "10.00" },
      { kind: "voucher", id: "free-delivery", wallet: "points", price: "30" },
      cash,
      { kind: "donation", id: "school", wallet: "points", price: "100", causes: ["st-marys", "oak-primary"] },
      { kind: "donation", id: "charity", wallet: "points", price: "10" },
      { kind: "discount", id: "fiver", wallet: "points", price: "200", discount: { amount: "5.00" } },
      { kind: "discount", id: "tenpc", wallet: "points", price: "250", discount: { percent: "10" } },
      mug,
    ];
    const start = async () => {
      const s = await setup(rewardsProgram(catalogue));
      await s.enroll();
      await s.credit("5000");
      return s;
    };

    it("a voucher: one code per unit from the generator, with the request's fields; value = face value x units", async () => {
      const s = await start();
      const r = await s.redeem("v10", { key: "k1", redemptionId: "r1", quantity: 2 });
      expect(r.grant).toEqual({ codes: ["C-r1-0", "C-r1-1"], value: "20.00", cause: null });
      expect(s.calls).toEqual([
        { rewardId: "v10", memberId: "m", redemptionId: "r1", index: 0 },
        { rewardId: "v10", memberId: "m", redemptionId: "r1", index: 1 },
      ]);
      expect(redeemEntry(r).grant).toEqual(r.grant);
      // A voucher with no face value still gets its code.
      expect((await s.redeem("free-delivery", { key: "k2" })).grant).toEqual({
        codes: ["C-k2-0"],
        value: null,
        cause: null,
      });
    });

    it("a conversion: one code whatever the steps; value = value x steps; on request every whole step by default", async () => {
      const s = await start();
      const one = await s.redeem("cash", { key: "c1", quantity: 3 });
      expect(one).toMatchObject({
        kind: "conversion",
        quantity: 3,
        points: "450",
        grant: { codes: ["C-c1-0"], value: "4.50", cause: null },
      });
      // 4550 left: every whole step of 150 is 30 steps (4500 points), 50 stay.
      const all = await s.redeem("cash", { key: "c2" });
      expect(all).toMatchObject({
        quantity: 30,
        points: "4500",
        grant: { codes: ["C-c2-0"], value: "45.00", cause: null },
      });
      expect((await s.wallet()).available).toBe("50");
      expect(s.calls.map((c) => c.redemptionId)).toEqual(["c1", "c2"]);
      // Less than one step left.
      const e = await refuses(s, "c3", () => s.redeem("cash", { key: "c3" }), "INSUFFICIENT_POINTS");
      expect(e.details).toMatchObject({ wallet: "points", available: "50", requested: "150" });
    });

    it("a donation records its cause; discounts carry their amount; products carry nothing", async () => {
      const s = await start();
      expect((await s.redeem("school", { cause: "oak-primary" })).grant).toEqual({
        codes: [],
        value: null,
        cause: "oak-primary",
      });
      expect((await s.redeem("charity", { cause: "anything-goes", quantity: 5 })).grant).toEqual({
        codes: [],
        value: null,
        cause: "anything-goes",
      });
      expect((await s.redeem("fiver", { quantity: 2 })).grant).toEqual({ codes: [], value: "10.00", cause: null });
      expect((await s.redeem("tenpc")).grant).toEqual({ codes: [], value: null, cause: null });
      expect((await s.redeem("mug")).grant).toEqual({ codes: [], value: null, cause: null });
      expect(s.calls).toEqual([]); // only vouchers and conversions ask for codes
      expect((await s.wallet()).available).toBe(String(5000 - 100 - 50 - 400 - 250 - 120));
    });
  });

  it("a retry with the same key replays the first result and writes nothing; another payload under it is IDEMPOTENCY_CONFLICT", async () => {
    const s = await setup(
      rewardsProgram([{ kind: "voucher", id: "v10", wallet: "points", price: "100", value: "10.00", stock: 5 }]),
    );
    await s.enroll();
    await s.credit("1000");
    const first = await s.redeem("v10", { key: "k", quantity: 2 });
    const fingerprint = () => storeFingerprint(s.store, s.id, ["m"], ["k"], ["v10"]);
    const before = await fingerprint();
    s.t.advance(DAY);
    const again = await s.redeem("v10", { key: "k", quantity: 2 });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await fingerprint()).toBe(before);
    expect(s.calls).toHaveLength(2); // no new codes were asked for
    expect(await s.engine.stock("v10")).toBe(3);
    await refuses(s, "k", () => s.redeem("v10", { key: "k", quantity: 1 }), "IDEMPOTENCY_CONFLICT");
    await refuses(
      s,
      "k",
      () => s.redeem("v10", { key: "k", quantity: 2, redemptionId: "other" }),
      "IDEMPOTENCY_CONFLICT",
    );
  });

  it("a redemptionId reused under another key is DUPLICATE_REDEMPTION", async () => {
    const s = await setup(rewardsProgram([mug]));
    await s.enroll();
    await s.credit("1000");
    await s.redeem("mug", { key: "k1", redemptionId: "order-7" });
    const e = await refuses(
      s,
      "k2",
      () => s.redeem("mug", { key: "k2", redemptionId: "order-7" }),
      "DUPLICATE_REDEMPTION",
    );
    expect(e.issues[0]!.path).toEqual(["redemptionId"]);
    // The default redemption id is the key: another key that names that key as its redemption id is a duplicate too.
    await s.redeem("mug", { key: "k0" });
    await refuses(s, "k3", () => s.redeem("mug", { key: "k3", redemptionId: "k0" }), "DUPLICATE_REDEMPTION");
    // A cancelled redemption's id stays taken.
    await s.cancel("order-7");
    await refuses(s, "k4", () => s.redeem("mug", { key: "k4", redemptionId: "order-7" }), "DUPLICATE_REDEMPTION");
  });

  it("the statement shows the redemption and its cancellation, with the lots", async () => {
    const s = await setup(
      rewardsProgram([{ kind: "voucher", id: "v10", wallet: "points", price: "100", value: "10.00" }]),
    );
    await s.enroll();
    const a = lotOf(await s.credit("250"));
    await s.redeem("v10", { key: "k", quantity: 2 });
    s.t.advance(DAY);
    await s.engine.cancelRedemption({
      key: "undo",
      memberId: "m",
      redemptionId: "k",
      reason: "customer changed their mind",
    });
    const { entries } = await s.engine.statement("m");
    expect(entries.map((e) => e.kind)).toEqual(["enroll", "adjust", "redeem", "cancel"]);
    expect(entries[2]).toMatchObject({
      kind: "redeem",
      redemptionId: "k",
      rewardId: "v10",
      rewardKind: "voucher",
      wallet: "points",
      points: "200",
      quantity: 2,
      lots: [{ lotId: a, points: "200" }],
      grant: { codes: ["C-k-0", "C-k-1"], value: "20.00", cause: null },
      command: { key: "k", type: "redeem" },
    });
    expect(entries[3]).toMatchObject({
      kind: "cancel",
      redemptionId: "k",
      rewardId: "v10",
      points: "200",
      lots: [{ lotId: a, points: "200" }],
      lot: null,
      regranted: "0",
      forfeited: "0",
      debtRepaid: "0",
      stock: 0,
      reason: "customer changed their mind",
      command: { key: "undo", type: "cancelRedemption" },
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("refusals: a typed error, and nothing written", () => {
  it("INSUFFICIENT_POINTS: only available points count (not pending, not expired)", async () => {
    const s = await setup(rewardsProgram([mug]));
    await s.enroll();
    await s.event("promo"); // 50 that expire on 1 April
    await s.credit("60");
    await s.buy("500.00"); // pending for 14 days
    s.t.set(T0 + 31 * DAY); // the promo lot has expired, unswept; the purchase is available
    expect(await s.wallet()).toMatchObject({ available: "560", expiredUnswept: "50" });
    s.t.set(T0 + 10 * DAY);
    expect(await s.wallet()).toMatchObject({ available: "110", pending: "500" });
    const e = await refuses(s, "r", () => s.redeem("mug", { key: "r" }), "INSUFFICIENT_POINTS");
    expect(e.details).toEqual({
      wallet: "points",
      available: "110",
      requested: "120",
      pending: "500",
      nextAvailableAt: "2026-03-16T10:00:00.000Z",
    });
    // After the expiry, with the sweep still to run: the 50 expired points do not count either.
    s.t.set(T0 + 31 * DAY);
    await refuses(s, "r5", () => s.redeem("mug", { key: "r5", quantity: 5 }), "INSUFFICIENT_POINTS");
    expect((await s.redeem("mug", { key: "r4", quantity: 4 })).points).toBe("480");
  });

  it("REWARD_UNAVAILABLE: withdrawn, before available.from, at or after available.until", async () => {
    const from = Date.parse("2026-04-01T00:00:00Z"),
      until = Date.parse("2026-05-01T00:00:00Z");
    const s = await setup(
      rewardsProgram([
        { ...mug, id: "withdrawn", enabled: false },
        { ...mug, id: "spring", available: { from: iso(from), until: iso(until) } },
      ]),
    );
    await s.enroll();
    await s.credit("1000");
    const off = await refuses(s, "w", () => s.redeem("withdrawn", { key: "w" }), "REWARD_UNAVAILABLE");
    expect(off.details).toEqual({ rewardId: "withdrawn" });
    s.t.set(from - 1);
    const early = await refuses(s, "s0", () => s.redeem("spring", { key: "s0" }), "REWARD_UNAVAILABLE");
    expect(early.details).toEqual({ rewardId: "spring", from: iso(from) });
    s.t.set(from);
    await s.redeem("spring", { key: "s1" });
    s.t.set(until - 1);
    await s.redeem("spring", { key: "s2" });
    s.t.set(until);
    const late = await refuses(s, "s3", () => s.redeem("spring", { key: "s3" }), "REWARD_UNAVAILABLE");
    expect(late.details).toEqual({ rewardId: "spring", until: iso(until) });
  });

  it("OUT_OF_STOCK: more units than are left, also after a restock took units out", async () => {
    const s = await setup(rewardsProgram([{ ...mug, stock: 3 }]));
    await s.enroll();
    await s.credit("2000");
    const e = await refuses(s, "r4", () => s.redeem("mug", { key: "r4", quantity: 4 }), "OUT_OF_STOCK");
    expect(e.details).toEqual({ rewardId: "mug", left: 3, requested: 4 });
    await s.redeem("mug", { quantity: 2 });
    expect(await s.engine.stock("mug")).toBe(1);
    await s.engine.restock({ key: "shrink", rewardId: "mug", units: -1 }); // a broken mug
    expect(await s.engine.stock("mug")).toBe(0);
    const none = await refuses(s, "r1", () => s.redeem("mug", { key: "r1" }), "OUT_OF_STOCK");
    expect(none.details).toEqual({ rewardId: "mug", left: 0, requested: 1 });
    await s.engine.restock({ key: "more", rewardId: "mug", units: 1 });
    await s.redeem("mug");
    expect(await s.engine.stock("mug")).toBe(0);
  });

  describe("LIMIT_REACHED: per member per period, local to the program's time zone (New York, UTC-5 in February)", () => {
    // Monday 2 February 2026, 10:00 in New York (15:00 UTC).
    const start = "2026-02-02T15:00:00Z";
    const cases: { period: "day" | "week" | "month" | "year"; stillSame: string; nextLocal: string }[] = [
      // UTC midnight has passed, local midnight has not; then local midnight.
      { period: "day", stillSame: "2026-02-03T04:59:59.999Z", nextLocal: "2026-02-03T05:00:00Z" },
      // Sunday 8 February 23:59 local is Monday 9 February in UTC (ISO week 7); the local week turns at 05:00 UTC.
      { period: "week", stillSame: "2026-02-09T04:59:59.999Z", nextLocal: "2026-02-09T05:00:00Z" },
      { period: "month", stillSame: "2026-03-01T04:59:59.999Z", nextLocal: "2026-03-01T05:00:00Z" },
      { period: "year", stillSame: "2027-01-01T04:59:59.999Z", nextLocal: "2027-01-01T05:00:00Z" },
    ];
    it.each(cases)(
      "1 per $period: refused until local midnight starts the next $period",
      async ({ period, stillSame, nextLocal }) => {
        const s = await setup(
          rewardsProgram([{ ...mug, limits: [{ period, count: 1 }] }], {
            timeZone: "America/New_York",
            expiry: { kind: "none" },
          }),
          start,
        );
        await s.enroll();
        await s.credit("1000");
        await s.redeem("mug");
        const e = await refuses(s, "again", () => s.redeem("mug", { key: "again" }), "LIMIT_REACHED");
        expect(e.details).toEqual({ rewardId: "mug", period, count: 1 });
        s.t.set(stillSame);
        await refuses(s, "again", () => s.redeem("mug", { key: "again" }), "LIMIT_REACHED");
        s.t.set(nextLocal);
        expect((await s.redeem("mug", { key: "again" })).replayed).toBe(false);
        await refuses(s, "third", () => s.redeem("mug", { key: "third" }), "LIMIT_REACHED");
      },
    );

    it("lifetime limits never reset; counts are in units; the tightest of several limits refuses", async () => {
      const s = await setup(
        rewardsProgram(
          [
            { ...mug, id: "once", limits: [{ period: "lifetime", count: 1 }] },
            {
              ...mug,
              id: "coffee",
              price: "10",
              limits: [
                { period: "day", count: 3 },
                { period: "month", count: 4 },
              ],
            },
          ],
          { timeZone: "America/New_York", expiry: { kind: "none" } },
        ),
        start,
      );
      await s.enroll();
      await s.credit("5000");
      await s.redeem("once");
      s.t.set("2029-06-01T12:00:00Z");
      await refuses(s, "once-again", () => s.redeem("once", { key: "once-again" }), "LIMIT_REACHED");
      await refuses(s, "c4", () => s.redeem("coffee", { key: "c4", quantity: 4 }), "LIMIT_REACHED");
      await s.redeem("coffee", { quantity: 3 });
      const day = await refuses(s, "c1", () => s.redeem("coffee", { key: "c1" }), "LIMIT_REACHED");
      expect(day.details).toMatchObject({ period: "day", count: 3 });
      s.t.set("2029-06-02T12:00:00Z");
      await s.redeem("coffee");
      const month = await refuses(s, "c2", () => s.redeem("coffee", { key: "c2" }), "LIMIT_REACHED");
      expect(month.details).toMatchObject({ period: "month", count: 4 });
    });
  });

  it("TIER_NOT_ELIGIBLE: a reward for some tiers only", async () => {
    const s = await setup(rewardsProgram([{ ...mug, id: "gold-mug", tiers: ["gold"] }], { tiers: ladder() }));
    await s.enroll();
    await s.credit("1000");
    const e = await refuses(s, "r", () => s.redeem("gold-mug", { key: "r" }), "TIER_NOT_ELIGIBLE");
    expect(e.details).toEqual({ rewardId: "gold-mug", tier: "bronze", tiers: ["gold"] });
    await s.engine.assignTier({ key: "gold", memberId: "m", tier: "gold" });
    expect((await s.redeem("gold-mug", { key: "r" })).points).toBe("120");
  });

  it("INVALID_COMMAND: unknown reward, a donation without a cause or with an unknown one, a cause on anything else, a bad quantity", async () => {
    const s = await setup(
      rewardsProgram([mug, { kind: "donation", id: "school", wallet: "points", price: "100", causes: ["st-marys"] }]),
    );
    await s.enroll();
    await s.credit("1000");
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ rewardId: "nope" }, ["rewardId"]],
      [{ rewardId: "school" }, ["cause"]],
      [{ rewardId: "school", cause: "elsewhere" }, ["cause"]],
      [{ rewardId: "mug", cause: "st-marys" }, ["cause"]],
      [{ rewardId: "mug", quantity: 0 }, ["quantity"]],
      [{ rewardId: "mug", quantity: 1.5 }, ["quantity"]],
    ];
    for (const [extra, path] of cases) {
      const e = await refuses(
        s,
        "bad",
        () => s.engine.redeem({ key: "bad", memberId: "m", ...extra } as never),
        "INVALID_COMMAND",
      );
      expect(e.issues.map((i) => i.path)).toContainEqual(path);
    }
    await refuses(
      s,
      "ghost",
      () => s.engine.redeem({ key: "ghost", memberId: "nobody", rewardId: "mug" }),
      "MEMBER_NOT_FOUND",
      ["nobody"],
    );
  });

  it("without a `codes` generator: createLoyaltyEngine refuses automatic conversions; a voucher or a conversion on request is refused at redemption", async () => {
    const automatic: RewardInput = { ...cash, id: "auto", automatic: { period: "month" } } as RewardInput;
    let error: unknown;
    try {
      createLoyaltyEngine({ program: rewardsProgram([mug, automatic]), store: createMemoryStore() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LoyaltyError);
    expect((error as LoyaltyError).code).toBe("INVALID_COMMAND");
    expect((error as LoyaltyError).issues.map((i) => i.path)).toEqual([["codes"]]);

    const def = rewardsProgram([mug, { kind: "voucher", id: "v", wallet: "points", price: "10", stock: 4 }, cash]);
    const t = testClock(T0);
    const store = createMemoryStore();
    const engine = createLoyaltyEngine({ program: def, store, clock: t.clock, ids: t.ids });
    const s = { store, id: def.id, rewardIds: ["mug", "v", "cash"] } as unknown as Setup;
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "1000", reason: "goodwill" });
    for (const rewardId of ["v", "cash"]) {
      const e = await refuses(
        s,
        rewardId,
        () => engine.redeem({ key: rewardId, memberId: "m", rewardId }),
        "INVALID_COMMAND",
      );
      expect(e.issues.map((i) => i.path)).toEqual([["codes"]]);
    }
    // Products (and discounts, donations) need no codes.
    expect((await engine.redeem({ key: "mug", memberId: "m", rewardId: "mug" })).points).toBe("120");
    expect(await engine.stock("v")).toBe(4);
  });

  it.each([
    ["an empty string", ""],
    ["201 characters", "x".repeat(201)],
    ["a number", 42],
    ["undefined", undefined],
    ["a NUL character", "a\u0000b"],
    ["a lone surrogate", "a\uD800b"],
  ])("a generator that returns %s: CODES_FAILURE", async (_, bad) => {
    const s = await setup(rewardsProgram([{ kind: "voucher", id: "v", wallet: "points", price: "10", stock: 5 }]), T0, {
      codes: () => bad as string,
    });
    await s.enroll();
    await s.credit("100");
    const e = await refuses(s, "r", () => s.redeem("v", { key: "r" }), "CODES_FAILURE");
    expect(e.issues.map((i) => i.path)).toEqual([["codes"]]);
    expect(await s.engine.stock("v")).toBe(5);
  });

  it("a generator that throws: CODES_FAILURE with the generator's error as the cause, nothing written; the same key succeeds once it works", async () => {
    let down = true;
    const s = await setup(rewardsProgram([{ kind: "voucher", id: "v", wallet: "points", price: "10", stock: 5 }]), T0, {
      codes: (r) => {
        if (down) throw new Error("code service unreachable");
        return `C-${r.redemptionId}-${r.index}`;
      },
    });
    await s.enroll();
    await s.credit("100");
    const e = await refuses(s, "r", () => s.redeem("v", { key: "r", quantity: 2 }), "CODES_FAILURE");
    expect(e.message).toContain("code service unreachable");
    expect((e.cause as Error).message).toBe("code service unreachable");
    expect(await s.engine.stock("v")).toBe(5);
    down = false;
    expect((await s.redeem("v", { key: "r", quantity: 2 })).grant.codes).toEqual(["C-r-0", "C-r-1"]);
    expect(await s.engine.stock("v")).toBe(3);
  });

  it("a purchase while an automatic conversion is due and the generator is down: CODES_FAILURE, nothing written; once it works, the conversion is made at its period end", async () => {
    let down = false;
    const s = await setup(rewardsProgram([monthly]), "2026-06-01T11:00:00Z", {
      codes: (r) => {
        if (down) throw new Error("code service unreachable");
        return `C-${r.redemptionId}`;
      },
    });
    await s.enroll();
    await s.credit("400");
    s.t.set("2026-07-02T11:00:00Z");
    down = true;
    const e = await refuses(
      s,
      "buy",
      () => s.engine.recordPurchase({ key: "buy", memberId: "m", purchaseId: "o1", amount: "10.00", currency: "GBP" }),
      "CODES_FAILURE",
    );
    expect(e.message).toContain("code service unreachable");
    down = false;
    await s.engine.recordPurchase({ key: "buy", memberId: "m", purchaseId: "o1", amount: "10.00", currency: "GBP" });
    expect(conversions(await s.entries()).map((c) => [c.points, c.periodEnd])).toEqual([
      ["300", "2026-06-30T23:00:00.000Z"],
    ]);
    expect(await s.violations()).toEqual([]);
  });

  it("a generator that returns exactly 200 characters, or emoji, is fine", async () => {
    let i = 0;
    const s = await setup(rewardsProgram([{ kind: "voucher", id: "v", wallet: "points", price: "10" }]), T0, {
      codes: () => (i++ === 0 ? "y".repeat(200) : "🎁-1"),
    });
    await s.enroll();
    await s.credit("100");
    expect((await s.redeem("v", { quantity: 2 })).grant.codes).toEqual(["y".repeat(200), "🎁-1"]);
  });

  describe("refusal order (README: REWARD_UNAVAILABLE first, INSUFFICIENT_POINTS last)", () => {
    it("a withdrawn conversion redeemed without quantity by a member with too few points", async () => {
      const s = memberSetup(
        mugProgram({
          rewards: [{ kind: "conversion", id: "cash", wallet: "points", price: "150", value: "1.50", enabled: false }],
        }),
      );
      await s.enroll("m");
      await s.buy("m", "100");
      const offers = await s.engine.rewards("m");
      const err = await s.engine.redeem({ key: "r", memberId: "m", rewardId: "cash" }).catch((e) => e);
      expect({ offer: offers[0]!.refusal!.code, redeem: err.code }).toEqual({
        offer: "REWARD_UNAVAILABLE",
        redeem: "REWARD_UNAVAILABLE",
      });
    });
  });
});
