/**
 * Time zones: calendar decisions (month of a purchase, day of week, pending and expiry dates) are
 * made in the program's IANA zone, never in UTC or the server's zone, and instants at the edges
 * (availableAt, expiresAt) are exact to the millisecond (invariant 5).
 */
import { describe, expect, it } from "vitest";
import {
  LoyaltyError,
  type LoyaltyEngine,
  type LoyaltyStore,
  type ProgramDefinition,
  type RuleDefinition,
} from "../../src/index.js";
import { testEngine } from "../support/engine.js";
import { zonedProgram } from "../support/programs.js";

const base: RuleDefinition = {
  id: "base",
  on: "purchase",
  priority: 100,
  awards: [
    { kind: "rate", points: "1", per: "1", wallet: "points" },
    { kind: "rate", points: "1", per: "1", wallet: "status" },
  ],
} as RuleDefinition;

interface Harness {
  engine: LoyaltyEngine;
  store: LoyaltyStore;
  setTime(ms: number | string): void;
  entries(): Promise<readonly any[]>;
  buy(purchaseId: string, amount: string, occurredAt?: string): ReturnType<LoyaltyEngine["recordPurchase"]>;
  ruleTotals(occurredAt: string, amount?: string): Promise<Record<string, string>>;
}

async function harness(def: ProgramDefinition, start: number | string): Promise<Harness> {
  let n = 0;
  const { engine, store, t } = testEngine(def, start, { ids: () => "e" + ++n });
  await engine.enroll({ key: "enroll", memberId: "m1", joinedAt: "2025-01-01T00:00:00Z" });
  return {
    engine,
    store,
    setTime: t.set,
    entries: async () => (await store.readEntries(def.id, "m1", { afterSeq: 0, limit: 10_000 })).entries,
    buy: (purchaseId, amount, occurredAt) =>
      engine.recordPurchase({
        key: `buy-${purchaseId}`,
        memberId: "m1",
        purchaseId,
        amount,
        currency: def.currency,
        ...(occurredAt === undefined ? {} : { occurredAt }),
      }),
    /** Points per rule (points wallet) a purchase at `occurredAt` would earn. */
    ruleTotals: async (occurredAt, amount = "10.00") => {
      const p = await engine.previewPurchase({ memberId: "m1", amount, currency: def.currency, occurredAt });
      return Object.fromEntries(p.awards.filter((a) => a.wallet === "points").map((a) => [a.ruleId, a.points]));
    },
  };
}

const earnOf = (r: { entries: readonly any[] }, ruleId: string, wallet = "points") =>
  r.entries.find((e) => e.kind === "earn" && e.ruleId === ruleId && e.wallet === wallet);

// ---------------------------------------------------------------------------------------------

