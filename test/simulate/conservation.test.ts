import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/index.js";
import { simulate, type ProgramFigures } from "../../src/simulate/index.js";
import { tierProgram } from "../support/programs.js";
import { historyArb, historyOf } from "./support.js";

/** Tiers reviewed each year, 6-month expiry, a 14-day return window, a £5 voucher for 50 points. */
const program = tierProgram(
  {},
  {
    expiry: { after: { months: 6 } },
    pending: { days: 14 },
    rewards: [{ id: "voucher", kind: "voucher", wallet: "points", price: "50", value: "5.00" }],
  },
);

/** Month by month: points issued to date less redeemed, expired and reversed equal the members' outstanding points. */
function expectConservation(p: ProgramFigures) {
  let flow = new Decimal(0);
  for (const m of p.months) {
    flow = flow.plus(m.issued).minus(m.redeemed).minus(m.expired).minus(m.reversed);
    expect({ month: m.month, outstanding: m.outstanding }).toEqual({ month: m.month, outstanding: flow.toFixed() });
  }
  expect(p.totals.outstanding).toBe(flow.toFixed());
}

describe("simulate: conservation", () => {
  it("issued = redeemed + expired + reversed + outstanding, month by month, whatever the history", async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, fc.integer({ min: 0, max: 1000 }), async (history, seed) => {
        const r = await simulate({ program, history, seed, redemption: { kind: "cheapest", probability: 0.7 } });
        expectConservation(r.base);
        // Every member row is either refused or accepted; the refused ones are all listed.
        for (const x of r.base.refused) expect(history.some((e) => e.line === x.line)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it("is deterministic for a seed, and the figures show what the history made happen", async () => {
    const [history] = fc.sample(historyOf(30), { numRuns: 1, seed: 7 });
    const a = await simulate({ program, history: history!, seed: 3 });
    const b = await simulate({ program, history: history!, seed: 3 });
    expect(b).toEqual(a);
    expectConservation(a.base);
    const months = a.base.months.length;
    expect(months).toBeGreaterThanOrEqual(12);
    expect(a.base.refusedByCode.CURRENCY_MISMATCH ?? 0).toBe(history!.filter((e) => e.currency === "USD").length);
  });
});
