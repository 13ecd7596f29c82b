/**
 * Grace periods (issue 19, defect 10): a tier in grace is held through it and decided again at its
 * end; requalifying is a review's step, so a purchase during grace never writes `requalified`, and
 * no `requalified` entry is dated at a review whose window did not meet the tier.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileProgram, foldEntries, type ProgramDefinition } from "../../src/index.js";
import { readAllEntries } from "../../src/testing/index.js";
import { qualifiedIndex } from "../../src/tiers/qualify.js";
import { keepIndex } from "../../src/tiers/review.js";
import { testEngine } from "../support/engine.js";
import { tierProgram } from "../support/programs.js";
import { opArb, runScript, tierEntries, variantArb, variantProgram, type Op } from "../support/tier-scripts.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

type Tiers = NonNullable<ProgramDefinition["tiers"]>;

/** Bronze and silver at 300 status points over `window`, with a grace period; refunds left to the reviews unless said. */
const silver300 = (
  window: Tiers["window"],
  schedule: Tiers["review"]["schedule"],
  graceMonths: number,
  refunds: Tiers["refunds"] = "atReview",
) =>
  tierProgram({
    levels: [
      { id: "bronze" },
      { id: "silver", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "300" }] } },
    ],
    window,
    review: { schedule, demotion: "recompute", graceMonths },
    refunds,
  });

async function setup(def: ProgramDefinition, start: string) {
  const { engine, store, t } = testEngine(def, start);
  let n = 0;
  const buy = (amount: string) =>
    engine.recordPurchase({ key: `p${++n}`, memberId: "m", purchaseId: `o${n}`, amount, currency: "GBP" });
  const tierOf = async () => (await engine.summary("m")).tier!;
  const history = async () =>
    tierEntries(await readAllEntries(store, def.id, "m")).map((e) => [e.reason, e.to, e.tier.reviewedAt]);
  await engine.enroll({ key: "e", memberId: "m" });
  return { engine, t, buy, tierOf, history };
}

describe("a purchase during grace does not end it: the review at its end decides", () => {
  it("quarter-end reviews of a 6-month window: the grace holds through a purchase, and its end requalifies", async () => {
    const s = await setup(
      silver300({ kind: "rolling", months: 6 }, { kind: "periodEnd", period: "quarter" }, 3),
      "2026-02-10T12:00:00Z",
    );
    await s.buy("400.00"); // silver by promotion, guaranteed to the quarter end
    s.t.set("2026-03-05T12:00:00Z");
    await s.engine.refund({ key: "r", memberId: "m", purchaseId: "o1", amount: "267.00", currency: "GBP" });
    expect((await s.tierOf()).metrics["points:status"]).toBe("133"); // 133 of 300
    s.t.set("2026-04-03T12:00:00Z");
    // The purchase's write first makes the quarter-end review (1 April, BST midnight): grace.
    const r = await s.buy("200.00");
    expect(tierEntries(r.entries).map((e) => [e.reason, e.tier.reviewedAt])).toEqual([
      ["grace_started", "2026-03-31T23:00:00.000Z"],
    ]);
    expect(await s.tierOf()).toMatchObject({
      id: "silver",
      graceUntil: "2026-06-30T23:00:00.000Z",
      nextReviewAt: "2026-06-30T23:00:00.000Z",
      metrics: { "points:status": "333" },
    });
    // The end of the grace (1 July, also the quarter end) reads 333 and requalifies, dated there.
    s.t.set("2026-06-30T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    expect(await s.tierOf()).toMatchObject({
      id: "silver",
      graceUntil: null,
      guaranteedUntil: "2026-09-30T23:00:00.000Z",
    });
    expect(await s.history()).toEqual([
      ["joined", "bronze", null],
      ["promotion", "silver", null],
      ["grace_started", "silver", "2026-03-31T23:00:00.000Z"],
      ["requalified", "silver", "2026-06-30T23:00:00.000Z"],
    ]);
  });

  it("daily reviews of a 30-day window: the same, the grace's end deciding on the window then", async () => {
    const s = await setup(silver300({ kind: "rolling", days: 30 }, { kind: "daily" }, 1), "2026-05-01T12:00:00Z");
    await s.buy("400.00");
    // Guaranteed until 1 May leaves the window: the local midnight that starts 1 June.
    expect(await s.tierOf()).toMatchObject({ id: "silver", guaranteedUntil: "2026-05-31T23:00:00.000Z" });
    s.t.set("2026-05-10T12:00:00Z");
    await s.engine.refund({ key: "r", memberId: "m", purchaseId: "o1", amount: "267.00", currency: "GBP" });
    s.t.set("2026-06-03T12:00:00Z");
    const r = await s.buy("350.00");
    expect(tierEntries(r.entries).map((e) => [e.reason, e.tier.reviewedAt])).toEqual([
      ["grace_started", "2026-05-31T23:00:00.000Z"],
    ]);
    expect(await s.tierOf()).toMatchObject({ id: "silver", graceUntil: "2026-06-30T23:00:00.000Z" });
    s.t.set("2026-07-01T08:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 });
    expect(await s.history()).toEqual([
      ["joined", "bronze", null],
      ["promotion", "silver", null],
      ["grace_started", "silver", "2026-05-31T23:00:00.000Z"],
      ["requalified", "silver", "2026-06-30T23:00:00.000Z"],
    ]);
    // Kept until 3 June leaves the 30-day window: the local midnight that starts 4 July.
    expect(await s.tierOf()).toMatchObject({
      id: "silver",
      graceUntil: null,
      guaranteedUntil: "2026-07-03T23:00:00.000Z",
    });
  });
});

