/**
 * A corpus of bad inputs: every one must be refused with a typed LoyaltyError (the right `code`,
 * the bad field's `path` in `issues`) and leave the store exactly as it was (invariant 9).
 *
 * Each case runs against a freshly seeded engine (two members, three purchases, a spend), so a
 * case that wrongly succeeds cannot leak into the next one.
 */
import { describe, expect, it } from "vitest";
import { LoyaltyError, compileProgram, createLoyaltyEngine, createMemoryStore, type ErrorCode, type LoyaltyEngine, type LoyaltyStore, type ProgramDefinition } from "../src/index.js";
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

const PROGRAM_ID = exampleProgram.id;
const SEEDED = ["m1", "m2"] as const;
const DAY = 86_400_000;
/** Monday 2 March 2026, 10:00 London (GMT): no weekend or birthday bonus. */
const T0 = Date.parse("2026-03-02T10:00:00Z");
/** Tuesday 24 March (still GMT): m1's first purchase is available, the Monday purchases pending. */
const NOW = T0 + 22 * DAY;

async function seeded(): Promise<{ engine: LoyaltyEngine; store: LoyaltyStore }> {
  let t = T0;
  let n = 0;
  const store = createMemoryStore();
  const engine = createLoyaltyEngine({ program: exampleProgram, store, clock: () => t, ids: () => "e" + ++n });
  await engine.enroll({ key: "seed-enroll-m1", memberId: "m1", birthday: "07-14", attributes: { segment: "gold" } });
  await engine.enroll({ key: "seed-enroll-m2", memberId: "m2" });
  await engine.recordPurchase({ key: "seed-p1", memberId: "m1", purchaseId: "p1", amount: "120.00", currency: "GBP" });
  t = T0 + 15 * DAY;
  await engine.spend({ key: "seed-spend-m1", memberId: "m1", wallet: "points", points: "20" });
  t = NOW - DAY;
  await engine.recordPurchase({ key: "seed-p2", memberId: "m1", purchaseId: "p2", amount: "30.00", currency: "GBP" });
  await engine.recordPurchase({ key: "seed-p3", memberId: "m2", purchaseId: "p3", amount: "45.50", currency: "GBP" });
  t = NOW;
  return { engine, store };
}

