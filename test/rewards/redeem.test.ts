/**
 * Rewards: redemption, cancellation, stock and conversions, on the in-memory store through the
 * engine facade, with exact figures. Every refusal is checked to write nothing (the store's
 * fingerprint, the reward's stock included, is the same before and after). Properties at the end:
 * a cancellation undoes its redemption, the stock always adds up and never goes below zero (also
 * under concurrent commands), automatic conversions do not depend on when sweeps run, and the
 * ledger invariants hold after every command.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectError } from "../support/errors.js";
import {
  Decimal,
  LoyaltyError,
  createLoyaltyEngine,
  createMemoryStore,
  fromSnapshot,
  walletBalance,
  type CancelEntry,
  type CodeGenerator,
  type Entry,
  type ErrorCode,
  type LoyaltyStore,
  type MemberState,
  type ProgramDefinition,
  type RedeemEntry,
} from "../../src/index.js";
import {
  memberViolations,
  operationArb,
  readAllEntries,
  runOperations,
  storeFingerprint,
  testClock,
  unitsToDecimal,
} from "../../src/testing/index.js";
import { compileProgram } from "../../src/program/compile.js";
import { LedgerWriter } from "../../src/ledger/writer.js";
import { convertDue } from "../../src/rewards/convert.js";
import { periodKey, type Period } from "../../src/shared/periods.js";
import { testEngine } from "../support/engine.js";
import {
  bonusRule,
  ladder,
  mugProgram,
  poundsProgram,
  promoRule,
  purchaseRule,
  rewardsProgram,
} from "../support/programs.js";
import { memberSetup } from "../support/members.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const DAY = 86_400_000;
/** Monday 2 March 2026, 10:00 in London (GMT). */
const T0 = Date.parse("2026-03-02T10:00:00Z");

type RewardInput = NonNullable<ProgramDefinition["rewards"]>[number];

const mug: RewardInput = { kind: "product", id: "mug", wallet: "points", price: "120", sku: "MUG-1" };
const cash: RewardInput = { kind: "conversion", id: "cash", wallet: "points", price: "150", value: "1.50" };

type Setup = Awaited<ReturnType<typeof setup>>;

async function setup(
  def: ProgramDefinition,
  start: number | string = T0,
  options: { codes?: CodeGenerator; store?: LoyaltyStore; idPrefix?: string } = {},
) {
  let ids = 0;
  const calls: Parameters<CodeGenerator>[0][] = [];
  const codes: CodeGenerator =
    options.codes ??
    ((r) => {
      calls.push({ ...r });
      return `C-${r.redemptionId}-${r.index}`;
    });
  const { engine, store, t } = testEngine<LoyaltyStore>(def, start, {
    store: options.store,
    ids: options.idPrefix === undefined ? undefined : () => `${options.idPrefix}-${++ids}`,
    codes,
    maxAttempts: 100,
  });
  let n = 0;
  const rewardIds = (def.rewards ?? []).map((r) => r.id);
  return {
    engine,
    store,
    t,
    calls,
    id: def.id,
    rewardIds,
    enroll: (memberId = "m") => engine.enroll({ key: `enroll-${memberId}`, memberId }),
    credit: (points: string, memberId = "m") =>
      engine.adjust({ key: `adjust-${++n}`, memberId, wallet: "points", points, reason: "goodwill" }),
    event: (type: string, memberId = "m") => engine.recordEvent({ key: `event-${++n}`, memberId, type }),
    buy: (amount: string, memberId = "m") => {
      const k = ++n;
      return engine.recordPurchase({ key: `buy-${k}`, memberId, purchaseId: `o${k}`, amount, currency: "GBP" });
    },
    redeem: (
      rewardId: string,
      extra: { key?: string; quantity?: number; cause?: string; redemptionId?: string; memberId?: string } = {},
    ) =>
      engine.redeem({
        key: extra.key ?? `redeem-${++n}`,
        memberId: extra.memberId ?? "m",
        rewardId,
        ...(extra.quantity === undefined ? {} : { quantity: extra.quantity }),
        ...(extra.cause === undefined ? {} : { cause: extra.cause }),
        ...(extra.redemptionId === undefined ? {} : { redemptionId: extra.redemptionId }),
      }),
    cancel: (redemptionId: string, key = `cancel-${++n}`, memberId = "m") =>
      engine.cancelRedemption({ key, memberId, redemptionId }),
    wallet: async (memberId = "m") => (await engine.summary(memberId)).wallets.points!,
    entries: (memberId = "m") => readAllEntries(store, def.id, memberId),
    state: async (memberId = "m"): Promise<MemberState> =>
      fromSnapshot((await store.loadMember(def.id, memberId))!.snapshot),
    violations: (memberId = "m") => memberViolations(store, def.id, memberId, t.now()),
  };
}

/** The id of the points lot a credit, event or purchase created (its entry's id). */
function lotOf(result: { entries: readonly Entry[] }): string {
  const e = result.entries.find(
    (x) => (x.kind === "earn" && x.wallet === "points") || (x.kind === "adjust" && x.wallet === "points"),
  );
  if (!e) throw new Error("no points lot");
  return e.id;
}

const redeemEntry = (result: { entries: readonly Entry[] }) =>
  result.entries.find((e): e is RedeemEntry => e.kind === "redeem")!;
const cancelEntry = (result: { entries: readonly Entry[] }) =>
  result.entries.find((e): e is CancelEntry => e.kind === "cancel")!;

/** Runs a command that must be refused with `code`, and checks that it wrote nothing: members, entries, its key, every reward's stock. */
async function refuses(
  s: Setup,
  key: string,
  run: () => Promise<unknown>,
  code: ErrorCode,
  members: readonly string[] = ["m"],
): Promise<LoyaltyError> {
  const fingerprint = () => storeFingerprint(s.store, s.id, members, [key], s.rewardIds);
  const before = await fingerprint();
  const error = await expectError(run(), code);
  expect(await fingerprint()).toBe(before);
  return error;
}

const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------

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
    expect(e.details).toEqual({ wallet: "points", available: "110", requested: "120" });
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

// ---------------------------------------------------------------------------------------------

