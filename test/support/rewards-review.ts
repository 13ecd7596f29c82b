/** Helpers of test/rewards-review.test.ts: a small program with a mug, and an engine on a fresh in-memory store. */
import { createLoyaltyEngine, createMemoryStore, type ProgramDefinition } from "../../src/index.js";
import { testClock, memberViolations } from "../../src/testing/index.js";

export const DAY = 86_400_000;
export const T0 = Date.parse("2026-03-02T10:00:00Z");
export type RewardInput = NonNullable<ProgramDefinition["rewards"]>[number];

export function prog(patch: Partial<ProgramDefinition> = {}): ProgramDefinition {
  return {
    id: "rv",
    version: 1,
    currency: "GBP",
    timeZone: "Europe/London",
    points: { scale: 0, rounding: "down" },
    wallets: [
      { id: "points", kind: "spendable" },
      { id: "status", kind: "qualifying", expiresAfter: null },
    ],
    expiry: { after: { months: 12 } },
    refunds: { negativeBalance: "within_balance", baseRule: "base" },
    rules: [
      {
        id: "base",
        on: "purchase",
        awards: [
          { kind: "rate", points: "1", per: "1", wallet: "points" },
          { kind: "rate", points: "1", per: "1", wallet: "status" },
        ],
      },
      { id: "bonus", on: "bonus", awards: [{ kind: "fixed", points: "100", wallet: "points" }] },
    ],
    rewards: [{ kind: "product", id: "mug", wallet: "points", price: "100" }],
    ...patch,
  } as ProgramDefinition;
}

export function setup(def: ProgramDefinition, start: number = T0, extra: Record<string, unknown> = {}) {
  const t = testClock(start);
  const store = createMemoryStore();
  const engine = createLoyaltyEngine({
    program: def,
    store,
    clock: t.clock,
    ids: t.ids,
    codes: (r) => `C-${r.redemptionId}-${r.index}`,
    ...extra,
  });
  let n = 0;
  const k = (p = "k") => `${p}-${++n}`;
  const enroll = (id: string) => engine.enroll({ key: k("enroll"), memberId: id });
  const buy = (id: string, amount: string, purchaseId = k("p")) =>
    engine.recordPurchase({ key: k("buy"), memberId: id, purchaseId, amount, currency: "GBP" });
  const avail = async (id: string, wallet = "points") => (await engine.summary(id)).wallets[wallet]!;
  const violations = (id: string) => memberViolations(store, def.id, id, t.now());
  return { t, store, engine, k, enroll, buy, avail, violations };
}
