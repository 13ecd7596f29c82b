/**
 * Automatic donations (issue 17): a share of every purchase goes to the cause the member chose,
 * booked in the purchase's own command, taken back in proportion by refunds, with a statement per
 * cause. Worked from Target's Take Charge of Education (corporate.target.com, "schools"): guests
 * designate 1 percent of their REDcard purchases to a K-12 school of their choice; schools received
 * an average of $370 a year (Education Week, 2015), which is 1% of $37,000 of purchases; Target
 * sent the checks each March and September (Progressive Grocer), so the statements here are
 * half-years. Then the points variant, the refusals, and properties: a donation never exceeds the
 * share, and a refund of everything takes all of it back.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, type ProgramDefinition } from "../../src/index.js";
import { testEngine } from "../support/engine.js";
import { expectError } from "../support/errors.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const SCHOOLS = ["lincoln-elementary", "roosevelt-high"];

/** Target's program: 1 point per $1 (the points are beside the point), 1% of purchases to the guest's school. */
function targetProgram(donations: Record<string, unknown> = {}): ProgramDefinition {
  return {
    id: "target",
    version: 1,
    currency: "USD",
    timeZone: "America/Chicago",
    points: { scale: 0, rounding: "down" },
    wallets: [
      { id: "points", kind: "spendable" },
      { id: "status", kind: "qualifying" },
    ],
    refunds: { negativeBalance: "within_balance" },
    rules: [{ id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] }],
    donations: { share: "0.01", of: "money", causes: SCHOOLS, ...donations },
  } as ProgramDefinition;
}

async function setup(program = targetProgram(), start = "2014-01-06T15:00:00Z") {
  const { engine, t } = testEngine(program, start);
  let n = 0;
  const buy = (memberId: string, amount: string, purchaseId = `p${++n}`) =>
    engine.recordPurchase({ key: `buy-${purchaseId}`, memberId, purchaseId, amount, currency: "USD" });
  const refund = (memberId: string, purchaseId: string, amount: string) =>
    engine.refund({ key: `refund-${++n}`, memberId, purchaseId, amount, currency: "USD" });
  const donationEvents = async () =>
    (await engine.events({ limit: 1000 })).events
      .filter((e) => e.type.startsWith("donation."))
      .map((e) => ({ type: e.type, memberId: e.memberId, ...e.payload }) as Record<string, unknown>);
  return { engine, t, buy, refund, donationEvents };
}

