/**
 * One way into each error docs/commands.md lists for a command: a fresh engine on a program that
 * has every feature a refusal needs, driven by a test clock, then the command that is refused.
 * commands.test.ts runs them all; a listed code with no scenario here, or a scenario whose command
 * does not end in its code, fails it.
 */
import {
  CommitConflict,
  CommitOutcomeUnknown,
  createLoyaltyEngine,
  createMemoryStore,
  defineProgram,
  type LoyaltyEngine,
  type LoyaltyStore,
} from "../../src/index.js";
import { testClock } from "../../src/testing/index.js";
import { enrollBatch } from "../../src/testing/conformance/context.js";

export const program = defineProgram({
  id: "commands-doc",
  version: 1,
  currency: "GBP",
  timeZone: "Europe/London",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying", expiresAfter: null },
  ],
  // Receiving a transfer is not activity here: a lapsed recipient is refused (RECIPIENT_INACTIVE).
  expiry: { kind: "inactivity", months: 1, activity: ["purchase"] },
  refunds: { negativeBalance: "within_balance", windowDays: 30 },
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
  tiers: {
    levels: [{ id: "member" }, { id: "gold", qualify: { thresholds: [{ metric: "spend", min: "1000" }] } }],
    window: { kind: "lifetime" },
    promotion: "immediate",
    review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
    refunds: "atReview",
  },
  rewards: [
    { id: "mug", kind: "product", wallet: "points", price: "10", stock: 1 },
    { id: "once", kind: "product", wallet: "points", price: "10", limits: [{ period: "lifetime", count: 1 }] },
    { id: "gold-lounge", kind: "product", wallet: "points", price: "10", tiers: ["gold"] },
    { id: "withdrawn", kind: "product", wallet: "points", price: "10", enabled: false },
    { id: "voucher", kind: "voucher", wallet: "points", price: "10", value: "1.00" },
    { id: "staff-mug", kind: "product", wallet: "points", price: "10", segments: ["staff"] },
  ],
  segments: [{ id: "staff" }],
  transfers: { wallets: ["points"], limits: [{ period: "day", points: "50" }] },
  // A point pays £0.01, at most half of a basket (SHARE_OUT_OF_BOUNDS).
  checkout: { pointValue: "0.01", maxShare: "0.5" },
  referrals: { limits: [{ period: "year", count: 1 }], withinDays: 30 },
});

const DAY = 86_400_000;

/** How `arm()` breaks a world: its store throws, its commits conflict or lose their outcome, its clock or ids fail. */
export type Failure = "store" | "conflict" | "unknown" | "clock" | "ids";

/**
 * A fresh engine at 2026-03-02 10:00 UTC with members "ann" (100 points, purchase "p1") and "bob".
 * `arm()` turns on `failure` (none unless given) for every call from then on.
 */