async function fingerprint(store: LoyaltyStore, memberIds: readonly string[], key: string | undefined): Promise<unknown> {
  const members: Record<string, unknown> = {};
  for (const id of memberIds) {
    members[id] = {
      stored: await store.loadMember(PROGRAM_ID, id),
      entries: await store.readEntries(PROGRAM_ID, id, { afterSeq: 0, limit: 10_000 }),
    };
  }
  return { members, idempotency: key === undefined ? null : await store.getIdempotency(PROGRAM_ID, key) };
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
  program("missing id", (p) => { delete p.id; }, ["id"]),
  program("empty id", (p) => { p.id = ""; }, ["id"]),
  program("version 0", (p) => { p.version = 0; }, ["version"]),
  program("invalid currency code", (p) => { p.currency = "POUNDS"; }, ["currency"]),
  program("unknown time zone", (p) => { p.timeZone = "Mars/Olympus_Mons"; }, ["timeZone"]),
  program("point scale 9", (p) => { p.points.scale = 9; }, ["points", "scale"]),
  program("unknown rounding mode", (p) => { p.points.rounding = "sideways"; }, ["points", "rounding"]),
  program("no wallets", (p) => { p.wallets = []; }, ["wallets"]),
  program("no qualifying wallet", (p) => { p.wallets = [p.wallets[0]]; p.rules = p.rules.map((r: any) => ({ ...r, awards: r.awards.filter((a: any) => a.wallet === "points") })); }, ["wallets"]),
  program("duplicate wallet id", (p) => { p.wallets.push({ id: "points", kind: "spendable" }); }, ["wallets", 2, "id"]),
  program("empty expiry span", (p) => { p.expiry = { after: {} }; }, ["expiry", "after"]),
  program("negative pending days", (p) => { p.pending = { days: -1 }; }, ["pending", "days"]),
  program("unknown negative-balance policy", (p) => { p.refunds.negativeBalance = "sometimes"; }, ["refunds", "negativeBalance"]),
  program("unknown base rule", (p) => { p.refunds.baseRule = "nope"; }, ["refunds", "baseRule"]),
  program("base rule without a rate", (p) => { p.refunds.baseRule = "signup"; }, ["refunds", "baseRule"]),
  program("fixed points finer than the point scale", (p) => { p.rules[2].awards[0].points = "0.5"; }, ["rules", 2, "awards", 0, "points"]),
  program("a cap finer than the point scale", (p) => { p.rules[1].caps.perMember[0].points = "10.5"; }, ["rules", 1, "caps", "perMember", 0, "points"]),
  program("a multiplier factor below 1", (p) => { p.rules[1].awards[0].factor = "0.5"; }, ["rules", 1, "awards", 0, "factor"]),
  program("a rate award on a custom event", (p) => { p.rules[4].awards[0] = { kind: "rate", points: "1", per: "1", wallet: "points" }; }, ["rules", 4, "awards", 0, "kind"]),
  program("a multiplier over a rule of another trigger", (p) => { p.rules.push({ id: "double-signup", on: "purchase", awards: [{ kind: "multiplier", factor: "2", wallet: "points", rules: ["signup"] }] }); }, ["rules", 6, "awards", 0, "rules", 0]),
  program("a wallet with both expiry and expiresAfter", (p) => { p.wallets[0].expiry = { kind: "none" }; p.wallets[0].expiresAfter = { months: 1 }; }, ["wallets", 0, "expiresAfter"]),
  program("an unknown expiry policy", (p) => { p.wallets[0].expiry = { kind: "never" }; }, ["wallets", 0, "expiry", "kind"]),
  program("an inactivity policy with an unknown activity", (p) => { p.wallets[0].expiry = { kind: "inactivity", months: 12, activity: ["login"] }; }, ["wallets", 0, "expiry", "activity", 0]),
  program("award into an unknown wallet", (p) => { p.rules[0].awards[0].wallet = "miles"; }, ["rules", 0, "awards", 0, "wallet"]),
  program("rate per zero", (p) => { p.rules[0].awards[0].per = "0"; }, ["rules", 0, "awards", 0, "per"]),
  program("rate points as a number", (p) => { p.rules[0].awards[0].points = 1; }, ["rules", 0, "awards", 0, "points"]),
  program("duplicate rule id", (p) => { p.rules[2].id = "base"; }, ["rules", 2, "id"]),
  program("multiplier over an unknown rule", (p) => { p.rules[1].awards[0].rules = ["nope"]; }, ["rules", 1, "awards", 0, "rules", 0]),
  program("bad dayOfWeek", (p) => { p.rules[1].when = { dayOfWeek: ["saturday"] }; }, ["rules", 1, "when", "dayOfWeek"]),
  program("dateRange with 30 February", (p) => { p.rules[2].when = { dateRange: { from: "2026-02-30" } }; }, ["rules", 2, "when", "dateRange", "from"]),
  program("unknown condition field", (p) => { p.rules[2].when = { field: "price", op: "gte", value: "200" }; }, ["rules", 2, "when", "field"]),
  program("campaign window ending before it starts", (p) => { p.rules[2].active = { from: "2026-06-01T00:00:00Z", until: "2026-05-01T00:00:00Z" }; }, ["rules", 2, "active", "until"]),
  program("unknown cap period", (p) => { p.rules[2].caps = { perMember: [{ period: "fortnight", points: "200" }] }; }, ["rules", 2, "caps", "perMember", 0, "period"]),
  program("unknown top-level field", (p) => { p.colour = "blue"; }, ["colour"]),
];

