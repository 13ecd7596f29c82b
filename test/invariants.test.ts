/**
 * One fast-check property per invariant of docs/architecture.md, over random member histories on the example
 * program (bonuses, two wallets, a 14-day pending period, 12-month expiry). The model-based test
 * checks the same invariants after every command against a reference model; these properties state
 * each invariant on its own.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../examples/program.js";
import {
  Decimal,
  createLoyaltyEngine,
  createMemoryStore,
  foldEntries,
  isLoyaltyError,
  walletBalance,
  type Entry,
  type LoyaltyStore,
} from "../src/index.js";
import {
  memberViolations,
  operationArb,
  racingStore,
  readAllEntries,
  runOperations,
  storeFingerprint,
  testClock,
  unitsToDecimal,
} from "../src/testing/index.js";
import { testEngine } from "./support/engine.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const DAY = 86_400_000;
const P = exampleProgram.id;
const startArb = fc.integer({ min: Date.parse("2025-01-01T00:00:00Z"), max: Date.parse("2027-12-31T00:00:00Z") });
// Redemptions and cancellations of the example catalogue too: every invariant covers them.
const scriptArb = fc.array(operationArb(undefined, { rewards: true }), { minLength: 1, maxLength: 40, size: "max" });
const REWARDS = ["voucher-5", "tote-bag", "school", "clubcard"];

async function fresh(start: number, store: LoyaltyStore = createMemoryStore()) {
  const { engine, t } = testEngine(exampleProgram, start, {
    store,
    maxAttempts: 50,
    codes: ({ redemptionId, index }) => `${redemptionId}/${index}`,
  });
  await engine.enroll({ key: "enroll", memberId: "m", birthday: "1990-06-15" });
  return {
    engine,
    store,
    t,
    target: { engine, memberId: "m", currency: "GBP", spendWallet: "points", advance: t.advance, rewards: REWARDS },
  };
}

describe("the ledger's invariants (docs/architecture.md)", () => {
  it("1. append-only: every command leaves the earlier entries exactly as they were", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, async (start, script) => {
        const { store, target } = await fresh(start);
        let before: Entry[] = await readAllEntries(store, P, "m");
        await runOperations(target, script, async () => {
          const after = await readAllEntries(store, P, "m");
          expect(after.slice(0, before.length)).toEqual(before);
          before = after;
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("2. lots stay within [0, amount], balance is the sum of available unexpired lots, and the snapshot is the fold", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, fc.integer({ min: 0, max: 400 * DAY }), async (start, script, probe) => {
        const { engine, store, t, target } = await fresh(start);
        await runOperations(target, script);
        expect(await memberViolations(store, P, "m", t.now())).toEqual([]);
        // At any later instant, without a sweep, the balance is the sum over available unexpired lots.
        t.advance(probe);
        const folded = foldEntries("m", await readAllEntries(store, P, "m"));
        const now = t.now();
        const expected = folded.lots
          .filter((l) => l.wallet === "points" && now >= l.availableAt && (l.expiresAt === null || now < l.expiresAt))
          .reduce((s, l) => s.plus(l.remaining), new Decimal(0));
        for (const l of folded.lots) expect(l.remaining.gte(0) && l.remaining.lte(l.amount)).toBe(true);
        expect((await engine.summary("m")).wallets.points!.available).toBe(expected.toFixed(0));
      }),
      { numRuns: RUNS },
    );
  });

  it("3. conservation: earned - spent - expired - reversed + adjusted = balance - debt, per wallet", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, async (start, script) => {
        const { engine, store, t, target } = await fresh(start);
        await runOperations(target, script);
        const folded = foldEntries("m", await readAllEntries(store, P, "m"));
        const summary = await engine.summary("m");
        for (const wallet of ["points", "status"]) {
          const s = summary.wallets[wallet]!;
          const b = walletBalance(folded, wallet, t.now());
          const left = new Decimal(s.lifetime.earned)
            .minus(s.lifetime.spent)
            .minus(s.lifetime.expired)
            .minus(s.lifetime.reversed)
            .plus(s.lifetime.adjusted);
          // "balance" here is every point still in a lot: available, pending, or expired but not yet written off.
          expect(left.toString()).toBe(b.available.plus(b.pending).plus(b.expiredUnswept).minus(b.debt).toString());
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("4. a spend draws the soonest-expiring lots first (ties: oldest), never pending or expired ones; one it cannot cover writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, fc.integer({ min: 1, max: 2000 }), async (start, script, points) => {
        const { engine, store, t, target } = await fresh(start);
        await runOperations(target, script);
        const folded = foldEntries("m", await readAllEntries(store, P, "m"));
        const now = t.now();
        const eligible = folded.lots.filter(
          (l) => l.wallet === "points" && now >= l.availableAt && (l.expiresAt === null || now < l.expiresAt),
        );
        const available = eligible.reduce((s, l) => s.plus(l.remaining), new Decimal(0));
        const before = await storeFingerprint(store, P, ["m"], ["spend"]);
        const result = await engine
          .spend({ key: "spend", memberId: "m", wallet: "points", points: String(points) })
          .catch((e: unknown) => e);
        if (available.lt(points)) {
          expect(isLoyaltyError(result, "INSUFFICIENT_POINTS")).toBe(true);
          expect(await storeFingerprint(store, P, ["m"], ["spend"])).toBe(before);
          return;
        }
        const spendEntry = (result as { entries: Entry[] }).entries.find((e) => e.kind === "spend")!;
        const order = [...eligible].sort(
          (a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) || a.earnedAt - b.earnedAt,
        );
        const drawn = spendEntry.kind === "spend" ? spendEntry.lots.map((d) => d.lotId) : [];
        // The lots drawn are a prefix of the spending order, each emptied but possibly the last.
        expect(drawn).toEqual(order.slice(0, drawn.length).map((l) => l.id));
        if (spendEntry.kind === "spend")
          spendEntry.lots.slice(0, -1).forEach((d, i) => expect(d.points).toBe(order[i]!.remaining.toString()));
      }),
      { numRuns: RUNS },
    );
  });

  it("5. a lot expires exactly at expiresAt in the program's zone: spendable 1 ms before, never at or after, sweep or not", async () => {
    const zones = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"];
    await fc.assert(
      fc.asyncProperty(
        startArb,
        fc.constantFrom(...zones),
        fc.integer({ min: 1, max: 24 }),
        async (start, timeZone, months) => {
          const program = { ...exampleProgram, timeZone, expiry: { after: { months } }, pending: { days: 0 } };
          const t = testClock(start);
          const engine = createLoyaltyEngine({ program, store: createMemoryStore(), clock: t.clock, ids: t.ids });
          await engine.enroll({ key: "e", memberId: "m" });
          const earned = await engine.adjust({
            key: "a",
            memberId: "m",
            wallet: "points",
            points: "10",
            reason: "test",
          });
          const lot = earned.entries.find((e) => e.kind === "adjust");
          const expiresAt = Date.parse(lot?.kind === "adjust" && lot.lot ? lot.lot.expiresAt! : "");
          t.set(expiresAt - 1);
          expect((await engine.summary("m")).wallets.points!.available).toBe("10");
          t.set(expiresAt);
          expect((await engine.summary("m")).wallets.points!.available).toBe("0");
          const refused = await engine
            .spend({ key: "s", memberId: "m", wallet: "points", points: "1" })
            .catch((e: unknown) => e);
          expect(isLoyaltyError(refused, "INSUFFICIENT_POINTS")).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("6. idempotency: the same key and payload replays the first result; another payload conflicts; neither writes", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, fc.integer({ min: 1, max: 30_000 }), async (start, script, units) => {
        const { engine, store, target } = await fresh(start);
        await runOperations(target, script);
        const cmd = {
          key: "same",
          memberId: "m",
          purchaseId: "same",
          amount: unitsToDecimal(units, 2),
          currency: "GBP",
        };
        const first = await engine.recordPurchase(cmd);
        const before = await storeFingerprint(store, P, ["m"], ["same"]);
        const again = await engine.recordPurchase({ ...cmd });
        expect(again).toEqual({ ...first, replayed: true });
        const conflict = await engine
          .recordPurchase({ ...cmd, amount: "1.00" === cmd.amount ? "2.00" : "1.00" })
          .catch((e: unknown) => e);
        expect(isLoyaltyError(conflict, "IDEMPOTENCY_CONFLICT")).toBe(true);
        expect(await storeFingerprint(store, P, ["m"], ["same"])).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });

  it("7. refunds never reverse more than the purchase earned, over any partial refunds", async () => {
    await fc.assert(
      fc.asyncProperty(
        startArb,
        scriptArb,
        fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 8 }),
        async (start, script, refunds) => {
          const { engine, store, target } = await fresh(start);
          await runOperations(target, script);
          await engine.recordPurchase({
            key: "buy",
            memberId: "m",
            purchaseId: "buy",
            amount: "123.45",
            currency: "GBP",
          });
          for (const [i, units] of refunds.entries()) {
            await engine
              .refund({
                key: `r${i}`,
                memberId: "m",
                purchaseId: "buy",
                amount: unitsToDecimal(units, 2),
                currency: "GBP",
              })
              .catch((e: unknown) => {
                if (!isLoyaltyError(e, "REFUND_EXCEEDS_PURCHASE")) throw e;
              });
          }
          const p = foldEntries("m", await readAllEntries(store, P, "m")).purchases.buy!;
          for (const [wallet, settled] of Object.entries(p.settled)) {
            expect(settled.lte(p.earned[wallet]!)).toBe(true);
            if (p.refunded.eq(p.amount)) expect(settled.eq(p.earned[wallet]!)).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("8. balances are a pure function of the commands and now: replaying on another store, with lost races, gives the same state", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, fc.infiniteStream(fc.boolean()), async (start, script, coin) => {
        const a = await fresh(start);
        // A store that loses a race now and then: the engine must reload and decide to the same result.
        const inner = createMemoryStore();
        const flaky = racingStore(inner, () => coin.next().value);
        const b = await fresh(start, flaky);
        expect(await runOperations(b.target, script)).toEqual(await runOperations(a.target, script));
        for (const probe of [0, 30 * DAY, 400 * DAY]) {
          a.t.advance(probe);
          b.t.advance(probe);
          expect(await b.engine.summary("m")).toEqual(await a.engine.summary("m"));
        }
        const shape = (entries: Entry[]) =>
          entries.map((e) => [e.seq, e.kind, "points" in e ? e.points : null, "wallet" in e ? e.wallet : null]);
        expect(shape(await readAllEntries(inner, P, "m"))).toEqual(shape(await readAllEntries(a.store, P, "m")));
      }),
      { numRuns: RUNS },
    );
  });

  it("9. a failed command, for any reason, leaves no trace in the store", async () => {
    type Failure = "overspend" | "refund-too-much" | "unknown-purchase" | "bad-input" | "store-fault" | "reused-key";
    await fc.assert(
      fc.asyncProperty(
        startArb,
        scriptArb,
        fc.constantFrom<Failure>(
          "overspend",
          "refund-too-much",
          "unknown-purchase",
          "bad-input",
          "store-fault",
          "reused-key",
        ),
        fc.integer({ min: 1, max: 4 }),
        async (start, script, failure, faultAt) => {
          let armed = false,
            seen = 0;
          const store = createMemoryStore({
            faults: () => {
              if (armed && ++seen === faultAt) throw new Error("disk on fire");
            },
          });
          const { engine, target } = await fresh(start, store);
          await runOperations(target, script);
          await engine.recordPurchase({
            key: "base",
            memberId: "m",
            purchaseId: "base",
            amount: "10.00",
            currency: "GBP",
          });
          const before = await storeFingerprint(store, P, ["m", "ghost"], ["fail", "base"]);
          const attempt: Record<Failure, () => Promise<unknown>> = {
            overspend: () => engine.spend({ key: "fail", memberId: "m", wallet: "points", points: "999999" }),
            "refund-too-much": () =>
              engine.refund({ key: "fail", memberId: "m", purchaseId: "base", amount: "10.01", currency: "GBP" }),
            "unknown-purchase": () =>
              engine.refund({ key: "fail", memberId: "m", purchaseId: "nope", amount: "1.00", currency: "GBP" }),
            "bad-input": () =>
              engine.recordPurchase({ key: "fail", memberId: "ghost", purchaseId: "x", amount: "-1", currency: "GBP" }),
            "store-fault": () => {
              armed = true;
              return engine.recordPurchase({
                key: "fail",
                memberId: "m",
                purchaseId: "y",
                amount: "5.00",
                currency: "GBP",
              });
            },
            "reused-key": () =>
              engine.recordPurchase({
                key: "base",
                memberId: "m",
                purchaseId: "base",
                amount: "11.00",
                currency: "GBP",
              }),
          };
          const error = await attempt[failure]().then(
            () => null,
            (e: unknown) => e,
          );
          armed = false;
          expect(isLoyaltyError(error)).toBe(true);
          expect(await storeFingerprint(store, P, ["m", "ghost"], ["fail", "base"])).toBe(before);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