export async function world(options: { codes?: () => string; failure?: Failure } = {}) {
  const t = testClock("2026-03-02T10:00:00Z");
  let armed = false;
  const failing = (what: Failure) => armed && options.failure === what;
  const memory = createMemoryStore();
  const store = new Proxy(memory, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (failing("store")) throw new Error("disk full");
        if (name === "commit" && failing("conflict")) throw new CommitConflict("version", "member");
        if (name === "commit" && failing("unknown")) throw new CommitOutcomeUnknown("connection reset");
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as LoyaltyStore;
  const engine: LoyaltyEngine<"points" | "status", string> = createLoyaltyEngine({
    program,
    store,
    clock: () => (failing("clock") ? Number.NaN : t.clock()),
    ids: () => (failing("ids") ? "" : t.ids()),
    codes: options.codes ?? (() => `code-${t.ids()}`),
    maxAttempts: 2,
  });
  await engine.enroll({ key: "e-ann", memberId: "ann" });
  await engine.enroll({ key: "e-bob", memberId: "bob" });
  await engine.recordPurchase({ key: "p-ann", memberId: "ann", purchaseId: "p1", amount: "100", currency: "GBP" });
  return {
    engine,
    store: memory,
    t,
    arm: () => {
      armed = true;
    },
  };
}

type Scenario = () => Promise<unknown>;

/** A read or sweep on a world whose store fails from then on. */
async function storeDown(read: (w: World) => Promise<unknown>) {
  const w = await world({ failure: "store" });
  w.arm();
  return read(w);
}

/** A read or sweep on a world whose clock returns NaN from then on. */
async function clockDown(read: (w: World) => Promise<unknown>) {
  const w = await world({ failure: "clock" });
  w.arm();
  return read(w);
}

/** Per command, per code: the command refused with that code. */
export const scenarios: Record<string, Record<string, Scenario>> = {
  enroll: {
    MEMBER_EXISTS: async () => (await world()).engine.enroll({ key: "e-again", memberId: "ann" }),
  },
  updateMember: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.updateMember({ key: "k", memberId: "nobody", birthday: "01-01" }),
  },
  eraseMember: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.eraseMember({ key: "k", memberId: "nobody" }),
  },
  recordPurchase: {
    MEMBER_NOT_FOUND: async () =>
      (await world()).engine.recordPurchase({ key: "k", memberId: "nobody", purchaseId: "x", amount: "1", currency: "GBP" }),
    DUPLICATE_PURCHASE: async () =>
      (await world()).engine.recordPurchase({ key: "k", memberId: "ann", purchaseId: "p1", amount: "1", currency: "GBP" }),
    CURRENCY_MISMATCH: async () =>
      (await world()).engine.recordPurchase({ key: "k", memberId: "ann", purchaseId: "p2", amount: "1", currency: "EUR" }),
  },
  recordEvent: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.recordEvent({ key: "k", memberId: "nobody", type: "review" }),
  },
  refund: {
    MEMBER_NOT_FOUND: async () =>
      (await world()).engine.refund({ key: "k", memberId: "nobody", purchaseId: "p1", amount: "1", currency: "GBP" }),
    PURCHASE_NOT_FOUND: async () =>
      (await world()).engine.refund({ key: "k", memberId: "ann", purchaseId: "nope", amount: "1", currency: "GBP" }),
    REFUND_EXCEEDS_PURCHASE: async () =>
      (await world()).engine.refund({ key: "k", memberId: "ann", purchaseId: "p1", amount: "101", currency: "GBP" }),
    REFUND_WINDOW_CLOSED: async () => {
      const { engine, t } = await world();
      t.advance(31 * DAY);
      return engine.refund({ key: "k", memberId: "ann", purchaseId: "p1", amount: "1", currency: "GBP" });
    },
    LINE_NOT_IN_PURCHASE: async () =>
      (await world()).engine.refund({
        key: "k",
        memberId: "ann",
        purchaseId: "p1",
        amount: "1",
        currency: "GBP",
        lines: [{ sku: "nope", quantity: 1 }],
      }),
    CURRENCY_MISMATCH: async () =>
      (await world()).engine.refund({ key: "k", memberId: "ann", purchaseId: "p1", amount: "1", currency: "EUR" }),
  },
  releasePending: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.releasePending({ key: "k", memberId: "nobody" }),
    PURCHASE_NOT_FOUND: async () =>
      (await world()).engine.releasePending({ key: "k", memberId: "ann", purchaseId: "nope" }),
  },
  adjust: {
    MEMBER_NOT_FOUND: async () =>
      (await world()).engine.adjust({ key: "k", memberId: "nobody", wallet: "points", points: "5", reason: "goodwill" }),
    INSUFFICIENT_POINTS: async () =>
      (await world()).engine.adjust({ key: "k", memberId: "bob", wallet: "points", points: "-5", reason: "correction" }),
  },
  spend: {
    MEMBER_NOT_FOUND: async () =>
      (await world()).engine.spend({ key: "k", memberId: "nobody", wallet: "points", points: "5" }),
    INSUFFICIENT_POINTS: async () =>
      (await world()).engine.spend({ key: "k", memberId: "ann", wallet: "points", points: "101" }),
  },
  hold: {
    MEMBER_NOT_FOUND: async () =>
      (await world()).engine.hold({ key: "k", memberId: "nobody", holdId: "o1", wallet: "points", points: "5", orderAmount: "1" }),
    INSUFFICIENT_POINTS: async () =>
      (await world()).engine.hold({ key: "k", memberId: "ann", holdId: "o1", wallet: "points", points: "101", orderAmount: "10" }),
    HOLD_EXISTS: async () => {
      const { engine } = await world();
      await engine.hold({ key: "k1", memberId: "ann", holdId: "o1", wallet: "points", points: "5", orderAmount: "1" });
      return engine.hold({ key: "k2", memberId: "ann", holdId: "o1", wallet: "points", points: "5", orderAmount: "1" });
    },
    SHARE_OUT_OF_BOUNDS: async () =>
      (await world()).engine.hold({ key: "k", memberId: "ann", holdId: "o1", wallet: "points", points: "100", orderAmount: "1" }),
  },
  captureHold: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.captureHold({ key: "k", memberId: "nobody", holdId: "o1" }),
    HOLD_NOT_FOUND: async () => (await world()).engine.captureHold({ key: "k", memberId: "ann", holdId: "o1" }),
  },
  releaseHold: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.releaseHold({ key: "k", memberId: "nobody", holdId: "o1" }),
    HOLD_NOT_FOUND: async () => (await world()).engine.releaseHold({ key: "k", memberId: "ann", holdId: "o1" }),
  },
  summary: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.summary("nobody"),
    INVALID_COMMAND: async () => (await world()).engine.summary("ann", { expiringWithinDays: -1 }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.summary("ann")),
  },
  statement: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.statement("nobody"),
    INVALID_COMMAND: async () => (await world()).engine.statement("ann", { limit: 0 }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.statement("ann")),
  },
  previewPurchase: {
    INVALID_COMMAND: async () => (await world()).engine.previewPurchase({ amount: 1 } as never),
    CURRENCY_MISMATCH: async () => (await world()).engine.previewPurchase({ amount: "1", currency: "EUR" }),
    MEMBER_NOT_FOUND: async () =>
      (await world()).engine.previewPurchase({ memberId: "nobody", amount: "1", currency: "GBP" }),
  },
  previewEvent: {
    INVALID_COMMAND: async () => (await world()).engine.previewEvent({ type: "purchase" }),
    MEMBER_NOT_FOUND: async () => (await world()).engine.previewEvent({ memberId: "nobody", type: "review" }),
  },
  expire: {
    INVALID_COMMAND: async () => (await world()).engine.expire({ batchSize: 0 }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.expire()),
    CLOCK_FAILURE: async () => clockDown((w) => w.engine.expire()),
  },
  expiringSoon: {
    INVALID_COMMAND: async () => (await world()).engine.expiringSoon({} as never),
    STORE_FAILURE: async () => storeDown((w) => w.engine.expiringSoon({ to: "2027-01-01T00:00:00Z" })),
  },
  liability: {
    INVALID_COMMAND: async () => (await world()).engine.liability({ pointValue: "-1" }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.liability()),
    CLOCK_FAILURE: async () => clockDown((w) => w.engine.liability()),
  },
  events: {
    INVALID_COMMAND: async () => (await world()).engine.events({ after: "not a cursor" }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.events()),
  },
  donations: {
    INVALID_COMMAND: async () =>
      (await world()).engine.donations({ from: "2027-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }),
    STORE_FAILURE: async () =>
      storeDown((w) => w.engine.donations({ from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z" })),
  },
  notify: {
    INVALID_COMMAND: async () => (await world()).engine.notify({ expiringWithinDays: 0 }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.notify({ expiringWithinDays: 30 })),
    CLOCK_FAILURE: async () => clockDown((w) => w.engine.notify({ expiringWithinDays: 30 })),
  },
  members: {
    INVALID_COMMAND: async () => (await world()).engine.members({ limit: 0 }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.members()),
  },
  lapsing: {
    INVALID_COMMAND: async () => (await world()).engine.lapsing({ noPurchaseForDays: 30, months: 3 }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.lapsing({ noPurchaseForDays: 30 })),
    CLOCK_FAILURE: async () => clockDown((w) => w.engine.lapsing({ noPurchaseForDays: 30 })),
  },
  indexMembers: {
    INVALID_COMMAND: async () => (await world()).engine.indexMembers({ batchSize: 0 }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.indexMembers()),
    // Only a member without an index needs the clock: one committed as an engine that sends none would.
    CLOCK_FAILURE: async () =>
      clockDown(async (w) => {
        const batch = enrollBatch("cleo", "e-cleo");
        await w.store.commit({ ...batch, programId: w.engine.program.id });
        return w.engine.indexMembers();
      }),
  },
  reviewTiers: {
    INVALID_COMMAND: async () => (await world()).engine.reviewTiers({ batchSize: 0 }),
    STORE_FAILURE: async () => storeDown((w) => w.engine.reviewTiers()),
    CLOCK_FAILURE: async () => clockDown((w) => w.engine.reviewTiers()),
  },
  convertPoints: {
    INVALID_COMMAND: async () => (await world()).engine.convertPoints({ batchSize: 0 }),
    CLOCK_FAILURE: async () => clockDown((w) => w.engine.convertPoints()),
  },
  assignTier: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.assignTier({ key: "k", memberId: "nobody", tier: "gold" }),
  },
  redeem: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.redeem({ key: "k", memberId: "nobody", rewardId: "mug" }),
    REWARD_UNAVAILABLE: async () => (await world()).engine.redeem({ key: "k", memberId: "ann", rewardId: "withdrawn" }),
    TIER_NOT_ELIGIBLE: async () =>
      (await world()).engine.redeem({ key: "k", memberId: "ann", rewardId: "gold-lounge" }),
    SEGMENT_NOT_ELIGIBLE: async () =>
      (await world()).engine.redeem({ key: "k", memberId: "ann", rewardId: "staff-mug" }),
    LIMIT_REACHED: async () => {
      const { engine } = await world();
      await engine.redeem({ key: "k1", memberId: "ann", rewardId: "once" });
      return engine.redeem({ key: "k2", memberId: "ann", rewardId: "once" });
    },
    OUT_OF_STOCK: async () => (await world()).engine.redeem({ key: "k", memberId: "ann", rewardId: "mug", quantity: 2 }),
    INSUFFICIENT_POINTS: async () => (await world()).engine.redeem({ key: "k", memberId: "bob", rewardId: "mug" }),
    DUPLICATE_REDEMPTION: async () => {
      const { engine } = await world();
      await engine.redeem({ key: "k1", memberId: "ann", rewardId: "voucher", redemptionId: "r1" });
      return engine.redeem({ key: "k2", memberId: "ann", rewardId: "voucher", redemptionId: "r1" });
    },
    CODES_FAILURE: async () =>
      (await world({ codes: () => "" })).engine.redeem({ key: "k", memberId: "ann", rewardId: "voucher" }),
  },
  cancelRedemption: {
    MEMBER_NOT_FOUND: async () =>
      (await world()).engine.cancelRedemption({ key: "k", memberId: "nobody", redemptionId: "r1" }),
    REDEMPTION_NOT_FOUND: async () =>
      (await world()).engine.cancelRedemption({ key: "k", memberId: "ann", redemptionId: "r1" }),
    REDEMPTION_CANCELLED: async () => {
      const { engine } = await world();
      await engine.redeem({ key: "k1", memberId: "ann", rewardId: "voucher", redemptionId: "r1" });
      await engine.cancelRedemption({ key: "c1", memberId: "ann", redemptionId: "r1" });
      return engine.cancelRedemption({ key: "c2", memberId: "ann", redemptionId: "r1" });
    },
  },
  transfer: {
    MEMBER_NOT_FOUND: async () =>
      (await world()).engine.transfer({ key: "k", fromMemberId: "ann", toMemberId: "nobody", wallet: "points", points: "5" }),
    INSUFFICIENT_POINTS: async () =>
      (await world()).engine.transfer({ key: "k", fromMemberId: "bob", toMemberId: "ann", wallet: "points", points: "5" }),
    LIMIT_REACHED: async () =>
      (await world()).engine.transfer({ key: "k", fromMemberId: "ann", toMemberId: "bob", wallet: "points", points: "51" }),
    RECIPIENT_INACTIVE: async () => {
      const { engine, t } = await world();
      // bob earns, then lapses after a month without activity; ann keeps active.
      await engine.recordPurchase({ key: "p-bob", memberId: "bob", purchaseId: "b1", amount: "10", currency: "GBP" });
      t.advance(20 * DAY);
      await engine.recordPurchase({ key: "p-ann2", memberId: "ann", purchaseId: "p2", amount: "10", currency: "GBP" });
      t.advance(20 * DAY);
      return engine.transfer({ key: "k", fromMemberId: "ann", toMemberId: "bob", wallet: "points", points: "5" });
    },
  },
  refer: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.refer({ key: "k", referrerId: "ann", referredId: "nobody" }),
    SELF_REFERRAL: async () => (await world()).engine.refer({ key: "k", referrerId: "ann", referredId: "ann" }),
    ALREADY_REFERRED: async () => {
      const { engine } = await world();
      await engine.enroll({ key: "e-cat", memberId: "cat" });
      await engine.refer({ key: "r1", referrerId: "ann", referredId: "bob" });
      return engine.refer({ key: "r2", referrerId: "cat", referredId: "bob" });
    },
    REFERRAL_EXPIRED: async () => {
      const { engine, t } = await world();
      t.advance(31 * DAY);
      return engine.refer({ key: "k", referrerId: "ann", referredId: "bob" });
    },
    LIMIT_REACHED: async () => {
      const { engine } = await world();
      await engine.enroll({ key: "e-cat", memberId: "cat" });
      await engine.refer({ key: "r1", referrerId: "ann", referredId: "bob" });
      return engine.refer({ key: "r2", referrerId: "ann", referredId: "cat" });
    },
  },
  restock: {},
  stock: {
    INVALID_COMMAND: async () => (await world()).engine.stock("nope"),
    STORE_FAILURE: async () => storeDown((w) => w.engine.stock("mug")),
  },
  rewards: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.rewards("nobody"),
    STORE_FAILURE: async () => storeDown((w) => w.engine.rewards("ann")),
  },
  importMember: {
    DUPLICATE_PURCHASE: async () => {
      // A program that records each purchase id once across members: ann's p1 cannot come in for dan.
      const unique = createLoyaltyEngine({
        program: { ...program, purchases: { uniqueAcrossMembers: true } },
        store: createMemoryStore(),
        clock: () => Date.parse("2026-03-02T10:00:00Z"),
      });
      await unique.enroll({ key: "e-ann", memberId: "ann" });
      await unique.recordPurchase({ key: "p-ann", memberId: "ann", purchaseId: "p1", amount: "5", currency: "GBP" });
      return unique.importMember({
        key: "k",
        memberId: "dan",
        joinedAt: "2025-01-01T00:00:00Z",
        purchases: [{ purchaseId: "p1", amount: "5", occurredAt: "2026-03-01T00:00:00Z" }],
      });
    },
    MEMBER_EXISTS: async () =>
      (await world()).engine.importMember({ key: "k", memberId: "ann", joinedAt: "2025-01-01T00:00:00Z" }),
    CURRENCY_MISMATCH: async () =>
      (await world()).engine.importMember({
        key: "k",
        memberId: "dan",
        joinedAt: "2025-01-01T00:00:00Z",
        currency: "EUR",
      }),
  },
  exportMember: {
    MEMBER_NOT_FOUND: async () => (await world()).engine.exportMember("nobody"),
    INVALID_COMMAND: async () => (await world()).engine.exportMember(""),
    STORE_FAILURE: async () => storeDown((w) => w.engine.exportMember("ann")),
  },
};