describe("stock and restock", () => {
  it("stock(): the program's count until the store has one; null for unlimited; redemptions take, restocks add or take out", async () => {
    const s = await setup(
      rewardsProgram([
        { ...mug, stock: 5 },
        { ...mug, id: "pen", price: "5" },
      ]),
    );
    await s.enroll();
    await s.credit("5000");
    expect(await s.engine.stock("mug")).toBe(5);
    expect(await s.store.getStock(s.id, "mug")).toBeNull(); // nothing stored before the first movement
    expect(await s.engine.stock("pen")).toBeNull();
    await expectError(s.engine.stock("nope"), "INVALID_COMMAND");

    await s.redeem("mug", { quantity: 2 });
    expect(await s.engine.stock("mug")).toBe(3);
    expect(await s.store.getStock(s.id, "mug")).toBe(3);
    const up = await s.engine.restock({ key: "up", rewardId: "mug", units: 10 });
    expect(up).toEqual({ rewardId: "mug", units: 10, entries: [], replayed: false });
    expect(await s.engine.stock("mug")).toBe(13);
    // A retry of the same restock adds nothing.
    expect((await s.engine.restock({ key: "up", rewardId: "mug", units: 10 })).replayed).toBe(true);
    expect(await s.engine.stock("mug")).toBe(13);
    await s.engine.restock({ key: "down", rewardId: "mug", units: -13 });
    expect(await s.engine.stock("mug")).toBe(0);

    const below = await refuses(
      s,
      "below",
      () => s.engine.restock({ key: "below", rewardId: "mug", units: -1 }),
      "OUT_OF_STOCK",
    );
    expect(below.details).toEqual({ rewardId: "mug", left: 0, requested: 1 });
    const unlimited = await refuses(
      s,
      "pen-up",
      () => s.engine.restock({ key: "pen-up", rewardId: "pen", units: 3 }),
      "INVALID_COMMAND",
    );
    expect(unlimited.issues.map((i) => i.path)).toEqual([["rewardId"]]);
    await refuses(s, "ghost", () => s.engine.restock({ key: "ghost", rewardId: "nope", units: 3 }), "INVALID_COMMAND");
    await refuses(s, "zero", () => s.engine.restock({ key: "zero", rewardId: "mug", units: 0 }), "INVALID_COMMAND");
    await refuses(s, "half", () => s.engine.restock({ key: "half", rewardId: "mug", units: 0.5 }), "INVALID_COMMAND");
    await refuses(s, "up", () => s.engine.restock({ key: "up", rewardId: "mug", units: 11 }), "IDEMPOTENCY_CONFLICT");
  });

  it("a restock before any redemption starts from the program's count", async () => {
    const s = await setup(rewardsProgram([{ ...mug, stock: 5 }]));
    await s.engine.restock({ key: "r", rewardId: "mug", units: 3 });
    expect(await s.engine.stock("mug")).toBe(8);
    await refuses(s, "r2", () => s.engine.restock({ key: "r2", rewardId: "mug", units: -9 }), "OUT_OF_STOCK", []);
    await s.engine.restock({ key: "r3", rewardId: "mug", units: -8 });
    expect(await s.engine.stock("mug")).toBe(0);
  });

  it("a reward with stock 0 is out of stock until restocked", async () => {
    const s = await setup(rewardsProgram([{ ...mug, stock: 0 }]));
    await s.enroll();
    await s.credit("500");
    await refuses(s, "r", () => s.redeem("mug", { key: "r" }), "OUT_OF_STOCK");
    await s.engine.restock({ key: "in", rewardId: "mug", units: 1 });
    await s.redeem("mug", { key: "r" });
    expect(await s.engine.stock("mug")).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe("cancelling a redemption", () => {
  it("puts the points back into the lots they came from, reopening emptied lots with their own dates", async () => {
    const s = await setup(rewardsProgram([mug]));
    await s.enroll();
    const p = lotOf(await s.event("promo")); // 50, expires 1 April 10:00 BST
    const a = lotOf(await s.credit("100"));
    const before = await s.state();
    const r = await s.redeem("mug", { key: "k" });
    expect(redeemEntry(r).lots).toEqual([
      { lotId: p, points: "50" },
      { lotId: a, points: "70" },
    ]);
    expect((await s.state()).lots.map((l) => [l.id, l.remaining.toString()])).toEqual([[a, "30"]]);
    s.t.advance(3 * DAY);

    const c = await s.cancel("k", "undo");
    expect(c).toMatchObject({
      memberId: "m",
      redemptionId: "k",
      rewardId: "mug",
      wallet: "points",
      restored: "120",
      regranted: "0",
      forfeited: "0",
      debtRepaid: "0",
      stock: 0,
      replayed: false,
    });
    expect(cancelEntry(c)).toMatchObject({
      lots: [
        { lotId: p, points: "50" },
        { lotId: a, points: "70" },
      ],
      lot: null,
      points: "120",
    });
    const after = await s.state();
    const shape = (st: MemberState) =>
      st.lots
        .map((l) => ({
          id: l.id,
          amount: l.amount.toString(),
          remaining: l.remaining.toString(),
          earnedAt: l.earnedAt,
          availableAt: l.availableAt,
          expiresAt: l.expiresAt,
        }))
        .sort((x, y) => x.id.localeCompare(y.id));
    expect(shape(after)).toEqual(shape(before));
    const w = await s.wallet();
    expect(w).toMatchObject({ available: "150", expiringSoon: [{ at: "2026-04-01T09:00:00.000Z", points: "50" }] });
    expect(w.lifetime).toMatchObject({ spent: "0", expired: "0" });
    expect((await s.engine.summary("m")).redemptions).toEqual([]);
    const kinds = (await s.engine.statement("m")).entries.map((e) => e.kind);
    expect(kinds).toEqual(["enroll", "event", "earn", "adjust", "redeem", "cancel"]);
    expect(await s.violations()).toEqual([]);
  });

  // Promo points earned on 10 February expire on 12 March; the cancellation is on 20 March (GMT),
  // so their grace lot's local days run across the change to BST on 29 March.
  it.each([
    ["the default 30 days", undefined, "2026-04-19T09:00:00.000Z"],
    ["10 days", 10, "2026-03-30T09:00:00.000Z"],
  ])(
    "points whose lot expired since come back as a grace lot lasting %s (local days)",
    async (_, graceDays, expiresAt) => {
      const start = Date.parse("2026-02-10T10:00:00Z");
      const s = await setup(
        rewardsProgram([mug], graceDays === undefined ? {} : { cancellation: { graceDays } }),
        start,
      );
      await s.enroll();
      const p = lotOf(await s.event("promo"));
      const a = lotOf(await s.credit("100"));
      await s.redeem("mug", { key: "k" });
      const cancelAt = Date.parse("2026-03-20T10:00:00Z");
      s.t.set(cancelAt);
      const c = await s.cancel("k");
      expect(c).toMatchObject({ restored: "70", regranted: "50", forfeited: "0", debtRepaid: "0" });
      const entry = cancelEntry(c);
      expect(entry.lots).toEqual([{ lotId: a, points: "70" }]);
      expect(entry.lots.some((l) => l.lotId === p)).toBe(false);
      expect(entry.lot).toEqual({ wallet: "points", earnedAt: iso(cancelAt), availableAt: iso(cancelAt), expiresAt });
      expect(await s.wallet()).toMatchObject({ available: "150", expiringSoonTotal: "50" });
      // The grace lot is the grace lot, spendable to the last millisecond and no longer.
      s.t.set(Date.parse(expiresAt) - 1);
      expect((await s.wallet()).available).toBe("150");
      s.t.set(Date.parse(expiresAt));
      expect(await s.wallet()).toMatchObject({ available: "100", expiredUnswept: "50" });
      await s.engine.expire();
      const w = await s.wallet();
      expect(w.lifetime).toMatchObject({ spent: "0", expired: "50" });
      expect(await s.violations()).toEqual([]);
    },
  );

  it("with graceDays 0 those points are forfeited, counted as expired", async () => {
    const s = await setup(rewardsProgram([mug], { cancellation: { graceDays: 0 } }), "2026-02-10T10:00:00Z");
    await s.enroll();
    await s.event("promo");
    const a = lotOf(await s.credit("100"));
    await s.redeem("mug", { key: "k" });
    s.t.set("2026-03-20T10:00:00Z");
    const c = await s.cancel("k");
    expect(c).toMatchObject({ restored: "70", regranted: "0", forfeited: "50", debtRepaid: "0" });
    expect(cancelEntry(c)).toMatchObject({ lots: [{ lotId: a, points: "70" }], lot: null, forfeited: "50" });
    const w = await s.wallet();
    expect(w).toMatchObject({ available: "100", expiredUnswept: "0" });
    expect(w.lifetime).toMatchObject({ earned: "50", adjusted: "100", spent: "0", expired: "50" });
    expect(await s.violations()).toEqual([]);
  });

  it("repays debt first (a refund under allow_debt after the redemption), then restores the rest", async () => {
    const s = await setup(rewardsProgram([{ ...mug, id: "big" }], { pending: { days: 0 } }));
    await s.enroll();
    const bought = await s.buy("100.00");
    const p1 = lotOf(bought);
    s.t.advance(3_600_000);
    const a = lotOf(await s.credit("50"));
    const r = await s.redeem("big", { key: "k" });
    expect(redeemEntry(r).lots).toEqual([
      { lotId: p1, points: "100" },
      { lotId: a, points: "20" },
    ]);
    const refund = await s.engine.refund({
      key: "refund",
      memberId: "m",
      purchaseId: bought.purchaseId!,
      amount: "100.00",
      currency: "GBP",
    });
    expect(refund.reversed.find((x) => x.wallet === "points")).toEqual({
      wallet: "points",
      points: "100",
      debt: "70",
      forgiven: "0",
    });
    expect(await s.wallet()).toMatchObject({ available: "0", debt: "70" });

    const c = await s.cancel("k");
    expect(c).toMatchObject({ restored: "50", regranted: "0", forfeited: "0", debtRepaid: "70" });
    // In spending order: the purchase's lot first (70 of its 100 repay the debt), then the credit.
    expect(cancelEntry(c).lots).toEqual([
      { lotId: p1, points: "30" },
      { lotId: a, points: "20" },
    ]);
    const w = await s.wallet();
    expect(w).toMatchObject({ available: "50", debt: "0" });
    expect(w.lifetime).toMatchObject({ earned: "100", adjusted: "50", spent: "0", reversed: "100" });
    expect(await s.violations()).toEqual([]);
  });

  it("gives the units back to the stock and to the member's limits", async () => {
    const s = await setup(
      rewardsProgram([
        {
          ...mug,
          stock: 3,
          limits: [
            { period: "day", count: 1 },
            { period: "lifetime", count: 2 },
          ],
        },
      ]),
    );
    await s.enroll();
    await s.credit("1000");
    await s.redeem("mug", { key: "k" });
    expect(await s.engine.stock("mug")).toBe(2);
    expect((await s.engine.rewards("m"))[0]).toMatchObject({
      unitsLeftInLimits: 0,
      stock: 2,
      redeemable: false,
      refusal: { code: "LIMIT_REACHED" },
    });
    const c = await s.cancel("k");
    expect(c.stock).toBe(1);
    expect(cancelEntry(c).stock).toBe(1);
    expect(await s.engine.stock("mug")).toBe(3);
    expect((await s.engine.rewards("m"))[0]).toMatchObject({ unitsLeftInLimits: 1, stock: 3, redeemable: true });
    await s.redeem("mug"); // the same day
    s.t.advance(DAY);
    await s.redeem("mug");
    expect(await s.engine.stock("mug")).toBe(1);
    s.t.advance(DAY);
    await refuses(s, "3rd", () => s.redeem("mug", { key: "3rd" }), "LIMIT_REACHED"); // lifetime 2
  });

  it("cancelling twice is REDEMPTION_CANCELLED; an unknown (or another member's) redemption is REDEMPTION_NOT_FOUND; a retry replays", async () => {
    const s = await setup(rewardsProgram([{ ...mug, stock: 5 }]));
    await s.enroll();
    await s.enroll("other");
    await s.credit("1000");
    await s.redeem("mug", { key: "k" });
    const first = await s.cancel("k", "undo");
    expect(await s.cancel("k", "undo")).toEqual({ ...first, replayed: true });
    expect(await s.engine.stock("mug")).toBe(5);
    const twice = await refuses(s, "undo-2", () => s.cancel("k", "undo-2"), "REDEMPTION_CANCELLED");
    expect(twice.details).toEqual({ redemptionId: "k" });
    await refuses(s, "undo-3", () => s.cancel("nope", "undo-3"), "REDEMPTION_NOT_FOUND");
    await s.redeem("mug", { key: "k2" });
    await refuses(s, "undo-4", () => s.cancel("k2", "undo-4", "other"), "REDEMPTION_NOT_FOUND", ["m", "other"]);
    await refuses(s, "undo-5", () => s.cancel("k2", "undo-5", "ghost"), "MEMBER_NOT_FOUND", ["ghost"]);
  });

  it("still works after the reward is withdrawn from the catalogue", async () => {
    const store = createMemoryStore();
    const s = await setup(rewardsProgram([{ ...mug, stock: 2 }]), T0, { store });
    await s.enroll();
    await s.credit("500");
    await s.redeem("mug", { key: "k" });
    const later = await setup(rewardsProgram([{ ...mug, stock: 2, enabled: false }]), T0 + DAY, {
      store,
      idPrefix: "later",
    });
    await refuses(later, "again", () => later.redeem("mug", { key: "again" }), "REWARD_UNAVAILABLE");
    expect((await later.cancel("k")).restored).toBe("120");
    expect(await later.engine.stock("mug")).toBe(2);
    expect((await later.wallet()).available).toBe("500");
  });

  describe("after the purchase was refunded", () => {
    it("control: cancel before the lot expires reclaims the forgiven points", async () => {
      const s = memberSetup(mugProgram({ expiry: { after: { days: 30 } } }));
      await s.enroll("m");
      await s.buy("m", "100", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
      const rf = await s.engine.refund({ key: "rf", memberId: "m", purchaseId: "P1", amount: "100", currency: "GBP" });
      expect(rf.reversed.find((r) => r.wallet === "points")!.forgiven).toBe("100");
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect(c.reclaimed).toBe("100");
      expect((await s.avail("m")).available).toBe("0");
    });

    it("regranted points of a refunded purchase are kept (laundering through an expired lot)", async () => {
      const s = memberSetup(mugProgram({ expiry: { after: { days: 30 } } }));
      await s.enroll("m");
      await s.buy("m", "100", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
      await s.engine.refund({ key: "rf", memberId: "m", purchaseId: "P1", amount: "100", currency: "GBP" });
      s.t.set(T0 + 31 * DAY); // the purchase's lot has expired
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      // The member paid nothing (fully refunded): the points come back (a grace lot) and are reclaimed
      expect({ regranted: c.regranted, reclaimed: c.reclaimed, available: (await s.avail("m")).available }).toEqual({
        regranted: "100",
        reclaimed: "100",
        available: "0",
      }); // given back as a grace lot, and taken at once
    });
  });

  describe("after the inactivity deadline lapsed the redeemed lot", () => {
    it("graceDays 0: points of a lot that lapsed for inactivity are forfeited, not restored, even after new activity", async () => {
      const s = memberSetup(
        mugProgram({ expiry: { kind: "inactivity", months: 1 } as never, cancellation: { graceDays: 0 } }),
      );
      await s.enroll("m");
      await s.buy("m", "100", "P1"); // lot L: 100, no expiry date of its own
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug", quantity: 1 }); // draws 100 from L... use price 100
      s.t.set(T0 + 40 * DAY); // deadline T0 + 1 month has passed: the wallet lapsed
      await s.buy("m", "10", "P2"); // new activity: the deadline moves on; nothing left to lapse from L
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect({ restored: c.restored, forfeited: c.forfeited, available: (await s.avail("m")).available }).toEqual({
        restored: "0",
        forfeited: "100",
        available: "10",
      });
    });

    it("graceDays 30: the same points come back with no expiry at all instead of a 30-day grace lot", async () => {
      const s = memberSetup(mugProgram({ expiry: { kind: "inactivity", months: 1 } as never }));
      await s.enroll("m");
      await s.buy("m", "100", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
      s.t.set(T0 + 40 * DAY);
      await s.engine.recordEvent({ key: "ev", memberId: "m", type: "bonus" }); // activity after the lapse (+100 points)
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect({ restored: c.restored, regranted: c.regranted }).toEqual({ restored: "0", regranted: "100" });
    });

    it("without activity in between, the same cancel forfeits the points", async () => {
      const s = memberSetup(
        mugProgram({ expiry: { kind: "inactivity", months: 1 } as never, cancellation: { graceDays: 0 } }),
      );
      await s.enroll("m");
      await s.buy("m", "100", "P1");
      await s.engine.redeem({ key: "r1", memberId: "m", rewardId: "mug" });
      s.t.set(T0 + 40 * DAY);
      const c = await s.engine.cancelRedemption({ key: "c1", memberId: "m", redemptionId: "r1" });
      expect({ restored: c.restored, forfeited: c.forfeited }).toEqual({ restored: "0", forfeited: "100" });
    });
  });

  // only_pending forgives every point that is not pending, spent or not: a cancellation gives the
  // member back what they would have kept without the redemption, and reclaims nothing.
  it("only_pending: a cancellation after a full refund reclaims nothing, as the refund would have taken nothing", async () => {
    const s = await setup(
      rewardsProgram([{ ...mug, price: "100" }], {
        pending: { days: 0 },
        refunds: { negativeBalance: "only_pending", baseRule: "base" },
      }),
    );
    await s.enroll();
    await s.credit("30");
    const bought = await s.buy("100.00");
    await s.redeem("mug", { key: "k" }); // 30 from the credit's lot (it expires first), 70 from the purchase's
    const refund = await s.engine.refund({
      key: "refund",
      memberId: "m",
      purchaseId: bought.purchaseId!,
      amount: "100.00",
      currency: "GBP",
    });
    expect(refund.reversed.find((r) => r.wallet === "points")).toMatchObject({ points: "0", forgiven: "100" });
    const c = await s.cancel("k");
    expect(c).toMatchObject({ restored: "100", reclaimed: "0" });
    expect(c.entries.map((e) => e.kind)).toEqual(["cancel"]);
    // As without the redemption: 30 credited + the purchase's 100, which only_pending lets the member keep.
    expect((await s.wallet()).available).toBe("130");
    expect(await s.violations()).toEqual([]);
    // A second refund finds nothing left to refund.
    await expectError(
      s.engine.refund({
        key: "refund-2",
        memberId: "m",
        purchaseId: bought.purchaseId!,
        amount: "1.00",
        currency: "GBP",
      }),
      "REFUND_EXCEEDS_PURCHASE",
    );
  });

  // The grace lot of a cancellation expires at its own date, but also at the wallet's inactivity
  // deadline, which has already passed (that is why the points expired) and which a cancellation
  // does not move: the member never gets the graceDays the program promises.
  it("inactivity expiry: a cancellation's grace lot is spendable for graceDays, not expired on arrival", async () => {
    const s = await setup(rewardsProgram([mug], { expiry: { kind: "inactivity", months: 2 } }), "2026-06-01T11:00:00Z");
    await s.enroll();
    await s.credit("400");
    s.t.set("2026-06-10T11:00:00Z");
    await s.redeem("mug", { key: "k" }); // activity: the deadline is 10 August
    s.t.set("2026-09-01T11:00:00Z");
    await s.engine.expire(); // 280 lapse
    const c = await s.cancel("k");
    expect(c.regranted).toBe("120");
    expect(cancelEntry(c).lot!.expiresAt).toBe("2026-10-01T11:00:00.000Z");
    expect(await s.wallet()).toMatchObject({ available: "120", expiredUnswept: "0" });
  });

  // Under within_balance a refund forgives the points of a purchase that were spent. When the
  // spend is then cancelled, those points come back into the purchase's lot and the member keeps
  // points for a purchase refunded in full: the refund should take them now.
  it("within_balance: cancelling a redemption after its purchase was refunded does not hand back the refunded points", async () => {
    const s = await setup(
      rewardsProgram([{ ...mug, price: "100" }], {
        pending: { days: 0 },
        refunds: { negativeBalance: "within_balance", baseRule: "base" },
      }),
    );
    await s.enroll();
    const bought = await s.buy("100.00");
    await s.redeem("mug", { key: "k" });
    const refund = await s.engine.refund({
      key: "refund",
      memberId: "m",
      purchaseId: bought.purchaseId!,
      amount: "100.00",
      currency: "GBP",
    });
    expect(refund.reversed.find((r) => r.wallet === "points")).toEqual({
      wallet: "points",
      points: "0",
      debt: "0",
      forgiven: "100",
    });
    await s.cancel("k");
    expect((await s.wallet()).available).toBe("0"); // before the fix: 100
  });
});

// ---------------------------------------------------------------------------------------------

const monthly: RewardInput = { ...cash, automatic: { period: "month" } } as RewardInput;
/** Summer in London: the local month ends at 23:00 UTC. */
const JUNE_END = "2026-06-30T23:00:00.000Z";
const JULY_END = "2026-07-31T23:00:00.000Z";
const conversions = (entries: readonly Entry[]) =>
  entries.filter((e): e is RedeemEntry => e.kind === "redeem" && e.periodEnd !== null);

describe("conversions", () => {
  it("on request: every whole step by default, or an explicit number of steps; pending points do not count", async () => {
    const s = await setup(rewardsProgram([cash]));
    await s.enroll();
    await s.credit("500");
    await s.buy("1000.00"); // pending
    await refuses(s, "four", () => s.redeem("cash", { key: "four", quantity: 4 }), "INSUFFICIENT_POINTS");
    expect(await s.redeem("cash", { quantity: 1 })).toMatchObject({
      quantity: 1,
      points: "150",
      grant: { value: "1.50" },
    });
    expect(await s.redeem("cash")).toMatchObject({ quantity: 2, points: "300", grant: { value: "3.00" } });
    expect(await s.wallet()).toMatchObject({ available: "50", pending: "1000" });
  });

  async function summer(trigger?: "convertPoints" | "expire" | "command") {
    const s = await setup(rewardsProgram([monthly]), "2026-06-01T11:00:00Z");
    await s.enroll();
    const a = lotOf(await s.credit("400")); // expires June 2027
    s.t.set("2026-06-10T11:00:00Z");
    const p = lotOf(await s.event("promo")); // 50, expires 10 July
    s.t.set("2026-06-25T11:00:00Z");
    const b = lotOf(await s.buy("200.00")); // pending until 9 July
    s.t.set("2026-07-15T11:00:00Z"); // past the June end, the promo lot's expiry and the purchase's return window
    let written: readonly Entry[] = [];
    if (trigger === "convertPoints") {
      const sweep = await s.engine.convertPoints();
      expect(sweep).toEqual({
        asOf: "2026-07-15T11:00:00.000Z",
        scanned: 1,
        members: 1,
        conversions: 1,
        points: { points: "450" },
        failed: [],
      });
      written = await s.entries();
    } else if (trigger === "expire") {
      const sweep = await s.engine.expire();
      expect(sweep).toMatchObject({ scanned: 1, members: 1, lots: 0, points: {} }); // the promo lot was converted before it expired
      written = await s.entries();
    } else if (trigger === "command") {
      const r = await s.event("visit");
      expect(r.entries.map((e) => e.kind)).toEqual(["redeem", "event"]);
      written = r.entries;
    }
    return { s, a, p, b, written };
  }

  it.each(["convertPoints", "expire", "command"] as const)(
    "automatic, run by %s: at the local month end, on the points spendable then",
    async (trigger) => {
      const { s, a, p, written } = await summer(trigger);
      const [c, ...more] = conversions(written);
      expect(more).toEqual([]);
      // At the June end: 400 + 50 spendable (the promo lot expired only on 10 July; the purchase was still pending) = 3 steps.
      expect(c).toMatchObject({
        redemptionId: `cash@${JUNE_END}`,
        rewardId: "cash",
        rewardKind: "conversion",
        wallet: "points",
        points: "450",
        quantity: 3,
        stock: 0,
        limitKeys: {},
        lots: [
          { lotId: p, points: "50" },
          { lotId: a, points: "400" },
        ],
        periodEnd: JUNE_END,
        reference: null,
        grant: { codes: [`C-cash@${JUNE_END}-0`], value: "4.50", cause: null },
        command: { type: { convertPoints: "convert", expire: "expire", command: "event" }[trigger] },
      });
      expect(s.calls).toEqual([{ rewardId: "cash", memberId: "m", redemptionId: `cash@${JUNE_END}`, index: 0 }]);
      const w = await s.wallet();
      expect(w).toMatchObject({ available: "200", pending: "0", expiredUnswept: "0" });
      expect(w.lifetime).toMatchObject({ spent: "450", expired: "0" });

      // The July end: the purchase's 200 are available by then: one more step.
      s.t.set("2026-08-05T11:00:00Z");
      const july = await s.engine.convertPoints();
      expect(july).toMatchObject({ scanned: 1, members: 1, conversions: 1, points: { points: "150" } });
      expect(conversions(await s.entries()).map((e) => [e.periodEnd, e.points, e.grant.value])).toEqual([
        [JUNE_END, "450", "4.50"],
        [JULY_END, "150", "1.50"],
      ]);
      expect((await s.engine.convertPoints()).conversions).toBe(0);
      expect((await s.wallet()).available).toBe("50");
      expect(await s.violations()).toEqual([]);
    },
  );

  it.each([
    ["month", "Europe/London", "2026-06-10T11:00:00Z", JUNE_END],
    ["quarter", "America/New_York", "2026-05-10T16:00:00Z", "2026-07-01T04:00:00.000Z"],
    ["year", "Asia/Tokyo", "2026-11-10T03:00:00Z", "2026-12-31T15:00:00.000Z"],
  ] as const)("automatic per %s in %s: due exactly at the local period end", async (period, timeZone, start, end) => {
    const s = await setup(rewardsProgram([{ ...cash, automatic: { period } } as RewardInput], { timeZone }), start);
    await s.enroll();
    await s.credit("400");
    expect(await s.store.findDueMembers(s.id, { before: Date.parse("2030-01-01T00:00:00Z"), limit: 10 })).toEqual([
      { memberId: "m", dueAt: Date.parse(end) },
    ]);
    s.t.set(Date.parse(end) - 1);
    expect(await s.engine.convertPoints()).toMatchObject({ scanned: 0, conversions: 0 });
    await s.event("visit"); // a command a millisecond early converts nothing either
    expect(conversions(await s.entries())).toEqual([]);
    s.t.set(end);
    expect(await s.engine.convertPoints()).toMatchObject({
      scanned: 1,
      members: 1,
      conversions: 1,
      points: { points: "300" },
    });
    expect(conversions(await s.entries()).map((e) => [e.periodEnd, e.quantity])).toEqual([[end, 2]]);
  });

  /** Pending 40 days: purchases on 2 and 25 June become available on 12 July and 4 August. */
  async function catchUp(sweeps: string[]) {
    const s = await setup(rewardsProgram([monthly], { pending: { days: 40 } }), "2026-06-02T11:00:00Z");
    await s.enroll();
    const b1 = lotOf(await s.buy("160.00"));
    s.t.set("2026-06-25T11:00:00Z");
    const b2 = lotOf(await s.buy("300.00"));
    s.t.set("2026-06-30T11:00:00Z");
    const a = lotOf(await s.credit("10"));
    for (const at of sweeps) {
      s.t.set(at);
      await s.engine.convertPoints();
    }
    s.t.set("2026-10-15T11:00:00Z");
    const last = await s.event("visit");
    return { s, b1, b2, a, last };
  }

  it("a member idle for months catches up every missed period end, each on what was spendable at it", async () => {
    const { s, b1, b2, last } = await catchUp([]);
    expect(last.entries.map((e) => e.kind)).toEqual(["redeem", "redeem", "event"]);
    // June end: 10 (the purchases are pending): nothing. July end: 10 + 160: one step. August end:
    // 20 + 300: two steps. September end: 20: nothing.
    expect(
      conversions(last.entries).map((e) => ({
        periodEnd: e.periodEnd,
        points: e.points,
        quantity: e.quantity,
        lots: e.lots,
      })),
    ).toEqual([
      { periodEnd: JULY_END, points: "150", quantity: 1, lots: [{ lotId: b1, points: "150" }] },
      {
        periodEnd: "2026-08-31T23:00:00.000Z",
        points: "300",
        quantity: 2,
        lots: [
          { lotId: b1, points: "10" },
          { lotId: b2, points: "290" },
        ],
      },
    ]);
    expect((await s.wallet()).available).toBe("20");

    // The same history with a sweep after every month end: the same conversions.
    const swept = await catchUp([
      "2026-07-01T08:00:00Z",
      "2026-08-01T08:00:00Z",
      "2026-09-01T08:00:00Z",
      "2026-10-01T08:00:00Z",
    ]);
    const strip = (e: RedeemEntry) => ({
      periodEnd: e.periodEnd,
      points: e.points,
      quantity: e.quantity,
      lots: e.lots,
      grant: e.grant,
    });
    expect(conversions(await swept.s.entries()).map(strip)).toEqual(conversions(last.entries).map(strip));
    expect(await swept.s.engine.summary("m")).toEqual({
      ...(await s.engine.summary("m")),
      redemptions: expect.anything(),
    });
  });

  it("the due index names members due for a conversion: at the period end at which they will have a whole step", async () => {
    const s = await setup(rewardsProgram([monthly]), "2026-06-01T11:00:00Z");
    for (const m of ["m", "poor", "pend"]) await s.enroll(m);
    await s.credit("400", "m");
    await s.credit("100", "poor");
    await s.credit("100", "pend");
    s.t.set("2026-06-25T11:00:00Z");
    await s.buy("100.00", "pend"); // available on 9 July: a whole step at the July end
    const due = (before: string) => s.store.findDueMembers(s.id, { before: Date.parse(before), limit: 10 });
    expect(await due("2026-12-31T00:00:00Z")).toEqual([
      { memberId: "m", dueAt: Date.parse(JUNE_END) },
      { memberId: "pend", dueAt: Date.parse(JULY_END) },
    ]);
    // "poor" never reaches a step: due only when its lot expires.
    expect((await due("2030-01-01T00:00:00Z")).find((d) => d.memberId === "poor")).toEqual({
      memberId: "poor",
      dueAt: Date.parse("2027-06-01T11:00:00Z"),
    });

    s.t.set("2026-07-01T00:00:00Z");
    expect(await s.engine.convertPoints()).toMatchObject({
      scanned: 1,
      members: 1,
      conversions: 1,
      points: { points: "300" },
    });
    // m has 100 left: due again when its lot expires.
    expect(await due("2026-12-31T00:00:00Z")).toEqual([{ memberId: "pend", dueAt: Date.parse(JULY_END) }]);
    s.t.set(JULY_END);
    expect(await s.engine.convertPoints()).toMatchObject({
      scanned: 1,
      members: 1,
      conversions: 1,
      points: { points: "150" },
    });
    expect((await s.wallet("pend")).available).toBe("50");
  });

  it("automatic conversions are not member activity: they do not push back an inactivity deadline", async () => {
    const s = await setup(
      rewardsProgram([monthly, { ...mug, price: "50" }], { expiry: { kind: "inactivity", months: 3 } }),
      "2026-06-01T11:00:00Z",
    );
    await s.enroll("m");
    await s.enroll("m2");
    await s.credit("400", "m");
    await s.credit("400", "m2");
    s.t.set("2026-07-05T11:00:00Z");
    expect(await s.engine.convertPoints()).toMatchObject({ members: 2, conversions: 2 });
    await s.redeem("mug", { memberId: "m2" }); // a redemption on request is activity (spend)
    expect((await s.wallet("m")).inactivityDeadline).toBe("2026-09-01T11:00:00.000Z");
    expect((await s.wallet("m2")).inactivityDeadline).toBe("2026-10-05T11:00:00.000Z");
    s.t.set("2026-09-01T11:00:00Z");
    await s.engine.expire();
    expect(await s.wallet("m")).toMatchObject({ available: "0" });
    expect((await s.wallet("m")).lifetime).toMatchObject({ spent: "300", expired: "100" });
    expect(await s.wallet("m2")).toMatchObject({ available: "50" });
  });

  it("a redemption on request cannot take the id an automatic conversion will have (else the conversion could never be written)", async () => {
    const s = await setup(rewardsProgram([monthly]), "2026-06-10T11:00:00Z");
    await s.enroll();
    await s.credit("500");
    const taken = `cash@${JUNE_END}`;
    const e = await refuses(
      s,
      "r1",
      () => s.redeem("cash", { key: "r1", quantity: 1, redemptionId: taken }),
      "INVALID_COMMAND",
    );
    expect(e.issues.map((i) => i.path)).toEqual([["redemptionId"]]);
    // The key is the default redemption id: the same holds for a key of that form.
    await refuses(s, taken, () => s.redeem("cash", { key: taken, quantity: 1 }), "INVALID_COMMAND");
    // Ids that merely look alike are fine.
    await s.redeem("cash", { quantity: 1, redemptionId: "cash@home" });
    await s.redeem("cash", { quantity: 1, redemptionId: "cash@2026-06-30" });
    s.t.set("2026-07-02T11:00:00Z");
    await s.credit("1"); // catches up on the June end
    expect(conversions(await s.entries()).map((c) => [c.redemptionId, c.points])).toEqual([[taken, "150"]]); // 500 - 2 x 150 on request = 200: one step
    expect(await s.violations()).toEqual([]);
  });

  it("respects the reward's window and tiers: no period end at or after available.until, none for other tiers", async () => {
    const def = rewardsProgram([{ ...monthly, available: { until: JULY_END }, tiers: ["gold"] } as RewardInput], {
      tiers: ladder(),
    });
    const s = await setup(def, "2026-06-01T11:00:00Z");
    await s.enroll("m");
    await s.enroll("bronze");
    await s.engine.assignTier({ key: "gold", memberId: "m", tier: "gold" });
    await s.credit("400", "m");
    await s.credit("400", "bronze");
    s.t.set("2026-07-15T11:00:00Z");
    await s.credit("300", "m");
    s.t.set("2026-08-15T11:00:00Z");
    await s.engine.convertPoints();
    await s.event("visit", "m");
    await s.event("visit", "bronze");
    expect(conversions(await s.entries("m")).map((e) => [e.periodEnd, e.points])).toEqual([[JUNE_END, "300"]]);
    expect(conversions(await s.entries("bronze"))).toEqual([]);
    expect((await s.wallet("m")).available).toBe("400");
  });

  describe("automatic conversion does not depend on when the review sweep ran", () => {
    const def = mugProgram({
      tiers: {
        levels: [
          { id: "bronze" },
          { id: "gold", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "100" }] } },
        ],
        window: { kind: "calendarYear" },
        promotion: "atReview",
        review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" },
        refunds: "atOnce",
      } as never,
      rules: [
        {
          id: "base",
          on: "purchase",
          awards: [
            { kind: "rate", points: "1", per: "1", wallet: "points" },
            { kind: "rate", points: "1", per: "1", wallet: "status" },
          ],
        },
        { id: "gold-bonus", on: "tier:gold", awards: [{ kind: "fixed", points: "500", wallet: "points" }] },
      ] as never,
      rewards: [
        {
          kind: "conversion",
          id: "cash",
          wallet: "points",
          price: "100",
          value: "1.00",
          automatic: { period: "year" },
        },
      ],
    });

    async function run(sweepInDecember: boolean) {
      const s = memberSetup(def, Date.parse("2026-11-02T10:00:00Z"));
      await s.enroll("m");
      await s.buy("m", "150");
      if (sweepInDecember) {
        s.t.set(Date.parse("2026-12-02T10:00:00Z"));
        const r = await s.engine.reviewTiers();
        expect(r.changes.promotion).toBe(1);
      }
      s.t.set(Date.parse("2027-01-05T10:00:00Z"));
      await s.engine.recordEvent({ key: "e", memberId: "m", type: "noop" });
      const sum = await s.engine.summary("m");
      return { available: sum.wallets.points!.available, tier: sum.tier!.id };
    }

    it("tier bonus of a review promotion converted at year end either way", async () => {
      const withSweep = await run(true);
      const withoutSweep = await run(false);
      expect(withoutSweep).toEqual(withSweep);
    });
  });

  describe("conversions of several rewards run in time order", () => {
    // Two automatic conversions of one wallet (say a quarterly one at a better rate, and a monthly one).
    const def = mugProgram({
      rewards: [
        {
          kind: "conversion",
          id: "quarterly",
          wallet: "points",
          price: "100",
          value: "2.00",
          automatic: { period: "quarter" },
        },
        {
          kind: "conversion",
          id: "monthly",
          wallet: "points",
          price: "100",
          value: "1.00",
          automatic: { period: "month" },
        },
      ],
    });

    async function run(sweepInFebruary: boolean) {
      const s = memberSetup(def, Date.parse("2026-01-15T10:00:00Z"));
      await s.enroll("m");
      await s.engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "100", reason: "seed" });
      if (sweepInFebruary) {
        s.t.set(Date.parse("2026-02-02T10:00:00Z"));
        await s.engine.convertPoints();
      }
      s.t.set(Date.parse("2026-04-05T10:00:00Z"));
      await s.engine.recordEvent({ key: "e", memberId: "m", type: "noop" });
      const sum = await s.engine.summary("m");
      return sum.redemptions.map((r) => `${r.rewardId}@${r.at}`);
    }

    it("the same conversions whether or not a sweep ran in between", async () => {
      expect(await run(false)).toEqual(await run(true));
    });
  });

  describe("reads show due conversions as the next write makes them", () => {
    const tiers = {
      levels: [
        { id: "bronze" },
        { id: "gold", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "1000" }] } },
      ],
      window: { kind: "calendarYear" },
      promotion: "immediate",
      review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
      refunds: "atOnce",
    } as const;

    it("summary/rewards before a year-end review + conversion match the write that follows", async () => {
      const def = mugProgram({
        tiers: tiers as never,
        rewards: [
          {
            kind: "conversion",
            id: "cash",
            wallet: "points",
            price: "150",
            tierPrices: { gold: "100" },
            value: "1.00",
            automatic: { period: "year" },
          },
        ],
      });
      const start = Date.parse("2026-11-02T10:00:00Z");
      const s = memberSetup(def, start);
      await s.enroll("m");
      await s.engine.assignTier({ key: "gold", memberId: "m", tier: "gold" });
      await s.engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "250", reason: "goodwill" });
      s.t.set(Date.parse("2027-01-05T10:00:00Z"));
      const before = (await s.engine.summary("m")).wallets.points!.available;
      await s.engine.recordEvent({ key: "e", memberId: "m", type: "noop" });
      const after = (await s.engine.summary("m")).wallets.points!.available;
      const tier = (await s.engine.summary("m")).tier!.id;
      expect({ before, after, tier }).toEqual({ before: after, after, tier });
    });
  });

  // A codes generator that failed for one member stopped the whole sweep at that member.
  it("a sweep skips and reports a member whose write fails, and converts the others", async () => {
    const s = await setup(rewardsProgram([monthly]), "2026-06-01T11:00:00Z", {
      codes: (r) => {
        if (r.memberId === "m2") throw new Error("code service down for m2");
        return `C-${r.redemptionId}`;
      },
    });
    for (const m of ["m1", "m2", "m3"]) {
      await s.enroll(m);
      await s.credit("400", m);
    }
    s.t.set("2026-07-02T11:00:00Z");
    const sweep = await s.engine.convertPoints();
    expect(sweep).toMatchObject({ scanned: 3, members: 2, conversions: 2, points: { points: "600" } });
    expect(sweep.failed).toEqual([
      { memberId: "m2", code: "CODES_FAILURE", message: expect.stringContaining("code service down for m2") },
    ]);
    expect((await s.wallet("m2")).available).toBe("100"); // the read shows the conversion the next write will make
    expect(conversions(await s.entries("m2"))).toEqual([]);
    for (const m of ["m1", "m3"]) expect(conversions(await s.entries(m)).map((e) => e.points)).toEqual(["300"]);
  });

  // settleDue runs convertDue (every period end up to now) before reviewTier (every review up to
  // now): without a sweep, a conversion at a period end after a review instant is priced (and
  // checked for eligibility) with the tier from before the review. With a review sweep in between,
  // it sees the new tier. The outcome depends on when the sweep ran.
  it("a conversion after a tier review sees the tier the review gave, whether or not a review sweep ran", async () => {
    const def = rewardsProgram([{ ...monthly, tierPrices: { gold: "100" } } as RewardInput], {
      tiers: ladder(),
      expiry: { kind: "none" },
    });
    async function run(sweepAtReview: boolean) {
      const s = await setup(def, T0);
      await s.enroll();
      await s.buy("1200.00"); // gold; converted at the March end at the gold price
      s.t.set("2027-12-25T12:00:00Z");
      await s.buy("200.00"); // 2027 earned 200 status: demoted to bronze on 1 January 2028; available on 8 January
      if (sweepAtReview) {
        s.t.set("2028-01-01T00:00:00Z");
        await s.engine.reviewTiers();
      }
      s.t.set("2028-02-10T12:00:00Z");
      await s.event("visit");
      return conversions(await s.entries()).map((e) => [e.periodEnd, e.points]);
    }
    const swept = await run(true);
    expect(swept).toEqual([
      ["2026-03-31T23:00:00.000Z", "1200"],
      ["2028-02-01T00:00:00.000Z", "150"],
    ]); // bronze price
    expect(await run(false)).toEqual(swept); // before the fix: 200 at the gold price
  });

  // summary().redemptions shows each redemption's write time and sorts by it: automatic
  // conversions caught up by one late command all carry that command's time, in the order they
  // were written (oldest first among equals), while sweeps give each its own time. The list
  // should show a conversion at its period end, so that it does not depend on when sweeps ran.
  it("summary().redemptions shows automatic conversions at their period ends, newest first, whatever the sweep timing", async () => {
    const def = rewardsProgram([monthly], { pending: { days: 40 } });
    async function run(sweep: boolean) {
      const s = await setup(def, "2026-06-02T11:00:00Z");
      await s.enroll();
      await s.buy("160.00"); // available 12 July
      s.t.set("2026-06-25T11:00:00Z");
      await s.buy("300.00"); // available 4 August
      if (sweep)
        for (const at of ["2026-08-01T08:00:00Z", "2026-09-01T08:00:00Z"]) {
          s.t.set(at);
          await s.engine.convertPoints();
        }
      s.t.set("2026-10-15T11:00:00Z");
      return (await s.engine.summary("m")).redemptions;
    }
    const expected = [
      {
        redemptionId: "cash@2026-08-31T23:00:00.000Z",
        rewardId: "cash",
        points: "300",
        quantity: 2,
        at: "2026-08-31T23:00:00.000Z",
      },
      { redemptionId: `cash@${JULY_END}`, rewardId: "cash", points: "150", quantity: 1, at: JULY_END },
    ];
    expect(await run(true)).toEqual(expected);
    expect(await run(false)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------

describe("rewards(memberId): the catalogue as one member sees it", () => {
  it("price, value, whether redeemable and why not, affordable units, units left in limits, stock", async () => {
    const s = await setup(
      rewardsProgram(
        [
          { ...mug, stock: 5, limits: [{ period: "day", count: 1 }] },
          { kind: "voucher", id: "v10", name: "£10 voucher", wallet: "points", price: "100", value: "10.00" },
          { ...mug, id: "lounge", price: "1000", tierPrices: { gold: "250" } },
          { ...mug, id: "old", enabled: false },
          { ...mug, id: "gold-only", tiers: ["gold"] },
          { ...mug, id: "sold-out", stock: 0 },
        ],
        { tiers: ladder() },
      ),
    );
    await s.enroll();
    await s.credit("300");
    await s.buy("500.00"); // pending: not affordable yet
    const offers = await s.engine.rewards("m");
    const by = (id: string) => offers.find((o) => o.rewardId === id)!;
    expect(offers.map((o) => o.rewardId)).toEqual(["mug", "v10", "lounge", "old", "gold-only", "sold-out"]);
    expect(by("mug")).toEqual({
      rewardId: "mug",
      name: null,
      kind: "product",
      wallet: "points",
      price: "120",
      value: null,
      redeemable: true,
      refusal: null,
      affordableUnits: 2,
      unitsLeftInLimits: 1,
      stock: 5,
    });
    expect(by("v10")).toMatchObject({
      name: "£10 voucher",
      kind: "voucher",
      price: "100",
      value: "10.00",
      redeemable: true,
      affordableUnits: 3,
      unitsLeftInLimits: null,
      stock: null,
    });
    expect(by("lounge")).toMatchObject({
      price: "1000",
      redeemable: false,
      refusal: { code: "INSUFFICIENT_POINTS" },
      affordableUnits: 0,
    });
    expect(by("old")).toMatchObject({ redeemable: false, refusal: { code: "REWARD_UNAVAILABLE" }, affordableUnits: 2 });
    expect(by("gold-only")).toMatchObject({ redeemable: false, refusal: { code: "TIER_NOT_ELIGIBLE" } });
    expect(by("sold-out")).toMatchObject({ redeemable: false, refusal: { code: "OUT_OF_STOCK" }, stock: 0 });
    for (const o of offers) if (o.refusal) expect(o.refusal.message.length).toBeGreaterThan(0);

    await s.redeem("mug");
    await s.engine.assignTier({ key: "gold", memberId: "m", tier: "gold" });
    const next = await s.engine.rewards("m");
    const n = (id: string) => next.find((o) => o.rewardId === id)!;
    expect(n("mug")).toMatchObject({
      redeemable: false,
      refusal: { code: "LIMIT_REACHED" },
      affordableUnits: 1,
      unitsLeftInLimits: 0,
      stock: 4,
    });
    expect(n("lounge")).toMatchObject({
      price: "250",
      redeemable: false,
      refusal: { code: "INSUFFICIENT_POINTS" },
      affordableUnits: 0,
    });
    expect(n("gold-only")).toMatchObject({ redeemable: true, affordableUnits: 1 });
    s.t.advance(15 * DAY); // the purchase's points are available; the day limit has reset
    const later = await s.engine.rewards("m");
    expect(later.find((o) => o.rewardId === "lounge")).toMatchObject({ redeemable: true, affordableUnits: 2 });
    expect(later.find((o) => o.rewardId === "mug")).toMatchObject({
      redeemable: true,
      unitsLeftInLimits: 1,
      affordableUnits: 5,
    });
    await expectError(s.engine.rewards("ghost"), "MEMBER_NOT_FOUND");
  });

  // Reads do not run due conversions (they do account for due expiries): between a period end and
  // the next write, rewards() offers points that the redemption itself will find converted.
  it("rewards() before a due conversion has run agrees with what a redemption finds", async () => {
    const s = await setup(rewardsProgram([monthly, { ...mug, price: "300" }]), "2026-06-01T11:00:00Z");
    await s.enroll();
    await s.credit("400");
    s.t.set("2026-07-02T11:00:00Z");
    const offer = (await s.engine.rewards("m")).find((o) => o.rewardId === "mug")!;
    const attempt = await s.redeem("mug").then(
      () => null,
      (e: LoyaltyError) => e.code,
    );
    expect(attempt).toBe("INSUFFICIENT_POINTS"); // the June end converted 300 of the 400
    expect(offer.redeemable).toBe(false); // before the fix: true, affordableUnits 1
  });
});

// ---------------------------------------------------------------------------------------------

/** A member's state as the property compares it: lots as a set, totals, non-zero limit counters. */
function comparable(st: MemberState, current: readonly number[] = []) {
  const lots = st.lots
    .map((l) => ({
      id: l.id,
      wallet: l.wallet,
      remaining: l.remaining.toString(),
      amount: l.amount.toString(),
      expiresAt: l.expiresAt,
      availableAt: l.availableAt,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const totals = Object.fromEntries(
    Object.entries(st.wallets).map(([w, t]) => [
      w,
      Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v as Decimal).toString()])),
    ]),
  );
  const limits: Record<string, string> = {};
  for (const [counter, periods] of Object.entries(st.limits)) {
    for (const [period, keys] of Object.entries(periods)) {
      // Counters of past periods are pruned as periods go by (LIMIT_KEYS_KEPT): only current ones count.
      const live = new Set(current.map((at) => periodKey(at, "Europe/London", period as Period)));
      for (const [key, used] of Object.entries(keys ?? {}))
        if (!used.isZero() && live.has(key)) limits[`${counter}/${period}/${key}`] = used.toString();
    }
  }
  return { lots, totals, limits };
}

const balances = (st: MemberState, at: number) =>
  Object.fromEntries(
    ["points", "status"].map((w) => {
      const b = walletBalance(st, w, at);
      return [
        w,
        {
          available: b.available.toString(),
          pending: b.pending.toString(),
          expiredUnswept: b.expiredUnswept.toString(),
          debt: b.debt.toString(),
        },
      ];
    }),
  );

describe("properties", () => {
  const startArb = fc.integer({ min: Date.parse("2026-01-05T00:00:00Z"), max: Date.parse("2026-06-30T00:00:00Z") });

  it("(1) a redemption cancelled before anything expired leaves the member as they were: lots, totals, limits, balances, stock", async () => {
    const rewardArb = fc.record({
      kind: fc.constantFrom("product", "voucher", "donation", "discount", "conversion"),
      priceUnits: fc.integer({ min: 1, max: 300 }),
      goldUnits: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
      limited: fc.boolean(),
      stock: fc.option(fc.integer({ min: 20, max: 100 }), { nil: undefined }),
    });
    const variantArb = fc.record({
      scale: fc.constantFrom(0, 2),
      pending: fc.constantFrom(0, 14),
      expiry: fc.constantFrom<ProgramDefinition["expiry"]>(
        { after: { months: 12 } },
        { kind: "term", after: { days: 40 } },
        { kind: "calendar", period: "quarter", after: 0 },
        { kind: "none" },
      ),
      gold: fc.boolean(),
    });
    const earnArb = fc.oneof(
      fc.record({ op: fc.constant("credit" as const), units: fc.integer({ min: 1, max: 800 }) }),
      fc.record({ op: fc.constant("buy" as const), pence: fc.integer({ min: 1, max: 60_000 }) }),
      fc.record({ op: fc.constant("promo" as const) }),
      fc.record({ op: fc.constant("advance" as const), hours: fc.integer({ min: 1, max: 24 * 12 }) }),
      fc.record({ op: fc.constant("spend" as const), units: fc.integer({ min: 1, max: 150 }) }),
      fc.record({ op: fc.constant("redeemOne" as const) }),
    );
    let exercised = 0;
    await fc.assert(
      fc.asyncProperty(
        startArb,
        variantArb,
        rewardArb,
        fc.array(earnArb, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 10 * DAY }),
        async (start, v, r, script, wanted, pause) => {
          const points = (units: number) => unitsToDecimal(units * (v.scale === 0 ? 1 : 37), v.scale);
          const reward = {
            kind: r.kind,
            id: "r",
            wallet: "points",
            price: points(r.priceUnits),
            ...(r.goldUnits === undefined ? {} : { tierPrices: { gold: points(r.goldUnits) } }),
            ...(r.limited
              ? {
                  limits: [
                    { period: "day", count: 1000 },
                    { period: "lifetime", count: 100_000 },
                  ],
                }
              : {}),
            ...(r.stock === undefined ? {} : { stock: r.stock }),
            ...(r.kind === "voucher" || r.kind === "conversion" ? { value: "0.50" } : {}),
            ...(r.kind === "discount" ? { discount: { percent: "5" } } : {}),
          } as RewardInput;
          const def = rewardsProgram([reward], {
            points: { scale: v.scale, rounding: "down" },
            pending: { days: v.pending },
            expiry: v.expiry,
            tiers: ladder(),
          });
          const s = await setup(def, start);
          await s.enroll();
          if (v.gold) await s.engine.assignTier({ key: "gold", memberId: "m", tier: "gold" });
          const cause = r.kind === "donation" ? { cause: "c1" } : {};
          for (const op of script) {
            if (op.op === "credit") await s.credit(points(op.units));
            else if (op.op === "buy") await s.buy(unitsToDecimal(op.pence, 2));
            else if (op.op === "promo") await s.event("promo");
            else if (op.op === "advance") s.t.advance(op.hours * 3_600_000);
            else if (op.op === "spend")
              await s.engine
                .spend({
                  key: `spend-${s.t.now()}-${op.units}`,
                  memberId: "m",
                  wallet: "points",
                  points: points(op.units),
                })
                .catch((e: unknown) => {
                  if (!(e instanceof LoyaltyError)) throw e;
                });
            else
              await s.redeem("r", { quantity: 1, ...cause }).catch((e: unknown) => {
                if (!(e instanceof LoyaltyError)) throw e;
              });
          }
          await s.event("visit"); // the member's due work (expiries, reviews) is written now, not by the redemption
          const now = s.t.now();
          const before = await s.state();
          const stockBefore = await s.engine.stock("r");
          const price = new Decimal(
            before.tier?.id === "gold" && r.goldUnits !== undefined ? points(r.goldUnits) : points(r.priceUnits),
          );
          const affordable = walletBalance(before, "points", now).available.div(price).floor().toNumber();
          const quantity = Math.min(wanted, affordable, stockBefore ?? Infinity);
          if (quantity < 1) return;
          exercised++;
          const redeemed = await s.redeem("r", { key: "the-one", quantity, ...cause });
          expect(redeemed.points).toBe(formatPoints(price.times(quantity), v.scale));
          // The cancellation comes later, but before any lot expires.
          const nextExpiry = Math.min(...before.lots.map((l) => l.expiresAt ?? Infinity));
          s.t.set(now + Math.max(0, Math.min(pause, nextExpiry - now - 1)));
          const c = await s.cancel("the-one");
          expect(c).toMatchObject({
            restored: redeemed.points,
            regranted: formatPoints(new Decimal(0), v.scale),
            forfeited: formatPoints(new Decimal(0), v.scale),
          });
          const after = await s.state();
          expect(comparable(after, [now, s.t.now()])).toEqual(comparable(before, [now, s.t.now()]));
          expect(balances(after, s.t.now())).toEqual(balances(before, s.t.now()));
          expect(await s.engine.stock("r")).toBe(stockBefore);
          expect(await s.violations()).toEqual([]);
        },
      ),
      { numRuns: RUNS * 3 },
    );
    expect(exercised).toBeGreaterThan(RUNS);
  }, 60_000);

  it("(2) the stock never goes below zero and always equals initial - redeemed + cancelled + restocked, also under concurrent commands", async () => {
    type Op =
      | { op: "redeem"; member: number; quantity: number }
      | { op: "cancel"; member: number; pick: number }
      | { op: "restock"; units: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          op: fc.constant("redeem" as const),
          member: fc.integer({ min: 0, max: 2 }),
          quantity: fc.integer({ min: 1, max: 3 }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant("cancel" as const),
          member: fc.integer({ min: 0, max: 2 }),
          pick: fc.nat(),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant("restock" as const),
          units: fc.integer({ min: -4, max: 4 }).filter((u) => u !== 0),
        }),
      },
    );
    const stepArb = fc.oneof(
      opArb.map((op) => [op]),
      fc.array(opArb, { minLength: 2, maxLength: 6 }),
    );
    let concurrentOutOfStock = 0,
      concurrentSuccesses = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.array(stepArb, { minLength: 1, maxLength: 12 }),
        async (initial, steps) => {
          const def = rewardsProgram([{ ...mug, price: "10", stock: initial }], { expiry: { kind: "none" } });
          const s = await setup(def);
          const members = ["a", "b", "c"];
          for (const m of members) {
            await s.enroll(m);
            await s.credit("100000", m);
          }
          const open: Record<string, string[]> = { a: [], b: [], c: [] };
          let redeemed = 0,
            cancelled = 0,
            restocked = 0,
            n = 0;
          for (const step of steps) {
            const stockBefore = (await s.engine.stock("mug"))!;
            const chosen = new Map<number, string>();
            const run = (op: Op, i: number): Promise<unknown> => {
              const key = `op-${++n}`;
              if (op.op === "restock") return s.engine.restock({ key, rewardId: "mug", units: op.units });
              const m = members[op.member]!;
              if (op.op === "redeem") return s.redeem("mug", { key, memberId: m, quantity: op.quantity });
              const list = open[m]!;
              if (list.length === 0) return Promise.resolve(null);
              const id = list[op.pick % list.length]!;
              chosen.set(i, id);
              return s.cancel(id, key, m);
            };
            const outcomes = await Promise.allSettled(step.map(run));
            outcomes.forEach((o, i) => {
              const op = step[i]!;
              if (o.status === "rejected") {
                const allowed: ErrorCode[] = op.op === "cancel" ? ["REDEMPTION_CANCELLED"] : ["OUT_OF_STOCK"];
                expect(o.reason).toBeInstanceOf(LoyaltyError);
                expect(allowed).toContain((o.reason as LoyaltyError).code);
                if (step.length > 1 && op.op === "redeem") concurrentOutOfStock++;
                if (step.length === 1)
                  expect(
                    op.op === "redeem" ? stockBefore < op.quantity : stockBefore + (op as { units: number }).units < 0,
                  ).toBe(true);
                return;
              }
              if (o.value === null) return;
              if (step.length > 1) concurrentSuccesses++;
              if (op.op === "redeem") {
                const r = o.value as { quantity: number; redemptionId: string; memberId: string };
                redeemed += r.quantity;
                open[r.memberId]!.push(r.redemptionId);
              } else if (op.op === "cancel") {
                const c = o.value as { stock: number; memberId: string; redemptionId: string };
                cancelled += c.stock;
                open[c.memberId] = open[c.memberId]!.filter((id) => id !== c.redemptionId);
              } else {
                restocked += op.units;
              }
            });
            const stock = (await s.engine.stock("mug"))!;
            expect(stock).toBeGreaterThanOrEqual(0);
            expect(stock).toBe(initial - redeemed + cancelled + restocked);
            // The members' open redemptions hold exactly the units taken and not given back.
            let held = 0;
            for (const m of members)
              for (const r of Object.values((await s.state(m)).redemptions)) if (!r.cancelled) held += r.quantity;
            expect(held).toBe(redeemed - cancelled);
          }
          for (const m of members) expect(await s.violations(m)).toEqual([]);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    // The runs did race: concurrent steps both succeeded and ran out of stock.
    expect(concurrentSuccesses).toBeGreaterThan(0);
    expect(concurrentOutOfStock).toBeGreaterThan(0);
  }, 60_000);

  it("(3) after every command, the ledger invariants hold for every member, and a refused command writes nothing", async () => {
    type Op =
      | { op: "buy"; member: number; pence: number }
      | { op: "refund"; member: number; pick: number; part: number }
      | { op: "promo"; member: number }
      | { op: "credit"; member: number; points: number }
      | { op: "debit"; member: number; points: number }
      | { op: "redeem"; member: number; reward: number; quantity: number }
      | { op: "cancel"; member: number; pick: number }
      | { op: "restock"; units: number }
      | { op: "advance"; hours: number }
      | { op: "sweep"; kind: "expire" | "convert" | "review" };
    const member = fc.integer({ min: 0, max: 1 });
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant("buy" as const), member, pence: fc.integer({ min: 1, max: 50_000 }) }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant("refund" as const),
          member,
          pick: fc.nat(),
          part: fc.integer({ min: 1, max: 3 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("promo" as const), member }) },
      {
        weight: 2,
        arbitrary: fc.record({ op: fc.constant("credit" as const), member, points: fc.integer({ min: 1, max: 400 }) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ op: fc.constant("debit" as const), member, points: fc.integer({ min: 1, max: 200 }) }),
      },
      {
        weight: 5,
        arbitrary: fc.record({
          op: fc.constant("redeem" as const),
          member,
          reward: fc.nat(),
          quantity: fc.integer({ min: 1, max: 3 }),
        }),
      },
      { weight: 3, arbitrary: fc.record({ op: fc.constant("cancel" as const), member, pick: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant("restock" as const),
          units: fc.integer({ min: -3, max: 3 }).filter((u) => u !== 0),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({ op: fc.constant("advance" as const), hours: fc.integer({ min: 1, max: 24 * 40 }) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant("sweep" as const),
          kind: fc.constantFrom("expire" as const, "convert" as const, "review" as const),
        }),
      },
    );
    const variantArb = fc.record({
      policy: fc.constantFrom("only_pending" as const, "within_balance" as const, "allow_debt" as const),
      graceDays: fc.constantFrom(0, 5, undefined),
      expiry: fc.constantFrom<ProgramDefinition["expiry"]>(
        { after: { months: 12 } },
        { kind: "term", after: { days: 40 } },
        { kind: "inactivity", months: 2 },
      ),
      period: fc.constantFrom("month" as const, "quarter" as const),
      pending: fc.constantFrom(0, 14),
    });
    const catalogue = (period: "month" | "quarter"): RewardInput[] => [
      {
        kind: "voucher",
        id: "v",
        wallet: "points",
        price: "60",
        value: "5.00",
        stock: 3,
        limits: [{ period: "week", count: 3 }],
      },
      { kind: "donation", id: "d", wallet: "points", price: "25" },
      { kind: "product", id: "p", wallet: "points", price: "90", tierPrices: { silver: "70", gold: "50" } },
      {
        kind: "conversion",
        id: "cash",
        wallet: "points",
        price: "150",
        value: "1.50",
        automatic: { period },
      } as RewardInput,
    ];
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        startArb,
        variantArb,
        fc.array(opArb, { minLength: 5, maxLength: 30, size: "max" }),
        async (start, v, script) => {
          const def = rewardsProgram(catalogue(v.period), {
            refunds: { negativeBalance: v.policy, baseRule: "base" },
            pending: { days: v.pending },
            expiry: v.expiry,
            tiers: ladder(),
            ...(v.graceDays === undefined ? {} : { cancellation: { graceDays: v.graceDays } }),
          });
          const s = await setup(def, start);
          const members = ["a", "b"];
          for (const m of members) {
            await s.enroll(m);
            await s.credit("300", m);
          }
          const purchases: Record<string, { id: string; amount: number }[]> = { a: [], b: [] };
          const redemptions: Record<string, string[]> = { a: [], b: [] };
          let n = 0;
          for (const op of script) {
            const key = `k${++n}`;
            const m = "member" in op ? members[op.member]! : "a";
            const fingerprint = () => storeFingerprint(s.store, s.id, members, [key], s.rewardIds);
            const before = await fingerprint();
            let run: Promise<unknown> | null = null;
            switch (op.op) {
              case "buy":
                run = s.engine
                  .recordPurchase({
                    key,
                    memberId: m,
                    purchaseId: key,
                    amount: unitsToDecimal(op.pence, 2),
                    currency: "GBP",
                  })
                  .then((r) => {
                    purchases[m]!.push({ id: key, amount: op.pence });
                    return r;
                  });
                break;
              case "refund": {
                const list = purchases[m]!;
                if (list.length === 0) break;
                const p = list[op.pick % list.length]!;
                run = s.engine.refund({
                  key,
                  memberId: m,
                  purchaseId: p.id,
                  amount: unitsToDecimal(Math.max(1, Math.floor(p.amount / op.part)), 2),
                  currency: "GBP",
                });
                break;
              }
              case "promo":
                run = s.engine.recordEvent({ key, memberId: m, type: "promo" });
                break;
              case "credit":
                run = s.engine.adjust({
                  key,
                  memberId: m,
                  wallet: "points",
                  points: String(op.points),
                  reason: "goodwill",
                });
                break;
              case "debit":
                run = s.engine.adjust({
                  key,
                  memberId: m,
                  wallet: "points",
                  points: String(-op.points),
                  reason: "correction",
                });
                break;
              case "redeem": {
                const reward = ["v", "d", "p", "cash"][op.reward % 4]!;
                run = s.engine
                  .redeem({
                    key,
                    memberId: m,
                    rewardId: reward,
                    quantity: op.quantity,
                    ...(reward === "d" ? { cause: "school" } : {}),
                  })
                  .then((r) => {
                    redemptions[m]!.push(r.redemptionId);
                    return r;
                  });
                break;
              }
              case "cancel": {
                const list = redemptions[m]!;
                if (list.length === 0) break;
                run = s.cancel(list[op.pick % list.length]!, key, m);
                break;
              }
              case "restock":
                run = s.engine.restock({ key, rewardId: "v", units: op.units });
                break;
              case "advance":
                s.t.advance(op.hours * 3_600_000);
                break;
              case "sweep":
                run =
                  op.kind === "expire"
                    ? s.engine.expire()
                    : op.kind === "convert"
                      ? s.engine.convertPoints()
                      : s.engine.reviewTiers();
                break;
            }
            if (run !== null) {
              const outcome = await run.then(
                () => "ok",
                (e: unknown) => {
                  if (!(e instanceof LoyaltyError)) throw e;
                  return e.code;
                },
              );
              seen.set(`${op.op}:${outcome}`, (seen.get(`${op.op}:${outcome}`) ?? 0) + 1);
              if (outcome !== "ok") expect(await fingerprint()).toBe(before);
            }
            for (const id of members)
              expect(await memberViolations(s.store, s.id, id, s.t.now()), `${op.op} on ${id}`).toEqual([]);
            expect(await s.engine.stock("v")).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: RUNS * 2 },
    );
    // The scripts reached the interesting outcomes.
    for (const outcome of [
      "redeem:ok",
      "cancel:ok",
      "cancel:REDEMPTION_CANCELLED",
      "redeem:INSUFFICIENT_POINTS",
      "redeem:LIMIT_REACHED",
      "redeem:OUT_OF_STOCK",
      "refund:ok",
    ]) {
      expect(seen.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
    }
  }, 60_000);

  it("(4) automatic conversions do not depend on when sweeps run: two stores, different sweep timings, the same outcome", async () => {
    type Op =
      | { op: "buy"; pence: number }
      | { op: "promo" }
      | { op: "credit"; points: number }
      | { op: "spend"; points: number }
      | { op: "refund"; pick: number }
      | { op: "convertNow" }
      | { op: "advance"; hours: number }
      | { op: "sweep"; kind: "expire" | "convert" | "review"; a: boolean; b: boolean };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant("buy" as const), pence: fc.integer({ min: 100, max: 40_000 }) }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("promo" as const) }) },
      {
        weight: 2,
        arbitrary: fc.record({ op: fc.constant("credit" as const), points: fc.integer({ min: 1, max: 400 }) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ op: fc.constant("spend" as const), points: fc.integer({ min: 1, max: 200 }) }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("refund" as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant("convertNow" as const) }) },
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant("advance" as const), hours: fc.integer({ min: 1, max: 24 * 50 }) }),
      },
      // Mostly one side only: the two stores' sweeps run at different times.
      {
        weight: 4,
        arbitrary: fc
          .record({
            op: fc.constant("sweep" as const),
            kind: fc.constantFrom("expire" as const, "convert" as const, "convert" as const, "review" as const),
            a: fc.boolean(),
          })
          .map((o) => ({ ...o, b: !o.a })),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant("sweep" as const),
          kind: fc.constantFrom("expire" as const, "convert" as const, "review" as const),
          a: fc.constant(true),
          b: fc.constant(true),
        }),
      },
    );
    const variantArb = fc.record({
      period: fc.constantFrom("month" as const, "quarter" as const),
      pending: fc.constantFrom(0, 10, 40),
      expiry: fc.constantFrom<ProgramDefinition["expiry"]>(
        { after: { months: 12 } },
        { kind: "term", after: { days: 45 } },
        { kind: "calendar", period: "month", after: 1 },
        { kind: "inactivity", months: 3 },
      ),
      price: fc.constantFrom("100", "150"),
      timeZone: fc.constantFrom("Europe/London", "America/New_York", "Australia/Sydney"),
    });
    let conversionsSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        startArb,
        variantArb,
        fc.array(opArb, { minLength: 5, maxLength: 25, size: "max" }),
        fc.integer({ min: 0, max: 90 * DAY }),
        async (start, v, script, tail) => {
          const def = rewardsProgram([{ ...cash, price: v.price, automatic: { period: v.period } } as RewardInput], {
            pending: { days: v.pending },
            expiry: v.expiry,
            timeZone: v.timeZone,
          });
          const compiled = compileProgram(def);
          const codes: CodeGenerator = (r) => `C-${r.redemptionId}-${r.index}`;
          async function play(side: "a" | "b") {
            const s = await setup(def, start, { codes });
            await s.enroll();
            const purchases: string[] = [];
            const outcomes: string[] = [];
            let n = 0;
            const note = (p: Promise<unknown>) =>
              p.then(
                () => "ok",
                (e: unknown) => {
                  if (!(e instanceof LoyaltyError)) throw e;
                  return e.code;
                },
              );
            for (const op of script) {
              const key = `k${++n}`;
              if (op.op === "advance") {
                s.t.advance(op.hours * 3_600_000);
                continue;
              }
              if (op.op === "sweep") {
                if (!op[side]) continue;
                if (op.kind === "expire") await s.engine.expire();
                else if (op.kind === "review") await s.engine.reviewTiers();
                else {
                  await s.engine.convertPoints();
                  // The due index named everyone with a conversion due: nothing is left to convert now.
                  const w = LedgerWriter.copying(await s.state(), {
                    now: s.t.now(),
                    newId: () => "probe",
                    command: { key: "probe", type: "convert" },
                  });
                  convertDue(w, compiled, codes);
                  expect(w.entries).toEqual([]);
                }
                continue;
              }
              if (op.op === "buy")
                outcomes.push(
                  await note(
                    s.engine
                      .recordPurchase({
                        key,
                        memberId: "m",
                        purchaseId: key,
                        amount: unitsToDecimal(op.pence, 2),
                        currency: "GBP",
                      })
                      .then(() => purchases.push(key)),
                  ),
                );
              else if (op.op === "promo") outcomes.push(await note(s.event("promo")));
              else if (op.op === "credit") outcomes.push(await note(s.credit(String(op.points))));
              else if (op.op === "spend")
                outcomes.push(
                  await note(s.engine.spend({ key, memberId: "m", wallet: "points", points: String(op.points) })),
                );
              else if (op.op === "convertNow") outcomes.push(await note(s.redeem("cash", { key })));
              else if (purchases.length > 0)
                outcomes.push(
                  await note(
                    s.engine.refund({
                      key,
                      memberId: "m",
                      purchaseId: purchases[op.pick % purchases.length]!,
                      amount: "1.00",
                      currency: "GBP",
                    }),
                  ),
                );
            }
            s.t.advance(tail);
            await s.event("visit"); // the last command catches up on whatever is due
            const entries = await s.entries();
            const summary = await s.engine.summary("m");
            return {
              outcomes,
              conversions: conversions(entries).map((e) => ({
                periodEnd: e.periodEnd,
                points: e.points,
                quantity: e.quantity,
                grant: e.grant,
                redemptionId: e.redemptionId,
              })),
              onRequest: entries
                .filter((e): e is RedeemEntry => e.kind === "redeem" && e.periodEnd === null)
                .map((e) => [e.at, e.points]),
              wallets: summary.wallets,
              // As a set: summary.redemptions orders by write time (see "known defects").
              redemptions: summary.redemptions
                .map(({ at: _, ...r }) => r)
                .sort((x, y) => (x.redemptionId < y.redemptionId ? -1 : 1)),
              violations: await s.violations(),
            };
          }
          const a = await play("a");
          const b = await play("b");
          expect(b).toEqual(a);
          expect(a.violations).toEqual([]);
          conversionsSeen += a.conversions.length;
        },
      ),
      { numRuns: RUNS * 2 },
    );
    expect(conversionsSeen).toBeGreaterThan(RUNS);
  }, 60_000);
});

