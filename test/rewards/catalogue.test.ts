/**
 * `rewards(memberId)`: the catalogue as one member sees it (src/rewards/catalogue.ts, read through
 * src/engine/rewards.ts): price, value, whether redeemable and why not, affordable units, units left
 * in limits, stock; and that the read agrees with what a redemption then finds.
 */
import { describe, expect, it } from "vitest";
import type { LoyaltyError } from "../../src/index.js";
import { expectError } from "../support/errors.js";
import { ladder, rewardsProgram } from "../support/programs.js";
import { DAY, monthly, mug, setup } from "../support/rewards.js";

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
