/**
 * Local time (src/shared/time.ts) computes wall-clock fields and calendar arithmetic from zone
 * offsets cached per zone and UTC hour. Its results must be exactly those of the computations it
 * replaced (Intl.DateTimeFormat#formatToParts, TZDate with date-fns), kept verbatim below as the
 * reference: on random instants, on instants around every offset change of zones with DST, 30 and
 * 45-minute offsets and skipped days, and whatever the process's own time zone.
 */
import { TZDate, tzOffset, tzScan } from "@date-fns/tz";
import { addDays, addMonths, addYears, getISOWeek, getISOWeekYear } from "date-fns";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { addLocal, iso, localDateKey, localParts, type Duration, type LocalParts } from "../../src/shared/time.js";
import { periodKey, type Period } from "../../src/shared/periods.js";

// ---- The reference: time.ts as it was before the offset cache ----------------------------------

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(zone, fmt);
  }
  return fmt;
}
function refLocalParts(ms: number, zone: string): LocalParts {
  let year = 0,
    month = 0,
    day = 0,
    weekday = 0,
    hour = 0,
    minute = 0;
  for (const part of formatterFor(zone).formatToParts(ms)) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "weekday":
        weekday = WEEKDAYS[part.value] ?? 0;
        break;
      case "hour":
        hour = Number(part.value);
        break;
      case "minute":
        minute = Number(part.value);
        break;
    }
  }
  return { year, month, day, weekday, minuteOfDay: hour * 60 + minute };
}
const pad = (n: number, width = 2) => String(n).padStart(width, "0");
function refLocalDateKey(ms: number, zone: string): string {
  const p = refLocalParts(ms, zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}
function refAddLocal(ms: number, zone: string, span: Duration): number {
  let date: Date = new TZDate(ms, zone);
  if (span.years) date = addYears(date, span.years);
  if (span.months) date = addMonths(date, span.months);
  if (span.days) date = addDays(date, span.days);
  return date.getTime();
}
function refPeriodKey(ms: number, zone: string, period: Period): string {
  if (period === "lifetime") return "all";
  if (period === "week") {
    const d = new TZDate(ms, zone);
    return `${getISOWeekYear(d)}-W${pad(getISOWeek(d))}`;
  }
  const p = refLocalParts(ms, zone);
  if (period === "year") return pad(p.year, 4);
  if (period === "month") return `${pad(p.year, 4)}-${pad(p.month)}`;
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** A value, or the class of what computing it threw. */
function outcome<T>(fn: () => T): { ok: T } | { threw: string } {
  try {
    return { ok: fn() };
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}

// ---- Inputs ------------------------------------------------------------------------------------

const HOUR = 3_600_000,
  DAY = 86_400_000;
const ZONES = [
  "Europe/London",
  "Australia/Lord_Howe",
  "Asia/Kathmandu",
  "America/St_Johns",
  "Pacific/Chatham",
  "America/New_York",
  "America/Santiago",
  "America/Havana",
  "America/Sao_Paulo",
  "Pacific/Apia",
  "Pacific/Kiritimati",
  "Africa/Casablanca",
  "Europe/Dublin",
  "Antarctica/Troll",
  "Asia/Tehran",
  "Pacific/Marquesas",
  "Australia/Eucla",
  "Asia/Gaza",
  "Europe/Moscow",
  "Asia/Pyongyang",
  "America/Caracas",
  "Pacific/Norfolk",
  "America/Nuuk",
  "UTC",
  "Asia/Tokyo",
];
/** Offset changes of each zone from 1900 to 2045 (to the hour; the inputs add minutes around them). */
const TRANSITIONS = ZONES.flatMap((zone) =>
  tzScan(zone, { start: new Date("1900-01-01T00:00:00Z"), end: new Date("2045-01-01T00:00:00Z") }).map((c) => ({
    zone,
    at: c.date.getTime(),
  })),
);

const zoneArb = fc.constantFrom(...ZONES);
/** Instants anywhere (including before 1000 and after 9000), near now, or within three days of an offset change. */
const instantArb = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(zoneArb, fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 })) },
  { weight: 2, arbitrary: fc.tuple(zoneArb, fc.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(2100, 0, 1) })) },
  { weight: 1, arbitrary: fc.tuple(zoneArb, fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) })) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...TRANSITIONS),
        fc.integer({ min: -3 * DAY, max: 3 * DAY }),
        fc.constantFrom(0, 1, 60_000, 30 * 60_000, HOUR, 999),
      )
      .map(
        ([t, delta, round]) =>
          [t.zone, round <= 1 ? t.at + delta : t.at + delta - ((((t.at + delta) % round) + round) % round)] as [
            string,
            number,
          ],
      ),
  },
);
const amountArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(0),
  fc.integer({ min: -3, max: 3 }),
  fc.integer({ min: -40, max: 40 }),
  fc.integer({ min: -2000, max: 2000 }),
  fc.constantFrom(0.5, -1.5, 12.25, Number.NaN, 1e9),
);
const spanArb = fc
  .record({ years: amountArb, months: amountArb, days: amountArb })
  .map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Duration);
