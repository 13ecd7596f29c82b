/**
 * Cancelling a redemption whose wallet lapsed for inactivity after it (defect 9): had the points
 * not been redeemed, the lapse would have taken them, so the cancellation forfeits them (counted as
 * expired) instead of reviving them as a grace lot. The cancellation is activity, but it comes
 * after the lapse: it cannot revive what already lapsed.
 */
import { describe, expect, it } from "vitest";
import { compileProgram } from "../../src/program/compile.js";
import { LedgerWriter } from "../../src/ledger/writer.js";
import { cancelRedemption } from "../../src/rewards/cancel.js";
import { rewardsProgram } from "../support/programs.js";
import { DAY, cancelEntry, refuses, setup, type RewardInput } from "../support/rewards.js";

/** A 400-point gift, in a program whose points lapse after 2 months without activity (30-day grace by default). */
const hamper: RewardInput = { kind: "product", id: "hamper", wallet: "points", price: "400" };
const dormant = (graceDays?: number) =>
  rewardsProgram([hamper], {
    expiry: { kind: "inactivity", months: 2 },
    ...(graceDays === undefined ? {} : { cancellation: { graceDays } }),
  });

describe("cancelling a redemption after the wallet lapsed for inactivity", () => {
  it("forfeits the points (counted as expired): no grace lot, nothing to spend or convert", async () => {
    const s = await setup(dormant(), "2026-06-01T11:00:00Z");
    await s.enroll();
    await s.credit("400");
    await s.redeem("hamper", { key: "k" }); // activity: the deadline is 1 August
    s.t.set("2026-08-15T11:00:00Z"); // nothing since: the wallet lapsed on 1 August
    const c = await s.cancel("k");
    expect(c).toMatchObject({ restored: "0", regranted: "0", forfeited: "400", debtRepaid: "0" });
    expect(cancelEntry(c)).toMatchObject({ lots: [], lot: null, regranted: "0", forfeited: "400" });
    const w = await s.wallet();
    expect(w).toMatchObject({ available: "0", pending: "0", expiredUnswept: "0" });
    expect(w.lifetime).toMatchObject({ adjusted: "400", spent: "0", expired: "400" });
    // The cancellation was activity (the deadline moved on), but it brought nothing back to life.
    await refuses(s, "again", () => s.redeem("hamper", { key: "again" }), "INSUFFICIENT_POINTS");
    s.t.set("2026-09-10T11:00:00Z");
    expect((await s.wallet()).available).toBe("0");
    expect(await s.violations()).toEqual([]);
  });

  it("forfeits them whatever activity came since the lapse, and whether a sweep recorded the lapse or not", async () => {
    for (const sweep of [false, true]) {
      const s = await setup(dormant(), "2026-06-01T11:00:00Z");
      await s.enroll();
      await s.credit("400");
      await s.redeem("hamper", { key: "k" });
      s.t.set("2026-08-15T11:00:00Z");
      if (sweep) await s.engine.expire();
      await s.event("bonus"); // activity after the lapse (+100): the deadline moves to mid October
      const c = await s.cancel("k");
      expect(c, `sweep ${sweep}`).toMatchObject({ restored: "0", regranted: "0", forfeited: "400" });
      expect((await s.wallet()).available).toBe("100");
      expect(await s.violations()).toEqual([]);
    }
  });

  it("the decision alone forfeits too, at an instant past the deadline whose lapse no due work has recorded", async () => {
    const def = dormant();
    const s = await setup(def, "2026-06-01T11:00:00Z");
    await s.enroll();
    await s.credit("400");
    await s.redeem("hamper", { key: "k" });
    const w = LedgerWriter.copying(await s.state(), {
      now: Date.parse("2026-08-15T11:00:00Z"),
      newId: () => "c",
      command: { key: "c", type: "cancelRedemption" },
    });
    const out = cancelRedemption(w, compileProgram(def), { redemptionId: "k", reason: null });
    expect({ restored: out.restored.toString(), regranted: out.regranted.toString() }).toEqual({
      restored: "0",
      regranted: "0",
    });
    expect(out.forfeited.toString()).toBe("400");
  });

  it("before the deadline, the same cancellation restores the points to their lot (the control)", async () => {
    const s = await setup(dormant(), "2026-06-01T11:00:00Z");
    await s.enroll();
    await s.credit("400");
    await s.redeem("hamper", { key: "k" });
    s.t.set("2026-07-31T11:00:00Z");
    const c = await s.cancel("k");
    expect(c).toMatchObject({ restored: "400", regranted: "0", forfeited: "0" });
    expect((await s.wallet()).available).toBe("400");
  });

  it("a lot that expired by its own date (a rule's term) in an inactivity wallet still comes back as a grace lot", async () => {
    const def = rewardsProgram([{ ...hamper, price: "100" }], {
      expiry: { kind: "inactivity", months: 2 },
      pending: { days: 0 },
    });
    const s = await setup(def, "2026-06-01T11:00:00Z");
    await s.enroll();
    await s.event("promo"); // 50 points with a term of their own
    await s.credit("50");
    await s.redeem("hamper", { key: "k" });
    const promo = (await s.state()).redemptions.k!.draws.find((d) => d.lot.expiresAt !== null)!;
    s.t.set(promo.lot.expiresAt! + DAY); // before the wallet's deadline
    const c = await s.cancel("k");
    expect(c).toMatchObject({ restored: "50", regranted: "50", forfeited: "0" });
    // The grace lot lasts its 30 days: the cancellation was activity, so the deadline is 2 months on.
    expect(cancelEntry(c).lot!.expiresAt).toBe(new Date(promo.lot.expiresAt! + 31 * DAY).toISOString());
    expect((await s.wallet()).available).toBe("100");
    expect(await s.violations()).toEqual([]);
  });
});
