/**
 * A corpus of bad inputs: every one must be refused with a typed LoyaltyError (the right `code`,
 * the bad field's `path` in `issues`) and leave the store exactly as it was (invariant 9).
 *
 * Each case runs against a freshly seeded engine (two members, three purchases, a spend), so a
 * case that wrongly succeeds cannot leak into the next one.
 */
import { describe, expect, it } from "vitest";
import {
  LoyaltyError,
  compileProgram,
  createLoyaltyEngine,
  createMemoryStore,
  type ErrorCode,
  type LoyaltyEngine,
  type LoyaltyStore,
  type ProgramDefinition,
} from "../src/index.js";
import { exampleProgram } from "../examples/program.js";

type Path = readonly (string | number)[];

interface BadInput {
  readonly name: string;
  readonly run: (engine: LoyaltyEngine) => Promise<unknown>;
  readonly code: ErrorCode;
  /** The path expected among `issues`; null where the error carries no field (business refusals). */
  readonly path: Path | null;
  /** For programs with several problems: every path that must be listed. */
  readonly paths?: readonly Path[];
  /** The idempotency key of the bad command, if it has one: its record must not change. */
  readonly key?: string;
  /** Extra member ids the command names (unknown ones): they must still not exist afterwards. */
  readonly members?: readonly string[];
}

/**
 * The example program with a catalogue, transfers and referrals of its own (so that the corpus
 * does not move with the example's), and without referral rules. m9 redeems, transfers and has
 * referred m2; m8 joined the day before NOW.
 */
const corpusProgram = {
  ...exampleProgram,
  // The example's referral rules would pay the seed referral: the corpus keeps its balances plain.
  rules: exampleProgram.rules.filter((r) => r.on !== "referral" && r.on !== "referred"),
  rewards: [
    { id: "mug", kind: "product", wallet: "points", price: "100", stock: 10, sku: "MUG" },
    { id: "coffee", kind: "product", wallet: "points", price: "10" },
    { id: "voucher-5", kind: "voucher", wallet: "points", price: "500", value: "5.00" },
    { id: "school", kind: "donation", wallet: "points", price: "1", causes: ["school-a", "school-b"] },
    { id: "retired", kind: "product", wallet: "points", price: "10", enabled: false },
    { id: "cash", kind: "conversion", wallet: "points", price: "150", value: "1.50" },
    { id: "ten-off", kind: "discount", wallet: "points", price: "200", discount: { percent: "10" } },
  ],
  transfers: { wallets: ["points"], minPoints: "5", limits: [{ period: "day", points: "200" }] },
  referrals: { limits: [{ period: "month", count: 1 }], withinDays: 20 },
} satisfies ProgramDefinition;

/** A tier ladder to add to a program under test. */
const tiers = {
  levels: [{ id: "member" }, { id: "gold", qualify: { thresholds: [{ metric: "purchases", min: 5 }] } }],
  window: { kind: "lifetime" },
  promotion: "immediate",
  review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
  refunds: "atReview",
};

const PROGRAM_ID = exampleProgram.id;
const SEEDED = ["m1", "m2", "m8", "m9"] as const;
const DAY = 86_400_000;
/** Monday 2 March 2026, 10:00 London (GMT): no weekend or birthday bonus. */
const T0 = Date.parse("2026-03-02T10:00:00Z");
/** Tuesday 24 March (still GMT): m1's first purchase is available, the Monday purchases pending. */
const NOW = T0 + 22 * DAY;

async function seeded(): Promise<{ engine: LoyaltyEngine; store: LoyaltyStore }> {
  let t = T0;
  let n = 0;
  const store = createMemoryStore();
  const engine = createLoyaltyEngine({
    program: corpusProgram,
    store,
    clock: () => t,
    ids: () => "e" + ++n,
    codes: (r) => `${r.redemptionId}-${r.index}`,
  });
  await engine.enroll({ key: "seed-enroll-m1", memberId: "m1", birthday: "07-14", attributes: { segment: "gold" } });
  await engine.enroll({ key: "seed-enroll-m2", memberId: "m2" });
  await engine.recordPurchase({ key: "seed-p1", memberId: "m1", purchaseId: "p1", amount: "120.00", currency: "GBP" });
  // m9: 500 points, mug red-1 redeemed, mug red-2 redeemed and cancelled (400 left, 9 mugs), and m2 referred.
  await engine.enroll({ key: "seed-enroll-m9", memberId: "m9" });
  await engine.adjust({ key: "seed-adjust-m9", memberId: "m9", wallet: "points", points: "500", reason: "seed" });
  await engine.redeem({ key: "seed-redeem-1", memberId: "m9", rewardId: "mug", redemptionId: "red-1" });
  await engine.redeem({ key: "seed-redeem-2", memberId: "m9", rewardId: "mug", redemptionId: "red-2" });
  await engine.cancelRedemption({ key: "seed-cancel-2", memberId: "m9", redemptionId: "red-2" });
  await engine.refer({ key: "seed-refer", referrerId: "m9", referredId: "m2" });
  t = T0 + 15 * DAY;
  await engine.spend({ key: "seed-spend-m1", memberId: "m1", wallet: "points", points: "20" });
  t = NOW - DAY;
  await engine.recordPurchase({ key: "seed-p2", memberId: "m1", purchaseId: "p2", amount: "30.00", currency: "GBP" });
  await engine.recordPurchase({ key: "seed-p3", memberId: "m2", purchaseId: "p3", amount: "45.50", currency: "GBP" });
  await engine.enroll({ key: "seed-enroll-m8", memberId: "m8" });
  t = NOW;
  return { engine, store };
}

async function fingerprint(
  store: LoyaltyStore,
  memberIds: readonly string[],
  key: string | undefined,
): Promise<unknown> {
  const members: Record<string, unknown> = {};
  for (const id of memberIds) {
    members[id] = {
      stored: await store.loadMember(PROGRAM_ID, id),
      entries: await store.readEntries(PROGRAM_ID, id, { afterSeq: 0, limit: 10_000 }),
    };
  }
  return {
    members,
    idempotency: key === undefined ? null : await store.getIdempotency(PROGRAM_ID, key),
    stock: await store.getStock(PROGRAM_ID, "mug"),
  };
}

const long = (n: number, c = "x") => c.repeat(n);
const pathKey = (p: Path) => JSON.stringify(p);

// ---- Programs -------------------------------------------------------------------------------

/** A deep copy of the example program with `edit` applied: every bad program starts valid. */
function programWith(edit: (p: Record<string, any>) => void): unknown {
  const p = structuredClone(exampleProgram) as Record<string, any>;
  edit(p);
  return p;
}

const program = (name: string, edit: (p: Record<string, any>) => void, path: Path): BadInput => ({
  name: `program: ${name}`,
  run: async () => compileProgram(programWith(edit)),
  code: "INVALID_PROGRAM",
  path,
});

