// The code of docs/testing.md, run by `npm test`. Each region below is, byte for byte, a block of
// the guide (test/docs/guide-code.test.ts holds them together), so the guide cannot drift from code
// that runs. Outside the regions there are only comments.
//
// The imports are the package's own names, as a user writes them: vitest (vitest.config.ts) and
// tsc (tsconfig.json paths) resolve them to src/.

// #region docs/testing.md
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, createLoyaltyEngine, createMemoryStore, defineProgram } from "loyalty-engine";
import { memberViolations, moneyArb, operationArb, readAllEntries, runOperations, testClock } from "loyalty-engine/testing";

// Your program, as your application defines it (in a test you would import it from your module).
const program = defineProgram({
  id: "coffee-club",
  version: 1,
  currency: "GBP",
  timeZone: "Europe/London",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying" }, // tier credits, never spent
  ],
  pending: { days: 14 },
  expiry: { after: { months: 12 } },
  refunds: { negativeBalance: "within_balance", baseRule: "base" },
  rules: [
    {
      id: "base",
      on: "purchase",
      awards: [
        { kind: "rate", points: "10", per: "1", wallet: "points" }, // 10 points per £1
        { kind: "rate", points: "1", per: "1", wallet: "status" },
      ],
      caps: { perMember: [{ period: "day", points: "2000" }] }, // per wallet: at most 2,000 points a day
    },
    { id: "review", on: "review", awards: [{ kind: "fixed", points: "50", wallet: "points" }] },
  ],
});

// Start anywhere in 2025-2027: runs cross month ends, clock changes and (with clock steps) a leap day.
const startArb = fc.integer({ min: Date.parse("2025-01-01T00:00:00Z"), max: Date.parse("2027-12-31T00:00:00Z") });
// Up to 30 steps: purchases, refunds, returns, spends, adjustments, reviews and moves of the clock.
const scriptArb = fc.array(operationArb(["review"]), { maxLength: 30 });

/** One member on a fresh engine and store, with a clock the test moves and numbered ids. */
async function newMember(start: number) {
  const time = testClock(start);
  const store = createMemoryStore();
  const engine = createLoyaltyEngine({ program, store, clock: time.clock, ids: time.ids });
  await engine.enroll({ key: "enroll", memberId: "m" });
  const target = { engine, memberId: "m", currency: "GBP", spendWallet: "points", advance: time.advance };
  return { engine, store, time, target };
}
// #endregion

// #region docs/testing.md
describe("coffee-club keeps the ledger's invariants", () => {
  it("after every step of any script", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, async (start, script) => {
        const { store, time, target } = await newMember(start);
        await runOperations(target, script, async () => {
          expect(await memberViolations(store, program.id, "m", time.now())).toEqual([]);
        });
      }),
      { numRuns: 50 },
    );
  });
});
// #endregion

// #region docs/testing.md
/** The local date of an instant in the program's zone: en-CA writes dates as YYYY-MM-DD. */
const localDay = (at: string) => new Intl.DateTimeFormat("en-CA", { timeZone: program.timeZone }).format(new Date(at));

describe("coffee-club's own rules", () => {
  it("no member earns more than 2,000 base points in one local day", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, async (start, script) => {
        const { store, target } = await newMember(start);
        await runOperations(target, script);
        const perDay = new Map<string, Decimal>();
        for (const entry of await readAllEntries(store, program.id, "m")) {
          if (entry.kind !== "earn" || entry.ruleId !== "base" || entry.wallet !== "points") continue;
          const day = localDay(entry.at);
          perDay.set(day, (perDay.get(day) ?? new Decimal(0)).plus(entry.points));
        }
        for (const points of perDay.values()) expect(points.lte(2000)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("a full refund takes back what the purchase earned, whatever happened in between", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, moneyArb(2, 40_000), scriptArb, async (start, before, amount, after) => {
        const { engine, target } = await newMember(start);
        await runOperations(target, before);
        const order = { memberId: "m", purchaseId: "order-1", amount, currency: "GBP" };
        const earned = await engine.recordPurchase({ key: "order-1", ...order });
        await runOperations({ ...target, keyPrefix: "after" }, after);
        const refund = await engine.refund({ key: "refund-1", ...order });
        // Per wallet, each point comes back from a lot, becomes debt, or is forgiven (spent, or expired).
        for (const [wallet, points] of Object.entries(earned.totals)) {
          const line = refund.reversed.find((r) => r.wallet === wallet);
          expect(new Decimal(line?.points ?? 0).plus(line?.debt ?? 0).plus(line?.forgiven ?? 0).toString()).toBe(points);
        }
      }),
      { numRuns: 50 },
    );
  });
});
// #endregion
