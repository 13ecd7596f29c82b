/**
 * Refunds under `refunds: "atOnce"` (issue 19, defect 8): a refund takes back a tier reached by
 * promotion, but never below the tier the last review confirmed (or holds through a grace period)
 * while that review's guarantee lasts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readAllEntries } from "../../src/testing/index.js";
import type { ProgramDefinition } from "../../src/index.js";
import { testEngine } from "../support/engine.js";
import { tierProgram } from "../support/programs.js";
import { opArb, runScript, tierEntries, variantArb, variantProgram, type Op } from "../support/tier-scripts.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

async function setup(def: ProgramDefinition, start: string) {
  const { engine, store, t } = testEngine(def, start);
  let n = 0;
  const buy = (amount: string) =>
    engine.recordPurchase({ key: `p${++n}`, memberId: "m", purchaseId: `o${n}`, amount, currency: "GBP" });
  const refund = (purchaseId: string, amount: string) =>
    engine.refund({ key: `r-${purchaseId}-${amount}`, memberId: "m", purchaseId, amount, currency: "GBP" });
  const tierOf = async () => (await engine.summary("m")).tier!;
  const history = async () =>
    tierEntries(await readAllEntries(store, def.id, "m")).map((e) => [e.reason, e.from, e.to, e.tier.since]);
  await engine.enroll({ key: "e", memberId: "m" });
  return { engine, t, buy, refund, tierOf, history };
}

describe("atOnce: a refund never takes a tier a review confirmed", () => {
  // Bronze, silver at 500 status points, gold at 1000, a calendar year reviewed on 1 January.
  it("silver requalified on 1 January, gold by promotion in March, a return leaves 100 points: back to silver, no lower", async () => {
    const s = await setup(tierProgram({ refunds: "atOnce" }), "2026-03-01T12:00:00Z");
    await s.buy("600.00"); // o1: silver for 2026
    s.t.set("2027-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ requalified: 1 }); // silver, guaranteed to 2028
    s.t.set("2027-02-01T12:00:00Z");
    await s.buy("100.00"); // o2
    s.t.set("2027-03-10T12:00:00Z");
    await s.buy("900.00"); // o3: 1000 in 2027, gold
    expect((await s.tierOf()).id).toBe("gold");
    const r = await s.refund("o3", "900.00"); // 100 left in 2027's window
    expect(tierEntries(r.entries).map((e) => [e.from, e.to, e.reason])).toEqual([["gold", "silver", "refund"]]);
    expect(await s.tierOf()).toMatchObject({
      id: "silver",
      guaranteedUntil: "2028-01-01T00:00:00.000Z",
      nextReviewAt: "2028-01-01T00:00:00.000Z",
      graceUntil: null,
    });
    // A second return, of the rest of 2027's points, takes nothing more: silver is the review's to decide.
    const r2 = await s.refund("o2", "100.00");
    expect(tierEntries(r2.entries)).toEqual([]);
    expect((await s.tierOf()).id).toBe("silver");
    // The review at the close of 2027 decides on 2027, which now counts nothing.
    s.t.set("2028-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    expect((await s.tierOf()).id).toBe("bronze");
  });

  it("a refund after the review's guarantee ended takes a promotion back to what the window supports", async () => {
    // Quarter-end reviews of a 6-month rolling window: silver requalified on 1 April is
    // guaranteed to 1 July only; the review on 1 July promotes, and its gold is the refund's to take.
    const s = await setup(
      tierProgram({
        window: { kind: "rolling", months: 6 },
        review: { schedule: { kind: "periodEnd", period: "quarter" }, demotion: "recompute" },
        refunds: "atOnce",
        promotion: "atReview",
      }),
      "2026-02-10T12:00:00Z",
    );
    await s.buy("600.00"); // o1
    s.t.set("2026-04-01T00:00:00Z");
    await s.engine.reviewTiers(); // promotion to silver at 1 April (atReview)
    s.t.set("2026-05-10T12:00:00Z");
    await s.buy("500.00"); // o2: 1100 in the window
    s.t.set("2026-07-01T00:00:00Z");
    await s.engine.reviewTiers(); // gold at the 1 July review; the 1 April hold has ended
    expect((await s.tierOf()).id).toBe("gold");
    s.t.set("2026-07-05T12:00:00Z");
    const r = await s.refund("o2", "500.00");
    expect(tierEntries(r.entries).map((e) => [e.from, e.to, e.reason])).toEqual([["gold", "silver", "refund"]]);
  });

  it("a grace period is the review's hold too: a refund of the purchase that promoted out of it falls back into it", async () => {
    const s = await setup(
      tierProgram({
        review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute", graceMonths: 3 },
        refunds: "atOnce",
      }),
      "2026-03-01T12:00:00Z",
    );
    await s.buy("600.00");
    s.t.set("2027-01-01T00:00:00Z");
    await s.engine.reviewTiers(); // silver requalified on 2026
    s.t.set("2028-01-01T00:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ grace_started: 1 }); // nothing in 2027
    s.t.set("2028-02-10T12:00:00Z");
    await s.buy("1100.00"); // o2: gold, out of grace
    expect(await s.tierOf()).toMatchObject({ id: "gold", graceUntil: null });
    const r = await s.refund("o2", "1100.00");
    expect(tierEntries(r.entries).map((e) => [e.from, e.to, e.reason])).toEqual([["gold", "silver", "refund"]]);
    // Back in the grace the review started: held to 1 April (BST midnight), then decided again.
    expect(await s.tierOf()).toMatchObject({
      id: "silver",
      graceUntil: "2028-03-31T23:00:00.000Z",
      nextReviewAt: "2028-03-31T23:00:00.000Z",
    });
    s.t.set("2028-03-31T23:00:00Z");
    expect((await s.engine.reviewTiers()).changes).toEqual({ demotion: 1 });
    expect((await s.tierOf()).id).toBe("bronze");
  });
});

describe("atOnce property", () => {
  // Random histories around the one that matters: a tier kept at a review, then a purchase that
  // promotes, returned while the review's guarantee lasts.
  // Amounts around the ladder's thresholds (t1 300, t2 800, t3 1500 and 3 purchases).
  const amount = fc.integer({ min: 250, max: 900 });
  const patternArb = fc
    .tuple(
      amount,
      fc.integer({ min: 20, max: 200 }),
      fc.integer({ min: 1, max: 40 }),
      amount,
      fc.integer({ min: 1, max: 2 }),
    )
    .map(([first, wait, after, second, part]): Op[] => [
      { kind: "buy", amount: first },
      { kind: "advance", days: wait },
      { kind: "review" },
      { kind: "advance", days: after },
      { kind: "buy", amount: second },
      { kind: "refund", index: -1, part },
    ]);
  const scriptArb = fc
    .tuple(fc.array(opArb, { maxLength: 10 }), patternArb, fc.array(opArb, { maxLength: 10 }))
    .map(([before, pattern, after]) => [...before, ...pattern, ...after]);

  it("after any purchases, refunds and reviews, a refund never leaves the member below the tier the last review confirmed while its guarantee lasts", async () => {
    const level = (id: string) => Number(id.slice(1));
    let bounded = 0;
    await fc.assert(
      fc.asyncProperty(variantArb, scriptArb, async (v, script) => {
        const { entries } = await runScript(
          variantProgram({ ...v, refunds: "atOnce", promotion: "immediate" }),
          script,
        );
        // What the last review left the member in, read from the statement's reasons alone.
        let hold: { level: number; until: number } | null = null;
        let tier = 0;
        entries.forEach((e, i) => {
          if (e.kind === "tier") {
            if (e.reason === "refund" && hold !== null && level(e.to) === hold.level) bounded++;
            tier = level(e.to);
            const until = e.reason === "grace_started" ? e.tier.graceUntil : e.tier.guaranteedUntil;
            if (e.reason === "requalified" || e.reason === "grace_started" || e.reason === "demotion")
              hold = until === null || tier === 0 ? null : { level: tier, until: Date.parse(until) };
          }
          // The tier a refund command leaves, after its last entry.
          const last = entries[i + 1]?.command.key !== e.command.key;
          if (last && e.command.type === "refund" && hold !== null && Date.parse(e.at) < hold.until)
            expect(tier, `after refund ${e.command.key} at ${e.at}`).toBeGreaterThanOrEqual(hold.level);
        });
      }),
      { numRuns: RUNS * 3 },
    );
    // The histories reached refunds that fell back to a review's hold, so the check above bit.
    expect(bounded).toBeGreaterThan(0);
  }, 60_000);
});
