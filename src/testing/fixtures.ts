import type { ProgramDefinition } from "../program/schema.js";

/**
 * A deliberately plain program for store tests: 1 point per £1 (rounded down), no pending period,
 * 12-month expiry, debt allowed. Stores are tested on the bookkeeping, not on the rules.
 */
export const plainProgram = {
  id: "conformance",
  version: 1,
  currency: "GBP",
  timeZone: "Europe/London",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying", expiresAfter: null },
  ],
  expiry: { after: { months: 12 } },
  refunds: { negativeBalance: "allow_debt", baseRule: "base" },
  rules: [
    {
      id: "base",
      on: "purchase",
      awards: [
        { kind: "rate", points: "1", per: "1", wallet: "points" },
        { kind: "rate", points: "1", per: "1", wallet: "status" },
      ],
    },
  ],
} satisfies ProgramDefinition;

/** A settable clock and a counter id generator: what deterministic tests inject. */
export function testClock(start: string | number) {
  let t = typeof start === "number" ? start : Date.parse(start);
  let n = 0;
  return {
    clock: () => t,
    ids: () => `id-${++n}`,
    now: () => t,
    set: (at: string | number) => {
      t = typeof at === "number" ? at : Date.parse(at);
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}
