/**
 * Birthday and anniversary bonuses the engine pays by itself (issue 17): rules on
 * `schedule:birthday` and `schedule:anniversary` run at the local start of the day, once a year, as
 * due work, so no cron job has to fire events. Worked examples (a birthday at midnight BST, 29
 * February anniversaries, a member idle for years, conditions read at the bonus's instant),
 * validation, and a property: whether sweeps run, and when, the bonuses paid and their dates are the
 * same.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileProgram, isLoyaltyError, type ProgramDefinition } from "../../src/index.js";
import { readAllEntries } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { poundsProgram, purchaseRule } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const DAY = 86_400_000;

function program(rules: any[] = [], over: Partial<ProgramDefinition> = {}): ProgramDefinition {
  return poundsProgram({
    id: "scheduled",
    rules: [
      purchaseRule(),
      { id: "birthday", on: "schedule:birthday", awards: [{ kind: "fixed", points: "100", wallet: "points" }] },
      { id: "anniversary", on: "schedule:anniversary", awards: [{ kind: "fixed", points: "50", wallet: "points" }] },
      ...rules,
    ],
    ...over,
  });
}

async function setup(def: ProgramDefinition, start: string, birthday?: string) {
  const { engine, store, t } = testEngine(def, start);
  await engine.enroll({ key: "e", memberId: "m", ...(birthday === undefined ? {} : { birthday }) });
  const bonuses = async () =>
    (await readAllEntries(store, def.id, "m"))
      .filter((e) => e.kind === "earn" && (e.ruleId === "birthday" || e.ruleId === "anniversary"))
      .map((e) => (e.kind === "earn" ? `${e.ruleId} ${e.lot.earnedAt} ${e.points}` : ""));
  const available = async () => (await engine.summary("m")).wallets.points!.available;
  return { engine, store, t, bonuses, available };
}

describe("a birthday bonus paid by the engine", () => {
  it("at the local midnight that starts the birthday (BST), once, shown by reads before any sweep", async () => {
    const s = await setup(program(), "2026-03-01T12:00:00Z", "1990-06-15");
    s.t.set("2026-06-14T22:59:59Z");
    expect(await s.available()).toBe("0");
    s.t.set("2026-06-14T23:00:00Z"); // midnight, 15 June, London summer time
    expect(await s.available()).toBe("100");
    expect(await s.bonuses()).toEqual([]);
    // The expiry sweep wakes the member through the due index and records it.
    await s.engine.expire();
    await s.engine.expire();
    s.t.set("2026-08-01T12:00:00Z");
    await s.engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "o", amount: "10.00", currency: "GBP" });
    expect(await s.bonuses()).toEqual(["birthday 2026-06-14T23:00:00.000Z 100"]);
    expect(await s.available()).toBe("110");
  });

  it("a member idle for years gets each year's bonus at its own date on their next write", async () => {
    const s = await setup(program(), "2026-03-01T12:00:00Z", "1990-01-20");
    s.t.set("2029-02-01T12:00:00Z");
    await s.engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "o", amount: "10.00", currency: "GBP" });
    expect(await s.bonuses()).toEqual(
      [
        "anniversary 2027-03-01T00:00:00.000Z 50",
        "anniversary 2028-03-01T00:00:00.000Z 50",
        "birthday 2027-01-20T00:00:00.000Z 100",
        "birthday 2028-01-20T00:00:00.000Z 100",
        "birthday 2029-01-20T00:00:00.000Z 100",
      ].sort((a, b) => a.split(" ")[1]!.localeCompare(b.split(" ")[1]!)),
    );
  });

  it("no birthday: no birthday bonus and no wake-up for one", async () => {
    const s = await setup(program([], { rules: [purchaseRule(), program().rules[1]!] }), "2026-03-01T12:00:00Z");
    s.t.set("2028-01-01T00:00:00Z");
    expect((await s.engine.expire()).members).toBe(0);
    expect(await s.available()).toBe("0");
  });

  it("reads its conditions at the bonus's instant: only members who opted in, only while the campaign runs", async () => {
    const def = poundsProgram({
      id: "scheduled-when",
      rules: [
        purchaseRule(),
        {
          id: "birthday",
          on: "schedule:birthday",
          when: { field: "member.attributes.optIn", op: "eq", value: true },
          active: { until: "2027-01-01T00:00:00Z" },
          awards: [{ kind: "fixed", points: "100", wallet: "points" }],
        },
      ],
    });
    const { engine, t } = testEngine(def, "2026-03-01T12:00:00Z");
    await engine.enroll({ key: "a", memberId: "yes", birthday: "1990-05-01", attributes: { optIn: true } });
    await engine.enroll({ key: "b", memberId: "no", birthday: "1990-05-01", attributes: { optIn: false } });
    t.set("2027-06-01T00:00:00Z");
    expect((await engine.summary("yes")).wallets.points!.available).toBe("100");
    expect((await engine.summary("no")).wallets.points!.available).toBe("0");
  });
});

describe("anniversaries of joining", () => {
  it("a member who joined on 29 February is celebrated on 28 February in common years", async () => {
    const s = await setup(program(), "2024-02-29T12:00:00Z");
    s.t.set("2028-03-01T12:00:00Z");
    await s.engine.recordEvent({ key: "x", memberId: "m", type: "visit" });
    expect(await s.bonuses()).toEqual([
      "anniversary 2025-02-28T00:00:00.000Z 50",
      "anniversary 2026-02-28T00:00:00.000Z 50",
      "anniversary 2027-02-28T00:00:00.000Z 50",
      "anniversary 2028-02-29T00:00:00.000Z 50",
    ]);
  });
});

describe("the program format", () => {
  it("refuses an unknown schedule and a rate award on a schedule, with paths", () => {
    try {
      compileProgram(
        program([
          { id: "weekly", on: "schedule:weekly", awards: [{ kind: "fixed", points: "1", wallet: "points" }] },
          { id: "rated", on: "schedule:birthday", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
        ]),
      );
      expect.unreachable();
    } catch (error) {
      if (!isLoyaltyError(error)) throw error;
      const paths = (error.issues ?? []).map((i) => i.path.join("."));
      expect(paths).toContain("rules.3.on");
      expect(paths).toContain("rules.4.awards.0.kind");
    }
  });
});

describe("properties", () => {
  it("sweeps at any times, or none, pay the same bonuses at the same dates: one per birthday and anniversary passed", async () => {
    const stepArb = fc.record({ days: fc.integer({ min: 1, max: 200 }), sweep: fc.boolean(), buy: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        async (steps, month, day) => {
          const birthday = `1990-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
          const swept = await setup(program(), "2026-03-01T12:00:00Z", birthday);
          const idle = await setup(program(), "2026-03-01T12:00:00Z", birthday);
          let at = Date.parse("2026-03-01T12:00:00Z");
          for (const [i, step] of steps.entries()) {
            at += step.days * DAY;
            swept.t.set(at);
            if (step.sweep) await swept.engine.expire();
            if (step.buy)
              await swept.engine.recordPurchase({
                key: `p${i}`,
                memberId: "m",
                purchaseId: `o${i}`,
                amount: "1.00",
                currency: "GBP",
              });
          }
          idle.t.set(at);
          for (const s of [swept, idle]) await s.engine.recordEvent({ key: "end", memberId: "m", type: "visit" });
          const paid = await swept.bonuses();
          expect(paid).toEqual(await idle.bonuses());
          // One bonus per birthday and per anniversary in (joining, end].
          const years = (from: number, to: number, md: string) => {
            let n = 0;
            for (let y = 2026; y <= 2040; y++) {
              const instant = Date.parse(`${y}-${md}T00:00:00Z`);
              if (instant > from && instant <= to) n++;
            }
            return n;
          };
          // London midnights are 23:00Z in summer: count with the local date instead.
          const local = (ms: number) => new Date(ms + 3_600_000 * (isSummer(ms) ? 1 : 0));
          const endLocal = local(at).getTime();
          const joined = Date.parse("2026-03-01T12:00:00Z");
          expect(paid.filter((p) => p.startsWith("birthday")).length).toBe(years(joined, endLocal, birthday.slice(5)));
          expect(paid.filter((p) => p.startsWith("anniversary")).length).toBe(years(joined, endLocal, "03-01"));
        },
      ),
      { numRuns: RUNS },
    );
  }, 60_000);
});

/** Whether London is on summer time at an instant (last Sunday of March to last Sunday of October, 01:00Z). */
function isSummer(ms: number): boolean {
  const y = new Date(ms).getUTCFullYear();
  const lastSunday = (month: number) => {
    const d = new Date(Date.UTC(y, month + 1, 0, 1));
    d.setUTCDate(d.getUTCDate() - d.getUTCDay());
    return d.getTime();
  };
  return ms >= lastSunday(2) && ms < lastSunday(9);
}