function formatPoints(d: Decimal, scale: number): string {
  return d.toFixed(scale);
}

// The same random history with and without sweeps, under each policy, with and without tier bonuses.
const fuzzProgram = (
  policy: "within_balance" | "only_pending" | "allow_debt",
  withBonus: boolean,
  promotion: "immediate" | "atReview",
  inactive: boolean,
): ProgramDefinition =>
  poundsProgram({
    id: "fz",
    expiry: inactive ? { kind: "inactivity", months: 2 } : { after: { months: 3 } },
    pending: { days: 14 },
    refunds: { negativeBalance: policy, baseRule: "base" },
    rules: [
      purchaseRule(),
      promoRule(),
      bonusRule(),
      ...(withBonus
        ? [{ id: "gold-bonus", on: "tier:gold", awards: [{ kind: "fixed" as const, points: "77", wallet: "points" }] }]
        : []),
    ],
    tiers: {
      levels: [
        { id: "bronze" },
        { id: "gold", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "300" }] } },
      ],
      window: { kind: "rolling", months: 2 },
      promotion,
      review: { schedule: { kind: "periodEnd", period: "month" }, demotion: "recompute" },
      refunds: "atOnce",
    },
    rewards: [
      { kind: "product", id: "mug", wallet: "points", price: "120", stock: 3, tierPrices: { gold: "90" } },
      { kind: "voucher", id: "v5", wallet: "points", price: "200", value: "5.00" },
      {
        kind: "conversion",
        id: "cash",
        wallet: "points",
        price: "150",
        tierPrices: { gold: "100" },
        value: "1.50",
        automatic: { period: "month" },
      },
    ],
  });

