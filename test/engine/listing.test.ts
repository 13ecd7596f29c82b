/**
 * Listing and win-back as properties over random members and commands (purchases, some recorded
 * late, partial refunds, time passing), on the memory store:
 * - the index a member carries equals the one folded from its whole ledger (the spend series is
 *   carried forward write by write, never read back from the state);
 * - `members` and `lapsing` pages, concatenated, equal a brute-force filter over every member's
 *   summary and ledger; and with commands landing between the pages, no member is returned twice,
 *   every member returned qualified when its page was read, and every member that qualified
 *   throughout the pass is returned.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createMemoryStore,
  isLoyaltyError,
  memberIndexOf,
  fromSnapshot,
  type LoyaltyEngine,
  type LoyaltyStore,
} from "../../src/index.js";
import { addMonths, monthOf } from "../../src/engine/member-index.js";
import { Decimal } from "../../src/shared/decimal.js";
import { readAllEntries } from "../../src/testing/index.js";
import { tierProgram as program } from "../../src/testing/conformance/context.js";
import { testEngine } from "../support/engine.js";

const DAY = 86_400_000;
const START = Date.parse("2026-01-03T12:00:00Z");
const P = program.id;

type Step =
  | { readonly op: "buy"; readonly member: number; readonly pounds: number; readonly lateDays: number }
  | { readonly op: "refund"; readonly member: number; readonly purchase: number; readonly pounds: number }
  | { readonly op: "advance"; readonly days: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("buy" as const),
      member: fc.nat(),
      pounds: fc.integer({ min: 1, max: 400 }),
      lateDays: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("refund" as const),
      member: fc.nat(),
      purchase: fc.nat(),
      pounds: fc.integer({ min: 1, max: 200 }),
    }),
  },
  // At most 30 steps of 20 days: the run stays within the index's 25 months, so the brute force
  // below can sum every purchase without pruning.
  { weight: 3, arbitrary: fc.record({ op: fc.constant("advance" as const), days: fc.integer({ min: 0, max: 20 }) }) },
);

async function world(members: number) {
  const store = createMemoryStore();
  const { engine, t } = testEngine(program, START, { store });
  const ids = Array.from({ length: members }, (_, i) => `member-${String.fromCharCode(97 + ((i * 7) % 26))}${i}`);
  for (const id of ids) await engine.enroll({ key: `join-${id}`, memberId: id, joinedAt: "2025-09-01T00:00:00Z" });
  const purchases = new Map<string, string[]>(ids.map((id) => [id, []]));
  let n = 0;
  const run = async (step: Step) => {
    if (step.op === "advance") return t.advance(step.days * DAY);
    const memberId = ids[step.member % ids.length]!;
    const bought = purchases.get(memberId)!;
    try {
      if (step.op === "buy") {
        const purchaseId = `p${++n}`;
        await engine.recordPurchase({
          key: purchaseId,
          memberId,
          purchaseId,
          amount: `${step.pounds}.00`,
          currency: "GBP",
          occurredAt: new Date(t.now() - step.lateDays * DAY).toISOString(),
        });
        bought.push(purchaseId);
      } else if (bought.length > 0) {
        const purchaseId = bought[step.purchase % bought.length]!;
        await engine.refund({ key: `r${++n}`, memberId, purchaseId, amount: `${step.pounds}.00`, currency: "GBP" });
      }
    } catch (error) {
      // Refunds beyond what was bought, and purchases dated before joining, are refused: fine.
      if (!isLoyaltyError(error) || !["REFUND_EXCEEDS_PURCHASE", "INVALID_COMMAND"].includes(error.code)) throw error;
    }
  };
  return { store, engine, t, ids, run };
}

/** What the ledger says, summed from scratch: last purchase and net spend by local month. */
async function fromLedger(store: LoyaltyStore, memberId: string) {
  const entries = await readAllEntries(store, P, memberId);
  const occurred = new Map<string, number>();
  const spend = new Map<string, Decimal>();
  let last: number | null = null;
  for (const e of entries) {
    if (e.kind === "purchase") {
      const at = Date.parse(e.occurredAt);
      occurred.set(e.purchaseId, at);
      last = last === null ? at : Math.max(last, at);
      const m = monthOf(program, at);
      spend.set(m, (spend.get(m) ?? new Decimal(0)).plus(e.amount));
    } else if (e.kind === "refund" && e.purchaseId !== null) {
      const m = monthOf(program, occurred.get(e.purchaseId)!);
      spend.set(m, spend.get(m)!.minus(e.amount));
    }
  }
  const between = (from: string, to: string) =>
    [...spend].filter(([m]) => m >= from && m <= to).reduce((a, [, v]) => a.plus(v), new Decimal(0));
  return { entries, last, between };
}

type Query = { noPurchaseForDays: number } | { months: number; fallenBy: string };

