/**
 * Expiry (issue 4): policies at exact boundaries in the program's zone, inactivity, the sweep
 * (only due members, idempotent, concurrent, resumable), expiring-soon across the program, and
 * properties: expiry never raises a balance, sweeps are idempotent, the total expired is the sum of
 * the expired lots' remainders, activity resets inactivity expiry.
 */
import { TZDate } from "@date-fns/tz";
import { addMonths } from "date-fns";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import {
  createLoyaltyEngine,
  createMemoryStore,
  Decimal,
  foldEntries,
  isLoyaltyError,
  type Entry,
  type LoyaltyStore,
  type ProgramDefinition,
} from "../../src/index.js";
import {
  memberViolations,
  operationArb,
  racingStore,
  readAllEntries,
  runOperations,
  wrapStore,
} from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { exampleWith } from "../support/programs.js";

const DAY = 86_400_000;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

async function setup(def: ProgramDefinition, start: string, store: LoyaltyStore = createMemoryStore()) {
  const { engine, t } = testEngine(def, start, { store });
  return { engine, store, t };
}

/** The expiry instant of the lot a credit creates. */
function lotExpiry(result: { entries: readonly Entry[] }): string | null {
  const e = result.entries.find((x) => (x.kind === "earn" || x.kind === "adjust") && x.lot);
  return e && (e.kind === "earn" || e.kind === "adjust") ? e.lot!.expiresAt : null;
}

async function credit(engine: Awaited<ReturnType<typeof setup>>["engine"], key: string, points = "10", memberId = "m") {
  return engine.adjust({ key, memberId, wallet: "points", points, reason: "test" });
}