const configs = [
  { policy: "within_balance", withBonus: true, promotion: "atReview", inactive: false },
  { policy: "only_pending", withBonus: false, promotion: "immediate", inactive: true },
  { policy: "allow_debt", withBonus: true, promotion: "immediate", inactive: false },
] as const;

describe.each(configs)(
  "sweep timing does not change outcomes ($policy, tier bonus $withBonus, promotion $promotion, inactivity $inactive)",
  (config) => {
    const def = fuzzProgram(config.policy, config.withBonus, config.promotion, config.inactive);
    function make() {
      const { t, store, engine } = testEngine(def, T0, { codes: (r) => `C-${r.redemptionId}-${r.index}` });
      return { t, store, engine };
    }
    it("random histories, with and without sweeps, end in the same balances, tier and redemptions", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(operationArb(["promo", "bonus"], { rewards: true }), { minLength: 5, maxLength: 40 }),
          fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
          async (ops, sweepAt) => {
            const a = make(),
              b = make();
            for (const x of [a, b]) await x.engine.enroll({ key: "e", memberId: "m" });
            const target = (x: typeof a) => ({
              engine: x.engine,
              memberId: "m",
              currency: "GBP",
              spendWallet: "points",
              advance: (ms: number) => x.t.advance(ms),
              rewards: ["mug", "v5", "cash"],
            });
            let i = 0;
            const ra = await runOperations(target(a), ops);
            const rb = await runOperations(target(b), ops, async (op) => {
              if (op.op === "advance" && sweepAt[i++ % 40]) {
                await b.engine.reviewTiers();
                await b.engine.convertPoints();
                await b.engine.expire();
              }
            });
            for (const x of [a, b]) await x.engine.recordEvent({ key: "final", memberId: "m", type: "noop" });
            const sa = await a.engine.summary("m"),
              sb = await b.engine.summary("m");
            const pick = (s: typeof sa) => ({
              w: s.wallets.points,
              tier: s.tier?.id,
              red: s.redemptions.map((r) => [r.rewardId, r.points, r.quantity, r.at]),
            });
            expect({ refusals: rb, ...pick(sb) }).toEqual({ refusals: ra, ...pick(sa) });
            expect(await memberViolations(b.store, def.id, "m", b.t.now())).toEqual([]);
            expect(await memberViolations(a.store, def.id, "m", a.t.now())).toEqual([]);
          },
        ),
        { numRuns: Number(process.env.PROPERTY_RUNS ?? 100) },
      );
    });
  },
);