type World = Awaited<ReturnType<typeof world>>;

/**
 * Each write command as it succeeds in a fresh world; `arm` is called just before the command
 * itself, after any setup it needs. The codes every write command can raise are shown on these.
 */
export const validCalls: Record<string, (w: World, key: string) => Promise<unknown>> = {
  enroll: (w, key) => (w.arm(), w.engine.enroll({ key, memberId: "dan" })),
  updateMember: (w, key) => (w.arm(), w.engine.updateMember({ key, memberId: "ann", attributes: { city: "Leeds" } })),
  eraseMember: (w, key) => (w.arm(), w.engine.eraseMember({ key, memberId: "ann" })),
  recordPurchase: (w, key) =>
    (w.arm(), w.engine.recordPurchase({ key, memberId: "ann", purchaseId: "p9", amount: "5", currency: "GBP" })),
  recordEvent: (w, key) => (w.arm(), w.engine.recordEvent({ key, memberId: "ann", type: "review" })),
  refund: (w, key) =>
    (w.arm(), w.engine.refund({ key, memberId: "ann", purchaseId: "p1", amount: "5", currency: "GBP" })),
  releasePending: (w, key) => (w.arm(), w.engine.releasePending({ key, memberId: "ann", purchaseId: "p1" })),
  adjust: (w, key) =>
    (w.arm(), w.engine.adjust({ key, memberId: "ann", wallet: "points", points: "5", reason: "goodwill" })),
  spend: (w, key) => (w.arm(), w.engine.spend({ key, memberId: "ann", wallet: "points", points: "5" })),
  hold: (w, key) =>
    (w.arm(),
    w.engine.hold({ key, memberId: "ann", holdId: "o9", wallet: "points", points: "5", orderAmount: "1" })),
  captureHold: async (w, key) => {
    await w.engine.hold({ key: "setup-hold", memberId: "ann", holdId: "o9", wallet: "points", points: "5", orderAmount: "1" });
    w.arm();
    return w.engine.captureHold({ key, memberId: "ann", holdId: "o9" });
  },
  releaseHold: async (w, key) => {
    await w.engine.hold({ key: "setup-hold", memberId: "ann", holdId: "o9", wallet: "points", points: "5", orderAmount: "1" });
    w.arm();
    return w.engine.releaseHold({ key, memberId: "ann", holdId: "o9" });
  },
  assignTier: (w, key) => (w.arm(), w.engine.assignTier({ key, memberId: "ann", tier: "gold" })),
  redeem: (w, key) => (w.arm(), w.engine.redeem({ key, memberId: "ann", rewardId: "voucher" })),
  cancelRedemption: async (w, key) => {
    await w.engine.redeem({ key: "setup-redeem", memberId: "ann", rewardId: "voucher", redemptionId: "r1" });
    w.arm();
    return w.engine.cancelRedemption({ key, memberId: "ann", redemptionId: "r1" });
  },
  transfer: (w, key) =>
    (w.arm(), w.engine.transfer({ key, fromMemberId: "ann", toMemberId: "bob", wallet: "points", points: "5" })),
  refer: (w, key) => (w.arm(), w.engine.refer({ key, referrerId: "ann", referredId: "bob" })),
  restock: (w, key) => (w.arm(), w.engine.restock({ key, rewardId: "mug", units: 5 })),
  importMember: (w, key) =>
    (w.arm(),
    w.engine.importMember({
      key,
      memberId: "dan",
      joinedAt: "2025-01-01T00:00:00Z",
      lots: [{ wallet: "points", amount: "10", earnedAt: "2026-01-01T00:00:00Z" }],
    })),
};

/** Which failure of a world each code every write command can raise comes from. */
const failureOf: Partial<Record<string, Failure>> = {
  STORE_FAILURE: "store",
  CONCURRENCY_CONFLICT: "conflict",
  OUTCOME_UNKNOWN: "unknown",
  CLOCK_FAILURE: "clock",
  IDS_FAILURE: "ids",
};

/** The codes every write command can raise, each shown on `command` by the scenario this returns. */
export function commonScenario(command: string, code: string): Scenario | undefined {
  const call = validCalls[command];
  if (call === undefined) return undefined;
  if (code === "INVALID_COMMAND")
    return async () => {
      const w = await world();
      const method = (w.engine as unknown as Record<string, (input: unknown) => Promise<unknown>>)[command]!;
      return method.call(w.engine, { key: "bad" });
    };
  // A key the world's setup used for another command: enroll's for any command, a purchase's for enroll.
  if (code === "IDEMPOTENCY_CONFLICT")
    return async () => call(await world(), command === "enroll" ? "p-ann" : "e-ann");
  const failure = failureOf[code];
  return failure === undefined ? undefined : async () => call(await world({ failure }), "fresh-key");
}