/** Several independent schema problems: every one must be reported, each at its own path. */
const severalSchemaProblems: BadInput = {
  name: "program: several schema problems, all listed",
  run: async () => compileProgram(programWith((p) => {
    p.currency = "gbp";
    p.timeZone = "Europe/Londres";
    p.points.scale = -1;
    p.wallets[1].kind = "tier";
    p.rules[0].awards[1].per = "-1";
    p.rules[3].when = { birthday: "year" };
    p.rules[4].priority = 1.5;
    p.colour = "blue";
  })),
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
  run: async () => compileProgram(programWith((p) => {
    p.rules[0].awards[1].wallet = "tier-credits";
    p.rules[1].awards[0].rules = ["basic"];
    p.rules[5].id = "signup";
    p.refunds.baseRule = "missing";
    p.wallets.push({ id: "status", kind: "qualifying" });
  })),
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
  run: async () => compileProgram(programWith((p) => {
    p.currency = "XX";
    p.rules[0].awards[0].wallet = "miles";
    p.refunds.baseRule = "missing";
  })),
  code: "INVALID_PROGRAM",
  path: null,
  paths: [["currency"], ["rules", 0, "awards", 0, "wallet"], ["refunds", "baseRule"]],
};

// ---- Commands -------------------------------------------------------------------------------

const invalid = (name: string, path: Path, key: string | undefined, run: (e: LoyaltyEngine) => Promise<unknown>, members?: string[]): BadInput =>
  ({ name, run, code: "INVALID_COMMAND", path, ...(key === undefined ? {} : { key }), ...(members ? { members } : {}) });

