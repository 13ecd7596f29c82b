/**
 * Expiry rounding (issue 17): a term's expiry rounded up to the end of a local day, ISO week,
 * month, quarter, half-year, year or chosen month, or down to the start of the local day, from the
 * platforms' documented examples, through the engine; and properties of the rounding itself.
 *
 * Sources:
 * - Voucherify, "Loyalty points" (https://docs.voucherify.io/build/loyalty-points): points earned
 *   on 25 January with a 1-month term are available until the end of 25 February; earned on
 *   31 January, until the end of 28 February; the round-up periods include "each half-year: at the
 *   end of June and December"; its tier rounding names a particular month (`rounding.value`).
 * - Talon.One, BaseLoyaltyProgram.defaultValidity
 *   (https://raw.githubusercontent.com/talon-one/talon_one.js/HEAD/docs/BaseLoyaltyProgram.md):
 *   `_D` rounds days down to the start of the day, `_U` rounds days, weeks and months up to their
 *   end. Its docs give no first day of the week; ours is ISO Monday.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileProgram,
  createMemoryStore,
  isLoyaltyError,
  type Entry,
  type ProgramDefinition,
} from "../../src/index.js";
import { roundTerm } from "../../src/expiry/policy.js";
import { localParts } from "../../src/shared/time.js";
import { CALENDAR_UNITS } from "../../src/shared/periods.js";
import { testEngine } from "../support/engine.js";
import { exampleWith } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

async function expiryOfCredit(zone: string, expiry: unknown, earned: string): Promise<string | null> {
  const def = exampleWith({ timeZone: zone, expiry: expiry as ProgramDefinition["expiry"] });
  const { engine } = testEngine(def, earned, { store: createMemoryStore() });
  await engine.enroll({ key: "e", memberId: "m" });
  const result = await engine.adjust({ key: "c", memberId: "m", wallet: "points", points: "10", reason: "test" });
  const e = result.entries.find((x: Entry) => x.kind === "adjust" && x.lot);
  return e?.kind === "adjust" ? e.lot!.expiresAt : null;
}

describe("expiry rounding, from the platforms' examples", () => {
  const cases: { name: string; zone: string; expiry: unknown; earned: string; expires: string }[] = [
    {
      name: "Voucherify: earned 25 Jan, 1 month, usable to the end of 25 Feb",
      zone: "Europe/Warsaw",
      expiry: { kind: "term", after: { months: 1 }, roundUpTo: "day" },
      earned: "2026-01-25T09:00:00Z",
      expires: "2026-02-25T23:00:00.000Z", // 26 Feb 00:00 CET
    },
    {
      name: "Voucherify: earned 31 Jan, 1 month, usable to the end of 28 Feb",
      zone: "Europe/Warsaw",
      expiry: { kind: "term", after: { months: 1 }, roundUpTo: "day" },
      earned: "2026-01-31T09:00:00Z",
      expires: "2026-02-28T23:00:00.000Z", // 1 Mar 00:00 CET
    },
    {
      name: "Voucherify: 25 Feb rounded up to the half-year ends with June",
      zone: "Europe/Warsaw",
      expiry: { kind: "term", after: { months: 1 }, roundUpTo: "halfYear" },
      earned: "2026-01-25T09:00:00Z",
      expires: "2026-06-30T22:00:00.000Z", // 1 Jul 00:00 CEST
    },
    {
      name: "Voucherify: 25 Aug rounded up to the half-year ends with December",
      zone: "Europe/Warsaw",
      expiry: { kind: "term", after: { months: 1 }, roundUpTo: "halfYear" },
      earned: "2026-07-25T09:00:00Z",
      expires: "2026-12-31T23:00:00.000Z", // 1 Jan 00:00 CET
    },
    {
      name: "Voucherify particular month: 10 Feb rounded up to March ends with this March",
      zone: "Europe/Warsaw",
      expiry: { kind: "term", after: { months: 1 }, roundUpTo: { month: 3 } },
      earned: "2026-01-10T09:00:00Z",
      expires: "2026-03-31T22:00:00.000Z", // 1 Apr 00:00 CEST
    },
    {
      name: "Voucherify particular month: 10 Apr rounded up to March ends with next March",
      zone: "Europe/Warsaw",
      expiry: { kind: "term", after: { months: 1 }, roundUpTo: { month: 3 } },
      earned: "2026-03-10T09:00:00Z",
      expires: "2027-03-31T22:00:00.000Z",
    },
    {
      name: "Talon.One 1W_U: Wed 17 Jun rounded up to the end of its ISO week (Monday 22 Jun)",
      zone: "Europe/Berlin",
      expiry: { kind: "term", after: { days: 7 }, roundUpTo: "week" },
      earned: "2026-06-10T08:00:00Z",
      expires: "2026-06-21T22:00:00.000Z",
    },
    {
      name: "Talon.One 5D_D: 15 Jun 10:00 rounded down to 15 Jun 00:00",
      zone: "Europe/Berlin",
      expiry: { kind: "term", after: { days: 5 }, roundDownTo: "day" },
      earned: "2026-06-10T08:00:00Z",
      expires: "2026-06-14T22:00:00.000Z",
    },
    {
      name: "DST: rounded down on the spring-forward day (New York, 23-hour day)",
      zone: "America/New_York",
      expiry: { kind: "term", after: { days: 1 }, roundDownTo: "day" },
      earned: "2026-03-07T17:00:00Z",
      expires: "2026-03-08T05:00:00.000Z", // 00:00 EST
    },
    {
      name: "DST: rounded up on the spring-forward day ends at 00:00 EDT",
      zone: "America/New_York",
      expiry: { kind: "term", after: { days: 1 }, roundUpTo: "day" },
      earned: "2026-03-07T17:00:00Z",
      expires: "2026-03-09T04:00:00.000Z",
    },
    {
      name: "DST: a week that contains the autumn change (London) ends Monday 00:00 GMT",
      zone: "Europe/London",
      expiry: { kind: "term", after: { days: 3 }, roundUpTo: "week" },
      earned: "2026-10-21T09:00:00Z",
      expires: "2026-10-26T00:00:00.000Z",
    },
  ];

  it.each(cases)("$name", async ({ zone, expiry, earned, expires }) => {
    expect(await expiryOfCredit(zone, expiry, earned)).toBe(expires);
  });

  it("a rule's own term rounds too", async () => {
    const def = exampleWith({
      timeZone: "Europe/Berlin",
      rules: [
        ...exampleWith({}).rules,
        {
          id: "flash",
          on: "flash-sale",
          awards: [{ kind: "fixed", points: "25", wallet: "points" }],
          expiry: { after: { days: 5 }, roundDownTo: "day" },
        },
      ],
    });
    const { engine } = testEngine(def, "2026-06-10T08:00:00Z");
    await engine.enroll({ key: "e", memberId: "m" });
    const flash = await engine.recordEvent({ key: "f", memberId: "m", type: "flash-sale" });
    const e = flash.entries.find((x: Entry) => x.kind === "earn");
    expect(e?.kind === "earn" ? e.lot?.expiresAt : null).toBe("2026-06-14T22:00:00.000Z");
  });

  it.each([
    [
      "a wallet's term",
      (p: Record<string, any>) =>
        (p.expiry = { kind: "term", after: { days: 1 }, roundUpTo: "day", roundDownTo: "day" }),
      ["expiry", "roundDownTo"],
    ],
    [
      "the shorthand",
      (p: Record<string, any>) => (p.expiry = { after: { days: 1 }, roundUpTo: "week", roundDownTo: "day" }),
      ["expiry", "roundDownTo"],
    ],
    [
      "a chosen month of 13",
      (p: Record<string, any>) => (p.expiry = { after: { days: 1 }, roundUpTo: { month: 13 } }),
      ["expiry"],
    ],
  ] as const)("refuses %s rounding both ways or to a month that does not exist", (_name, edit, path) => {
    const def = structuredClone(exampleWith({})) as Record<string, any>;
    edit(def);
    let caught: unknown;
    try {
      compileProgram(def);
    } catch (e) {
      caught = e;
    }
    expect(isLoyaltyError(caught, "INVALID_PROGRAM")).toBe(true);
    const paths = (caught as { issues: { path: (string | number)[] }[] }).issues.map((i) => i.path.join("."));
    expect(paths.some((p) => p.startsWith(path.join(".")))).toBe(true);
  });
});

describe("rounding properties (seeds printed on failure)", () => {
  const zones = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", "UTC"];
  const instantArb = fc.integer({ min: Date.parse("2020-01-01T00:00:00Z"), max: Date.parse("2035-12-31T00:00:00Z") });
  // Instants on DST days too: the hours around each zone's 2026 changes.
  const dstArb = fc
    .constantFrom(
      Date.parse("2026-03-08T07:00:00Z"),
      Date.parse("2026-11-01T06:00:00Z"),
      Date.parse("2026-03-29T01:00:00Z"),
      Date.parse("2026-10-25T01:00:00Z"),
      Date.parse("2026-04-04T16:00:00Z"),
      Date.parse("2026-10-03T16:00:00Z"),
    )
    .chain((at) => fc.integer({ min: at - 86_400_000, max: at + 86_400_000 }));
  const atArb = fc.oneof(instantArb, dstArb);
  const upArb = fc.oneof(fc.constantFrom(...CALENDAR_UNITS), fc.record({ month: fc.integer({ min: 1, max: 12 }) }));

  it("rounding up is never earlier, and the last instant before the rounded expiry rounds to it again", () => {
    fc.assert(
      fc.property(atArb, fc.constantFrom(...zones), upArb, (at, zone, roundUpTo) => {
        const up = roundTerm(at, zone, { roundUpTo });
        expect(up).toBeGreaterThan(at);
        // "The end of a period" is the first instant of the next, so the rounded instant itself
        // opens a new period: idempotence holds for the last instant the points are spendable.
        expect(roundTerm(up - 1, zone, { roundUpTo })).toBe(up);
        if (typeof roundUpTo === "object") {
          expect(localParts(up - 1, zone).month).toBe(roundUpTo.month);
          expect(localParts(up, zone).day).toBe(1);
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it("rounding down is never later, lands on a local midnight, and is idempotent", () => {
    fc.assert(
      fc.property(atArb, fc.constantFrom(...zones), (at, zone) => {
        const down = roundTerm(at, zone, { roundDownTo: "day" });
        expect(down).toBeLessThanOrEqual(at);
        expect(at - down).toBeLessThan(25 * 3_600_000);
        expect(localParts(down, zone).minuteOfDay).toBe(0);
        expect(down % 1000).toBe(0);
        expect(roundTerm(down, zone, { roundDownTo: "day" })).toBe(down);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});