describe("a purchase at 23:30 local on the last day of a month belongs to the local month", () => {
  const monthPromos = (zone: string, currency: string) =>
    zonedProgram(zone, currency, [
      base,
      {
        id: "january",
        on: "purchase",
        when: { dateRange: { from: "2026-01-01", to: "2026-01-31" } },
        awards: [{ kind: "fixed", points: "100", wallet: "points" }],
      },
      {
        id: "february",
        on: "purchase",
        when: { dateRange: { from: "2026-02-01", to: "2026-02-28" } },
        awards: [{ kind: "fixed", points: "200", wallet: "points" }],
      },
      {
        id: "may",
        on: "purchase",
        when: { dateRange: { from: "2026-05-01", to: "2026-05-31" } },
        awards: [{ kind: "fixed", points: "300", wallet: "points" }],
      },
      {
        id: "june",
        on: "purchase",
        when: { dateRange: { from: "2026-06-01", to: "2026-06-30" } },
        awards: [{ kind: "fixed", points: "400", wallet: "points" }],
      },
    ] as ProgramDefinition["rules"]);

  it("America/New_York: 2026-01-31 23:30 EST is 1 February in UTC, and still a January purchase", async () => {
    const h = await harness(monthPromos("America/New_York", "USD"), "2026-07-01T00:00:00Z");
    const r = await h.buy("p1", "10.00", "2026-01-31T23:30:00-05:00");
    expect(Object.fromEntries(r.awards.filter((a) => a.wallet === "points").map((a) => [a.ruleId, a.points]))).toEqual({
      base: "10",
      january: "100",
    });
    expect(await h.ruleTotals("2026-02-01T04:30:00Z")).toEqual({ base: "10", january: "100" }); // the same instant in UTC
    expect(await h.ruleTotals("2026-02-01T00:30:00-05:00")).toEqual({ base: "10", february: "200" });
    expect(await h.ruleTotals("2026-01-01T00:00:00-05:00")).toEqual({ base: "10", january: "100" }); // first local instant
    expect(await h.ruleTotals("2025-12-31T23:59:59-05:00")).toEqual({ base: "10" }); // 2026-01-01T04:59Z
  });

  it("Europe/London: 2026-01-31 23:30 GMT is January; 2026-06-01 00:30 BST is June although UTC says 31 May", async () => {
    const h = await harness(monthPromos("Europe/London", "GBP"), "2026-07-01T00:00:00Z");
    const r = await h.buy("p1", "10.00", "2026-01-31T23:30:00Z");
    expect(earnOf(r, "january")).toBeDefined();
    expect(await h.ruleTotals("2026-01-31T23:59:59Z")).toEqual({ base: "10", january: "100" });
    expect(await h.ruleTotals("2026-05-31T23:30:00+01:00")).toEqual({ base: "10", may: "300" });
    expect(await h.ruleTotals("2026-05-31T23:30:00Z")).toEqual({ base: "10", june: "400" }); // 00:30 BST, 1 June
    expect(await h.ruleTotals("2026-05-31T22:59:59Z")).toEqual({ base: "10", may: "300" }); // 23:59:59 BST
  });

  describe("a monthly cap counts the purchase in its local month", () => {
    // 80 points per purchase, at most 100 per member per calendar month.
    const capped = (zone: string, currency: string) =>
      zonedProgram(zone, currency, [
        base,
        {
          id: "monthly",
          on: "purchase",
          awards: [{ kind: "fixed", points: "80", wallet: "points" }],
          caps: { perMember: [{ period: "month", points: "100" }] },
        },
      ] as ProgramDefinition["rules"]);

    it("America/New_York: 10 Jan and 31 Jan 23:30 share January's cap; 1 Feb 00:30 starts February's", async () => {
      const h = await harness(capped("America/New_York", "USD"), "2026-02-02T12:00:00Z");
      const w = await h.buy("w", "5.00", "2026-01-10T12:00:00-05:00");
      expect(earnOf(w, "monthly")).toMatchObject({ points: "80", capKeys: { month: "2026-01" } });
      const x = await h.buy("x", "5.00", "2026-01-31T23:30:00-05:00"); // 2026-02-01T04:30Z
      expect(earnOf(x, "monthly")).toMatchObject({ points: "20", capKeys: { month: "2026-01" } });
      expect(x.awards.find((a) => a.ruleId === "monthly")).toMatchObject({ points: "20", uncapped: "80" });
      const z = await h.buy("z", "5.00", "2026-02-01T00:30:00-05:00");
      expect(earnOf(z, "monthly")).toMatchObject({ points: "80", capKeys: { month: "2026-02" } });
    });

    it("Europe/London: 31 May 23:30 BST shares May's cap; 1 June 00:30 BST (31 May in UTC) starts June's", async () => {
      const h = await harness(capped("Europe/London", "GBP"), "2026-06-02T12:00:00Z");
      const w = await h.buy("w", "5.00", "2026-05-10T12:00:00+01:00");
      expect(earnOf(w, "monthly")).toMatchObject({ points: "80", capKeys: { month: "2026-05" } });
      const x = await h.buy("x", "5.00", "2026-05-31T23:30:00+01:00");
      expect(earnOf(x, "monthly")).toMatchObject({ points: "20", capKeys: { month: "2026-05" } });
      const y = await h.buy("y", "5.00", "2026-05-31T23:30:00Z");
      expect(earnOf(y, "monthly")).toMatchObject({ points: "80", capKeys: { month: "2026-06" } });
    });

    /**
     * Tills go offline and purchases arrive late. A purchase recorded after a later one must count
     * in its own local month, and must not reset the counter of the month the member is in now.
     */
    it("a purchase recorded late counts in its own local month and leaves the current month's counter alone", async () => {
      const h = await harness(capped("America/New_York", "USD"), "2026-02-03T12:00:00Z");
      const feb1 = await h.buy("feb1", "5.00", "2026-02-01T10:00:00-05:00");
      expect(earnOf(feb1, "monthly")).toMatchObject({ points: "80", capKeys: { month: "2026-02" } });
      const jan31 = await h.buy("jan31-late", "5.00", "2026-01-31T23:30:00-05:00"); // January had nothing yet
      expect(earnOf(jan31, "monthly")).toMatchObject({ points: "80", capKeys: { month: "2026-01" } });
      const jan31b = await h.buy("jan31-later", "5.00", "2026-01-31T22:00:00-05:00"); // January: 80 used
      expect(earnOf(jan31b, "monthly")?.points ?? "0").toBe("20");
      const feb2 = await h.buy("feb2", "5.00", "2026-02-02T10:00:00-05:00"); // February: 80 used
      expect(earnOf(feb2, "monthly")?.points ?? "0").toBe("20");
    });

    it("a purchase recorded late is capped by what its own local month already earned", async () => {
      const h = await harness(capped("America/New_York", "USD"), "2026-02-03T12:00:00Z");
      await h.buy("jan10", "5.00", "2026-01-10T12:00:00-05:00"); // January: 80
      await h.buy("feb1", "5.00", "2026-02-01T10:00:00-05:00"); // February: 80
      const late = await h.buy("jan31-late", "5.00", "2026-01-31T23:30:00-05:00"); // January again: 20 left
      expect(earnOf(late, "monthly")?.points ?? "0").toBe("20");
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("pending and expiry dates across a DST change (Europe/London, pending 14 days, expiry 1 month)", () => {
  const london = zonedProgram("Europe/London", "GBP", [base], {
    pending: { days: 14 },
    expiry: { after: { months: 1 } },
  });

  const cases = [
    {
      name: "spring: bought 2026-03-20 12:00 GMT, available 2026-04-03 12:00 BST (11:00Z), expires 2026-04-20 12:00 BST",
      at: "2026-03-20T12:00:00.000Z",
      availableAt: "2026-04-03T11:00:00.000Z",
      expiresAt: "2026-04-20T11:00:00.000Z",
    },
    {
      name: "autumn: bought 2026-10-20 12:00 BST (11:00Z), available 2026-11-03 12:00 GMT (12:00Z), expires 2026-11-20 12:00 GMT",
      at: "2026-10-20T11:00:00.000Z",
      availableAt: "2026-11-03T12:00:00.000Z",
      expiresAt: "2026-11-20T12:00:00.000Z",
    },
    {
      name: "month end: bought 2026-01-31 12:00 GMT, expires 2026-02-28 12:00 (the last day of a shorter month)",
      at: "2026-01-31T12:00:00.000Z",
      availableAt: "2026-02-14T12:00:00.000Z",
      expiresAt: "2026-02-28T12:00:00.000Z",
    },
    {
      name: "a wall time the spring change skips: 2026-03-15 01:30 GMT + 14 days is 29 March 01:30, which does not exist: 02:30 BST",
      at: "2026-03-15T01:30:00.000Z",
      availableAt: "2026-03-29T01:30:00.000Z",
      expiresAt: "2026-04-15T00:30:00.000Z",
    },
  ];

  it.each(cases)("$name", async (c) => {
    const h = await harness(london, c.at);
    const r = await h.buy("p1", "40.00");
    expect(r.availableAt).toBe(c.availableAt);
    const earn = earnOf(r, "base");
    expect(earn.lot).toEqual({ wallet: "points", earnedAt: c.at, availableAt: c.availableAt, expiresAt: c.expiresAt });
    expect(earnOf(r, "base", "status").lot.expiresAt).toBeNull(); // status credits never expire

    const s = await h.engine.summary("m1", { expiringWithinDays: 60 });
    expect(s.wallets.points!.pendingUntil).toEqual([{ at: c.availableAt, points: "40" }]);
    expect(s.wallets.points!.expiringSoon).toEqual([{ at: c.expiresAt, points: "40" }]);
    const stored = (await h.entries()).find((e) => e.kind === "earn" && e.wallet === "points");
    expect(stored.lot.expiresAt).toBe(c.expiresAt);
  });

  it("a repeated wall time (the autumn change) resolves to one of its two instants, never earlier", async () => {
    // 2026-10-11 01:30 BST + 14 days = 25 October 01:30, which happens twice: 00:30Z (BST) and 01:30Z (GMT).
    const h = await harness(london, "2026-10-11T00:30:00.000Z");
    const r = await h.buy("p1", "40.00");
    expect(["2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"]).toContain(r.availableAt);
  });
});

describe("a pending period ending exactly now", () => {
  const london = zonedProgram("Europe/London", "GBP", [base], {
    pending: { days: 14 },
    expiry: { after: { months: 1 } },
  });
  const BOUGHT = Date.parse("2026-03-20T12:00:00Z");
  const AVAILABLE = Date.parse("2026-04-03T11:00:00Z");

  it("1 ms before availableAt the points are pending and cannot be spent; at availableAt they can", async () => {
    const h = await harness(london, BOUGHT);
    await h.buy("p1", "40.00");

    h.setTime(AVAILABLE - 1);
    let points = (await h.engine.summary("m1")).wallets.points!;
    expect(points).toMatchObject({ available: "0", pending: "40" });
    const error = await h.engine
      .spend({ key: "early", memberId: "m1", wallet: "points", points: "1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoyaltyError);
    expect((error as LoyaltyError).code).toBe("INSUFFICIENT_POINTS");

    h.setTime(AVAILABLE);
    points = (await h.engine.summary("m1")).wallets.points!;
    expect(points).toMatchObject({ available: "40", pending: "0", pendingUntil: [] });
    const spent = await h.engine.spend({ key: "on-time", memberId: "m1", wallet: "points", points: "40" });
    // Its due work first records the release of the purchase's pending lots (points.available).
    expect(spent.entries.map((e) => e.kind)).toEqual(["release", "release", "spend"]);
    expect((await h.engine.summary("m1")).wallets.points!.available).toBe("0");
  });
});

describe("an expiry at exactly expiresAt", () => {
  const london = zonedProgram("Europe/London", "GBP", [base], {
    pending: { days: 14 },
    expiry: { after: { months: 1 } },
  });
  const BOUGHT = Date.parse("2026-03-02T10:00:00Z"); // 10:00 GMT
  const EXPIRES = Date.parse("2026-04-02T09:00:00Z"); // 10:00 BST, after the spring change

  it("1 ms before: spendable; at expiresAt: not spendable, and the next write writes the expire entry", async () => {
    const h = await harness(london, BOUGHT);
    const r = await h.buy("p1", "40.00");
    const lotId = earnOf(r, "base").id;
    expect(earnOf(r, "base").lot.expiresAt).toBe(new Date(EXPIRES).toISOString());

    h.setTime(EXPIRES - 1);
    expect((await h.engine.summary("m1")).wallets.points).toMatchObject({ available: "40", expiringSoonTotal: "40" });
    const spent = await h.engine.spend({ key: "last-chance", memberId: "m1", wallet: "points", points: "15" });
    // The first write since the 14-day window ended records the release of the pending lots first.
    expect(spent.entries.map((e) => e.kind)).toEqual(["release", "release", "spend"]);

    h.setTime(EXPIRES);
    expect((await h.engine.summary("m1")).wallets.points).toMatchObject({
      available: "0",
      pending: "0",
      expiringSoonTotal: "0",
    });
    const countBefore = (await h.entries()).length;
    const error = await h.engine
      .spend({ key: "too-late", memberId: "m1", wallet: "points", points: "1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoyaltyError);
    expect((error as LoyaltyError).code).toBe("INSUFFICIENT_POINTS");
    expect((await h.entries()).length).toBe(countBefore); // a refused spend writes nothing, not even the expiry

    const credit = await h.engine.adjust({
      key: "goodwill",
      memberId: "m1",
      wallet: "points",
      points: "5",
      reason: "goodwill",
    });
    expect(credit.entries.map((e) => e.kind)).toEqual(["expire", "adjust"]);
    expect(credit.entries[0]).toMatchObject({
      kind: "expire",
      wallet: "points",
      points: "25",
      lots: [{ lotId, points: "25" }],
      at: new Date(EXPIRES).toISOString(),
    });
    const after = (await h.engine.summary("m1")).wallets.points!;
    expect(after).toMatchObject({
      available: "5",
      lifetime: { earned: "40", spent: "15", expired: "25", reversed: "0", adjusted: "5" },
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("dayOfWeek is evaluated in the program's time zone (Australia/Sydney)", () => {
  const sydney = zonedProgram("Australia/Sydney", "AUD", [
    base,
    {
      id: "weekend",
      on: "purchase",
      when: { dayOfWeek: ["sat", "sun"] },
      awards: [{ kind: "fixed", points: "50", wallet: "points" }],
    },
    {
      id: "friday",
      on: "purchase",
      when: { dayOfWeek: ["fri"] },
      awards: [{ kind: "fixed", points: "7", wallet: "points" }],
    },
  ] as ProgramDefinition["rules"]);

  it("Saturday 00:30 in Sydney (Friday 13:30 UTC) is a weekend purchase", async () => {
    const h = await harness(sydney, "2026-03-10T00:00:00Z");
    const r = await h.buy("p1", "10.00", "2026-03-07T00:30:00+11:00");
    expect(Object.fromEntries(r.awards.filter((a) => a.wallet === "points").map((a) => [a.ruleId, a.points]))).toEqual({
      base: "10",
      weekend: "50",
    });
  });

  const cases: [string, string, Record<string, string>][] = [
    ["Saturday 00:30 AEDT given in UTC (Friday 13:30Z)", "2026-03-06T13:30:00Z", { base: "10", weekend: "50" }],
    ["Friday 23:30 AEDT (Friday 12:30Z)", "2026-03-06T23:30:00+11:00", { base: "10", friday: "7" }],
    ["Friday 23:59:59 AEDT", "2026-03-06T12:59:59Z", { base: "10", friday: "7" }],
    ["Saturday 00:00 AEDT exactly", "2026-03-06T13:00:00Z", { base: "10", weekend: "50" }],
    ["Sunday 23:30 AEDT (Sunday 12:30Z)", "2026-03-08T23:30:00+11:00", { base: "10", weekend: "50" }],
    ["Monday 00:30 AEDT (Sunday 13:30Z)", "2026-03-08T13:30:00Z", { base: "10" }],
    [
      "Saturday 00:30 AEST after the April change (Friday 14:30Z)",
      "2026-04-10T14:30:00Z",
      { base: "10", weekend: "50" },
    ],
    ["Friday 23:30 AEST after the April change (Friday 13:30Z)", "2026-04-10T13:30:00Z", { base: "10", friday: "7" }],
  ];
  it.each(cases)("%s", async (_name, at, expected) => {
    const h = await harness(sydney, "2026-05-01T00:00:00Z");
    expect(await h.ruleTotals(at)).toEqual(expected);
  });
});

describe("day and week caps count in the program's time zone (Australia/Sydney)", () => {
  const capped = (period: "day" | "week") =>
    zonedProgram("Australia/Sydney", "AUD", [
      base,
      {
        id: "visit",
        on: "purchase",
        awards: [{ kind: "fixed", points: "30", wallet: "points" }],
        caps: { perMember: [{ period, points: "50" }] },
      },
    ] as ProgramDefinition["rules"]);

  it("day: Friday 23:30 and Saturday 00:30 local are two days, though both are Friday in UTC", async () => {
    const h = await harness(capped("day"), "2026-03-10T00:00:00Z");
    expect(earnOf(await h.buy("a", "5.00", "2026-03-06T23:00:00+11:00"), "visit")).toMatchObject({
      points: "30",
      capKeys: { day: "2026-03-06" },
    });
    expect(earnOf(await h.buy("b", "5.00", "2026-03-06T23:30:00+11:00"), "visit")).toMatchObject({
      points: "20",
      capKeys: { day: "2026-03-06" },
    });
    expect(earnOf(await h.buy("c", "5.00", "2026-03-07T00:30:00+11:00"), "visit")).toMatchObject({
      points: "30",
      capKeys: { day: "2026-03-07" },
    });
  });

  it("week: Sunday 23:30 and Monday 00:30 local are two ISO weeks, though both are Sunday in UTC", async () => {
    const h = await harness(capped("week"), "2026-03-10T00:00:00Z");
    expect(earnOf(await h.buy("a", "5.00", "2026-03-02T09:00:00+11:00"), "visit")).toMatchObject({
      points: "30",
      capKeys: { week: "2026-W10" },
    });
    expect(earnOf(await h.buy("b", "5.00", "2026-03-08T23:30:00+11:00"), "visit")).toMatchObject({
      points: "20",
      capKeys: { week: "2026-W10" },
    });
    expect(earnOf(await h.buy("c", "5.00", "2026-03-09T00:30:00+11:00"), "visit")).toMatchObject({
      points: "30",
      capKeys: { week: "2026-W11" },
    });
  });
});
