/**
 * The two programs of the history bench (bench/history.ts), written in the public program format.
 * Both earn 1 point per £1 into a spendable `points` wallet and 1 status credit per £1 into a
 * qualifying `status` wallet that the tiers qualify on, with no pending period (a purchase's lots
 * are available at once, as after the return window of a long history). They differ only in
 * whether anything is kept for ever:
 *  - "never-expiring qualifying wallet": status credits never expire and tiers count them over the
 *    member's lifetime (a lifetime status, as airline and hotel programs keep); points expire 12
 *    months after they are earned, so that expiry of `points` is the same in both and the
 *    never-expiring wallet is the only difference.
 *  - "everything expires after 12 months": both wallets, and tiers on a rolling 12-month window.
 * Both accept refunds for 30 days (`refunds.windowDays`): a purchase older than that can no longer
 * be refunded, so its lots may be consolidated (src/expiry/consolidate.ts).
 */
import type { ProgramDefinition } from "../src/index.js";

const wallets = (statusExpires: boolean): ProgramDefinition["wallets"] => [
  { id: "points", kind: "spendable", name: "Points" },
  {
    id: "status",
    kind: "qualifying",
    name: "Status credits",
    // null: never; omitted: the program's 12 months.
    ...(statusExpires ? {} : { expiresAfter: null }),
  },
];

const ladder: NonNullable<ProgramDefinition["tiers"]>["levels"] = [
  { id: "member" },
  { id: "silver", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "1000" }] } },
  { id: "gold", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "5000" }] } },
];

const base = {
  version: 1,
  currency: "GBP",
  timeZone: "Europe/London",
  points: { scale: 0, rounding: "down" },
  expiry: { after: { months: 12 } },
  pending: { days: 0 },
  // A 30-day return window, as shops have: after it a purchase's lots may merge (issue 11).
  refunds: { negativeBalance: "within_balance", baseRule: "base", windowDays: 30 },
  rules: [
    {
      id: "base",
      name: "1 point and 1 status credit per £1",
      on: "purchase",
      awards: [
        { kind: "rate", points: "1", per: "1", wallet: "points" },
        { kind: "rate", points: "1", per: "1", wallet: "status" },
      ],
    },
  ],
} satisfies Partial<ProgramDefinition>;

export const neverExpiringStatusProgram = {
  ...base,
  id: "history-lifetime-status",
  name: "Lifetime status (status credits never expire)",
  wallets: wallets(false),
  tiers: {
    levels: ladder,
    window: { kind: "lifetime" },
    promotion: "immediate",
    review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
    refunds: "atOnce",
  },
} satisfies ProgramDefinition;

export const allExpiringProgram = {
  ...base,
  id: "history-all-expire",
  name: "Everything expires after 12 months",
  wallets: wallets(true),
  tiers: {
    levels: ladder,
    window: { kind: "rolling", months: 12 },
    promotion: "immediate",
    review: { schedule: { kind: "tierAnniversary" }, demotion: "recompute" },
    refunds: "atOnce",
  },
} satisfies ProgramDefinition;

export const historyPrograms: readonly { readonly label: string; readonly definition: ProgramDefinition }[] = [
  { label: "A. never-expiring qualifying wallet", definition: neverExpiringStatusProgram },
  { label: "B. everything expires after 12 months", definition: allExpiringProgram },
];
