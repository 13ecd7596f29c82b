/**
 * Reading a purchase history: bad rows named by line and field, good rows grouped exactly into
 * purchase days, and the calibration summaries' conventions (T to the start of the last day).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/shared/decimal.js";
import { isLoyaltyError, readPurchaseHistory, summarizeHistory, type HistoryRow } from "../../src/insights/index.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

function rows(text: string): HistoryRow[] {
  // "member,date,amount" per line, line numbers from 1 as a file has them (after a header on line 1).
  return text
    .trim()
    .split("\n")
    .map((line, i) => {
      const [member, date, amount] = line.split(",");
      return { line: i + 2, member, date, amount };
    });
}

function issuesOf(text: string, options = {}) {
  try {
    readPurchaseHistory(rows(text), options);
  } catch (error) {
    if (isLoyaltyError(error, "INVALID_HISTORY"))
      return { message: error.message, issues: error.issues, details: error.details };
    throw error;
  }
  throw new Error("expected INVALID_HISTORY");
}

describe("bad histories", () => {
  const corpus: readonly [string, string, readonly (string | number)[], string][] = [
    ["no member", "a,2026-01-02,5.00\n,2026-01-03,4.00", [3, "member"], "No member"],
    ["a blank-member marker", "a,2026-01-02,5.00\n(blank),2026-01-03,4.00", [3, "member"], "No member"],
    ["an unparseable date", "a,2026-01-02,5.00\na,2026-02-30,1.00", [3, "date"], "Not a date"],
    ["a date in another format", "a,02/01/2026,5.00", [2, "date"], "(ymd)"],
    ["an unparseable amount", "a,2026-01-02,5.00\nb,2026-01-03,£4", [3, "amount"], "Not a decimal amount"],
    ["a float-looking amount", "a,2026-01-02,1e3", [2, "amount"], "Not a decimal amount"],
    [
      "a return with no purchase before it",
      "a,2026-01-05,5.00\na,2026-01-04,-2.00",
      [3, "amount"],
      "A return with no purchase",
    ],
    ["a return by a member who never bought", "b,2026-01-05,-2.00", [2, "amount"], "A return with no purchase"],
  ];
  it.each(corpus)(
    "%s: INVALID_HISTORY names the line and field, and the message the first problem",
    (_, text, path, words) => {
      const { message, issues, details } = issuesOf(text, { blankMembers: ["(blank)"] });
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toEqual(path);
      expect(issues[0]!.message).toContain(words);
      expect(message).toContain(`${path.join(".")}:`);
      expect(details.lines).toEqual([path[0]]);
    },
  );

  it("lists every bad line, in line order, and with badRows: skip leaves them out instead", () => {
    const text = "a,2026-01-02,5.00\n,2026-01-03,1\nb,2026-01-03,-1\nc,x,1\na,2026-01-02,-5.00\nd,2026-01-04,2";
    expect(issuesOf(text).issues.map((i) => i.path)).toEqual([
      [3, "member"],
      [4, "amount"],
      [5, "date"],
    ]);
    const { history, refused } = readPurchaseHistory(rows(text), { badRows: "skip" });
    expect(refused.map((i) => i.path[0])).toEqual([3, 4, 5]);
    expect(history.members.map((m) => m.member)).toEqual(["a", "d"]);
    // The same-day return of a's purchase is fine: purchases come before returns on a day.
    expect(history.members[0]!.returned.toFixed(2)).toBe("5.00");
  });

  it("with a quantity column, a bad quantity is named, and amount = quantity × price to the penny", () => {
    const read = (quantity: string) =>
      readPurchaseHistory([{ line: 2, member: "a", date: "2026-01-02", amount: "0.335", quantity }]);
    expect(read("3").history.members[0]!.spend[0]!.toFixed()).toBe("1.01");
    expect(() => read("three")).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: [2, "quantity"] })] }),
    );
  });

  it("reads the dates of the shipped data sets: compact, US month/day with a time, and day/month", () => {
    const read = (date: string, dateFormat: "compact" | "mdy" | "dmy") =>
      summarizeHistory(readPurchaseHistory([{ line: 1, member: "a", date, amount: "1" }], { dateFormat }).history, {
        calibrationEnd: "2011-12-31",
        timeUnitDays: 1,
      })[0]!.T;
    expect(read("20111230", "compact")).toBe(1);
    expect(read("12/1/2011 8:26", "mdy")).toBe(30);
    expect(read("1/12/2011", "dmy")).toBe(30);
  });
});

describe("purchase days", () => {
  const row = fc.record({
    member: fc.constantFrom("a", "b", "c"),
    day: fc.integer({ min: 1, max: 28 }),
    cents: fc.integer({ min: 0, max: 100_000 }),
  });

  it("group each member's purchases into ascending, distinct days, keeping every cent", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), (list) => {
        const history = readPurchaseHistory(
          list.map((r, i) => ({
            line: i + 1,
            member: r.member,
            date: `2026-02-${String(r.day).padStart(2, "0")}`,
            amount: new Decimal(r.cents).dividedBy(100).toFixed(2),
          })),
        ).history;
        let total = new Decimal(0);
        for (const m of history.members) {
          expect(new Set(m.days).size).toBe(m.days.length);
          expect([...m.days].sort((x, y) => x - y)).toEqual(m.days);
          for (const s of m.spend) total = total.plus(s);
        }
        expect(total.times(100).toNumber()).toBe(list.reduce((s, r) => s + r.cents, 0));
        expect(history.members.reduce((s, m) => s + m.days.length, 0)).toBe(
          new Set(list.map((r) => `${r.member}|${r.day}`)).size,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("summaries: x counts repeat days to the calibration's end, T ends at the start of its last day", () => {
    const { history } = readPurchaseHistory(
      rows(
        "a,2026-01-01,10\na,2026-01-01,5\na,2026-01-15,3.50\na,2026-01-29,2\na,2026-02-01,1\nb,2026-01-29,7\nc,2026-02-02,1",
      ),
    );
    const summaries = summarizeHistory(history, { calibrationEnd: "2026-01-29" });
    expect(summaries).toEqual([
      { member: "a", x: 2, tx: 4, T: 4, meanRepeatSpend: 2.75 },
      { member: "b", x: 0, tx: 0, T: 0, meanRepeatSpend: 0 },
    ]);
    expect(() => summarizeHistory(history, { calibrationEnd: "29/01/2026" })).toThrow(
      expect.objectContaining({
        code: "INVALID_COMMAND",
        issues: [expect.objectContaining({ path: ["calibrationEnd"] })],
      }),
    );
  });
});