describe("expiry policies, to the millisecond in the program's zone", () => {
  const cases: { name: string; zone: string; expiry: unknown; earned: string; expires: string }[] = [
    {
      name: "term: 12 months",
      zone: "Europe/London",
      expiry: { after: { months: 12 } },
      earned: "2026-03-15T10:00:00Z",
      expires: "2027-03-15T10:00:00.000Z",
    },
    {
      name: "term: 31 Jan + 1 month is the end of February",
      zone: "Europe/London",
      expiry: { after: { months: 1 } },
      earned: "2026-01-31T12:00:00Z",
      expires: "2026-02-28T12:00:00.000Z",
    },
    {
      name: "term: 31 Jan + 1 month in a leap year",
      zone: "America/New_York",
      expiry: { after: { months: 1 } },
      earned: "2028-01-31T17:00:00Z",
      expires: "2028-02-29T17:00:00.000Z",
    },
    {
      name: "term across the spring DST change keeps local wall time",
      zone: "Europe/London",
      expiry: { after: { days: 14 } },
      earned: "2026-03-20T12:00:00Z",
      expires: "2026-04-03T11:00:00.000Z",
    },
    {
      name: "term across the autumn DST change keeps local wall time",
      zone: "America/New_York",
      expiry: { after: { days: 7 } },
      earned: "2026-10-30T16:00:00Z",
      expires: "2026-11-06T17:00:00.000Z",
    },
    {
      name: "term rounded up to the end of the local day",
      zone: "Australia/Sydney",
      expiry: { kind: "term", after: { days: 1 }, roundUpTo: "day" },
      earned: "2026-06-01T03:00:00Z",
      expires: "2026-06-02T14:00:00.000Z",
    },
    {
      name: "term rounded up to the end of the month (BST)",
      zone: "Europe/London",
      expiry: { kind: "term", after: { months: 1 }, roundUpTo: "month" },
      earned: "2026-03-15T10:00:00Z",
      expires: "2026-04-30T23:00:00.000Z",
    },
    {
      name: "term rounded up to the end of the quarter",
      zone: "America/New_York",
      expiry: { kind: "term", after: { months: 1 }, roundUpTo: "quarter" },
      earned: "2026-02-10T15:00:00Z",
      expires: "2026-04-01T04:00:00.000Z",
    },
    {
      name: "term rounded up to the end of the year",
      zone: "Europe/London",
      expiry: { kind: "term", after: { months: 6 }, roundUpTo: "year" },
      earned: "2026-08-01T10:00:00Z",
      expires: "2028-01-01T00:00:00.000Z",
    },
    {
      name: "calendar: earned this year, expire at the end of next year",
      zone: "Europe/London",
      expiry: { kind: "calendar", period: "year", after: 1 },
      earned: "2026-05-10T10:00:00Z",
      expires: "2028-01-01T00:00:00.000Z",
    },
    {
      name: "calendar: end of this quarter, in Sydney",
      zone: "Australia/Sydney",
      expiry: { kind: "calendar", period: "quarter", after: 0 },
      earned: "2026-05-10T10:00:00Z",
      expires: "2026-06-30T14:00:00.000Z",
    },
    {
      name: "calendar: 23:30 local on 31 Jan belongs to January",
      zone: "America/New_York",
      expiry: { kind: "calendar", period: "month", after: 0 },
      earned: "2026-02-01T04:30:00Z",
      expires: "2026-02-01T05:00:00.000Z",
    },
  ];

  it.each(cases)("$name", async ({ zone, expiry, earned, expires }) => {
    const { engine, t } = await setup(
      exampleWith({ timeZone: zone, expiry: expiry as ProgramDefinition["expiry"] }),
      earned,
    );
    await engine.enroll({ key: "e", memberId: "m" });
    expect(lotExpiry(await credit(engine, "c"))).toBe(expires);
    const at = Date.parse(expires);
    t.set(at - 1);
    expect((await engine.summary("m")).wallets.points!.available).toBe("10");
    t.set(at);
    expect((await engine.summary("m")).wallets.points!).toMatchObject({ available: "0", expiredUnswept: "10" });
    const refused = await engine
      .spend({ key: "s", memberId: "m", wallet: "points", points: "1" })
      .catch((e: unknown) => e);
    expect(isLoyaltyError(refused, "INSUFFICIENT_POINTS")).toBe(true);
    t.set(at + 1);
    expect(await engine.expire()).toMatchObject({ members: 1, lots: 1, points: { points: "10" } });
    expect((await engine.summary("m")).wallets.points!).toMatchObject({
      available: "0",
      expiredUnswept: "0",
      lifetime: { expired: "10" },
    });
  });

  it("a rule's own term overrides the wallet's (campaign points that last 30 days)", async () => {
    const def = exampleWith({
      rules: [
        ...exampleProgram.rules,
        {
          id: "flash",
          on: "flash-sale",
          awards: [{ kind: "fixed", points: "25", wallet: "points" }],
          expiry: { after: { days: 30 } },
        },
      ],
    });
    const { engine } = await setup(def, "2026-06-01T09:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    const flash = await engine.recordEvent({ key: "f", memberId: "m", type: "flash-sale" });
    expect(lotExpiry(flash)).toBe("2026-07-01T09:00:00.000Z");
    const review = await engine.recordEvent({ key: "r", memberId: "m", type: "review" });
    expect(lotExpiry(review)).toBe("2027-06-01T09:00:00.000Z");
  });

  it("a wallet with the none policy never expires", async () => {
    const def = exampleWith({
      wallets: [
        { id: "points", kind: "spendable", expiry: { kind: "none" } },
        { id: "status", kind: "qualifying", expiresAfter: null },
      ],
    });
    const { engine, t } = await setup(def, "2026-06-01T09:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    expect(lotExpiry(await credit(engine, "c"))).toBeNull();
    t.advance(50 * 365 * DAY);
    expect((await engine.summary("m")).wallets.points!.available).toBe("10");
  });
});

describe("inactivity expiry", () => {
  const def = exampleWith({
    expiry: { kind: "inactivity", months: 6, activity: ["purchase", "spend", "event:review"] },
  });

  it("expires the whole balance exactly 6 months after the last qualifying activity", async () => {
    const { engine, t } = await setup(def, "2026-01-10T12:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.recordPurchase({ key: "p1", memberId: "m", purchaseId: "p1", amount: "40.00", currency: "GBP" });
    t.set("2026-03-01T12:00:00Z");
    await credit(engine, "goodwill", "5"); // an adjustment is not on the activity list
    // 10 Jan 2026 is a Saturday: 40 base + 40 weekend double + 5 goodwill.
    let s = (await engine.summary("m")).wallets.points!;
    expect(s.inactivityDeadline).toBe("2026-07-10T11:00:00.000Z"); // 12:00 local on 10 July (BST)
    t.set(Date.parse("2026-07-10T11:00:00Z") - 1);
    expect((await engine.summary("m")).wallets.points!.available).toBe("85");
    t.set("2026-07-10T11:00:00Z");
    s = (await engine.summary("m")).wallets.points!;
    expect(s).toMatchObject({ available: "0", expiredUnswept: "85" });
    expect(await engine.expire()).toMatchObject({ members: 1, lots: 3, points: { points: "85" } });
  });

  it("qualifying activity resets the clock; other commands do not", async () => {
    const { engine, t } = await setup(def, "2026-01-10T12:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.recordPurchase({ key: "p1", memberId: "m", purchaseId: "p1", amount: "40.00", currency: "GBP" });
    t.set("2026-05-01T12:00:00Z");
    await engine.recordEvent({ key: "signup", memberId: "m", type: "signup" }); // not listed: no reset
    expect((await engine.summary("m")).wallets.points!.inactivityDeadline).toBe("2026-07-10T11:00:00.000Z");
    await engine.recordEvent({ key: "rev", memberId: "m", type: "review" }); // listed: reset
    // 13:00 BST on 1 May + 6 months = 13:00 GMT on 1 November.
    expect((await engine.summary("m")).wallets.points!.inactivityDeadline).toBe("2026-11-01T13:00:00.000Z");
    t.set("2026-08-01T12:00:00Z");
    expect((await engine.summary("m")).wallets.points!.available).toBe("200"); // 40 + 40 weekend + 100 signup + 20 review
  });

  it("a backdated purchase never moves the activity clock back", async () => {
    const { engine } = await setup(def, "2026-06-10T12:00:00Z");
    await engine.enroll({ key: "e", memberId: "m", joinedAt: "2026-01-01T00:00:00Z" });
    await engine.recordPurchase({ key: "p1", memberId: "m", purchaseId: "p1", amount: "40.00", currency: "GBP" });
    await engine.recordPurchase({
      key: "p0",
      memberId: "m",
      purchaseId: "p0",
      amount: "40.00",
      currency: "GBP",
      occurredAt: "2026-02-01T10:00:00Z",
    });
    expect((await engine.summary("m")).wallets.points!.inactivityDeadline).toBe("2026-12-10T13:00:00.000Z"); // 13:00 BST + 6 months = 13:00 GMT
  });
});

describe("the expiry sweep", () => {
  async function population(n: number, dueEvery: number) {
    const env = await setup(exampleWith({ expiry: { after: { days: 30 } } }), "2026-01-01T00:00:00Z");
    for (let i = 0; i < n; i++) {
      await env.engine.enroll({ key: `e${i}`, memberId: `m${i}` });
      // Members i % dueEvery === 0 earn early (due by day 40); the rest earn later.
      env.t.set(i % dueEvery === 0 ? "2026-01-02T00:00:00Z" : "2026-02-20T00:00:00Z");
      await credit(env.engine, `c${i}`, "10", `m${i}`);
      env.t.set("2026-01-01T00:00:00Z");
    }
    env.t.set("2026-02-10T00:00:00Z");
    return env;
  }

  it("touches only the members the due index names, and a second run finds nothing", async () => {
    const { engine } = await population(40, 4);
    const first = await engine.expire({ batchSize: 3 });
    expect(first).toMatchObject({ scanned: 10, members: 10, lots: 10, points: { points: "100" } });
    expect(await engine.expire()).toMatchObject({ scanned: 0, members: 0, lots: 0, points: {} });
  });

  it("two sweeps at once expire each lot once", async () => {
    const { engine, store, t } = await population(30, 3);
    const [a, b] = await Promise.all([engine.expire({ batchSize: 2 }), engine.expire({ batchSize: 5 })]);
    expect(new Decimal(a.points.points ?? 0).plus(b.points.points ?? 0).toString()).toBe("100");
    for (let i = 0; i < 30; i++) {
      const entries = await readAllEntries(store, exampleProgram.id, `m${i}`);
      expect(entries.filter((e) => e.kind === "expire").length).toBe(i % 3 === 0 ? 1 : 0);
      expect(await memberViolations(store, exampleProgram.id, `m${i}`, t.now())).toEqual([]);
    }
  });

  it("resumes after a crash half-way: the rerun finishes the job", async () => {
    const { store: inner, t } = await population(20, 2);
    let commits = 0;
    const crashing = wrapStore(inner, {
      commit: async (b) => {
        if (++commits === 4) throw new Error("process killed");
        return inner.commit(b);
      },
    });
    const engine = createLoyaltyEngine({
      program: exampleWith({ expiry: { after: { days: 30 } } }),
      store: crashing,
      clock: t.clock,
      ids: t.ids,
    });
    const crashed = await engine.expire({ batchSize: 2 }).catch((e: unknown) => e);
    expect(isLoyaltyError(crashed, "STORE_FAILURE")).toBe(true);
    const rerun = await engine.expire({ batchSize: 2 });
    expect(rerun.members).toBe(7); // 10 due, 3 done before the crash
    expect(await engine.expire()).toMatchObject({ members: 0 });
  });

  it("a lost race during a sweep is decided again, never doubled", async () => {
    const { store: inner, t } = await population(6, 1);
    let lose = true;
    // Every other commit loses its race.
    const racing = racingStore(inner, () => {
      lose = !lose;
      return !lose;
    });
    const engine = createLoyaltyEngine({
      program: exampleWith({ expiry: { after: { days: 30 } } }),
      store: racing,
      clock: t.clock,
      ids: t.ids,
    });
    expect(await engine.expire()).toMatchObject({ members: 6, points: { points: "60" } });
  });
});

describe("debt meets expiry (allow_debt)", () => {
  it("a reversal drains the lots before it books debt, expiry finds nothing to take, and the next credit repays the debt", async () => {
    const def = exampleWith({
      expiry: { after: { days: 30 } },
      refunds: { negativeBalance: "allow_debt", baseRule: "base" },
    });
    const { engine, store, t } = await setup(def, "2026-03-02T10:00:00Z"); // a Monday: no weekend bonus
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.recordPurchase({ key: "p1", memberId: "m", purchaseId: "p1", amount: "100.00", currency: "GBP" });
    t.advance(DAY);
    await engine.recordPurchase({ key: "p2", memberId: "m", purchaseId: "p2", amount: "30.00", currency: "GBP" });
    await engine.spend({ key: "s", memberId: "m", wallet: "points", points: "100" });
    const refund = await engine.refund({
      key: "r",
      memberId: "m",
      purchaseId: "p1",
      amount: "100.00",
      currency: "GBP",
    });
    // 30 left in p2's lot is taken, 70 becomes debt.
    expect(refund.reversed.find((r) => r.wallet === "points")).toMatchObject({
      points: "100",
      debt: "70",
      forgiven: "0",
    });
    t.advance(41 * DAY); // Monday 13 April
    expect(await engine.expire()).toMatchObject({ lots: 0 });
    const next = await engine.recordPurchase({
      key: "p3",
      memberId: "m",
      purchaseId: "p3",
      amount: "90.00",
      currency: "GBP",
    });
    const earn = next.entries.find((e) => e.kind === "earn" && e.wallet === "points");
    expect(earn?.kind === "earn" && earn.debtRepaid).toBe("70");
    expect((await engine.summary("m")).wallets.points!).toMatchObject({ available: "20", debt: "0" });
    t.advance(40 * DAY);
    expect(await engine.expire()).toMatchObject({ lots: 1, points: { points: "20" } });
    expect(await memberViolations(store, exampleProgram.id, "m", t.now())).toEqual([]);
  });
});

describe("expiring soon across the program", () => {
  it("lists the members whose points expire in [from, to), a page at a time", async () => {
    const { engine, t } = await setup(exampleWith({ expiry: { after: { days: 30 } } }), "2026-01-01T00:00:00Z");
    for (let i = 0; i < 12; i++) {
      await engine.enroll({ key: `e${i}`, memberId: `m${i}` });
      t.set(Date.parse("2026-01-01T00:00:00Z") + i * DAY);
      await credit(engine, `c${i}`, String(10 + i), `m${i}`);
    }
    // Lots expire on 31 Jan + i days. Window: 3 Feb (inclusive) to 8 Feb (exclusive): i = 3..7.
    t.set("2026-01-20T00:00:00Z");
    const from = "2026-02-03T00:00:00Z",
      to = "2026-02-08T00:00:00Z";
    const first = await engine.expiringSoon({ from, to, limit: 3 });
    expect(first.members.map((m) => m.memberId)).toEqual(["m3", "m4", "m5"]);
    expect(first.members[0]!.expiring).toEqual([{ wallet: "points", points: "13", at: "2026-02-03T00:00:00.000Z" }]);
    const second = await engine.expiringSoon({ from, to, limit: 3, after: first.after! });
    expect(second.members.map((m) => m.memberId)).toEqual(["m6", "m7"]);
    expect(second.after).toBeNull(); // the scan reached the end of the window
    const refused = await engine.expiringSoon({ from: to, to: from }).catch((e: unknown) => e);
    expect(isLoyaltyError(refused, "INVALID_COMMAND")).toBe(true);
  });
});

describe("expiry properties", () => {
  const startArb = fc.integer({ min: Date.parse("2025-01-01T00:00:00Z"), max: Date.parse("2027-12-31T00:00:00Z") });
  const scriptArb = fc.array(operationArb(), { minLength: 1, maxLength: 30, size: "max" });
  const policies = [
    { after: { months: 12 } },
    { kind: "term", after: { days: 20 }, roundUpTo: "month" },
    { kind: "calendar", period: "quarter", after: 0 },
    { kind: "inactivity", months: 2 },
  ];

  it("never raises a balance; a sweep is idempotent and writes off exactly the due lots' remainders; debt never meets a negative lot", async () => {
    await fc.assert(
      fc.asyncProperty(
        startArb,
        scriptArb,
        fc.constantFrom(...policies),
        fc.constantFrom("within_balance", "allow_debt"),
        fc.integer({ min: 0, max: 200 * DAY }),
        async (start, script, expiry, policy, later) => {
          const def = exampleWith({
            expiry: expiry as ProgramDefinition["expiry"],
            pending: { days: 14 },
            refunds: { ...exampleProgram.refunds, negativeBalance: policy as "allow_debt" },
          });
          const { engine, store, t } = await setup(def, new Date(start).toISOString());
          await engine.enroll({ key: "enroll", memberId: "m" });
          await runOperations(
            { engine, memberId: "m", currency: "GBP", spendWallet: "points", advance: t.advance },
            script,
          );
          const before = (await engine.summary("m")).wallets.points!;
          t.advance(later);
          const folded = foldEntries("m", await readAllEntries(store, exampleProgram.id, "m"));
          const dueBefore = (await engine.summary("m")).wallets.points!;
          // Expiry never raises what a member can spend.
          expect(new Decimal(dueBefore.available).lte(new Decimal(before.available).plus(before.pending))).toBe(true);
          const sweep = await engine.expire();
          // What the sweep wrote off is exactly the remainders of the lots that were due.
          const now = t.now();
          const deadline = dueBefore.inactivityDeadline === null ? null : Date.parse(dueBefore.inactivityDeadline);
          const expected = folded.lots
            .filter(
              (l) =>
                l.wallet === "points" &&
                ((l.expiresAt !== null && now >= l.expiresAt) || (deadline !== null && now >= deadline)),
            )
            .reduce((sum, l) => sum.plus(l.remaining), new Decimal(0));
          expect(new Decimal(sweep.points.points ?? 0).toString()).toBe(expected.toString());
          expect(dueBefore.expiredUnswept).toBe(expected.toString());
          const after = (await engine.summary("m")).wallets.points!;
          expect(after.available).toBe(dueBefore.available);
          expect(after.expiredUnswept).toBe("0");
          expect((await engine.expire()).lots).toBe(0);
          expect(await memberViolations(store, exampleProgram.id, "m", t.now())).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("qualifying activity always pushes the inactivity deadline to activity + months", async () => {
    await fc.assert(
      fc.asyncProperty(
        startArb,
        fc.integer({ min: 1, max: 24 }),
        fc.oneof(fc.integer({ min: 0, max: 400 * DAY }), fc.integer({ min: 0, max: 100 })),
        async (start, months, gap) => {
          const def = exampleWith({ expiry: { kind: "inactivity", months } });
          const { engine, t } = await setup(def, new Date(start).toISOString());
          await engine.enroll({ key: "e", memberId: "m" });
          await engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "p", amount: "50.00", currency: "GBP" });
          t.advance(gap);
          const deadline = Date.parse((await engine.summary("m")).wallets.points!.inactivityDeadline!);
          if (t.now() >= deadline) return; // already lapsed: nothing to reset
          await engine.recordEvent({ key: "r", memberId: "m", type: "review" });
          const next = Date.parse((await engine.summary("m")).wallets.points!.inactivityDeadline!);
          expect(next).toBeGreaterThanOrEqual(deadline);
          // The review's local wall time `months` later, unless month-end clamping makes that earlier
          // than the deadline the purchase gave (activity never shortens the deadline).
          expect(next).toBe(Math.max(deadline, addMonths(new TZDate(t.now(), "Europe/London"), months).getTime()));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
