/**
 * The milestone tests' programs (issue 17) and a member to drive through them: Tesco's keys and key
 * chains, a punch card, goal spend.
 */
import type { ProgramDefinition } from "../../src/index.js";
import { memberViolations } from "../../src/testing/index.js";
import { testEngine } from "./engine.js";
import { poundsProgram } from "./programs.js";

export const T0 = Date.parse("2026-03-02T10:00:00Z");
export const counter = (id: string) => ({ id, kind: "counter" }) as const;

/** Tesco: a key per purchase of at least $38; 50 keys a key chain; 100 key chains a gold key chain, and the gold tier. */
export const tesco = (): ProgramDefinition =>
  poundsProgram({
    id: "tesco",
    currency: "USD",
    wallets: [
      { id: "points", kind: "spendable" },
      { id: "status", kind: "qualifying", expiresAfter: null },
      counter("keys"),
      counter("key-chains"),
      counter("gold-key-chains"),
    ],
    rules: [
      {
        id: "key",
        on: "purchase",
        when: { field: "amount", op: "gte", value: "38" },
        awards: [{ kind: "fixed", points: "1", wallet: "keys" }],
      },
    ],
    refunds: { negativeBalance: "within_balance" },
    milestones: [
      { from: "keys", every: 50, into: "key-chains" },
      { from: "key-chains", every: 100, into: "gold-key-chains" },
    ],
    tiers: {
      levels: [
        { id: "member" },
        { id: "gold", qualify: { thresholds: [{ metric: "balance", wallet: "gold-key-chains", min: "1" }] } },
      ],
      window: { kind: "calendarYear" },
      promotion: "immediate",
      review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
      refunds: "atOnce",
    },
  });

/** A punch card: a stamp per coffee bought; 10 stamps make a free coffee, a reward that costs one. */
export const punchCard = (): ProgramDefinition =>
  poundsProgram({
    id: "coffee",
    wallets: [
      { id: "points", kind: "spendable" },
      { id: "status", kind: "qualifying" },
      counter("stamps"),
      { id: "free-coffee", kind: "spendable", expiresAfter: { days: 90 } },
    ],
    rules: [
      {
        id: "stamp",
        on: "purchase",
        awards: [{ kind: "perUnit", points: "1", wallet: "stamps", lines: { skus: ["coffee"] } }],
      },
    ],
    refunds: { negativeBalance: "within_balance" },
    milestones: [{ from: "stamps", every: 10, into: "free-coffee" }],
    rewards: [{ kind: "product", id: "coffee", wallet: "free-coffee", price: "1" }],
  });

/** Goal spend: every £1,000 spent within the first 5 purchases pays 500 bonus points. */
export const goalSpend = (): ProgramDefinition =>
  poundsProgram({
    id: "goal",
    wallets: [{ id: "points", kind: "spendable" }, { id: "status", kind: "qualifying" }, counter("goal")],
    rules: [
      { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
      {
        id: "goal",
        on: "purchase",
        when: { field: "member.purchases", op: "lt", value: 5 },
        awards: [{ kind: "rate", points: "1", per: "1", wallet: "goal" }],
      },
    ],
    milestones: [{ from: "goal", every: 1000, into: "points", units: 500 }],
  });

/** An enrolled member "m" of `program`, with purchases and refunds by purchase number (p1, p2...). */
export async function setUp(program: ProgramDefinition) {
  const { engine, store, t } = testEngine(program, T0);
  await engine.enroll({ key: "enroll", memberId: "m" });
  let n = 0;
  let r = 0;
  const currency = program.currency;
  return {
    engine,
    /** What the invariant checks find wrong with the member's stored state and entries (none expected). */
    violations: () => memberViolations(store, program.id, "m", t.now()),
    buy: (amount: string, lines?: { sku: string; quantity: number; amount: string }[]) =>
      engine.recordPurchase({
        key: `p${++n}`,
        memberId: "m",
        purchaseId: `p${n}`,
        amount,
        currency,
        ...(lines ? { lines } : {}),
      }),
    refund: (purchaseId: string, amount: string) =>
      engine.refund({ key: `r-${purchaseId}-${++r}`, memberId: "m", purchaseId, amount, currency }),
    held: async (...wallets: string[]) => {
      const s = await engine.summary("m");
      return wallets.map((w) => s.wallets[w]!.available);
    },
    entries: async () => (await store.readEntries(program.id, "m", { afterSeq: 0, limit: 100_000 })).entries,
  };
}
