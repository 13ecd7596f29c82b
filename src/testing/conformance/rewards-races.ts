/**
 * The rewards races through the engine: redemptions against one balance, the last unit of stock,
 * a stock of several, transfers among members, and faults injected into a two-member or stock commit.
 */
import { describe, expect, it } from "vitest";
import type { LoyaltyEngine } from "../../engine/engine.js";
import type { LoyaltyError } from "../../errors/loyalty-error.js";
import { Decimal } from "../../shared/decimal.js";
import { memberViolations, readAllEntries, storeFingerprint } from "../invariants.js";
import {
  type ConformanceContext,
  DAY,
  countFaultPoints,
  engineOn,
  expectCode,
  rewardsProgram,
  storeFailingAt,
} from "./context.js";

export function rewardsRaces(context: ConformanceContext): void {
  const { make, close, concurrency: n } = context;
  describe("rewards races", () => {
    const W = rewardsProgram.id;
    async function members(engine: LoyaltyEngine, count: number, points: string) {
      for (let i = 0; i < count; i++) {
        await engine.enroll({ key: `e${i}`, memberId: `m${i}` });
        await engine.adjust({ key: `a${i}`, memberId: `m${i}`, wallet: "points", points, reason: "seed" });
      }
    }

    it(`lets exactly as many of ${n} concurrent redemptions succeed as the balance covers, no lot below zero`, async () => {
      const store = await make();
      const { engine, t } = engineOn(store, undefined, 2 * n + 5, rewardsProgram);
      await engine.enroll({ key: "enroll", memberId: "m1" });
      const covers = Math.floor(n / 2) - 1;
      // Several lots with different expiries, so the draws cross lots.
      for (let i = 0; i < covers; i++) {
        await engine.recordPurchase({
          key: `p${i}`,
          memberId: "m1",
          purchaseId: `o${i}`,
          amount: "10.00",
          currency: "GBP",
        });
        t.advance(DAY);
      }
      await engine.adjust({ key: "extra", memberId: "m1", wallet: "points", points: "5", reason: "seed" });
      const outcomes = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          engine.redeem({ key: `r${i}`, memberId: "m1", rewardId: "coffee" }).then(
            () => "ok",
            (e: LoyaltyError) => e.code,
          ),
        ),
      );
      expect(outcomes.filter((o) => o === "ok")).toHaveLength(covers);
      expect(outcomes.filter((o) => o !== "ok").every((o) => o === "INSUFFICIENT_POINTS")).toBe(true);
      expect((await engine.summary("m1")).wallets.points!.available).toBe("5");
      expect(await memberViolations(store, W, "m1", t.now())).toEqual([]);
      await close(store);
    });

    it(`gives the last unit of stock to exactly one of ${n} members redeeming it at once`, async () => {
      const store = await make();
      const { engine, t } = engineOn(store, undefined, 2 * n + 5, rewardsProgram);
      await members(engine, n, "25");
      const outcomes = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          engine.redeem({ key: `r${i}`, memberId: `m${i}`, rewardId: "mug" }).then(
            () => "ok",
            (e: LoyaltyError) => e.code,
          ),
        ),
      );
      expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
      expect(outcomes.filter((o) => o !== "ok").every((o) => o === "OUT_OF_STOCK")).toBe(true);
      expect(await engine.stock("mug")).toBe(0);
      const winner = outcomes.indexOf("ok");
      for (let i = 0; i < n; i++) {
        expect((await engine.summary(`m${i}`)).wallets.points!.available).toBe(i === winner ? "15" : "25");
        expect(await memberViolations(store, W, `m${i}`, t.now())).toEqual([]);
      }
      // A cancellation gives the unit back, and the next member gets it.
      await engine.cancelRedemption({ key: "c", memberId: `m${winner}`, redemptionId: `r${winner}` });
      expect(await engine.stock("mug")).toBe(1);
      const next = (winner + 1) % n;
      await engine.redeem({ key: "again", memberId: `m${next}`, rewardId: "mug" });
      expect(await engine.stock("mug")).toBe(0);
      await close(store);
    });

    it(`lets exactly 5 of ${n} members take a stock of 5 at once, and never below zero`, async () => {
      const store = await make();
      const { engine } = engineOn(store, undefined, 2 * n + 5, rewardsProgram);
      await members(engine, n, "10");
      const outcomes = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          engine.redeem({ key: `r${i}`, memberId: `m${i}`, rewardId: "tshirt" }).then(
            () => "ok",
            (e: LoyaltyError) => e.code,
          ),
        ),
      );
      expect(outcomes.filter((o) => o === "ok")).toHaveLength(Math.min(5, n));
      expect(await engine.stock("tshirt")).toBe(Math.max(0, 5 - n));
      await close(store);
    });

    it(`conserves points over ${n} concurrent transfers among 4 members, each landing on both or neither`, async () => {
      const store = await make();
      const { engine, t } = engineOn(store, undefined, 2 * n + 5, rewardsProgram);
      await members(engine, 4, "30");
      const outcomes = await Promise.all(
        Array.from({ length: n }, (_, i) => {
          const from = i % 4,
            to = (i * 3 + 1) % 4 === from ? (from + 1) % 4 : (i * 3 + 1) % 4;
          return engine
            .transfer({
              key: `t${i}`,
              fromMemberId: `m${from}`,
              toMemberId: `m${to}`,
              wallet: "points",
              points: String(5 + (i % 4) * 5),
            })
            .then(
              () => "ok",
              (e: LoyaltyError) => e.code,
            );
        }),
      );
      expect(outcomes.every((o) => o === "ok" || o === "INSUFFICIENT_POINTS")).toBe(true);
      let total = new Decimal(0);
      for (let i = 0; i < 4; i++) {
        total = total.plus((await engine.summary(`m${i}`)).wallets.points!.available);
        expect(await memberViolations(store, W, `m${i}`, t.now())).toEqual([]);
      }
      expect(total.toString()).toBe("120");
      // Each landed transfer is on both statements.
      const entries = (await Promise.all([0, 1, 2, 3].map((i) => readAllEntries(store, W, `m${i}`))))
        .flat()
        .filter((e) => e.kind === "transfer");
      const landed = outcomes.flatMap((o, i) => (o === "ok" ? [`t${i}`] : []));
      expect(
        [
          ...new Set(
            entries
              .filter((e) => e.kind === "transfer" && e.direction === "out")
              .map((e) => (e as { transferId: string }).transferId),
          ),
        ].sort(),
      ).toEqual([...landed].sort());
      expect(
        [
          ...new Set(
            entries
              .filter((e) => e.kind === "transfer" && e.direction === "in")
              .map((e) => (e as { transferId: string }).transferId),
          ),
        ].sort(),
      ).toEqual([...landed].sort());
      await close(store);
    });

    it("leaves nothing written on either member, nor in stock, when a transfer or a redemption fails at any step of its commit", async () => {
      const commands: { name: string; run: (e: LoyaltyEngine) => Promise<unknown>; keys: string[] }[] = [
        {
          name: "transfer",
          run: (e) => e.transfer({ key: "x", fromMemberId: "m0", toMemberId: "m1", wallet: "points", points: "7" }),
          keys: ["x"],
        },
        {
          name: "redeem",
          run: (e) => e.redeem({ key: "x", memberId: "m0", rewardId: "tshirt", quantity: 2 }),
          keys: ["x"],
        },
      ];
      for (const command of commands) {
        const points = await countFaultPoints(context, async (probe, arm) => {
          const { engine: p } = engineOn(probe, undefined, 10, rewardsProgram);
          await members(p, 2, "30");
          arm(true);
          await command.run(p);
        });
        expect(points).toBeGreaterThan(0);
        for (let failAt = 1; failAt <= points; failAt++) {
          const { store, arm } = await storeFailingAt(context, failAt);
          const { engine, t } = engineOn(store, undefined, 10, rewardsProgram);
          await members(engine, 2, "30");
          const before = await storeFingerprint(store, W, ["m0", "m1"], command.keys, ["tshirt"]);
          arm(true);
          await expectCode(command.run(engine), "STORE_FAILURE");
          arm(false);
          expect(await storeFingerprint(store, W, ["m0", "m1"], command.keys, ["tshirt"])).toBe(before);
          await command.run(engine);
          for (const m of ["m0", "m1"]) expect(await memberViolations(store, W, m, t.now())).toEqual([]);
          expect((await engine.summary("m0")).wallets.points!.available).toBe(
            command.name === "transfer" ? "23" : "10",
          );
          if (command.name === "redeem") expect(await engine.stock("tshirt")).toBe(3);
          await close(store);
        }
      }
    });
  });
}
