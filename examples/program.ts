import type { ProgramDefinition } from "../src/index.js";

/**
 * An example program for a UK online retailer, in the spirit of Tesco Clubcard: 1 point per £1,
 * pending for the 14-day return window, points expire 12 months after they are earned, plus the
 * usual bonuses; a small catalogue (a £5 voucher, a tote bag in limited stock, a donation to a
 * school, Clubcard-style conversion of every 150 points into £1.50), transfers between members and
 * referrals. The demo and many tests use it.
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
    {
      id: "signup",
      name: "Welcome bonus",
      on: "signup",
      awards: [{ kind: "fixed", points: "100", wallet: "points" }],
      caps: { perMember: [{ period: "lifetime", points: "100" }] },
    },
    {
      id: "review",
      name: "Product review",
      on: "review",
      awards: [{ kind: "fixed", points: "20", wallet: "points" }],
      caps: { perMember: [{ period: "month", points: "60" }] },
    },
    {
      id: "referrer",
      name: "Refer a friend",
      on: "referral",
      awards: [{ kind: "fixed", points: "250", wallet: "points" }],
      caps: { perMember: [{ period: "year", points: "1250" }] },
    },
    {
      id: "referred",
      name: "Welcome from a friend",
      on: "referred",
      awards: [{ kind: "fixed", points: "100", wallet: "points" }],
    },
  ],
  rewards: [
    {
      id: "voucher-5",
      name: "£5 voucher",
      kind: "voucher",
      wallet: "points",
      price: "500",
      value: "5.00",
      limits: [{ period: "month", count: 4 }],
    },
    {
      id: "tote-bag",
      name: "Tote bag",
      kind: "product",
      wallet: "points",
      price: "300",
      stock: 500,
      limits: [{ period: "lifetime", count: 1 }],
    },
    { id: "school", name: "Points for schools (100 points = £1)", kind: "donation", wallet: "points", price: "100" },
    {
      id: "clubcard",
      name: "150 points = £1.50 voucher",
      kind: "conversion",
      wallet: "points",
      price: "150",
      value: "1.50",
    },
  ],
  transfers: { wallets: ["points"], minPoints: "50" },
  referrals: { limits: [{ period: "year", count: 10 }], withinDays: 30 },
} satisfies ProgramDefinition;
