/**
 * Whether a string names a time zone the runtime knows, as cheaply as a compile can ask.
 *
 * The plain check, constructing an `Intl.DateTimeFormat` with the zone, loads ICU's locale data the
 * first time in a process: ~12 ms, a quarter of a cold compile (issue 12). The runtime's list of
 * canonical zones (`Intl.supportedValuesOf("timeZone")`, ~2 ms, no locale data) answers for
 * "Europe/London" and the other canonical names; a name not in it (an alias such as "UTC" or
 * "US/Eastern", or a bad name) still goes to the constructor, so the set of accepted zones is the
 * same as before.
 */

let canonical: ReadonlySet<string> | undefined;

function canonicalZones(): ReadonlySet<string> {
  // Runtimes without supportedValuesOf (older than the engines field allows) take the slow path.
  canonical ??= new Set(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []);
  return canonical;
}

export function isTimeZone(zone: string): boolean {
  if (zone.length === 0) return false;
  if (canonicalZones().has(zone)) return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
