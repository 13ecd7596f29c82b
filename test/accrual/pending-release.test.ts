/**
 * Pending points released at the start of a local day (issue 17): `pending.roundUpTo: "day"` makes
 * purchase points available at the next local midnight after `pending.days` (Capillary's "next
 * morning"), rather than at the purchase's time of day N days later.
 *
 * Source: Capillary's glossary, "Delayed accrual and promised points"
 * (https://support.capillarytech.com/en/support/solutions/articles/4000176113-glossary): a store with
 * a seven-day return policy; a shirt earns 20 points, shown as promised (pending) at once and
 * credited after seven days; returned within the return period, the promised points are reverted
 * and the current (available) points never change.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pendingUntil } from "../../src/accrual/earn.js";
import { compileProgram, type Program } from "../../src/index.js";
import { addDaysKey, dayStart } from "../../src/shared/calendar.js";
import { addLocal, dateKey, localParts } from "../../src/shared/time.js";
import { testEngine } from "../support/engine.js";
import { poundsProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

const capillary = (zone: string, days = 7) =>
  poundsProgram({ timeZone: zone, currency: "INR", pending: { days, roundUpTo: "day" } });

describe("Capillary: a shirt's 20 points, seven-day return policy, released the next morning", () => {
  it("are pending for seven days, then available from the next local midnight, not at the purchase's hour", async () => {
    // Bought Monday 1 June 2026 18:30 IST; seven days end Monday 8 June 18:30; released Tuesday 00:00 IST.
    const { engine, t } = testEngine(capillary("Asia/Kolkata"), "2026-06-01T13:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    const bought = await engine.recordPurchase({
      key: "p",
      memberId: "m",
      purchaseId: "shirt",
      amount: "20",
      currency: "INR",
    });
    expect(bought.availableAt).toBe("2026-06-08T18:30:00.000Z");
    expect((await engine.summary("m")).wallets.points).toMatchObject({ available: "0", pending: "20" });
    t.set(Date.parse("2026-06-08T13:00:00Z")); // seven days to the minute: still pending
    expect((await engine.summary("m")).wallets.points).toMatchObject({ available: "0", pending: "20" });
    t.set(Date.parse("2026-06-08T18:29:59.999Z"));
    expect((await engine.summary("m")).wallets.points!.available).toBe("0");
    t.set(Date.parse("2026-06-08T18:30:00.000Z"));
    expect((await engine.summary("m")).wallets.points).toMatchObject({ available: "20", pending: "0" });
  });

  it("returned within the return period, the promised points are reverted and never become available", async () => {
    const { engine, t } = testEngine(capillary("Asia/Kolkata"), "2026-06-01T13:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "shirt", amount: "20", currency: "INR" });
    t.set(Date.parse("2026-06-08T16:00:00Z")); // after 7×24h, before the next morning
    await engine.refund({ key: "r", memberId: "m", purchaseId: "shirt", amount: "20", currency: "INR" });
    t.set(Date.parse("2026-06-10T00:00:00Z"));
    expect((await engine.summary("m")).wallets.points).toMatchObject({ available: "0", pending: "0" });
  });

  it.each([
    // 28 March 15:00 GMT + the night the clocks go forward: 29 March 00:00 GMT (01:00 is skipped).
    ["spring", "2026-03-21T15:00:00Z", "2026-03-29T00:00:00.000Z"],
    // 25 October 10:00 GMT, the day the clocks go back (a 25-hour day): 26 October 00:00 GMT.
    ["autumn", "2026-10-18T09:00:00Z", "2026-10-26T00:00:00.000Z"],
  ])("across the %s DST change in London, released at local midnight", async (_name, at, released) => {
    const { engine } = testEngine(capillary("Europe/London"), at);
    await engine.enroll({ key: "e", memberId: "m" });
    const bought = await engine.recordPurchase({
      key: "p",
      memberId: "m",
      purchaseId: "x",
      amount: "5",
      currency: "INR",
    });
    expect(bought.availableAt).toBe(released);
  });
});

describe("pending release property (seeds printed on failure)", () => {
  const zones = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo"];
  const programs = new Map<string, Program>();
  const programFor = (zone: string, days: number) => {
    const key = `${zone} ${days}`;
    let p = programs.get(key);
    if (p === undefined) programs.set(key, (p = compileProgram(capillary(zone, days))));
    return p;
  };

  it("availableAt is a local midnight, after the purchase plus N days, and no later than a day after that", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse("2024-01-01T00:00:00Z"), max: Date.parse("2030-12-31T00:00:00Z") }),
        fc.constantFrom(...zones),
        fc.constantFrom(0, 1, 7, 14, 30),
        (at, zone, days) => {
          const availableAt = pendingUntil(programFor(zone, days), at);
          const nDaysLater = addLocal(at, zone, { days });
          expect(localParts(availableAt, zone).minuteOfDay).toBe(0);
          expect(availableAt % 60_000).toBe(0);
          expect(availableAt).toBeGreaterThan(nDaysLater);
          expect(availableAt - nDaysLater).toBeLessThanOrEqual(25 * 3_600_000);
          const p = localParts(at, zone);
          expect(availableAt).toBeGreaterThanOrEqual(dayStart(addDaysKey(dateKey(p.year, p.month, p.day), days), zone));
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });
});