describe("a refund during grace", () => {
  it("under atOnce, a refund of a purchase made during grace does not end the grace early", async () => {
    // Silver by promotion, guaranteed to the quarter end; a 30-day window has lost the purchase by
    // then, so the review starts the grace while the tier's basis is still the promotion.
    const def = silver300({ kind: "rolling", days: 30 }, { kind: "periodEnd", period: "quarter" }, 3, "atOnce");
    const s = await setup(def, "2026-01-10T12:00:00Z");
    await s.buy("400.00");
    s.t.set("2026-04-10T12:00:00Z");
    await s.buy("400.00"); // o2, after the review that started the grace: the window meets silver again
    expect(await s.tierOf()).toMatchObject({ id: "silver", graceUntil: "2026-06-30T23:00:00.000Z" });
    const r = await s.engine.refund({ key: "r", memberId: "m", purchaseId: "o2", amount: "400.00", currency: "GBP" });
    expect(tierEntries(r.entries)).toEqual([]);
    expect(await s.tierOf()).toMatchObject({ id: "silver", graceUntil: "2026-06-30T23:00:00.000Z" });
  });
});

describe("grace property", () => {
  // Random histories around the one that matters: a review that starts a grace period, then a
  // purchase that lifts the window. Half the runs take any variant; half have a grace period and
  // immediate promotion, where a purchase used to write the requalification.
  const amount = fc.integer({ min: 50, max: 900 });
  const patternArb = fc
    .tuple(amount, fc.integer({ min: 20, max: 200 }), fc.integer({ min: 1, max: 40 }), amount)
    .map(([first, wait, after, second]): Op[] => [
      { kind: "buy", amount: first },
      { kind: "advance", days: wait },
      { kind: "review" },
      { kind: "advance", days: after },
      { kind: "buy", amount: second },
    ]);
  const scriptArb = fc
    .tuple(fc.array(opArb, { maxLength: 10 }), patternArb, fc.array(opArb, { maxLength: 10 }))
    .map(([before, pattern, after]) => [...before, ...pattern, ...after]);
  const programArb = fc
    .tuple(variantArb, fc.boolean())
    .map(([v, focus]) => variantProgram(focus ? { ...v, graceMonths: 2, promotion: "immediate" } : v));

  it("every requalified entry's window, evaluated at its review instant, meets the tier", async () => {
    const level = (id: string) => Number(id.slice(1));
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(programArb, scriptArb, async (def, script) => {
        const program = compileProgram(def);
        const { entries } = await runScript(def, script);
        entries.forEach((e, i) => {
          if (e.kind !== "tier" || e.reason !== "requalified" || level(e.to) === 0) return;
          checked++;
          // The member as the review found it: everything written before the entry.
          const before = foldEntries("m", entries.slice(0, i));
          expect(e.tier.reviewedAt, `${e.at}: requalified with no review`).not.toBeNull();
          const at = Date.parse(e.tier.reviewedAt!);
          const kept = keepIndex(program, before, at, qualifiedIndex(program, before, at));
          expect(kept, `requalified ${e.to} at ${e.tier.reviewedAt}`).toBeGreaterThanOrEqual(level(e.to));
        });
      }),
      { numRuns: RUNS * 2 },
    );
    expect(checked).toBeGreaterThan(0);
  }, 60_000);
});
