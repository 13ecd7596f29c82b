/**
 * Properties that span the rewards commands together: after every command (purchases, refunds,
 * redemptions, cancellations, restocks, sweeps) the ledger invariants hold and a refused command
 * writes nothing; and random histories end the same with and without sweeps in between. The
 * properties of one behaviour live beside it (stock.test.ts, cancel.test.ts, convert.test.ts).
 * Over 300 lines: two long random histories, each read as a whole.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoyaltyError, type ProgramDefinition } from "../../src/index.js";
import {
  memberViolations,
  operationArb,
  runOperations,
  storeFingerprint,
  unitsToDecimal,
} from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { T0 } from "../support/members.js";
import { bonusRule, ladder, poundsProgram, promoRule, purchaseRule, rewardsProgram } from "../support/programs.js";
import { RUNS, setup, startArb, type RewardInput } from "../support/rewards.js";

describe("properties", () => {
  /** A seed whose first runs reach every outcome the check at the end lists (found by trying seeds). */
  const COVERING_SEED = 6;

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
    const scripts = fc.asyncProperty(
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
        const redemptions: Record<string, { id: string; at: number }[]> = { a: [], b: [] };
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
                  redemptions[m]!.push({ id: r.redemptionId, at: s.t.now() });
                  return r;
                });
              break;
            }
            case "cancel": {
              const list = redemptions[m]!;
              if (list.length === 0) break;
              const r = list[op.pick % list.length]!;
              // Defect 9: if the wallet lapsed for inactivity after the redemption, the lapse took its
              // points: the cancellation forfeits them (or repays debt), never restores or regrants.
              run = s.cancel(r.id, key, m).then(async (c) => {
                if (((await s.state(m)).lapsed.points ?? -Infinity) > r.at) {
                  expect({ restored: c.restored, regranted: c.regranted }).toEqual({ restored: "0", regranted: "0" });
                  // Counted where a grace lot was possible, so that the seeded runs show the check can fail.
                  if (v.graceDays !== 0 && c.forfeited !== "0")
                    seen.set("cancel:lapsed", (seen.get("cancel:lapsed") ?? 0) + 1);
                }
                return c;
              });
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
    );
    // Half the runs from a fixed seed that reaches every outcome listed below (so the check of what
    // the scripts reached cannot fail by chance), half from a random seed, which fast-check prints
    // if a run fails.
    await fc.assert(scripts, { numRuns: RUNS, seed: COVERING_SEED });
    await fc.assert(scripts, { numRuns: RUNS });
    // The scripts reached the interesting outcomes.
    for (const outcome of [
      "redeem:ok",
      "cancel:ok",
      "cancel:REDEMPTION_CANCELLED",
      "redeem:INSUFFICIENT_POINTS",
      "redeem:LIMIT_REACHED",
      "redeem:OUT_OF_STOCK",
      "refund:ok",
      "cancel:lapsed",
    ]) {
      expect(seen.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

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