const purchase = (over: Record<string, unknown>) => ({ key: "bad-p", memberId: "m1", purchaseId: "p-new", amount: "10.00", currency: "GBP", ...over });
const refund = (over: Record<string, unknown>) => ({ key: "bad-r", memberId: "m1", purchaseId: "p1", amount: "10.00", currency: "GBP", ...over });
const spend = (over: Record<string, unknown>) => ({ key: "bad-s", memberId: "m1", wallet: "points", points: "10", ...over });
const adjust = (over: Record<string, unknown>) => ({ key: "bad-a", memberId: "m1", wallet: "points", points: "10", reason: "goodwill", ...over });
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
  invalid("enroll: an attribute named __proto__", ["attributes", "__proto__"], "bad-en", (e) => N(e, enroll({ attributes: JSON.parse('{"__proto__":"vip","tier":"gold"}') })), ["m3"]),
  invalid("enroll: key of 201 characters", ["key"], long(201), (e) => N(e, enroll({ key: long(201) })), ["m3"]),
  invalid("enroll: empty member id", ["memberId"], "bad-en", (e) => N(e, enroll({ memberId: "" })), [""]),
  invalid("enroll: member id of 201 characters", ["memberId"], "bad-en", (e) => N(e, enroll({ memberId: long(201) })), [long(201)]),
  invalid("enroll: member id as a number", ["memberId"], "bad-en", (e) => N(e, enroll({ memberId: 3 })), ["3"]),
  invalid("enroll: birthday 30 February", ["birthday"], "bad-en", (e) => N(e, enroll({ birthday: "02-30" })), ["m3"]),
  invalid("enroll: birthday month 13", ["birthday"], "bad-en", (e) => N(e, enroll({ birthday: "1990-13-01" })), ["m3"]),
  invalid("enroll: birthday as a Date", ["birthday"], "bad-en", (e) => N(e, enroll({ birthday: new Date("1990-05-01T00:00:00Z") })), ["m3"]),
  invalid("enroll: nested attribute object", ["attributes", "address"], "bad-en", (e) => N(e, enroll({ attributes: { address: { city: "Leeds" } } })), ["m3"]),
  invalid("enroll: attribute list", ["attributes", "tags"], "bad-en", (e) => N(e, enroll({ attributes: { tags: ["a", "b"] } })), ["m3"]),
  invalid("enroll: attribute Infinity", ["attributes", "score"], "bad-en", (e) => N(e, enroll({ attributes: { score: Number.POSITIVE_INFINITY } })), ["m3"]),
  invalid("enroll: attribute of 501 characters", ["attributes", "note"], "bad-en", (e) => N(e, enroll({ attributes: { note: long(501) } })), ["m3"]),
  invalid("enroll: joinedAt in the future", ["joinedAt"], "bad-en", (e) => N(e, enroll({ joinedAt: new Date(NOW + 60_000).toISOString() })), ["m3"]),
  invalid("enroll: joinedAt without an offset", ["joinedAt"], "bad-en", (e) => N(e, enroll({ joinedAt: "2026-03-01T10:00:00" })), ["m3"]),
  invalid("enroll: 51 attributes", ["attributes"], "bad-en", (e) => N(e, enroll({ attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, i])) })), ["m3"]),
  invalid("enroll: attribute name of 101 characters", ["attributes", long(101, "k")], "bad-en", (e) => N(e, enroll({ attributes: { [long(101, "k")]: 1 } })), ["m3"]),
  invalid("enroll: unknown field", ["email"], "bad-en", (e) => N(e, enroll({ email: "a@b.c" })), ["m3"]),
  { name: "enroll: member already enrolled (new key)", run: (e) => N(e, enroll({ memberId: "m1" })), code: "MEMBER_EXISTS", path: ["memberId"], key: "bad-en" },
  { name: "enroll: reusing another command's key", run: (e) => N(e, enroll({ key: "seed-p1" })), code: "IDEMPOTENCY_CONFLICT", path: ["key"], key: "seed-p1", members: ["m3"] },

  // recordPurchase
  ...badAmounts.map(([label, amount]) => invalid(`recordPurchase: amount ${label}`, ["amount"], "bad-p", (e) => P(e, purchase({ amount })))),
  invalid("recordPurchase: amount missing", ["amount"], "bad-p", (e) => P(e, purchase({ amount: undefined }))),
  invalid('recordPurchase: amount "1.234" in GBP (too precise)', ["amount"], "bad-p", (e) => P(e, purchase({ amount: "1.234" }))),
  invalid('recordPurchase: amount "0.001" in GBP (too precise)', ["amount"], "bad-p", (e) => P(e, purchase({ amount: "0.001" }))),
  { name: "recordPurchase: wrong currency (USD)", run: (e) => P(e, purchase({ currency: "USD" })), code: "CURRENCY_MISMATCH", path: ["currency"], key: "bad-p" },
  invalid("recordPurchase: invalid currency code", ["currency"], "bad-p", (e) => P(e, purchase({ currency: "POUND" }))),
  invalid("recordPurchase: lowercase currency code", ["currency"], "bad-p", (e) => P(e, purchase({ currency: "gbp" }))),
  { name: "recordPurchase: wrong currency and too precise: both listed", run: (e) => P(e, purchase({ currency: "USD", amount: "1.234" })), code: "INVALID_COMMAND", path: null, paths: [["currency"], ["amount"]], key: "bad-p" },
  { name: "recordPurchase: unknown member", run: (e) => P(e, purchase({ memberId: "ghost" })), code: "MEMBER_NOT_FOUND", path: ["memberId"], key: "bad-p", members: ["ghost"] },
  { name: "recordPurchase: duplicate purchase id under another key", run: (e) => P(e, purchase({ purchaseId: "p1", amount: "120.00" })), code: "DUPLICATE_PURCHASE", path: ["purchaseId"], key: "bad-p" },
  { name: "recordPurchase: same key, different payload", run: (e) => P(e, purchase({ key: "seed-p1", purchaseId: "p1", amount: "121.00" })), code: "IDEMPOTENCY_CONFLICT", path: ["key"], key: "seed-p1" },
  { name: "recordPurchase: same key, same payload but another member", run: (e) => P(e, purchase({ key: "seed-p1", memberId: "m2", purchaseId: "p1", amount: "120.00" })), code: "IDEMPOTENCY_CONFLICT", path: ["key"], key: "seed-p1" },
  invalid("recordPurchase: occurredAt 30 February", ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: "2026-02-30T00:00:00Z" }))),
  invalid('recordPurchase: occurredAt "yesterday"', ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: "yesterday" }))),
  invalid("recordPurchase: occurredAt without an offset", ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: "2026-03-10T10:00:00" }))),
  invalid("recordPurchase: occurredAt date only", ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: "2026-03-10" }))),
  invalid("recordPurchase: occurredAt hour 24", ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: "2026-03-10T24:00:00Z" }))),
  invalid("recordPurchase: occurredAt offset +25:00", ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: "2026-03-10T10:00:00+25:00" }))),
  invalid("recordPurchase: occurredAt invalid Date", ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: new Date(Number.NaN) }))),
  invalid("recordPurchase: occurredAt epoch number", ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: NOW - DAY }))),
  invalid("recordPurchase: occurredAt 1 ms in the future", ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: new Date(NOW + 1).toISOString() }))),
  invalid("recordPurchase: occurredAt in the future as a Date", ["occurredAt"], "bad-p", (e) => P(e, purchase({ occurredAt: new Date(NOW + DAY) }))),
  invalid("recordPurchase: empty key", ["key"], "", (e) => P(e, purchase({ key: "" }))),
  invalid("recordPurchase: key of 201 characters", ["key"], long(201), (e) => P(e, purchase({ key: long(201) }))),
  invalid("recordPurchase: purchase id of 201 characters", ["purchaseId"], "bad-p", (e) => P(e, purchase({ purchaseId: long(201) }))),
  invalid("recordPurchase: member id of 201 characters", ["memberId"], "bad-p", (e) => P(e, purchase({ memberId: long(201) })), [long(201)]),
  invalid("recordPurchase: unknown field", ["coupon"], "bad-p", (e) => P(e, purchase({ coupon: "X" }))),
  invalid("recordPurchase: nested attribute", ["attributes", "store"], "bad-p", (e) => P(e, purchase({ attributes: { store: { id: 1 } } }))),
  invalid("recordPurchase: line quantity 0", ["lines", 0, "quantity"], "bad-p", (e) => P(e, purchase({ lines: [{ sku: "A", quantity: 0, amount: "10.00" }] }))),
  invalid("recordPurchase: line quantity 1.5", ["lines", 0, "quantity"], "bad-p", (e) => P(e, purchase({ lines: [{ sku: "A", quantity: 1.5, amount: "10.00" }] }))),
  invalid("recordPurchase: line quantity -1", ["lines", 1, "quantity"], "bad-p", (e) => P(e, purchase({ lines: [{ sku: "A", quantity: 1, amount: "5.00" }, { sku: "B", quantity: -1, amount: "5.00" }] }))),
  invalid('recordPurchase: line quantity "2"', ["lines", 0, "quantity"], "bad-p", (e) => P(e, purchase({ lines: [{ sku: "A", quantity: "2", amount: "10.00" }] }))),
  invalid("recordPurchase: line amount too precise", ["lines", 0, "amount"], "bad-p", (e) => P(e, purchase({ lines: [{ sku: "A", quantity: 1, amount: "10.005" }] }))),
  invalid("recordPurchase: line amount negative", ["lines", 0, "amount"], "bad-p", (e) => P(e, purchase({ lines: [{ sku: "A", quantity: 1, amount: "-1.00" }] }))),
  invalid("recordPurchase: line without sku", ["lines", 0, "sku"], "bad-p", (e) => P(e, purchase({ lines: [{ quantity: 1, amount: "10.00" }] }))),
  invalid("recordPurchase: empty lines list", ["lines"], "bad-p", (e) => P(e, purchase({ lines: [] }))),
  invalid("recordPurchase: lines adding up to more than the amount", ["lines"], "bad-p", (e) => P(e, purchase({ amount: "10.00", lines: [{ sku: "A", quantity: 1, amount: "5000.00" }] }))),
  invalid("recordPurchase: unknown field in a line", ["lines", 0, "price"], "bad-p", (e) => P(e, purchase({ lines: [{ sku: "A", quantity: 1, amount: "10.00", price: "10.00" }] }))),

  // recordEvent
  invalid('recordEvent: type "purchase"', ["type"], "bad-e", (e) => E(e, event({ type: "purchase" }))),
  invalid("recordEvent: empty type", ["type"], "bad-e", (e) => E(e, event({ type: "" }))),
  invalid("recordEvent: type of 201 characters", ["type"], "bad-e", (e) => E(e, event({ type: long(201) }))),
  invalid("recordEvent: occurredAt in the future", ["occurredAt"], "bad-e", (e) => E(e, event({ occurredAt: new Date(NOW + 3_600_000).toISOString() }))),
  invalid("recordEvent: occurredAt 30 February", ["occurredAt"], "bad-e", (e) => E(e, event({ occurredAt: "2026-02-30T09:00:00+01:00" }))),
  invalid("recordEvent: nested attribute", ["attributes", "review"], "bad-e", (e) => E(e, event({ attributes: { review: { stars: 5 } } }))),
  invalid("recordEvent: amount is not an event field", ["amount"], "bad-e", (e) => E(e, event({ amount: "10.00" }))),
  { name: "recordEvent: unknown member", run: (e) => E(e, event({ memberId: "ghost" })), code: "MEMBER_NOT_FOUND", path: ["memberId"], key: "bad-e", members: ["ghost"] },
  { name: "recordEvent: reusing a purchase's key", run: (e) => E(e, event({ key: "seed-p2" })), code: "IDEMPOTENCY_CONFLICT", path: ["key"], key: "seed-p2" },

  // refund
  ...badAmounts.map(([label, amount]) => invalid(`refund: amount ${label}`, ["amount"], "bad-r", (e) => R(e, refund({ amount })))),
  invalid('refund: amount "1.234" in GBP (too precise)', ["amount"], "bad-r", (e) => R(e, refund({ amount: "1.234" }))),
  { name: "refund: wrong currency (EUR)", run: (e) => R(e, refund({ currency: "EUR" })), code: "CURRENCY_MISMATCH", path: ["currency"], key: "bad-r" },
  invalid("refund: invalid currency code", ["currency"], "bad-r", (e) => R(e, refund({ currency: "£" }))),
  invalid("refund: currency missing", ["currency"], "bad-r", (e) => R(e, refund({ currency: undefined }))),
  { name: "refund: unknown member", run: (e) => R(e, refund({ memberId: "ghost" })), code: "MEMBER_NOT_FOUND", path: ["memberId"], key: "bad-r", members: ["ghost"] },
  { name: "refund: unknown purchase", run: (e) => R(e, refund({ purchaseId: "p-none" })), code: "PURCHASE_NOT_FOUND", path: ["purchaseId"], key: "bad-r" },
  { name: "refund: another member's purchase", run: (e) => R(e, refund({ memberId: "m2", purchaseId: "p1" })), code: "PURCHASE_NOT_FOUND", path: ["purchaseId"], key: "bad-r" },
  { name: "refund: more than the purchase amount", run: (e) => R(e, refund({ purchaseId: "p2", amount: "30.01" })), code: "REFUND_EXCEEDS_PURCHASE", path: ["amount"], key: "bad-r" },
  { name: "refund: same key as the purchase", run: (e) => R(e, refund({ key: "seed-p1" })), code: "IDEMPOTENCY_CONFLICT", path: ["key"], key: "seed-p1" },
  { name: 'refund: purchase id "toString" (never recorded, an Object.prototype key)', run: (e) => R(e, refund({ purchaseId: "toString" })), code: "PURCHASE_NOT_FOUND", path: ["purchaseId"], key: "bad-r" },
  { name: 'refund: purchase id "__proto__" (never recorded)', run: (e) => R(e, refund({ purchaseId: "__proto__" })), code: "PURCHASE_NOT_FOUND", path: ["purchaseId"], key: "bad-r" },
  invalid("refund: purchase id null", ["purchaseId"], "bad-r", (e) => R(e, refund({ purchaseId: null }))),
  invalid("refund: purchase id of 201 characters", ["purchaseId"], "bad-r", (e) => R(e, refund({ purchaseId: long(201) }))),
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
  invalid("adjust: a reason with a NUL character", ["reason"], "bad-a", (e) => A(e, adjust({ reason: "good\u0000will" }))),
  invalid("adjust: a reference with a lone surrogate", ["reference"], "bad-a", (e) => A(e, adjust({ reference: "ticket-\uD800" }))),
  invalid("adjust: a member id with a NUL character", ["memberId"], "bad-a", (e) => A(e, adjust({ memberId: "m1\u0000" })), ["m1\u0000"]),
  invalid("enroll: an attribute value with a NUL character", ["attributes", "tier"], "bad-en", (e) => N(e, enroll({ attributes: { tier: "gold\u0000" } })), ["m3"]),
  invalid("adjust: empty reason", ["reason"], "bad-a", (e) => A(e, adjust({ reason: "" }))),
  invalid("adjust: reason missing", ["reason"], "bad-a", (e) => A(e, adjust({ reason: undefined }))),
  invalid("adjust: reason of 101 characters", ["reason"], "bad-a", (e) => A(e, adjust({ reason: long(101) }))),
  invalid("adjust: reference of 201 characters", ["reference"], "bad-a", (e) => A(e, adjust({ reference: long(201) }))),
  { name: "adjust: unknown member", run: (e) => A(e, adjust({ memberId: "ghost" })), code: "MEMBER_NOT_FOUND", path: ["memberId"], key: "bad-a", members: ["ghost"] },
  { name: "adjust: debit beyond the available balance", run: (e) => A(e, adjust({ points: "-1000" })), code: "INSUFFICIENT_POINTS", path: null, key: "bad-a" },

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
  { name: "spend: unknown member", run: (e) => S(e, spend({ memberId: "ghost" })), code: "MEMBER_NOT_FOUND", path: ["memberId"], key: "bad-s", members: ["ghost"] },
  { name: "spend: more than available (100 available)", run: (e) => S(e, spend({ points: "101" })), code: "INSUFFICIENT_POINTS", path: null, key: "bad-s" },
  { name: "spend: pending points only (m2)", run: (e) => S(e, spend({ memberId: "m2", points: "1" })), code: "INSUFFICIENT_POINTS", path: null, key: "bad-s" },
  { name: "spend: same key as the seed spend, different points", run: (e) => S(e, spend({ key: "seed-spend-m1", points: "21" })), code: "IDEMPOTENCY_CONFLICT", path: ["key"], key: "seed-spend-m1" },

  // summary
  { name: "summary: unknown member", run: (e) => e.summary("ghost"), code: "MEMBER_NOT_FOUND", path: ["memberId"], members: ["ghost"] },
  invalid("summary: empty member id", ["memberId"], undefined, (e) => e.summary("")),
  invalid("summary: member id of 201 characters", ["memberId"], undefined, (e) => e.summary(long(201))),
  invalid("summary: expiringWithinDays -1", ["expiringWithinDays"], undefined, (e) => e.summary("m1", { expiringWithinDays: -1 })),
  invalid("summary: expiringWithinDays 1.5", ["expiringWithinDays"], undefined, (e) => e.summary("m1", { expiringWithinDays: 1.5 })),
  invalid("summary: expiringWithinDays as a string", ["expiringWithinDays"], undefined, (e) => e.summary("m1", { expiringWithinDays: "30" as any })),
  invalid("summary: unknown option", ["asOf"], undefined, (e) => e.summary("m1", { asOf: "2026-01-01T00:00:00Z" } as any)),

  // statement
  { name: "statement: unknown member", run: (e) => e.statement("ghost"), code: "MEMBER_NOT_FOUND", path: ["memberId"], members: ["ghost"] },
  invalid("statement: empty member id", ["memberId"], undefined, (e) => e.statement("")),
  invalid("statement: afterSeq -1", ["afterSeq"], undefined, (e) => e.statement("m1", { afterSeq: -1 })),
  invalid("statement: limit 0", ["limit"], undefined, (e) => e.statement("m1", { limit: 0 })),
  invalid("statement: limit 1001", ["limit"], undefined, (e) => e.statement("m1", { limit: 1001 })),
  invalid("statement: limit NaN", ["limit"], undefined, (e) => e.statement("m1", { limit: Number.NaN })),
  invalid("statement: unknown option", ["cursor"], undefined, (e) => e.statement("m1", { cursor: "x" } as any)),

  // previewPurchase
  ...badAmounts.slice(0, 10).map(([label, amount]) => invalid(`previewPurchase: amount ${label}`, ["amount"], undefined, (e) => V(e, preview({ amount })))),
  invalid('previewPurchase: amount "1.234" in GBP', ["amount"], undefined, (e) => V(e, preview({ amount: "1.234" }))),
  { name: "previewPurchase: wrong currency", run: (e) => V(e, preview({ currency: "JPY" })), code: "CURRENCY_MISMATCH", path: ["currency"] },
  invalid("previewPurchase: invalid currency code", ["currency"], undefined, (e) => V(e, preview({ currency: "123" }))),
  { name: "previewPurchase: unknown member", run: (e) => V(e, preview({ memberId: "ghost" })), code: "MEMBER_NOT_FOUND", path: ["memberId"], members: ["ghost"] },
  invalid("previewPurchase: occurredAt malformed", ["occurredAt"], undefined, (e) => V(e, preview({ occurredAt: "2026-02-30T00:00:00Z" }))),
  invalid("previewPurchase: occurredAt in the future", ["occurredAt"], undefined, (e) => V(e, preview({ occurredAt: new Date(NOW + DAY).toISOString() }))),
  invalid("previewPurchase: line quantity 0", ["lines", 0, "quantity"], undefined, (e) => V(e, preview({ lines: [{ sku: "A", quantity: 0, amount: "10.00" }] }))),
  invalid("previewPurchase: key is not a preview field", ["key"], undefined, (e) => V(e, preview({ key: "k" }))),
];

