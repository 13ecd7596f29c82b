import type { ProgramDefinition } from "../src/index.js";

/**
 * An example program for a UK online retailer, in the spirit of Tesco Clubcard: 1 point per £1,
 * pending for the 14-day return window, points expire 12 months after they are earned, plus the
 * usual bonuses. The demo and many tests use it.
 */
export const exampleProgram = {
  id: "uk-retail",
  version: 1,
  name: "Example retailer rewards",
  currency: "GBP",
  timeZone: "Europe/London",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable", name: "Points" },
    { id: "status", kind: "qualifying", name: "Status credits", expiresAfter: null },
  ],
  expiry: { after: { months: 12 } },
  pending: { days: 14 },
  refunds: { negativeBalance: "within_balance", baseRule: "base" },
  rules: [
    {
      id: "base",
      name: "1 point per £1",
      on: "purchase",
      priority: 100,
      awards: [
        { kind: "rate", points: "1", per: "1", wallet: "points" },
        { kind: "rate", points: "1", per: "1", wallet: "status" },
      ],
    },
    {
      id: "weekend-double",
      name: "Double points at weekends",
      on: "purchase",
      when: { dayOfWeek: ["sat", "sun"] },
      awards: [{ kind: "multiplier", factor: "2", wallet: "points", rules: ["base"] }],
      caps: { perMember: [{ period: "day", points: "500" }] },
    },
    {
      id: "big-basket",
      name: "50 bonus points on orders of £200 or more",
      on: "purchase",
      when: { field: "amount", op: "gte", value: "200" },
      awards: [{ kind: "fixed", points: "50", wallet: "points" }],
      caps: { perMember: [{ period: "month", points: "200" }] },
    },
    {
      id: "birthday-month",
      name: "Extra 50% in your birthday month",
      on: "purchase",
      when: { birthday: "month" },
      awards: [{ kind: "multiplier", factor: "1.5", wallet: "points", rules: ["base"] }],
    },
    { id: "signup", name: "Welcome bonus", on: "signup", awards: [{ kind: "fixed", points: "100", wallet: "points" }], caps: { perMember: [{ period: "lifetime", points: "100" }] } },
    { id: "review", name: "Product review", on: "review", awards: [{ kind: "fixed", points: "20", wallet: "points" }], caps: { perMember: [{ period: "month", points: "60" }] } },
  ],
} satisfies ProgramDefinition;
