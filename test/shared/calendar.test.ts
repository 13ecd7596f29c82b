/**
 * Calendar arithmetic on local dates (src/shared/calendar.ts) against date-fns on UTC dates, and
 * the one 29 February rule: an anniversary of a day a month lacks falls on the month's last day.
 */
import { tz } from "@date-fns/tz";
import { addDays, addMonths } from "date-fns";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDaysKey,
  addMonthsKey,
  anniversaryAfter,
  anniversaryDay,
  anniversaryOnOrBefore,
  dateKey,
} from "../../src/shared/calendar.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const dateArb = fc.date({
  min: new Date("1900-01-01T00:00:00Z"),
  max: new Date("2200-12-31T00:00:00Z"),
  noInvalidDate: true,
});
const keyOf = (d: Date) => d.toISOString().slice(0, 10);
const midnight = (d: Date) => new Date(keyOf(d) + "T00:00:00Z");
/** date-fns in UTC, whatever the process's own zone (a plain Date would add days in that zone). */
const utc = { in: tz("UTC") };

describe("local dates", () => {
  it("addDaysKey and addMonthsKey agree with date-fns on UTC dates", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -400, max: 400 }), (date, n) => {
        const day = midnight(date);
        expect(addDaysKey(keyOf(day), n)).toBe(keyOf(addDays(day, n, utc)));
        expect(addMonthsKey(keyOf(day), n)).toBe(keyOf(addMonths(day, n, utc)));
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it("29 February falls on 28 February in common years, and stays in leap years", () => {
    expect(anniversaryDay(2027, 2, 29)).toBe(28);
    expect(anniversaryDay(2028, 2, 29)).toBe(29);
    expect(anniversaryDay(2100, 2, 29)).toBe(28);
    expect(anniversaryDay(2027, 3, 31)).toBe(31);
    expect(anniversaryOnOrBefore("2024-02-29", "2027-03-01")).toBe("2027-02-28");
    expect(anniversaryAfter("2024-02-29", "2027-02-28")).toBe("2028-02-29");
    expect(dateKey(987, 1, 2)).toBe("0987-01-02");
  });

  it("the anniversaries around a date bracket it, one year apart as the calendar has it", () => {
    fc.assert(
      fc.property(dateArb, dateArb, (joined, at) => {
        const joinedKey = keyOf(joined),
          key = keyOf(at);
        const before = anniversaryOnOrBefore(joinedKey, key);
        const after = anniversaryAfter(joinedKey, before);
        expect(before <= key).toBe(true);
        expect(after > key).toBe(true);
        expect(Number(after.slice(0, 4))).toBe(Number(before.slice(0, 4)) + 1);
        expect(before.slice(5, 7)).toBe(joinedKey.slice(5, 7));
        expect(Number(before.slice(8))).toBe(
          anniversaryDay(Number(before.slice(0, 4)), Number(joinedKey.slice(5, 7)), Number(joinedKey.slice(8))),
        );
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