const cases: BadInput[] = [...programCases, severalSchemaProblems, severalReferenceProblems, mixedProblems, ...commandCases];

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
  });

  it.each(cases)("$name", async (c) => {
    const { engine, store } = await seeded();
    const members = [...SEEDED, ...(c.members ?? [])];
    const before = await fingerprint(store, members, c.key);

    let caught: unknown = undefined;
    let outcome = "";
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
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])('recordPurchase with purchase id "%s" is recorded and can be refunded', async (purchaseId) => {
    const { engine } = await seeded();
    const r = await engine.recordPurchase({ key: `buy-${purchaseId}`, memberId: "m2", purchaseId, amount: "10.00", currency: "GBP" });
    expect(r.totals).toEqual({ points: "10", status: "10" });
    const back = await engine.refund({ key: `refund-${purchaseId}`, memberId: "m2", purchaseId, amount: "10.00", currency: "GBP" });
    expect(back.reversed.map((x) => [x.wallet, x.points])).toEqual([["points", "10"], ["status", "10"]]);
  });

  it('a program with a wallet called "constructor" is either refused at compile time or works', async () => {
    const def = programWith((p) => {
      p.wallets[0].id = "constructor";
      for (const rule of p.rules) for (const award of rule.awards) if (award.wallet === "points") award.wallet = "constructor";
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
    const engine = createLoyaltyEngine({ program: compiled, store: createMemoryStore(), clock: () => NOW, ids: (() => { let n = 0; return () => "x" + ++n; })() });
    await engine.enroll({ key: "en", memberId: "m" });
    const r = await engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "p1", amount: "10.00", currency: "GBP" });
    expect(r.totals).toEqual({ constructor: "10", status: "10" });
    expect((await engine.summary("m")).wallets["constructor"]!.pending).toBe("10");
  });

  it('a condition on an absent attribute named "toString" does not match', async () => {
    const def = programWith((p) => { p.rules[2].when = { field: "attributes.toString", op: "exists" }; });
    const engine = createLoyaltyEngine({ program: def, store: createMemoryStore(), clock: () => NOW });
    const preview = await engine.previewPurchase({ amount: "10.00", currency: "GBP", occurredAt: "2026-03-24T10:00:00Z" });
    expect(preview.awards.map((a) => a.ruleId)).not.toContain("big-basket");
    const withIt = await engine.previewPurchase({ amount: "10.00", currency: "GBP", occurredAt: "2026-03-24T10:00:00Z", attributes: { toString: "yes" } });
    expect(withIt.awards.map((a) => a.ruleId)).toContain("big-basket");
  });
});