const programCases: BadInput[] = [
  program(
    "missing id",
    (p) => {
      delete p.id;
    },
    ["id"],
  ),
  program(
    "empty id",
    (p) => {
      p.id = "";
    },
    ["id"],
  ),
  program(
    "version 0",
    (p) => {
      p.version = 0;
    },
    ["version"],
  ),
  program(
    "invalid currency code",
    (p) => {
      p.currency = "POUNDS";
    },
    ["currency"],
  ),
  program(
    "unknown time zone",
    (p) => {
      p.timeZone = "Mars/Olympus_Mons";
    },
    ["timeZone"],
  ),
  program(
    "point scale 9",
    (p) => {
      p.points.scale = 9;
    },
    ["points", "scale"],
  ),
  program(
    "unknown rounding mode",
    (p) => {
      p.points.rounding = "sideways";
    },
    ["points", "rounding"],
  ),
  program(
    "no wallets",
    (p) => {
      p.wallets = [];
    },
    ["wallets"],
  ),
  program(
    "no qualifying wallet",
    (p) => {
      p.wallets = [p.wallets[0]];
      p.rules = p.rules.map((r: any) => ({ ...r, awards: r.awards.filter((a: any) => a.wallet === "points") }));
    },
    ["wallets"],
  ),
  program(
    "duplicate wallet id",
    (p) => {
      p.wallets.push({ id: "points", kind: "spendable" });
    },
    ["wallets", 2, "id"],
  ),
  program(
    "empty expiry span",
    (p) => {
      p.expiry = { after: {} };
    },
    ["expiry", "after"],
  ),
  program(
    "negative pending days",
    (p) => {
      p.pending = { days: -1 };
    },
    ["pending", "days"],
  ),
  program(
    "unknown negative-balance policy",
    (p) => {
      p.refunds.negativeBalance = "sometimes";
    },
    ["refunds", "negativeBalance"],
  ),
  program(
    "unknown base rule",
    (p) => {
      p.refunds.baseRule = "nope";
    },
    ["refunds", "baseRule"],
  ),
  program(
    "base rule without a rate",
    (p) => {
      p.refunds.baseRule = "signup";
    },
    ["refunds", "baseRule"],
  ),
  program(
    "fixed points finer than the point scale",
    (p) => {
      p.rules[2].awards[0].points = "0.5";
    },
    ["rules", 2, "awards", 0, "points"],
  ),
  program(
    "a cap finer than the point scale",
    (p) => {
      p.rules[1].caps.perMember[0].points = "10.5";
    },
    ["rules", 1, "caps", "perMember", 0, "points"],
  ),
  program(
    "a multiplier factor below 1",
    (p) => {
      p.rules[1].awards[0].factor = "0.5";
    },
    ["rules", 1, "awards", 0, "factor"],
  ),
  program(
    "a rate award on a custom event",
    (p) => {
      p.rules[4].awards[0] = { kind: "rate", points: "1", per: "1", wallet: "points" };
    },
    ["rules", 4, "awards", 0, "kind"],
  ),
  program(
    "a multiplier over a rule of another trigger",
    (p) => {
      p.rules.push({
        id: "double-signup",
        on: "purchase",
        awards: [{ kind: "multiplier", factor: "2", wallet: "points", rules: ["signup"] }],
      });
    },
    ["rules", exampleProgram.rules.length, "awards", 0, "rules", 0],
  ),
  program(
    "a wallet with both expiry and expiresAfter",
    (p) => {
      p.wallets[0].expiry = { kind: "none" };
      p.wallets[0].expiresAfter = { months: 1 };
    },
    ["wallets", 0, "expiresAfter"],
  ),
  program(
    "an unknown expiry policy",
    (p) => {
      p.wallets[0].expiry = { kind: "never" };
    },
    ["wallets", 0, "expiry", "kind"],
  ),
  program(
    "an inactivity policy with an unknown activity",
    (p) => {
      p.wallets[0].expiry = { kind: "inactivity", months: 12, activity: ["login"] };
    },
    ["wallets", 0, "expiry", "activity", 0],
  ),
  program(
    "award into an unknown wallet",
    (p) => {
      p.rules[0].awards[0].wallet = "miles";
    },
    ["rules", 0, "awards", 0, "wallet"],
  ),
  program(
    "rate per zero",
    (p) => {
      p.rules[0].awards[0].per = "0";
    },
    ["rules", 0, "awards", 0, "per"],
  ),
  program(
    "rate points as a number",
    (p) => {
      p.rules[0].awards[0].points = 1;
    },
    ["rules", 0, "awards", 0, "points"],
  ),
  program(
    "duplicate rule id",
    (p) => {
      p.rules[2].id = "base";
    },
    ["rules", 2, "id"],
  ),
  program(
    "multiplier over an unknown rule",
    (p) => {
      p.rules[1].awards[0].rules = ["nope"];
    },
    ["rules", 1, "awards", 0, "rules", 0],
  ),
  program(
    "bad dayOfWeek",
    (p) => {
      p.rules[1].when = { dayOfWeek: ["saturday"] };
    },
    ["rules", 1, "when", "dayOfWeek"],
  ),
  program(
    "dateRange with 30 February",
    (p) => {
      p.rules[2].when = { dateRange: { from: "2026-02-30" } };
    },
    ["rules", 2, "when", "dateRange", "from"],
  ),
  program(
    "unknown condition field",
    (p) => {
      p.rules[2].when = { field: "price", op: "gte", value: "200" };
    },
    ["rules", 2, "when", "field"],
  ),
  program(
    "campaign window ending before it starts",
    (p) => {
      p.rules[2].active = { from: "2026-06-01T00:00:00Z", until: "2026-05-01T00:00:00Z" };
    },
    ["rules", 2, "active", "until"],
  ),
  program(
    "unknown cap period",
    (p) => {
      p.rules[2].caps = { perMember: [{ period: "fortnight", points: "200" }] };
    },
    ["rules", 2, "caps", "perMember", 0, "period"],
  ),
  program(
    "unknown top-level field",
    (p) => {
      p.colour = "blue";
    },
    ["colour"],
  ),
];

/** A deep copy of the catalogue program (rewards 0 mug, 1 coffee, 2 voucher-5, 3 school, 4 retired, 5 cash, 6 ten-off) with `edit` applied. */
const catalogue = (name: string, edit: (p: Record<string, any>) => void, path: Path): BadInput => ({
  name: `program: ${name}`,
  run: async () => {
    const p = structuredClone(corpusProgram) as Record<string, any>;
    edit(p);
    return compileProgram(p);
  },
  code: "INVALID_PROGRAM",
  path,
});

const catalogueCases: BadInput[] = [
  // rewards: cross-references
  catalogue(
    "reward paid from an unknown wallet",
    (p) => {
      p.rewards[0].wallet = "miles";
    },
    ["rewards", 0, "wallet"],
  ),
  catalogue(
    "reward paid from the qualifying wallet",
    (p) => {
      p.rewards[1].wallet = "status";
    },
    ["rewards", 1, "wallet"],
  ),
  catalogue(
    "reward for tiers in a program without tiers",
    (p) => {
      p.rewards[0].tiers = ["gold"];
    },
    ["rewards", 0, "tiers", 0],
  ),
  catalogue(
    "reward tierPrices in a program without tiers",
    (p) => {
      p.rewards[0].tierPrices = { gold: "80" };
    },
    ["rewards", 0, "tierPrices", "gold"],
  ),
  catalogue(
    "reward for an unknown tier",
    (p) => {
      p.tiers = tiers;
      p.rewards[0].tiers = ["gold", "platinum"];
    },
    ["rewards", 0, "tiers", 1],
  ),
  catalogue(
    "reward tierPrices for an unknown tier",
    (p) => {
      p.tiers = tiers;
      p.rewards[0].tierPrices = { platinum: "80" };
    },
    ["rewards", 0, "tierPrices", "platinum"],
  ),
  catalogue(
    "duplicate reward id",
    (p) => {
      p.rewards[3].id = "mug";
    },
    ["rewards", 3, "id"],
  ),
  catalogue(
    "reward price finer than the point scale",
    (p) => {
      p.rewards[0].price = "99.5";
    },
    ["rewards", 0, "price"],
  ),
  catalogue(
    "reward tier price finer than the point scale",
    (p) => {
      p.tiers = tiers;
      p.rewards[0].tierPrices = { gold: "79.9" };
    },
    ["rewards", 0, "tierPrices", "gold"],
  ),
  catalogue(
    "voucher value finer than the currency",
    (p) => {
      p.rewards[2].value = "5.001";
    },
    ["rewards", 2, "value"],
  ),
  catalogue(
    "conversion value finer than the currency",
    (p) => {
      p.rewards[5].value = "1.505";
    },
    ["rewards", 5, "value"],
  ),
  catalogue(
    "discount amount finer than the currency",
    (p) => {
      p.rewards[6].discount = { amount: "2.001" };
    },
    ["rewards", 6, "discount", "amount"],
  ),
  catalogue(
    "reward available.until before from",
    (p) => {
      p.rewards[0].available = { from: "2026-06-01T00:00:00Z", until: "2026-05-01T00:00:00Z" };
    },
    ["rewards", 0, "available", "until"],
  ),
  catalogue(
    "reward available.until equal to from",
    (p) => {
      p.rewards[0].available = { from: "2026-06-01T00:00:00Z", until: "2026-06-01T01:00:00+01:00" };
    },
    ["rewards", 0, "available", "until"],
  ),
  catalogue(
    "automatic conversion with a stock",
    (p) => {
      p.rewards[5].automatic = { period: "month" };
      p.rewards[5].stock = 100;
    },
    ["rewards", 5, "stock"],
  ),
  catalogue(
    "automatic conversion with limits",
    (p) => {
      p.rewards[5].automatic = { period: "year" };
      p.rewards[5].limits = [{ period: "month", count: 1 }];
    },
    ["rewards", 5, "limits"],
  ),
  // rewards: schema
  catalogue(
    "unknown reward kind",
    (p) => {
      p.rewards[0].kind = "gift";
    },
    ["rewards", 0, "kind"],
  ),
  catalogue(
    "reward without a kind",
    (p) => {
      delete p.rewards[1].kind;
    },
    ["rewards", 1, "kind"],
  ),
  catalogue(
    "reward without a price",
    (p) => {
      delete p.rewards[1].price;
    },
    ["rewards", 1, "price"],
  ),
  catalogue(
    "reward price as a number",
    (p) => {
      p.rewards[1].price = 10;
    },
    ["rewards", 1, "price"],
  ),
  catalogue(
    "reward price zero",
    (p) => {
      p.rewards[1].price = "0";
    },
    ["rewards", 1, "price"],
  ),
  catalogue(
    "reward price negative",
    (p) => {
      p.rewards[1].price = "-10";
    },
    ["rewards", 1, "price"],
  ),
  catalogue(
    "reward id empty",
    (p) => {
      p.rewards[1].id = "";
    },
    ["rewards", 1, "id"],
  ),
  catalogue(
    "reward id with a NUL character",
    (p) => {
      p.rewards[1].id = "cof\u0000fee";
    },
    ["rewards", 1, "id"],
  ),
  catalogue(
    "reward stock negative",
    (p) => {
      p.rewards[0].stock = -1;
    },
    ["rewards", 0, "stock"],
  ),
  catalogue(
    "reward stock 1.5",
    (p) => {
      p.rewards[0].stock = 1.5;
    },
    ["rewards", 0, "stock"],
  ),
  catalogue(
    "reward stock as a string",
    (p) => {
      p.rewards[0].stock = "10";
    },
    ["rewards", 0, "stock"],
  ),
  catalogue(
    "reward limit count 0",
    (p) => {
      p.rewards[1].limits = [{ period: "day", count: 0 }];
    },
    ["rewards", 1, "limits", 0, "count"],
  ),
  catalogue(
    "reward limit with an unknown period",
    (p) => {
      p.rewards[1].limits = [{ period: "fortnight", count: 1 }];
    },
    ["rewards", 1, "limits", 0, "period"],
  ),
  catalogue(
    "reward enabled as a string",
    (p) => {
      p.rewards[1].enabled = "yes";
    },
    ["rewards", 1, "enabled"],
  ),
  catalogue(
    "reward available.from malformed",
    (p) => {
      p.rewards[1].available = { from: "2026-02-30T00:00:00Z" };
    },
    ["rewards", 1, "available", "from"],
  ),
  catalogue(
    "unknown field on a reward",
    (p) => {
      p.rewards[1].colour = "blue";
    },
    ["rewards", 1, "colour"],
  ),
  catalogue(
    "a product field (sku) on a voucher",
    (p) => {
      p.rewards[2].sku = "V5";
    },
    ["rewards", 2, "sku"],
  ),
  catalogue(
    "a donation field (causes) on a product",
    (p) => {
      p.rewards[1].causes = ["x"];
    },
    ["rewards", 1, "causes"],
  ),
  catalogue(
    "a conversion without a value",
    (p) => {
      delete p.rewards[5].value;
    },
    ["rewards", 5, "value"],
  ),
  catalogue(
    "a voucher value as a number",
    (p) => {
      p.rewards[2].value = 5;
    },
    ["rewards", 2, "value"],
  ),
  catalogue(
    "automatic conversion every week",
    (p) => {
      p.rewards[5].automatic = { period: "week" };
    },
    ["rewards", 5, "automatic", "period"],
  ),
  catalogue(
    "automatic on a voucher",
    (p) => {
      p.rewards[2].automatic = { period: "month" };
    },
    ["rewards", 2, "automatic"],
  ),
  catalogue(
    "discount percent above 100",
    (p) => {
      p.rewards[6].discount = { percent: "101" };
    },
    ["rewards", 6, "discount", "percent"],
  ),
  catalogue(
    "discount with both percent and amount",
    (p) => {
      p.rewards[6].discount = { percent: "10", amount: "2.00" };
    },
    ["rewards", 6, "discount", "amount"],
  ),
  catalogue(
    "discount with neither percent nor amount",
    (p) => {
      p.rewards[6].discount = {};
    },
    ["rewards", 6, "discount", "percent"],
  ),
  catalogue(
    "donation with an empty causes list",
    (p) => {
      p.rewards[3].causes = [];
    },
    ["rewards", 3, "causes"],
  ),
  catalogue(
    "rewards not a list",
    (p) => {
      p.rewards = { mug: p.rewards[0] };
    },
    ["rewards"],
  ),
  catalogue(
    "cancellation graceDays negative",
    (p) => {
      p.cancellation = { graceDays: -1 };
    },
    ["cancellation", "graceDays"],
  ),
  // transfers
  catalogue(
    "transfers of an unknown wallet",
    (p) => {
      p.transfers.wallets = ["points", "miles"];
    },
    ["transfers", "wallets", 1],
  ),
  catalogue(
    "transfers of the qualifying wallet",
    (p) => {
      p.transfers.wallets = ["status"];
    },
    ["transfers", "wallets", 0],
  ),
  catalogue(
    "transfers of no wallet",
    (p) => {
      p.transfers.wallets = [];
    },
    ["transfers", "wallets"],
  ),
  catalogue(
    "transfers minPoints finer than the point scale",
    (p) => {
      p.transfers.minPoints = "5.5";
    },
    ["transfers", "minPoints"],
  ),
  catalogue(
    "transfers minPoints as a number",
    (p) => {
      p.transfers.minPoints = 5;
    },
    ["transfers", "minPoints"],
  ),
  catalogue(
    "transfers limit finer than the point scale",
    (p) => {
      p.transfers.limits[0].points = "200.5";
    },
    ["transfers", "limits", 0, "points"],
  ),
  catalogue(
    "transfers limit with an unknown period",
    (p) => {
      p.transfers.limits[0].period = "hour";
    },
    ["transfers", "limits", 0, "period"],
  ),
  catalogue(
    "unknown field in transfers",
    (p) => {
      p.transfers.fee = "1";
    },
    ["transfers", "fee"],
  ),
  // referrals
  catalogue(
    'referrerEvent "purchase"',
    (p) => {
      p.referrals.referrerEvent = "purchase";
    },
    ["referrals", "referrerEvent"],
  ),
  catalogue(
    'referredEvent "purchase"',
    (p) => {
      p.referrals.referredEvent = "purchase";
    },
    ["referrals", "referredEvent"],
  ),
  catalogue(
    "referral events of one name",
    (p) => {
      p.referrals.referrerEvent = "friend";
      p.referrals.referredEvent = "friend";
    },
    ["referrals", "referredEvent"],
  ),
  catalogue(
    'referrerEvent "referred", the default referredEvent',
    (p) => {
      p.referrals.referrerEvent = "referred";
    },
    ["referrals", "referredEvent"],
  ),
  catalogue(
    'referrerEvent "tier:gold" (the tier bonus trigger)',
    (p) => {
      p.tiers = tiers;
      p.referrals.referrerEvent = "tier:gold";
    },
    ["referrals", "referrerEvent"],
  ),
  catalogue(
    'referredEvent "tier:member"',
    (p) => {
      p.tiers = tiers;
      p.referrals.referredEvent = "tier:member";
    },
    ["referrals", "referredEvent"],
  ),
  catalogue(
    "referral event empty",
    (p) => {
      p.referrals.referrerEvent = "";
    },
    ["referrals", "referrerEvent"],
  ),
  catalogue(
    "referrals withinDays negative",
    (p) => {
      p.referrals.withinDays = -1;
    },
    ["referrals", "withinDays"],
  ),
  catalogue(
    "referrals limit count 1.5",
    (p) => {
      p.referrals.limits[0].count = 1.5;
    },
    ["referrals", "limits", 0, "count"],
  ),
  catalogue(
    "unknown field in referrals",
    (p) => {
      p.referrals.bonus = "50";
    },
    ["referrals", "bonus"],
  ),
];

