/**
 * The outbox events of random member histories on the example program (two wallets, a pending
 * period, expiry, rewards): the feed is exactly the events the entries give (events/derive.ts), in
 * ledger order; every entry that moves points has one event naming its wallet and points; and no
 * event carries the member's personal data.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { eventsOf } from "../../src/events/derive.js";
import type { Entry, LoyaltyEngine, OutboxEvent } from "../../src/index.js";
import { operationArb, readAllEntries, runOperations } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";
import { EXAMPLE_REWARDS } from "../support/example-scripts.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const startArb = fc.integer({ min: Date.parse("2025-01-01T00:00:00Z"), max: Date.parse("2027-12-31T00:00:00Z") });
const scriptArb = fc.array(operationArb(undefined, { rewards: true }), { minLength: 1, maxLength: 40, size: "max" });

/** Kinds whose entries move points, and so must each give one event with their wallet and points. */
const MOVING = new Set(["earn", "spend", "expire", "reverse", "adjust", "redeem", "cancel", "transfer"]);
const SECRET = { birthday: "1990-06-15", attribute: "secret-attribute-value" };

async function feed(engine: LoyaltyEngine): Promise<OutboxEvent[]> {
  const all: OutboxEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await engine.events({ after, limit: 7 });
    if (page.events.length === 0) return all;
    all.push(...page.events);
    after = page.cursor;
  }
}

describe("events derived from entries", () => {
  it("the feed is the entries' events, every point-moving entry has its event, and none carries personal data", async () => {
    await fc.assert(
      fc.asyncProperty(startArb, scriptArb, async (start, script) => {
        const { engine, store, t } = testEngine(exampleProgram, start, {
          maxAttempts: 50,
          codes: ({ redemptionId, index }) => `${redemptionId}/${index}`,
        });
        await engine.enroll({
          key: "enroll",
          memberId: "m",
          birthday: SECRET.birthday,
          attributes: { note: SECRET.attribute },
        });
        await runOperations(
          {
            engine,
            memberId: "m",
            currency: "GBP",
            spendWallet: "points",
            advance: t.advance,
            rewards: EXAMPLE_REWARDS,
          },
          script,
        );
        await engine.expire();
        const entries: Entry[] = await readAllEntries(store, exampleProgram.id, "m");
        const events = await feed(engine);
        expect(events).toEqual(eventsOf(entries));
        // Ids are unique, and each member's events come in seq order.
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
        expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
        for (const e of entries) {
          if (!MOVING.has(e.kind) || !("points" in e) || !("wallet" in e)) continue;
          const mine = events.filter((x) => x.seq === e.seq);
          expect(mine).toHaveLength(1);
          expect(mine[0]!.payload).toMatchObject({ wallet: e.wallet, points: e.points });
          expect(mine[0]!.occurredAt).toBe(e.at);
        }
        const text = JSON.stringify(events);
        expect(text).not.toContain(SECRET.birthday);
        expect(text).not.toContain(SECRET.attribute);
        for (const e of events)
          for (const field of ["attributes", "birthday", "reason", "note", "reference", "codes"])
            expect(e.payload).not.toHaveProperty(field);
      }),
      { numRuns: RUNS },
    );
  });
});
