/**
 * Times in a history file: ISO 8601 with a zone or offset by default, or a pattern (yyyy, MM, M,
 * dd, d, HH, H, mm, ss) read as wall-clock time in a named time zone. A wall-clock time that does
 * not exist (the spring-forward gap) is refused rather than shifted.
 */
import { TZDate } from "@date-fns/tz";

export type TimeParser = (text: string) => number;

const TOKENS: Readonly<Record<string, { group: string; field: keyof Fields }>> = {
  yyyy: { group: "(\\d{4})", field: "year" },
  MM: { group: "(\\d{2})", field: "month" },
  M: { group: "(\\d{1,2})", field: "month" },
  dd: { group: "(\\d{2})", field: "day" },
  d: { group: "(\\d{1,2})", field: "day" },
  HH: { group: "(\\d{2})", field: "hour" },
  H: { group: "(\\d{1,2})", field: "hour" },
  mm: { group: "(\\d{2})", field: "minute" },
  ss: { group: "(\\d{2})", field: "second" },
};

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A parser for `format` ("iso" or a pattern); `zone` is required by patterns, which carry no offset. */
export function timeParser(format: string, zone: string | null): TimeParser {
  if (format === "iso")
    return (text) => {
      if (!ISO_ZONED.test(text))
        throw new Error(`${JSON.stringify(text)} is not an ISO 8601 time with a zone or offset`);
      const ms = Date.parse(text);
      if (Number.isNaN(ms)) throw new Error(`${JSON.stringify(text)} is not a valid time`);
      return ms;
    };
  if (zone === null) throw new Error(`--time-format ${format} has no offset: give --time-zone too`);
  const fields: (keyof Fields)[] = [];
  const source = format.replace(/yyyy|MM|M|dd|d|HH|H|mm|ss|[.*+?^${}()|[\]\\]/g, (token) => {
    const t = TOKENS[token];
    if (t === undefined) return `\\${token}`;
    fields.push(t.field);
    return t.group;
  });
  for (const needed of ["year", "month", "day"] as const)
    if (!fields.includes(needed)) throw new Error(`--time-format ${format} has no ${needed}`);
  const pattern = new RegExp(`^${source}$`);
  const offsets = new Map<string, number>(); // per local hour: zone changes happen on the hour
  return (text) => {
    const m = pattern.exec(text);
    if (!m) throw new Error(`${JSON.stringify(text)} does not match --time-format ${format}`);
    const f: Fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    fields.forEach((name, i) => (f[name] = Number(m[i + 1])));
    if (f.minute > 59 || f.second > 59) throw new Error(`${text} is not a valid time`);
    const key = `${f.year}-${f.month}-${f.day} ${f.hour}`;
    let offset = offsets.get(key);
    if (offset === undefined) {
      const local = new TZDate(f.year, f.month - 1, f.day, f.hour, 0, 0, zone);
      if (
        local.getFullYear() !== f.year ||
        local.getMonth() !== f.month - 1 ||
        local.getDate() !== f.day ||
        local.getHours() !== f.hour
      )
        throw new Error(`${text} is not a valid ${zone} time`);
      offset = Date.UTC(f.year, f.month - 1, f.day, f.hour) - local.getTime();
      offsets.set(key, offset);
    }
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - offset;
  };
}