/** An instant one span before an offset change (give or take two days), and that span: the result lands near the change. */
const towardsTransitionArb = fc
  .tuple(
    fc.constantFrom(...TRANSITIONS),
    fc.integer({ min: -2 * DAY, max: 2 * DAY }).map((d) => d - (d % 60_000)),
    fc.constantFrom<Duration>(
      { days: 1 },
      { days: 7 },
      { days: 30 },
      { days: -1 },
      { months: 1 },
      { months: 12 },
      { months: -1 },
      { years: 1 },
      { years: 1, months: 1, days: 1 },
      { months: 6, days: 3 },
    ),
  )
  .map(([t, delta, span]) => {
    const back: Duration = {
      ...(span.years ? { years: -span.years } : {}),
      ...(span.months ? { months: -span.months } : {}),
      ...(span.days ? { days: -span.days } : {}),
    };
    return { zone: t.zone, ms: refAddLocal(t.at + delta, t.zone, back), span };
  });

// ---- Properties --------------------------------------------------------------------------------

/**
 * Runs `fn` with the process in UTC. TZDate's arithmetic goes through the process's own zone, and in
 * some (Australia/Lord_Howe, with its 30-minute daylight saving) it is off by that half hour far
 * from today: 1916-10-04T02:00Z in Europe/Dublin plus 1545 years and 2 days gives 3461-10-06T01:30Z
 * there, 01:00Z (02:00 local, as it should be) in UTC. The reference is therefore always computed
 * in UTC, where the main property holds it to Intl, and ours in whatever zone the test sets.
 */