/** Several catalogue problems at once (schema and cross-reference): every one listed. */
const severalCatalogueProblems: BadInput = {
  name: "program: several catalogue, transfer and referral problems, all listed",
  run: async () => {
    const p = structuredClone(corpusProgram) as Record<string, any>;
    p.rewards[0].wallet = "status";
    p.rewards[1].id = "mug";
    p.rewards[2].value = "5.001";
    p.rewards[3].price = 1;
    p.rewards[5].automatic = { period: "month" };
    p.rewards[5].stock = 5;
    p.transfers.wallets = ["miles"];
    p.referrals.referredEvent = "purchase";
    return compileProgram(p);
  },
  code: "INVALID_PROGRAM",
  path: null,
  paths: [
    ["rewards", 0, "wallet"],
    ["rewards", 1, "id"],
    ["rewards", 2, "value"],
    ["rewards", 3, "price"],
    ["rewards", 5, "stock"],
    ["transfers", "wallets", 0],
    ["referrals", "referredEvent"],
  ],
};

/** Several independent schema problems: every one must be reported, each at its own path. */
const severalSchemaProblems: BadInput = {
  name: "program: several schema problems, all listed",
  run: async () =>
    compileProgram(
      programWith((p) => {
        p.currency = "gbp";
        p.timeZone = "Europe/Londres";
        p.points.scale = -1;
        p.wallets[1].kind = "tier";
        p.rules[0].awards[1].per = "-1";
        p.rules[3].when = { birthday: "year" };
        p.rules[4].priority = 1.5;
        p.colour = "blue";
      }),
    ),
  code: "INVALID_PROGRAM",
  path: null,
  paths: [
    ["currency"],
    ["timeZone"],
    ["points", "scale"],
    ["wallets", 1, "kind"],
    ["rules", 0, "awards", 1, "per"],
    ["rules", 3, "when", "birthday"],
    ["rules", 4, "priority"],
    ["colour"],
  ],
};

/** Several cross-reference problems (the schema is satisfied): every one must be reported. */
const severalReferenceProblems: BadInput = {
  name: "program: several cross-reference problems, all listed",
  run: async () =>
    compileProgram(
      programWith((p) => {
        p.rules[0].awards[1].wallet = "tier-credits";
        p.rules[1].awards[0].rules = ["basic"];
        p.rules[5].id = "signup";
        p.refunds.baseRule = "missing";
        p.wallets.push({ id: "status", kind: "qualifying" });
      }),
    ),
  code: "INVALID_PROGRAM",
  path: null,
  paths: [
    ["rules", 0, "awards", 1, "wallet"],
    ["rules", 1, "awards", 0, "rules", 0],
    ["rules", 5, "id"],
    ["refunds", "baseRule"],
    ["wallets", 2, "id"],
  ],
};

/**
 * Schema and cross-reference problems at once. compileProgram documents that it lists every
 * problem, "schema problems first, then cross-references": a user fixing a program should not
 * have to go round the loop twice.
 */
const mixedProblems: BadInput = {
  name: "program: schema and cross-reference problems together, all listed",
  run: async () =>
    compileProgram(
      programWith((p) => {
        p.currency = "XX";
        p.rules[0].awards[0].wallet = "miles";
        p.refunds.baseRule = "missing";
      }),
    ),
  code: "INVALID_PROGRAM",
  path: null,
  paths: [["currency"], ["rules", 0, "awards", 0, "wallet"], ["refunds", "baseRule"]],
};

// ---- Commands -------------------------------------------------------------------------------

const invalid = (
  name: string,
  path: Path,
  key: string | undefined,
  run: (e: LoyaltyEngine) => Promise<unknown>,
  members?: string[],
): BadInput => ({
  name,
  run,
  code: "INVALID_COMMAND",
  path,
  ...(key === undefined ? {} : { key }),
  ...(members ? { members } : {}),
});

const purchase = (over: Record<string, unknown>) => ({
  key: "bad-p",
  memberId: "m1",
  purchaseId: "p-new",
  amount: "10.00",
  currency: "GBP",
  ...over,
});
const refund = (over: Record<string, unknown>) => ({
  key: "bad-r",
  memberId: "m1",
  purchaseId: "p1",
  amount: "10.00",
  currency: "GBP",
  ...over,
});
const spend = (over: Record<string, unknown>) => ({
  key: "bad-s",
  memberId: "m1",
  wallet: "points",
  points: "10",
  ...over,
});
const adjust = (over: Record<string, unknown>) => ({
  key: "bad-a",
  memberId: "m1",
  wallet: "points",
  points: "10",
  reason: "goodwill",
  ...over,
});
const event = (over: Record<string, unknown>) => ({ key: "bad-e", memberId: "m1", type: "review", ...over });
const enroll = (over: Record<string, unknown>) => ({ key: "bad-en", memberId: "m3", ...over });
const preview = (over: Record<string, unknown>) => ({ memberId: "m1", amount: "10.00", currency: "GBP", ...over });