describe("Target's Take Charge of Education: 1% of purchases to the school the guest names", () => {
  it("a $100.00 purchase gives $1.00 to the guest's school, in the purchase's command; $49.99 gives $0.49", async () => {
    const s = await setup();
    await s.engine.enroll({ key: "e1", memberId: "ann", attributes: { cause: "lincoln-elementary" } });
    const earned = await s.buy("ann", "100.00", "p1");
    expect(earned.totals).toEqual({ points: "100" });
    await s.buy("ann", "49.99", "p2");
    expect(await s.donationEvents()).toEqual([
      // The amount is rounded down: never more than the share.
      ...[
        ["p1", "1.00"],
        ["p2", "0.49"],
      ].map(([purchaseId, amount]) => ({
        type: "donation.made",
        memberId: "ann",
        purchaseId,
        cause: "lincoln-elementary",
        of: "money",
        wallet: null,
        amount,
      })),
    ]);
    // The program gives it: the member keeps every point.
    expect((await s.engine.summary("ann")).wallets.points!.available).toBe("149");
    const kinds = (await s.engine.statement("ann")).entries.map((e) => e.kind);
    expect(kinds.filter((k) => k === "donation")).toHaveLength(2);
  });

  it("the statement per cause: $37,000 of a year's purchases is the average school's $370, by half-year", async () => {
    const s = await setup();
    await s.engine.enroll({ key: "e1", memberId: "ann", attributes: { cause: "lincoln-elementary" } });
    await s.engine.enroll({ key: "e2", memberId: "bob", attributes: { cause: "roosevelt-high" } });
    await s.engine.enroll({ key: "e3", memberId: "cy" }); // no school named: nothing given
    // Ann: $1,500.00 a month for 12 months, plus $19,000.00 in November: $37,000.00.
    for (let month = 0; month < 12; month++) {
      s.t.set(Date.UTC(2014, month, 10, 15));
      await s.buy("ann", "1500.00");
      await s.buy("bob", "250.00");
      await s.buy("cy", "999.99");
      if (month === 10) await s.buy("ann", "19000.00");
    }
    const year = await s.engine.donations({ from: "2014-01-01T06:00:00Z", to: "2015-01-01T06:00:00Z" });
    expect(year.causes).toEqual([
      {
        cause: "lincoln-elementary",
        of: "money",
        wallet: null,
        given: "370.00",
        returned: "0.00",
        net: "370.00",
        purchases: 13,
      },
      {
        cause: "roosevelt-high",
        of: "money",
        wallet: null,
        given: "30.00",
        returned: "0.00",
        net: "30.00",
        purchases: 12,
      },
    ]);
    // The March and September checks: each half-year on its own, one cause asked for.
    const firstHalf = await s.engine.donations({
      cause: "lincoln-elementary",
      from: "2014-01-01T06:00:00Z",
      to: "2014-07-01T05:00:00Z",
    });
    expect(firstHalf.causes.map((c) => [c.cause, c.net, c.purchases])).toEqual([["lincoln-elementary", "90.00", 6]]);
    const secondHalf = await s.engine.donations({
      cause: "lincoln-elementary",
      from: "2014-07-01T05:00:00Z",
      to: "2015-01-01T06:00:00Z",
    });
    expect(secondHalf.causes.map((c) => [c.cause, c.net, c.purchases])).toEqual([["lincoln-elementary", "280.00", 7]]);
  });

  it("a refund takes the donation back in proportion; a refund of everything takes all of it", async () => {
    const s = await setup();
    await s.engine.enroll({ key: "e1", memberId: "ann", attributes: { cause: "lincoln-elementary" } });
    await s.buy("ann", "49.99", "p1");
    await s.refund("ann", "p1", "10.00"); // $39.99 left carries round_down(0.49 * 39.99 / 49.99) = 0.39
    await s.refund("ann", "p1", "39.99"); // nothing left: the last 0.39 back
    expect((await s.donationEvents()).map((e) => [e.type, e.amount])).toEqual([
      ["donation.made", "0.49"],
      ["donation.returned", "0.10"],
      ["donation.returned", "0.39"],
    ]);
    const statement = await s.engine.donations({ from: "2014-01-01T00:00:00Z", to: "2015-01-01T00:00:00Z" });
    expect(statement.causes).toEqual([
      {
        cause: "lincoln-elementary",
        of: "money",
        wallet: null,
        given: "0.49",
        returned: "0.49",
        net: "0.00",
        purchases: 1,
      },
    ]);
  });

  it("the donation stays with the school named at the purchase: a later change of school, or none, moves nothing back", async () => {
    const s = await setup();
    await s.engine.enroll({ key: "e1", memberId: "ann", attributes: { cause: "lincoln-elementary" } });
    await s.buy("ann", "100.00", "p1");
    await s.engine.updateMember({ key: "u1", memberId: "ann", attributes: { cause: "roosevelt-high" } });
    await s.buy("ann", "200.00", "p2");
    await s.engine.updateMember({ key: "u2", memberId: "ann", attributes: { cause: null } });
    await s.buy("ann", "300.00", "p3");
    await s.refund("ann", "p1", "100.00");
    expect((await s.donationEvents()).map((e) => [e.type, e.purchaseId, e.cause, e.amount])).toEqual([
      ["donation.made", "p1", "lincoln-elementary", "1.00"],
      ["donation.made", "p2", "roosevelt-high", "2.00"],
      ["donation.returned", "p1", "lincoln-elementary", "1.00"],
    ]);
  });

  it("a school not on the list is refused at its path, and nothing is written", async () => {
    const s = await setup();
    const e = await expectError(
      s.engine.enroll({ key: "e1", memberId: "ann", attributes: { cause: "hogwarts" } }),
      "INVALID_COMMAND",
    );
    expect(e.issues.map((i) => i.path)).toEqual([["attributes", "cause"]]);
    await expectError(s.engine.summary("ann"), "MEMBER_NOT_FOUND");
    await s.engine.enroll({ key: "e2", memberId: "ann" });
    const u = await expectError(
      s.engine.updateMember({ key: "u1", memberId: "ann", attributes: { cause: 7 } }),
      "INVALID_COMMAND",
    );
    expect(u.issues.map((i) => i.path)).toEqual([["attributes", "cause"]]);
    expect((await s.engine.summary("ann")).attributes).toEqual({});
  });
});