/** Whether a member is lapsing at `at` by the definitions of docs/win-back.md, from its ledger alone. */
async function lapsingByLedger(store: LoyaltyStore, memberId: string, q: Query, at: number): Promise<boolean> {
  const { last, between } = await fromLedger(store, memberId);
  if (last === null) return false;
  if ("noPurchaseForDays" in q) return last <= at - q.noPurchaseForDays * DAY;
  const current = monthOf(program, at);
  const recent = between(addMonths(current, -q.months), addMonths(current, -1));
  const earlier = between(addMonths(current, -2 * q.months), addMonths(current, -q.months - 1));
  return earlier.gt(0) && recent.lte(earlier.times(new Decimal(1).minus(q.fallenBy)));
}

async function bruteForce(engine: LoyaltyEngine, store: LoyaltyStore, ids: string[], q: Query, at: number) {
  const out: string[] = [];
  for (const id of ids) if (await lapsingByLedger(store, id, q, at)) out.push(id);
  return out.sort();
}

const queryArb: fc.Arbitrary<Query> = fc.oneof(
  fc.record({ noPurchaseForDays: fc.integer({ min: 1, max: 120 }) }),
  fc.record({
    months: fc.integer({ min: 1, max: 6 }),
    fallenBy: fc.constantFrom("0.1", "0.25", "0.5", "0.9", "1"),
  }),
);

describe("listing and win-back over random members and commands", () => {
  it("each member's index equals the one folded from its whole ledger", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 30, size: "max" }), async (steps) => {
        const { store, ids, run } = await world(4);
        for (const s of steps) await run(s);
        for (const id of ids) {
          const stored = (await store.loadMember(P, id))!;
          const rebuilt = memberIndexOf(
            program,
            fromSnapshot(stored.snapshot),
            null,
            await readAllEntries(store, P, id),
          );
          expect(stored.index).toEqual(rebuilt);
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it("members' and lapsing's pages equal a brute-force filter, and stay exact while members are written between pages", async () => {
    // Runs whose query found someone, and whose pass saw a command land: the property is not vacuous.
    let found = 0,
      written = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 5, maxLength: 30, size: "max" }),
        queryArb,
        fc.integer({ min: 1, max: 4 }),
        fc.array(stepArb, { minLength: 1, maxLength: 8 }),
        async (steps, query, limit, between) => {
          const { store, engine, t, ids, run } = await world(7);
          for (const s of steps) await run(s);
          // Reviews due since a member's last write show in the index once written.
          await engine.reviewTiers();
          const at = t.now();

          // members: by tier, every page, against each member's summary.
          for (const tier of ["bronze", "silver"]) {
            const listed: string[] = [];
            let after: string | undefined;
            do {
              const page = await engine.members({ tier, limit, ...(after ? { after } : {}) });
              listed.push(...page.members.map((m) => m.memberId));
              after = page.after ?? undefined;
            } while (after);
            const expected: string[] = [];
            for (const id of ids) if ((await engine.summary(id)).tier?.id === tier) expected.push(id);
            expect(listed).toEqual(expected.sort());
          }

          // lapsing, with nothing written during the pass: exactly the brute force.
          const expected = await bruteForce(engine, store, ids, query, at);
          const quiet: string[] = [];
          let after: string | undefined;
          do {
            const page = await engine.lapsing({
              ...query,
              now: new Date(at).toISOString(),
              limit,
              ...(after ? { after } : {}),
            });
            quiet.push(...page.members.map((m) => m.memberId));
            after = page.after ?? undefined;
          } while (after);
          expect(quiet).toEqual(expected);
          if (expected.length > 0) found++;

          // lapsing, with a command landing between pages (at the same instant).
          const seen: string[] = [];
          let throughout = new Set(expected);
          const pending = [...between].filter((s) => s.op !== "advance");
          after = undefined;
          do {
            const page = await engine.lapsing({
              ...query,
              now: new Date(at).toISOString(),
              limit,
              ...(after ? { after } : {}),
            });
            const now = new Set(await bruteForce(engine, store, ids, query, at));
            for (const m of page.members)
              expect(now.has(m.memberId), `${m.memberId} returned but not lapsing`).toBe(true);
            seen.push(...page.members.map((m) => m.memberId));
            after = page.after ?? undefined;
            const step = pending.shift();
            if (step && after) {
              await run(step);
              written++;
            }
            throughout = new Set([...throughout].filter((id) => now.has(id)));
          } while (after);
          const final = new Set(await bruteForce(engine, store, ids, query, at));
          throughout = new Set([...throughout].filter((id) => final.has(id)));
          expect(new Set(seen).size, `repeated: ${seen.join(", ")}`).toBe(seen.length);
          for (const id of throughout) expect(seen, `${id} lapsing throughout but missed`).toContain(id);
        },
      ),
      { numRuns: 100 },
    );
    expect(found).toBeGreaterThan(20);
    expect(written).toBeGreaterThan(20);
  }, 300_000);
});