const P = (e: LoyaltyEngine, c: Record<string, unknown>) => e.recordPurchase(c as any);
const R = (e: LoyaltyEngine, c: Record<string, unknown>) => e.refund(c as any);
const S = (e: LoyaltyEngine, c: Record<string, unknown>) => e.spend(c as any);
const A = (e: LoyaltyEngine, c: Record<string, unknown>) => e.adjust(c as any);
const E = (e: LoyaltyEngine, c: Record<string, unknown>) => e.recordEvent(c as any);
const N = (e: LoyaltyEngine, c: Record<string, unknown>) => e.enroll(c as any);
const V = (e: LoyaltyEngine, c: Record<string, unknown>) => e.previewPurchase(c as any);

/** Amounts that are not a positive decimal string of money. */
const badAmounts: [string, unknown][] = [
  ["negative", "-5.00"],
  ["zero", "0"],
  ["zero with decimals", "0.00"],
  ["minus zero", "-0"],
  ['"NaN"', "NaN"],
  ['"Infinity"', "Infinity"],
  ['exponent "1e3"', "1e3"],
  ['"abc"', "abc"],
  ["empty string", ""],
  ["number 12.5", 12.5],
  ["number NaN", Number.NaN],
  ["leading plus", "+5"],
  ["thousands separator", "1,000.00"],
  ["leading zeros", "007"],
  ["trailing dot", "12."],
  ["bare fraction", ".5"],
  ["padded with spaces", " 12.50 "],
  ["too large (above 1e15)", "1000000000000000.01"],
  ["null", null],
];