function inUtc<T>(fn: () => T): T {
  const before = process.env.TZ;
  process.env.TZ = "UTC";
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

function sameAsReference(runs: number): void {
  fc.assert(
    fc.property(
      instantArb,
      fc.constantFrom<Period>("day", "week", "month", "year", "lifetime"),
      ([zone, ms], period) => {
        expect(outcome(() => localParts(ms, zone))).toEqual(inUtc(() => outcome(() => refLocalParts(ms, zone))));
        expect(outcome(() => localDateKey(ms, zone))).toEqual(inUtc(() => outcome(() => refLocalDateKey(ms, zone))));
        expect(outcome(() => periodKey(ms, zone, period))).toEqual(
          inUtc(() => outcome(() => refPeriodKey(ms, zone, period))),
        );
      },
    ),
    { numRuns: runs },
  );
  fc.assert(
    fc.property(instantArb, spanArb, ([zone, ms], span) => {
      expect(outcome(() => addLocal(ms, zone, span))).toEqual(inUtc(() => outcome(() => refAddLocal(ms, zone, span))));
    }),
    { numRuns: runs },
  );
  fc.assert(
    fc.property(towardsTransitionArb, ({ zone, ms, span }) => {
      expect(addLocal(ms, zone, span)).toBe(inUtc(() => refAddLocal(ms, zone, span)));
    }),
    { numRuns: runs },
  );
}

describe("local time from cached offsets", () => {
  it("has transitions to test around", () => {
    for (const zone of [
      "Europe/London",
      "Australia/Lord_Howe",
      "America/St_Johns",
      "Pacific/Chatham",
      "Asia/Kathmandu",
      "Pacific/Apia",
    ]) {
      expect(TRANSITIONS.filter((t) => t.zone === zone).length, zone).toBeGreaterThan(
        zone === "Asia/Kathmandu" ? 0 : 20,
      );
    }
  });

  it("gives the fields, date keys and period keys Intl and TZDate give, and adds spans as TZDate and date-fns do", () => {
    sameAsReference(4000);
  });

  it("does so whatever the process's own time zone (TZDate's arithmetic goes through it)", () => {
    const before = process.env.TZ;
    try {
      for (const system of [
        "America/New_York",
        "Australia/Lord_Howe",
        "Asia/Kathmandu",
        "Europe/London",
        "Pacific/Chatham",
      ]) {
        process.env.TZ = system;
        expect(0 - new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset(), system).toBe(
          tzOffset(system, new Date(Date.UTC(2026, 0, 15))),
        );
        sameAsReference(600);
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it("adds spans in the program's zone alone, whatever the process's own (a server in New York, Lord Howe)", () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = "America/New_York";
      // 2006-10-27 23:30 in St John's (NDT, UTC-2:30) plus a day: 2006-10-28 23:30 NDT, an hour before
      // St John's went back to NST. TZDate alone, in a New York process, gave 03:00Z.
      expect(new Date(addLocal(1162000800000, "America/St_Johns", { days: 1 })).toISOString()).toBe(
        "2006-10-29T02:00:00.000Z",
      );
      process.env.TZ = "Australia/Lord_Howe";
      // 1916-10-04 02:00 in Dublin (GMT then) plus 1545 years and 2 days: 3461-10-06 02:00 Irish
      // Standard Time (UTC+1). TZDate alone, in a Lord Howe process, gave 01:30Z.
      expect(new Date(addLocal(-1680213600000, "Europe/Dublin", { years: 1545, days: 2 })).toISOString()).toBe(
        "3461-10-06T01:00:00.000Z",
      );
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it("handles the awkward cases as before: gaps, repeats, 30 and 45-minute offsets, skipped days, month ends", () => {
    const cases: [string, string, Duration][] = [
      ["Europe/London", "2026-03-28T01:30:00Z", { days: 1 }], // lands in the skipped hour
      ["Europe/London", "2026-10-24T00:30:00Z", { days: 1 }], // lands in the repeated hour
      ["Europe/London", "2026-10-25T01:30:00Z", { days: -1 }], // starts in the second 01:30
      ["Australia/Lord_Howe", "2026-10-03T15:45:00Z", { days: 1 }], // 02:15 local: in the 30-minute gap
      ["Australia/Lord_Howe", "2026-04-04T14:40:00Z", { days: 1 }], // 01:40 local: the 30-minute repeat
      ["America/St_Johns", "2026-03-07T05:31:00Z", { days: 1 }],
      ["Pacific/Chatham", "2026-09-26T14:15:00Z", { days: 1 }], // 02:00 +12:45 -> 03:00 +13:45
      ["Asia/Kathmandu", "1985-12-31T18:20:00Z", { days: 1 }], // +05:30 -> +05:45 on 1986-01-01
      ["Pacific/Apia", "2011-12-29T10:00:00Z", { days: 1 }], // 30 December 2011 never happened in Samoa
      ["Pacific/Kiritimati", "1994-12-30T12:00:00Z", { days: 1 }],
      ["America/Santiago", "2026-09-05T03:30:00Z", { days: 1 }], // midnight gap
      ["America/New_York", "2026-01-31T15:00:00Z", { months: 1 }], // 31 Jan + 1 month = 28 Feb
      ["America/New_York", "2028-02-29T15:00:00Z", { years: 1 }],
      ["America/New_York", "2026-02-08T07:30:00Z", { months: 1 }], // 02:30 on 8 March does not exist
      ["Europe/London", "1900-01-01T00:00:00Z", { months: 1 }], // before 1847-12-01 London had -00:01:15
      ["Europe/London", "1847-11-30T12:00:00Z", { days: 1 }],
    ];
    for (const [zone, at, span] of cases) {
      const ms = Date.parse(at);
      expect(addLocal(ms, zone, span), `${zone} ${at} + ${JSON.stringify(span)}`).toBe(
        inUtc(() => refAddLocal(ms, zone, span)),
      );
      expect(localParts(ms, zone)).toEqual(refLocalParts(ms, zone));
    }
  });

  it("handles what is not a plain instant as before: fractions of a millisecond, NaN, the ends of time, unknown zones", () => {
    for (const ms of [0.5, -0.5, 1e12 + 0.25, -1e12 - 0.75, Number.NaN, Infinity, 8.64e15, -8.64e15, 8.64e15 + 1]) {
      for (const zone of ["Europe/London", "Asia/Kathmandu", "Not/AZone"]) {
        expect(
          outcome(() => localParts(ms, zone)),
          `${zone} ${ms}`,
        ).toEqual(outcome(() => refLocalParts(ms, zone)));
        expect(
          outcome(() => addLocal(ms, zone, { months: 1, days: 2 })),
          `${zone} ${ms}`,
        ).toEqual(inUtc(() => outcome(() => refAddLocal(ms, zone, { months: 1, days: 2 }))));
      }
    }
  });
});

describe("iso", () => {
  it("is Date#toISOString, also when called again with the same or another instant", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: -8.64e15, max: 8.64e15 }),
            fc.constantFrom(0, -0, 1, 1.5, Number.NaN, 8.64e15 + 1),
          ),
          { maxLength: 8 },
        ),
        (xs) => {
          for (const ms of [...xs, ...xs])
            expect(outcome(() => iso(ms))).toEqual(outcome(() => new Date(ms).toISOString()));
        },
      ),
    );
  });
});

afterAll(() => {
  expect(process.env.TZ === undefined || process.env.TZ !== "Pacific/Chatham").toBe(true);
});