describe("exportMember / importMember carry a purchase's donation", () => {
  it("after the move, refunding the rest of a $49.99 purchase takes back its last $0.39, as before the move", async () => {
    const source = await setup();
    const target = await setup();
    await source.engine.enroll({ key: "e1", memberId: "ann", attributes: { cause: "lincoln-elementary" } });
    await source.buy("ann", "49.99", "p1");
    await source.refund("ann", "p1", "10.00");
    const exported = await source.engine.exportMember("ann");
    expect(exported.purchases?.[0]?.donation).toEqual({
      cause: "lincoln-elementary",
      of: "money",
      amount: "0.49",
      returned: "0.1",
    });
    await target.engine.importMember(exported);
    for (const s of [source, target]) {
      await s.refund("ann", "p1", "39.99");
      expect((await s.donationEvents()).at(-1)).toMatchObject({ type: "donation.returned", amount: "0.39" });
    }
  });

  it("refuses a donation that took back more than it gave, at its path", async () => {
    const s = await setup();
    const e = await expectError(
      s.engine.importMember({
        key: "imp",
        memberId: "ann",
        joinedAt: "2013-01-01T00:00:00Z",
        purchases: [
          {
            purchaseId: "p1",
            amount: "100.00",
            occurredAt: "2013-06-01T00:00:00Z",
            donation: { cause: "lincoln-elementary", of: "money", amount: "1.00", returned: "1.01" },
          },
        ],
      }),
      "INVALID_COMMAND",
    );
    expect(e.issues.map((i) => i.path)).toEqual([["purchases", 0, "donation", "returned"]]);
  });
});

describe("a share of the points a purchase earned", () => {
  it("10% of the 100 points a $100.00 purchase earns is 10 points to the cause; the member keeps 100", async () => {
    const s = await setup(targetProgram({ share: "0.10", of: "points", wallet: "points", attribute: "charity" }));
    await s.engine.enroll({ key: "e1", memberId: "ann", attributes: { charity: "roosevelt-high" } });
    await s.buy("ann", "100.00", "p1");
    await s.refund("ann", "p1", "25.00"); // 75 left: round_down(10 * 75 / 100) = 7 kept, 3 back
    expect((await s.donationEvents()).map((e) => [e.type, e.of, e.wallet, e.amount])).toEqual([
      ["donation.made", "points", "points", "10"],
      ["donation.returned", "points", "points", "3"],
    ]);
    expect((await s.engine.summary("ann")).wallets.points!.available).toBe("75");
  });
});

describe("the program's donations setting is checked", () => {
  it("a wallet for points and none for money, a known wallet, causes once, a share at most 1", async () => {
    const { compileProgram } = await import("../../src/index.js");
    const paths = (donations: Record<string, unknown>) => {
      try {
        compileProgram(targetProgram(donations));
        return [];
      } catch (error) {
        return (error as { issues: { path: (string | number)[] }[] }).issues.map((i) => i.path.join("."));
      }
    };
    expect(paths({ of: "points" })).toEqual(["donations.wallet"]);
    expect(paths({ of: "points", wallet: "miles" })).toEqual(["donations.wallet"]);
    expect(paths({ wallet: "points" })).toEqual(["donations.wallet"]);
    expect(paths({ causes: ["a", "b", "a"] })).toEqual(["donations.causes.2"]);
    expect(paths({ share: "1.5" })).toEqual(["donations.share"]);
    expect(paths({ share: "0" })).toEqual(["donations.share"]);
    expect(paths({ share: "1" })).toEqual([]);
  });
});

describe("properties", () => {
  it("what a purchase's donation keeps never exceeds the share of what is kept of it; refunding everything takes all back", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.constantFrom("0.01", "0.015", "0.333", "1"),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 5 }),
        async (cents, share, weights) => {
          const s = await setup(targetProgram({ share }));
          await s.engine.enroll({ key: "e1", memberId: "ann", attributes: { cause: "lincoln-elementary" } });
          const amount = new Decimal(cents).div(100);
          await s.buy("ann", amount.toFixed(2), "p1");
          // Refund it all in pieces in proportion to the weights (the last piece takes the rest).
          const total = weights.reduce((a, b) => a + b, 0);
          let refunded = 0;
          const pieces = weights.map((w, i) => {
            const piece = i === weights.length - 1 ? cents - refunded : Math.floor((cents * w) / total);
            refunded += piece;
            return piece;
          });
          let given = new Decimal(0);
          let kept = new Decimal(0);
          let left = cents;
          const events = async () => await s.donationEvents();
          const first = await events();
          if (first.length > 0) given = kept = new Decimal(first[0]!.amount as string);
          expect(given.lte(amount.times(share))).toBe(true);
          let seen = first.length;
          for (const piece of pieces) {
            if (piece === 0) continue;
            await s.refund("ann", "p1", new Decimal(piece).div(100).toFixed(2));
            left -= piece;
            const now = await events();
            for (const e of now.slice(seen)) kept = kept.minus(e.amount as string);
            seen = now.length;
            expect(kept.gte(0)).toBe(true);
            expect(kept.lte(new Decimal(left).div(100).times(share))).toBe(true);
          }
          expect(kept.toString()).toBe("0");
        },
      ),
      { numRuns: Math.max(10, Math.floor(RUNS / 3)) },
    );
  });
});