const commandCases: BadInput[] = [
  // enroll
  invalid("enroll: empty key", ["key"], "", (e) => N(e, enroll({ key: "" })), ["m3"]),
  invalid(
    "enroll: an attribute named __proto__",
    ["attributes", "__proto__"],
    "bad-en",
    (e) => N(e, enroll({ attributes: JSON.parse('{"__proto__":"vip","tier":"gold"}') })),
    ["m3"],
  ),
  invalid("enroll: key of 201 characters", ["key"], long(201), (e) => N(e, enroll({ key: long(201) })), ["m3"]),
  invalid("enroll: empty member id", ["memberId"], "bad-en", (e) => N(e, enroll({ memberId: "" })), [""]),
  invalid("enroll: member id of 201 characters", ["memberId"], "bad-en", (e) => N(e, enroll({ memberId: long(201) })), [
    long(201),
  ]),
  invalid("enroll: member id as a number", ["memberId"], "bad-en", (e) => N(e, enroll({ memberId: 3 })), ["3"]),
  invalid("enroll: birthday 30 February", ["birthday"], "bad-en", (e) => N(e, enroll({ birthday: "02-30" })), ["m3"]),
  invalid("enroll: birthday month 13", ["birthday"], "bad-en", (e) => N(e, enroll({ birthday: "1990-13-01" })), ["m3"]),
  invalid(
    "enroll: birthday as a Date",
    ["birthday"],
    "bad-en",
    (e) => N(e, enroll({ birthday: new Date("1990-05-01T00:00:00Z") })),
    ["m3"],
  ),
  invalid(
    "enroll: nested attribute object",
    ["attributes", "address"],
    "bad-en",
    (e) => N(e, enroll({ attributes: { address: { city: "Leeds" } } })),
    ["m3"],
  ),
  invalid(
    "enroll: attribute list",
    ["attributes", "tags"],
    "bad-en",
    (e) => N(e, enroll({ attributes: { tags: ["a", "b"] } })),
    ["m3"],
  ),
  invalid(
    "enroll: attribute Infinity",
    ["attributes", "score"],
    "bad-en",
    (e) => N(e, enroll({ attributes: { score: Number.POSITIVE_INFINITY } })),
    ["m3"],
  ),
  invalid(
    "enroll: attribute of 501 characters",
    ["attributes", "note"],
    "bad-en",
    (e) => N(e, enroll({ attributes: { note: long(501) } })),
    ["m3"],
  ),
  invalid(
    "enroll: joinedAt in the future",
    ["joinedAt"],
    "bad-en",
    (e) => N(e, enroll({ joinedAt: new Date(NOW + 60_000).toISOString() })),
    ["m3"],
  ),
  invalid(
    "enroll: joinedAt without an offset",
    ["joinedAt"],
    "bad-en",
    (e) => N(e, enroll({ joinedAt: "2026-03-01T10:00:00" })),
    ["m3"],
  ),
  invalid(
    "enroll: 51 attributes",
    ["attributes"],
    "bad-en",
    (e) => N(e, enroll({ attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, i])) })),
    ["m3"],
  ),
  invalid(
    "enroll: attribute name of 101 characters",
    ["attributes", long(101, "k")],
    "bad-en",
    (e) => N(e, enroll({ attributes: { [long(101, "k")]: 1 } })),
    ["m3"],
  ),
  invalid("enroll: unknown field", ["email"], "bad-en", (e) => N(e, enroll({ email: "a@b.c" })), ["m3"]),
  {
    name: "enroll: member already enrolled (new key)",
    run: (e) => N(e, enroll({ memberId: "m1" })),
    code: "MEMBER_EXISTS",
    path: ["memberId"],
    key: "bad-en",
  },
  {
    name: "enroll: reusing another command's key",
    run: (e) => N(e, enroll({ key: "seed-p1" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-p1",
    members: ["m3"],
  },

  // recordPurchase
  ...badAmounts.map(([label, amount]) =>
    invalid(`recordPurchase: amount ${label}`, ["amount"], "bad-p", (e) => P(e, purchase({ amount }))),
  ),
  invalid("recordPurchase: amount missing", ["amount"], "bad-p", (e) => P(e, purchase({ amount: undefined }))),
  invalid('recordPurchase: amount "1.234" in GBP (too precise)', ["amount"], "bad-p", (e) =>
    P(e, purchase({ amount: "1.234" })),
  ),
  invalid('recordPurchase: amount "0.001" in GBP (too precise)', ["amount"], "bad-p", (e) =>
    P(e, purchase({ amount: "0.001" })),
  ),
  {
    name: "recordPurchase: wrong currency (USD)",
    run: (e) => P(e, purchase({ currency: "USD" })),
    code: "CURRENCY_MISMATCH",
    path: ["currency"],
    key: "bad-p",
  },
  invalid("recordPurchase: invalid currency code", ["currency"], "bad-p", (e) => P(e, purchase({ currency: "POUND" }))),
  invalid("recordPurchase: lowercase currency code", ["currency"], "bad-p", (e) => P(e, purchase({ currency: "gbp" }))),
  {
    name: "recordPurchase: wrong currency and too precise: both listed",
    run: (e) => P(e, purchase({ currency: "USD", amount: "1.234" })),
    code: "INVALID_COMMAND",
    path: null,
    paths: [["currency"], ["amount"]],
    key: "bad-p",
  },
  {
    name: "recordPurchase: unknown member",
    run: (e) => P(e, purchase({ memberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    key: "bad-p",
    members: ["ghost"],
  },
  {
    name: "recordPurchase: duplicate purchase id under another key",
    run: (e) => P(e, purchase({ purchaseId: "p1", amount: "120.00" })),
    code: "DUPLICATE_PURCHASE",
    path: ["purchaseId"],
    key: "bad-p",
  },
  {
    name: "recordPurchase: same key, different payload",
    run: (e) => P(e, purchase({ key: "seed-p1", purchaseId: "p1", amount: "121.00" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-p1",
  },
  {
    name: "recordPurchase: same key, same payload but another member",
    run: (e) => P(e, purchase({ key: "seed-p1", memberId: "m2", purchaseId: "p1", amount: "120.00" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-p1",
  },
  invalid("recordPurchase: occurredAt 30 February", ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: "2026-02-30T00:00:00Z" })),
  ),
  invalid('recordPurchase: occurredAt "yesterday"', ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: "yesterday" })),
  ),
  invalid("recordPurchase: occurredAt without an offset", ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: "2026-03-10T10:00:00" })),
  ),
  invalid("recordPurchase: occurredAt date only", ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: "2026-03-10" })),
  ),
  invalid("recordPurchase: occurredAt hour 24", ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: "2026-03-10T24:00:00Z" })),
  ),
  invalid("recordPurchase: occurredAt offset +25:00", ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: "2026-03-10T10:00:00+25:00" })),
  ),
  invalid("recordPurchase: occurredAt invalid Date", ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: new Date(Number.NaN) })),
  ),
  invalid("recordPurchase: occurredAt epoch number", ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: NOW - DAY })),
  ),
  invalid("recordPurchase: occurredAt 1 ms in the future", ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: new Date(NOW + 1).toISOString() })),
  ),
  invalid("recordPurchase: occurredAt in the future as a Date", ["occurredAt"], "bad-p", (e) =>
    P(e, purchase({ occurredAt: new Date(NOW + DAY) })),
  ),
  invalid("recordPurchase: empty key", ["key"], "", (e) => P(e, purchase({ key: "" }))),
  invalid("recordPurchase: key of 201 characters", ["key"], long(201), (e) => P(e, purchase({ key: long(201) }))),
  invalid("recordPurchase: purchase id of 201 characters", ["purchaseId"], "bad-p", (e) =>
    P(e, purchase({ purchaseId: long(201) })),
  ),
  invalid(
    "recordPurchase: member id of 201 characters",
    ["memberId"],
    "bad-p",
    (e) => P(e, purchase({ memberId: long(201) })),
    [long(201)],
  ),
  invalid("recordPurchase: unknown field", ["coupon"], "bad-p", (e) => P(e, purchase({ coupon: "X" }))),
  invalid("recordPurchase: nested attribute", ["attributes", "store"], "bad-p", (e) =>
    P(e, purchase({ attributes: { store: { id: 1 } } })),
  ),
  invalid("recordPurchase: line quantity 0", ["lines", 0, "quantity"], "bad-p", (e) =>
    P(e, purchase({ lines: [{ sku: "A", quantity: 0, amount: "10.00" }] })),
  ),
  invalid("recordPurchase: line quantity 1.5", ["lines", 0, "quantity"], "bad-p", (e) =>
    P(e, purchase({ lines: [{ sku: "A", quantity: 1.5, amount: "10.00" }] })),
  ),
  invalid("recordPurchase: line quantity -1", ["lines", 1, "quantity"], "bad-p", (e) =>
    P(
      e,
      purchase({
        lines: [
          { sku: "A", quantity: 1, amount: "5.00" },
          { sku: "B", quantity: -1, amount: "5.00" },
        ],
      }),
    ),
  ),
  invalid('recordPurchase: line quantity "2"', ["lines", 0, "quantity"], "bad-p", (e) =>
    P(e, purchase({ lines: [{ sku: "A", quantity: "2", amount: "10.00" }] })),
  ),
  invalid("recordPurchase: line amount too precise", ["lines", 0, "amount"], "bad-p", (e) =>
    P(e, purchase({ lines: [{ sku: "A", quantity: 1, amount: "10.005" }] })),
  ),
  invalid("recordPurchase: line amount negative", ["lines", 0, "amount"], "bad-p", (e) =>
    P(e, purchase({ lines: [{ sku: "A", quantity: 1, amount: "-1.00" }] })),
  ),
  invalid("recordPurchase: line without sku", ["lines", 0, "sku"], "bad-p", (e) =>
    P(e, purchase({ lines: [{ quantity: 1, amount: "10.00" }] })),
  ),
  invalid("recordPurchase: empty lines list", ["lines"], "bad-p", (e) => P(e, purchase({ lines: [] }))),
  invalid("recordPurchase: lines adding up to more than the amount", ["lines"], "bad-p", (e) =>
    P(e, purchase({ amount: "10.00", lines: [{ sku: "A", quantity: 1, amount: "5000.00" }] })),
  ),
  invalid("recordPurchase: unknown field in a line", ["lines", 0, "price"], "bad-p", (e) =>
    P(e, purchase({ lines: [{ sku: "A", quantity: 1, amount: "10.00", price: "10.00" }] })),
  ),

  // recordEvent
  invalid('recordEvent: type "purchase"', ["type"], "bad-e", (e) => E(e, event({ type: "purchase" }))),
  invalid("recordEvent: empty type", ["type"], "bad-e", (e) => E(e, event({ type: "" }))),
  invalid("recordEvent: type of 201 characters", ["type"], "bad-e", (e) => E(e, event({ type: long(201) }))),
  invalid("recordEvent: occurredAt in the future", ["occurredAt"], "bad-e", (e) =>
    E(e, event({ occurredAt: new Date(NOW + 3_600_000).toISOString() })),
  ),
  invalid("recordEvent: occurredAt 30 February", ["occurredAt"], "bad-e", (e) =>
    E(e, event({ occurredAt: "2026-02-30T09:00:00+01:00" })),
  ),
  invalid("recordEvent: nested attribute", ["attributes", "review"], "bad-e", (e) =>
    E(e, event({ attributes: { review: { stars: 5 } } })),
  ),
  invalid("recordEvent: amount is not an event field", ["amount"], "bad-e", (e) => E(e, event({ amount: "10.00" }))),
  {
    name: "recordEvent: unknown member",
    run: (e) => E(e, event({ memberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    key: "bad-e",
    members: ["ghost"],
  },
  {
    name: "recordEvent: reusing a purchase's key",
    run: (e) => E(e, event({ key: "seed-p2" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-p2",
  },

  // refund
  ...badAmounts.map(([label, amount]) =>
    invalid(`refund: amount ${label}`, ["amount"], "bad-r", (e) => R(e, refund({ amount }))),
  ),
  invalid('refund: amount "1.234" in GBP (too precise)', ["amount"], "bad-r", (e) => R(e, refund({ amount: "1.234" }))),
  {
    name: "refund: wrong currency (EUR)",
    run: (e) => R(e, refund({ currency: "EUR" })),
    code: "CURRENCY_MISMATCH",
    path: ["currency"],
    key: "bad-r",
  },
  invalid("refund: invalid currency code", ["currency"], "bad-r", (e) => R(e, refund({ currency: "£" }))),
  invalid("refund: currency missing", ["currency"], "bad-r", (e) => R(e, refund({ currency: undefined }))),
  {
    name: "refund: unknown member",
    run: (e) => R(e, refund({ memberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    key: "bad-r",
    members: ["ghost"],
  },
  {
    name: "refund: unknown purchase",
    run: (e) => R(e, refund({ purchaseId: "p-none" })),
    code: "PURCHASE_NOT_FOUND",
    path: ["purchaseId"],
    key: "bad-r",
  },
  {
    name: "refund: another member's purchase",
    run: (e) => R(e, refund({ memberId: "m2", purchaseId: "p1" })),
    code: "PURCHASE_NOT_FOUND",
    path: ["purchaseId"],
    key: "bad-r",
  },
  {
    name: "refund: more than the purchase amount",
    run: (e) => R(e, refund({ purchaseId: "p2", amount: "30.01" })),
    code: "REFUND_EXCEEDS_PURCHASE",
    path: ["amount"],
    key: "bad-r",
  },
  {
    name: "refund: same key as the purchase",
    run: (e) => R(e, refund({ key: "seed-p1" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-p1",
  },
  {
    name: 'refund: purchase id "toString" (never recorded, an Object.prototype key)',
    run: (e) => R(e, refund({ purchaseId: "toString" })),
    code: "PURCHASE_NOT_FOUND",
    path: ["purchaseId"],
    key: "bad-r",
  },
  {
    name: 'refund: purchase id "__proto__" (never recorded)',
    run: (e) => R(e, refund({ purchaseId: "__proto__" })),
    code: "PURCHASE_NOT_FOUND",
    path: ["purchaseId"],
    key: "bad-r",
  },
  invalid("refund: purchase id null", ["purchaseId"], "bad-r", (e) => R(e, refund({ purchaseId: null }))),
  invalid("refund: purchase id of 201 characters", ["purchaseId"], "bad-r", (e) =>
    R(e, refund({ purchaseId: long(201) })),
  ),
  invalid("refund: empty purchase id", ["purchaseId"], "bad-r", (e) => R(e, refund({ purchaseId: "" }))),
  invalid("refund: unknown field", ["reason"], "bad-r", (e) => R(e, refund({ reason: "damaged" }))),

  // adjust
  invalid('adjust: points "0"', ["points"], "bad-a", (e) => A(e, adjust({ points: "0" }))),
  invalid('adjust: points "1.5" at scale 0', ["points"], "bad-a", (e) => A(e, adjust({ points: "1.5" }))),
  invalid('adjust: points "-1.5" at scale 0', ["points"], "bad-a", (e) => A(e, adjust({ points: "-1.5" }))),
  invalid('adjust: points "abc"', ["points"], "bad-a", (e) => A(e, adjust({ points: "abc" }))),
  invalid("adjust: points as a number", ["points"], "bad-a", (e) => A(e, adjust({ points: 50 }))),
  invalid("adjust: points too large", ["points"], "bad-a", (e) => A(e, adjust({ points: "10000000000000000" }))),
  invalid("adjust: unknown wallet", ["wallet"], "bad-a", (e) => A(e, adjust({ wallet: "miles" }))),
  invalid("adjust: a reason with a NUL character", ["reason"], "bad-a", (e) =>
    A(e, adjust({ reason: "good\u0000will" })),
  ),
  invalid("adjust: a reference with a lone surrogate", ["reference"], "bad-a", (e) =>
    A(e, adjust({ reference: "ticket-\uD800" })),
  ),
  invalid(
    "adjust: a member id with a NUL character",
    ["memberId"],
    "bad-a",
    (e) => A(e, adjust({ memberId: "m1\u0000" })),
    ["m1\u0000"],
  ),
  invalid(
    "enroll: an attribute value with a NUL character",
    ["attributes", "tier"],
    "bad-en",
    (e) => N(e, enroll({ attributes: { tier: "gold\u0000" } })),
    ["m3"],
  ),
  invalid("adjust: empty reason", ["reason"], "bad-a", (e) => A(e, adjust({ reason: "" }))),
  invalid("adjust: reason missing", ["reason"], "bad-a", (e) => A(e, adjust({ reason: undefined }))),
  invalid("adjust: reason of 101 characters", ["reason"], "bad-a", (e) => A(e, adjust({ reason: long(101) }))),
  invalid("adjust: reference of 201 characters", ["reference"], "bad-a", (e) => A(e, adjust({ reference: long(201) }))),
  {
    name: "adjust: unknown member",
    run: (e) => A(e, adjust({ memberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    key: "bad-a",
    members: ["ghost"],
  },
  {
    name: "adjust: debit beyond the available balance",
    run: (e) => A(e, adjust({ points: "-1000" })),
    code: "INSUFFICIENT_POINTS",
    path: null,
    key: "bad-a",
  },

  // spend
  invalid('spend: points "-5"', ["points"], "bad-s", (e) => S(e, spend({ points: "-5" }))),
  invalid('spend: points "0"', ["points"], "bad-s", (e) => S(e, spend({ points: "0" }))),
  invalid('spend: points "1.5" at scale 0', ["points"], "bad-s", (e) => S(e, spend({ points: "1.5" }))),
  invalid('spend: points "1.0" at scale 0', ["points"], "bad-s", (e) => S(e, spend({ points: "1.0" }))),
  invalid('spend: points "NaN"', ["points"], "bad-s", (e) => S(e, spend({ points: "NaN" }))),
  invalid('spend: points "Infinity"', ["points"], "bad-s", (e) => S(e, spend({ points: "Infinity" }))),
  invalid('spend: points "1e3"', ["points"], "bad-s", (e) => S(e, spend({ points: "1e3" }))),
  invalid("spend: points as a number", ["points"], "bad-s", (e) => S(e, spend({ points: 10 }))),
  invalid("spend: points empty", ["points"], "bad-s", (e) => S(e, spend({ points: "" }))),
  invalid("spend: unknown wallet", ["wallet"], "bad-s", (e) => S(e, spend({ wallet: "miles" }))),
  invalid("spend: from the qualifying wallet", ["wallet"], "bad-s", (e) => S(e, spend({ wallet: "status" }))),
  invalid("spend: wallet of 201 characters", ["wallet"], "bad-s", (e) => S(e, spend({ wallet: long(201) }))),
  invalid("spend: empty reference", ["reference"], "bad-s", (e) => S(e, spend({ reference: "" }))),
  invalid("spend: unknown field", ["rewardId"], "bad-s", (e) => S(e, spend({ rewardId: "r1" }))),
  invalid("spend: empty key", ["key"], "", (e) => S(e, spend({ key: "" }))),
  {
    name: "spend: unknown member",
    run: (e) => S(e, spend({ memberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    key: "bad-s",
    members: ["ghost"],
  },
  {
    name: "spend: more than available (100 available)",
    run: (e) => S(e, spend({ points: "101" })),
    code: "INSUFFICIENT_POINTS",
    path: null,
    key: "bad-s",
  },
  {
    name: "spend: pending points only (m2)",
    run: (e) => S(e, spend({ memberId: "m2", points: "1" })),
    code: "INSUFFICIENT_POINTS",
    path: null,
    key: "bad-s",
  },
  {
    name: "spend: same key as the seed spend, different points",
    run: (e) => S(e, spend({ key: "seed-spend-m1", points: "21" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-spend-m1",
  },

  // summary
  {
    name: "summary: unknown member",
    run: (e) => e.summary("ghost"),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    members: ["ghost"],
  },
  invalid("summary: empty member id", ["memberId"], undefined, (e) => e.summary("")),
  invalid("summary: member id of 201 characters", ["memberId"], undefined, (e) => e.summary(long(201))),
  invalid("summary: expiringWithinDays -1", ["expiringWithinDays"], undefined, (e) =>
    e.summary("m1", { expiringWithinDays: -1 }),
  ),
  invalid("summary: expiringWithinDays 1.5", ["expiringWithinDays"], undefined, (e) =>
    e.summary("m1", { expiringWithinDays: 1.5 }),
  ),
  invalid("summary: expiringWithinDays as a string", ["expiringWithinDays"], undefined, (e) =>
    e.summary("m1", { expiringWithinDays: "30" as any }),
  ),
  invalid("summary: unknown option", ["asOf"], undefined, (e) =>
    e.summary("m1", { asOf: "2026-01-01T00:00:00Z" } as any),
  ),

  // statement
  {
    name: "statement: unknown member",
    run: (e) => e.statement("ghost"),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    members: ["ghost"],
  },
  invalid("statement: empty member id", ["memberId"], undefined, (e) => e.statement("")),
  invalid("statement: afterSeq -1", ["afterSeq"], undefined, (e) => e.statement("m1", { afterSeq: -1 })),
  invalid("statement: limit 0", ["limit"], undefined, (e) => e.statement("m1", { limit: 0 })),
  invalid("statement: limit 1001", ["limit"], undefined, (e) => e.statement("m1", { limit: 1001 })),
  invalid("statement: limit NaN", ["limit"], undefined, (e) => e.statement("m1", { limit: Number.NaN })),
  invalid("statement: unknown option", ["cursor"], undefined, (e) => e.statement("m1", { cursor: "x" } as any)),

  // previewPurchase
  ...badAmounts
    .slice(0, 10)
    .map(([label, amount]) =>
      invalid(`previewPurchase: amount ${label}`, ["amount"], undefined, (e) => V(e, preview({ amount }))),
    ),
  invalid('previewPurchase: amount "1.234" in GBP', ["amount"], undefined, (e) => V(e, preview({ amount: "1.234" }))),
  {
    name: "previewPurchase: wrong currency",
    run: (e) => V(e, preview({ currency: "JPY" })),
    code: "CURRENCY_MISMATCH",
    path: ["currency"],
  },
  invalid("previewPurchase: invalid currency code", ["currency"], undefined, (e) => V(e, preview({ currency: "123" }))),
  {
    name: "previewPurchase: unknown member",
    run: (e) => V(e, preview({ memberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    members: ["ghost"],
  },
  invalid("previewPurchase: occurredAt malformed", ["occurredAt"], undefined, (e) =>
    V(e, preview({ occurredAt: "2026-02-30T00:00:00Z" })),
  ),
  invalid("previewPurchase: occurredAt in the future", ["occurredAt"], undefined, (e) =>
    V(e, preview({ occurredAt: new Date(NOW + DAY).toISOString() })),
  ),
  invalid("previewPurchase: line quantity 0", ["lines", 0, "quantity"], undefined, (e) =>
    V(e, preview({ lines: [{ sku: "A", quantity: 0, amount: "10.00" }] })),
  ),
  invalid("previewPurchase: key is not a preview field", ["key"], undefined, (e) => V(e, preview({ key: "k" }))),
];

// ---- Reward, transfer and referral commands ---------------------------------------------------

const redeem = (over: Record<string, unknown>) => ({ key: "bad-rd", memberId: "m9", rewardId: "coffee", ...over });
const cancel = (over: Record<string, unknown>) => ({ key: "bad-c", memberId: "m9", redemptionId: "red-1", ...over });
const transfer = (over: Record<string, unknown>) => ({
  key: "bad-t",
  fromMemberId: "m9",
  toMemberId: "m1",
  wallet: "points",
  points: "10",
  ...over,
});
const refer = (over: Record<string, unknown>) => ({ key: "bad-rf", referrerId: "m1", referredId: "m8", ...over });
const restock = (over: Record<string, unknown>) => ({ key: "bad-st", rewardId: "mug", units: 5, ...over });

const RD = (e: LoyaltyEngine, c: Record<string, unknown>) => e.redeem(c as any);
const CN = (e: LoyaltyEngine, c: Record<string, unknown>) => e.cancelRedemption(c as any);
const T = (e: LoyaltyEngine, c: Record<string, unknown>) => e.transfer(c as any);
const RF = (e: LoyaltyEngine, c: Record<string, unknown>) => e.refer(c as any);
const ST = (e: LoyaltyEngine, c: Record<string, unknown>) => e.restock(c as any);

/** Points that are not a positive decimal string at the program's scale (0). */
const badPoints: [string, unknown][] = [
  ["as a number", 10],
  ['"0"', "0"],
  ['"-5"', "-5"],
  ['"1.5" at scale 0', "1.5"],
  ['"10.0" at scale 0', "10.0"],
  ['"abc"', "abc"],
  ['"1e3"', "1e3"],
  ["empty", ""],
  ["null", null],
  ["too large", "10000000000000000"],
];

const rewardCommandCases: BadInput[] = [
  // redeem
  invalid("redeem: rewardId missing", ["rewardId"], "bad-rd", (e) => RD(e, redeem({ rewardId: undefined }))),
  invalid("redeem: rewardId as a number", ["rewardId"], "bad-rd", (e) => RD(e, redeem({ rewardId: 7 }))),
  invalid("redeem: unknown reward", ["rewardId"], "bad-rd", (e) => RD(e, redeem({ rewardId: "yacht" }))),
  invalid("redeem: memberId missing", ["memberId"], "bad-rd", (e) => RD(e, redeem({ memberId: undefined }))),
  invalid("redeem: key missing", ["key"], undefined, (e) => RD(e, redeem({ key: undefined }))),
  invalid("redeem: quantity 0", ["quantity"], "bad-rd", (e) => RD(e, redeem({ quantity: 0 }))),
  invalid("redeem: quantity -1", ["quantity"], "bad-rd", (e) => RD(e, redeem({ quantity: -1 }))),
  invalid("redeem: quantity 1.5", ["quantity"], "bad-rd", (e) => RD(e, redeem({ quantity: 1.5 }))),
  invalid('redeem: quantity "2"', ["quantity"], "bad-rd", (e) => RD(e, redeem({ quantity: "2" }))),
  invalid("redeem: quantity NaN", ["quantity"], "bad-rd", (e) => RD(e, redeem({ quantity: Number.NaN }))),
  invalid("redeem: quantity 1,000,001", ["quantity"], "bad-rd", (e) => RD(e, redeem({ quantity: 1_000_001 }))),
  invalid("redeem: redemptionId of 201 characters", ["redemptionId"], "bad-rd", (e) =>
    RD(e, redeem({ redemptionId: long(201) })),
  ),
  invalid("redeem: empty redemptionId", ["redemptionId"], "bad-rd", (e) => RD(e, redeem({ redemptionId: "" }))),
  invalid("redeem: redemptionId with a NUL character", ["redemptionId"], "bad-rd", (e) =>
    RD(e, redeem({ redemptionId: "r\u0000" })),
  ),
  invalid("redeem: key with a NUL character", ["key"], "bad-rd\u0000", (e) => RD(e, redeem({ key: "bad-rd\u0000" }))),
  invalid("redeem: reference of 201 characters", ["reference"], "bad-rd", (e) =>
    RD(e, redeem({ reference: long(201) })),
  ),
  invalid("redeem: a cause for a product", ["cause"], "bad-rd", (e) => RD(e, redeem({ cause: "school-a" }))),
  invalid("redeem: a donation without a cause", ["cause"], "bad-rd", (e) => RD(e, redeem({ rewardId: "school" }))),
  invalid("redeem: a donation to an unknown cause", ["cause"], "bad-rd", (e) =>
    RD(e, redeem({ rewardId: "school", cause: "school-z" })),
  ),
  invalid("redeem: unknown field", ["points"], "bad-rd", (e) => RD(e, redeem({ points: "10" }))),
  {
    name: "redeem: unknown member",
    run: (e) => RD(e, redeem({ memberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    key: "bad-rd",
    members: ["ghost"],
  },
  {
    name: "redeem: not enough points (m2)",
    run: (e) => RD(e, redeem({ memberId: "m2" })),
    code: "INSUFFICIENT_POINTS",
    path: null,
    key: "bad-rd",
  },
  {
    name: "redeem: a withdrawn reward",
    run: (e) => RD(e, redeem({ rewardId: "retired" })),
    code: "REWARD_UNAVAILABLE",
    path: null,
    key: "bad-rd",
  },
  {
    name: "redeem: more mugs than in stock (9 left)",
    run: (e) => RD(e, redeem({ rewardId: "mug", quantity: 10 })),
    code: "OUT_OF_STOCK",
    path: null,
    key: "bad-rd",
  },
  {
    name: "redeem: a redemption id already used",
    run: (e) => RD(e, redeem({ rewardId: "mug", redemptionId: "red-1" })),
    code: "DUPLICATE_REDEMPTION",
    path: ["redemptionId"],
    key: "bad-rd",
  },
  {
    name: "redeem: the seed redemption's key, another reward",
    run: (e) => RD(e, redeem({ key: "seed-redeem-1", rewardId: "coffee", redemptionId: "red-1" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-redeem-1",
  },

  // cancelRedemption
  invalid("cancelRedemption: redemptionId missing", ["redemptionId"], "bad-c", (e) =>
    CN(e, cancel({ redemptionId: undefined })),
  ),
  invalid("cancelRedemption: redemptionId as a number", ["redemptionId"], "bad-c", (e) =>
    CN(e, cancel({ redemptionId: 1 })),
  ),
  invalid("cancelRedemption: redemptionId of 201 characters", ["redemptionId"], "bad-c", (e) =>
    CN(e, cancel({ redemptionId: long(201) })),
  ),
  invalid("cancelRedemption: redemptionId with a NUL character", ["redemptionId"], "bad-c", (e) =>
    CN(e, cancel({ redemptionId: "red-1\u0000" })),
  ),
  invalid("cancelRedemption: memberId missing", ["memberId"], "bad-c", (e) => CN(e, cancel({ memberId: undefined }))),
  invalid("cancelRedemption: empty reason", ["reason"], "bad-c", (e) => CN(e, cancel({ reason: "" }))),
  invalid("cancelRedemption: reason of 501 characters", ["reason"], "bad-c", (e) =>
    CN(e, cancel({ reason: long(501) })),
  ),
  invalid("cancelRedemption: reason with a NUL character", ["reason"], "bad-c", (e) =>
    CN(e, cancel({ reason: "broken\u0000" })),
  ),
  invalid("cancelRedemption: unknown field", ["points"], "bad-c", (e) => CN(e, cancel({ points: "100" }))),
  {
    name: "cancelRedemption: unknown redemption",
    run: (e) => CN(e, cancel({ redemptionId: "red-9" })),
    code: "REDEMPTION_NOT_FOUND",
    path: ["redemptionId"],
    key: "bad-c",
  },
  {
    name: "cancelRedemption: another member's redemption",
    run: (e) => CN(e, cancel({ memberId: "m1" })),
    code: "REDEMPTION_NOT_FOUND",
    path: ["redemptionId"],
    key: "bad-c",
  },
  {
    name: "cancelRedemption: already cancelled",
    run: (e) => CN(e, cancel({ redemptionId: "red-2" })),
    code: "REDEMPTION_CANCELLED",
    path: null,
    key: "bad-c",
  },
  {
    name: "cancelRedemption: unknown member",
    run: (e) => CN(e, cancel({ memberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: ["memberId"],
    key: "bad-c",
    members: ["ghost"],
  },
  {
    name: "cancelRedemption: the seed cancellation's key, another redemption",
    run: (e) => CN(e, cancel({ key: "seed-cancel-2" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-cancel-2",
  },

  // transfer
  ...badPoints.map(([label, points]) =>
    invalid(`transfer: points ${label}`, ["points"], "bad-t", (e) => T(e, transfer({ points }))),
  ),
  invalid("transfer: points missing", ["points"], "bad-t", (e) => T(e, transfer({ points: undefined }))),
  invalid('transfer: points "4", below transfers.minPoints', ["points"], "bad-t", (e) =>
    T(e, transfer({ points: "4" })),
  ),
  invalid("transfer: fromMemberId missing", ["fromMemberId"], "bad-t", (e) =>
    T(e, transfer({ fromMemberId: undefined })),
  ),
  invalid("transfer: toMemberId missing", ["toMemberId"], "bad-t", (e) => T(e, transfer({ toMemberId: undefined }))),
  invalid("transfer: wallet missing", ["wallet"], "bad-t", (e) => T(e, transfer({ wallet: undefined }))),
  invalid(
    "transfer: fromMemberId of 201 characters",
    ["fromMemberId"],
    "bad-t",
    (e) => T(e, transfer({ fromMemberId: long(201) })),
    [long(201)],
  ),
  invalid(
    "transfer: toMemberId with a NUL character",
    ["toMemberId"],
    "bad-t",
    (e) => T(e, transfer({ toMemberId: "m1\u0000" })),
    ["m1\u0000"],
  ),
  invalid("transfer: toMemberId as a number", ["toMemberId"], "bad-t", (e) => T(e, transfer({ toMemberId: 1 }))),
  invalid("transfer: to oneself", ["toMemberId"], "bad-t", (e) => T(e, transfer({ toMemberId: "m9" }))),
  invalid("transfer: the qualifying wallet", ["wallet"], "bad-t", (e) => T(e, transfer({ wallet: "status" }))),
  invalid("transfer: an unknown wallet", ["wallet"], "bad-t", (e) => T(e, transfer({ wallet: "miles" }))),
  invalid("transfer: empty reference", ["reference"], "bad-t", (e) => T(e, transfer({ reference: "" }))),
  invalid("transfer: unknown field", ["memberId"], "bad-t", (e) => T(e, transfer({ memberId: "m9" }))),
  {
    name: "transfer: too precise points and a wallet not transferable: both listed",
    run: (e) => T(e, transfer({ points: "10.5", wallet: "status" })),
    code: "INVALID_COMMAND",
    path: null,
    paths: [["points"], ["wallet"]],
    key: "bad-t",
  },
  {
    name: "transfer: unknown receiver",
    run: (e) => T(e, transfer({ toMemberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: null,
    key: "bad-t",
    members: ["ghost"],
  },
  {
    name: "transfer: unknown sender",
    run: (e) => T(e, transfer({ fromMemberId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: null,
    key: "bad-t",
    members: ["ghost"],
  },
  {
    name: "transfer: more than available (m1 holds 100)",
    run: (e) => T(e, transfer({ fromMemberId: "m1", toMemberId: "m2", points: "101" })),
    code: "INSUFFICIENT_POINTS",
    path: null,
    key: "bad-t",
  },
  {
    name: "transfer: pending points only (m2)",
    run: (e) => T(e, transfer({ fromMemberId: "m2", points: "10" })),
    code: "INSUFFICIENT_POINTS",
    path: null,
    key: "bad-t",
  },
  {
    name: "transfer: beyond the day's limit of 200",
    run: (e) => T(e, transfer({ points: "201" })),
    code: "LIMIT_REACHED",
    path: null,
    key: "bad-t",
  },
  {
    name: "transfer: the seed redemption's key",
    run: (e) => T(e, transfer({ key: "seed-redeem-1" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-redeem-1",
  },

  // refer
  invalid("refer: referrerId missing", ["referrerId"], "bad-rf", (e) => RF(e, refer({ referrerId: undefined }))),
  invalid("refer: referredId missing", ["referredId"], "bad-rf", (e) => RF(e, refer({ referredId: undefined }))),
  invalid("refer: referredId as a number", ["referredId"], "bad-rf", (e) => RF(e, refer({ referredId: 8 }))),
  invalid(
    "refer: referredId of 201 characters",
    ["referredId"],
    "bad-rf",
    (e) => RF(e, refer({ referredId: long(201) })),
    [long(201)],
  ),
  invalid(
    "refer: referrerId with a NUL character",
    ["referrerId"],
    "bad-rf",
    (e) => RF(e, refer({ referrerId: "m1\u0000" })),
    ["m1\u0000"],
  ),
  invalid("refer: empty key", ["key"], "", (e) => RF(e, refer({ key: "" }))),
  invalid("refer: nested attribute", ["attributes", "campaign"], "bad-rf", (e) =>
    RF(e, refer({ attributes: { campaign: { id: 1 } } })),
  ),
  invalid("refer: an attribute named __proto__", ["attributes", "__proto__"], "bad-rf", (e) =>
    RF(e, refer({ attributes: JSON.parse('{"__proto__":"x"}') })),
  ),
  invalid("refer: occurredAt in the future", ["occurredAt"], "bad-rf", (e) =>
    RF(e, refer({ occurredAt: new Date(NOW + DAY).toISOString() })),
  ),
  invalid("refer: occurredAt malformed", ["occurredAt"], "bad-rf", (e) =>
    RF(e, refer({ occurredAt: "2026-02-30T00:00:00Z" })),
  ),
  invalid("refer: unknown field", ["points"], "bad-rf", (e) => RF(e, refer({ points: "50" }))),
  {
    name: "refer: oneself",
    run: (e) => RF(e, refer({ referredId: "m1" })),
    code: "SELF_REFERRAL",
    path: ["referredId"],
    key: "bad-rf",
  },
  {
    name: "refer: unknown referrer",
    run: (e) => RF(e, refer({ referrerId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: null,
    key: "bad-rf",
    members: ["ghost"],
  },
  {
    name: "refer: unknown referred member",
    run: (e) => RF(e, refer({ referredId: "ghost" })),
    code: "MEMBER_NOT_FOUND",
    path: null,
    key: "bad-rf",
    members: ["ghost"],
  },
  {
    name: "refer: a member already referred (m2, by m9)",
    run: (e) => RF(e, refer({ referredId: "m2" })),
    code: "ALREADY_REFERRED",
    path: null,
    key: "bad-rf",
  },
  {
    name: "refer: a member who joined more than withinDays ago",
    run: (e) => RF(e, refer({ referrerId: "m2", referredId: "m1" })),
    code: "REFERRAL_EXPIRED",
    path: null,
    key: "bad-rf",
  },
  {
    name: "refer: beyond the referrer's monthly limit (m9)",
    run: (e) => RF(e, refer({ referrerId: "m9" })),
    code: "LIMIT_REACHED",
    path: null,
    key: "bad-rf",
  },
  {
    name: "refer: the seed referral's key, another member",
    run: (e) => RF(e, refer({ key: "seed-refer" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-refer",
  },

  // restock
  invalid("restock: rewardId missing", ["rewardId"], "bad-st", (e) => ST(e, restock({ rewardId: undefined }))),
  invalid("restock: units missing", ["units"], "bad-st", (e) => ST(e, restock({ units: undefined }))),
  invalid("restock: units 0", ["units"], "bad-st", (e) => ST(e, restock({ units: 0 }))),
  invalid("restock: units 1.5", ["units"], "bad-st", (e) => ST(e, restock({ units: 1.5 }))),
  invalid('restock: units "5"', ["units"], "bad-st", (e) => ST(e, restock({ units: "5" }))),
  invalid("restock: units NaN", ["units"], "bad-st", (e) => ST(e, restock({ units: Number.NaN }))),
  invalid("restock: units Infinity", ["units"], "bad-st", (e) => ST(e, restock({ units: Number.POSITIVE_INFINITY }))),
  invalid("restock: units beyond a billion", ["units"], "bad-st", (e) => ST(e, restock({ units: 1_000_000_001 }))),
  invalid("restock: unknown reward", ["rewardId"], "bad-st", (e) => ST(e, restock({ rewardId: "yacht" }))),
  invalid("restock: a reward without a stock limit", ["rewardId"], "bad-st", (e) =>
    ST(e, restock({ rewardId: "coffee" })),
  ),
  invalid("restock: rewardId with a NUL character", ["rewardId"], "bad-st", (e) =>
    ST(e, restock({ rewardId: "mug\u0000" })),
  ),
  invalid("restock: key of 201 characters", ["key"], long(201), (e) => ST(e, restock({ key: long(201) }))),
  invalid("restock: unknown field", ["memberId"], "bad-st", (e) => ST(e, restock({ memberId: "m9" }))),
  {
    name: "restock: taking out more than the 9 left",
    run: (e) => ST(e, restock({ units: -10 })),
    code: "OUT_OF_STOCK",
    path: null,
    key: "bad-st",
  },
  {
    name: "restock: the seed redemption's key",
    run: (e) => ST(e, restock({ key: "seed-redeem-1" })),
    code: "IDEMPOTENCY_CONFLICT",
    path: ["key"],
    key: "seed-redeem-1",
  },
];

const cases: BadInput[] = [
  ...programCases,
  severalSchemaProblems,
  severalReferenceProblems,
  mixedProblems,
  ...catalogueCases,
  severalCatalogueProblems,
  ...commandCases,
  ...rewardCommandCases,
];

describe("bad inputs", () => {
  it("the corpus is large and its names are unique", () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it("the seeded state is what the corpus assumes", async () => {
    const { engine } = await seeded();
    const m1 = await engine.summary("m1");
    expect(m1.wallets.points!.available).toBe("100"); // 120 earned, 20 spent
    expect(m1.wallets.points!.pending).toBe("30");
    const m2 = await engine.summary("m2");
    expect(m2.wallets.points!.available).toBe("0");
    expect(m2.wallets.points!.pending).toBe("45");
    expect(m2.referredBy).toBe("m9");
    const m9 = await engine.summary("m9");
    expect(m9.wallets.points!.available).toBe("400"); // 500, a mug redeemed, another redeemed and cancelled
    expect(m9.redemptions.map((r) => r.redemptionId)).toEqual(["red-1"]);
    expect(await engine.stock("mug")).toBe(9);
  });

  it.each(cases)("$name", async (c) => {
    const { engine, store } = await seeded();
    const members = [...SEEDED, ...(c.members ?? [])];
    const before = await fingerprint(store, members, c.key);

    let caught: unknown = undefined;
    let outcome: string;
    try {
      outcome = `the call succeeded with ${JSON.stringify(await c.run(engine))?.slice(0, 300)}`;
    } catch (error) {
      caught = error;
      outcome = `it threw ${String(error)}`;
    }
    expect(caught, `expected a LoyaltyError ${c.code}, but ${outcome}`).toBeInstanceOf(LoyaltyError);
    const error = caught as LoyaltyError;
    expect(error.code, error.message + " " + JSON.stringify(error.issues)).toBe(c.code);
    expect(error.message.length).toBeGreaterThan(0);

    const listed = error.issues.map((i) => pathKey(i.path));
    for (const issue of error.issues) expect(issue.message.length).toBeGreaterThan(0);
    const expected = [...(c.path ? [c.path] : []), ...(c.paths ?? [])];
    for (const path of expected) expect(listed, `issue at ${pathKey(path)}`).toContain(pathKey(path));
    if (c.paths) expect(error.issues.length).toBeGreaterThanOrEqual(c.paths.length);
    if (c.code === "INSUFFICIENT_POINTS") expect(error.details).toMatchObject({ wallet: "points" });

    expect(await fingerprint(store, members, c.key)).toEqual(before);
  });
});

/**
 * Ids are free text up to 200 characters, so "constructor", "toString" and "__proto__" are valid
 * purchase ids, wallet ids and attribute names. They must behave like any other id, not like the
 * keys of Object.prototype.
 */
describe("ids that are also Object.prototype keys", () => {
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    'recordPurchase with purchase id "%s" is recorded and can be refunded',
    async (purchaseId) => {
      const { engine } = await seeded();
      const r = await engine.recordPurchase({
        key: `buy-${purchaseId}`,
        memberId: "m2",
        purchaseId,
        amount: "10.00",
        currency: "GBP",
      });
      expect(r.totals).toEqual({ points: "10", status: "10" });
      const back = await engine.refund({
        key: `refund-${purchaseId}`,
        memberId: "m2",
        purchaseId,
        amount: "10.00",
        currency: "GBP",
      });
      expect(back.reversed.map((x) => [x.wallet, x.points])).toEqual([
        ["points", "10"],
        ["status", "10"],
      ]);
    },
  );

  it('a program with a wallet called "constructor" is either refused at compile time or works', async () => {
    const def = programWith((p) => {
      p.wallets[0].id = "constructor";
      for (const rule of p.rules)
        for (const award of rule.awards) if (award.wallet === "points") award.wallet = "constructor";
      for (const reward of p.rewards ?? []) if (reward.wallet === "points") reward.wallet = "constructor";
      if (p.transfers)
        p.transfers.wallets = p.transfers.wallets.map((w: string) => (w === "points" ? "constructor" : w));
    });
    let compiled: ReturnType<typeof compileProgram>;
    try {
      compiled = compileProgram(def);
    } catch (error) {
      expect(error).toBeInstanceOf(LoyaltyError);
      expect((error as LoyaltyError).code).toBe("INVALID_PROGRAM");
      expect((error as LoyaltyError).issues.map((i) => pathKey(i.path))).toContain(pathKey(["wallets", 0, "id"]));
      return;
    }
    const engine = createLoyaltyEngine({
      program: compiled,
      store: createMemoryStore(),
      clock: () => NOW,
      ids: (() => {
        let n = 0;
        return () => "x" + ++n;
      })(),
    });
    await engine.enroll({ key: "en", memberId: "m" });
    const r = await engine.recordPurchase({
      key: "p",
      memberId: "m",
      purchaseId: "p1",
      amount: "10.00",
      currency: "GBP",
    });
    expect(r.totals).toEqual({ constructor: "10", status: "10" });
    expect((await engine.summary("m")).wallets["constructor"]!.pending).toBe("10");
  });

  it('a condition on an absent attribute named "toString" does not match', async () => {
    const def = programWith((p) => {
      p.rules[2].when = { field: "attributes.toString", op: "exists" };
    });
    const engine = createLoyaltyEngine({ program: compileProgram(def), store: createMemoryStore(), clock: () => NOW });
    const preview = await engine.previewPurchase({
      amount: "10.00",
      currency: "GBP",
      occurredAt: "2026-03-24T10:00:00Z",
    });
    expect(preview.awards.map((a) => a.ruleId)).not.toContain("big-basket");
    const withIt = await engine.previewPurchase({
      amount: "10.00",
      currency: "GBP",
      occurredAt: "2026-03-24T10:00:00Z",
      attributes: { toString: "yes" },
    });
    expect(withIt.awards.map((a) => a.ruleId)).toContain("big-basket");
  });
});
