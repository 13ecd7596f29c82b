/**
 * `points.available` (issue 14): pending points that become spendable are told once per lot, at
 * the release instant, through the outbox: by the next write's due work or by a sweep for a member
 * who sends no command; never twice (reruns, retries, racing engines), never for a lot a refund took
 * back first. The property drives random purchases, refunds, spends, sweeps and clock steps.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMemoryStore, type LoyaltyEngine, type OutboxEvent } from "../../src/index.js";
import { plainProgram } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";

const DAY = 86_400_000;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const pendingProgram = { ...plainProgram, id: "available", pending: { days: 14 } };
const START = "2026-03-01T12:00:00Z";

async function all(engine: LoyaltyEngine): Promise<OutboxEvent[]> {
  const events: OutboxEvent[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await engine.events({ after: cursor, limit: 50 });
    if (page.events.length === 0) return events;
    events.push(...page.events);
    cursor = page.cursor;
  }
}

const available = async (engine: LoyaltyEngine) => (await all(engine)).filter((e) => e.type === "points.available");

const buy = (engine: LoyaltyEngine, key: string, memberId: string, amount: string) =>
  engine.recordPurchase({ key, memberId, purchaseId: key, amount, currency: "GBP" });

describe("points.available", () => {
  it("a sweep at the release instant writes one per lot; before it, and on a rerun, none", async () => {
    const { engine, t, store } = testEngine(pendingProgram, START);
    await engine.enroll({ key: "e", memberId: "ann" });
    const bought = await buy(engine, "p1", "ann", "120.00");
    const releaseAt = Date.parse(bought.availableAt!);
    const lots = bought.entries.filter((e) => e.kind === "earn").map((e) => e.id);
    expect(lots).toHaveLength(2); // points and status
    // The due index wakes at the release, as at an expiry.
    expect(
      (await store.findDueMembers(pendingProgram.id, { before: releaseAt, limit: 10 })).map((d) => d.dueAt),
    ).toEqual([releaseAt]);
    t.set(releaseAt - 1);
    await engine.expire();
    expect(await available(engine)).toEqual([]);
    t.set(releaseAt + 3 * DAY);
    const swept = await engine.expire();
    expect(swept).toMatchObject({ scanned: 1, lots: 0 });
    const events = await available(engine);
    expect(events.map((e) => e.id)).toEqual(lots.map((lot) => `ann/available/${lot}`));
    expect(events[0]).toMatchObject({
      memberId: "ann",
      key: null,
      occurredAt: new Date(releaseAt + 3 * DAY).toISOString(),
      payload: {
        wallet: "points",
        points: "120",
        lotId: lots[0],
        ruleId: "base",
        purchaseId: "p1",
        availableAt: bought.availableAt,
        early: false,
      },
    });
    // Nothing due any more: a rerun and a later command write no second event.
    expect(await store.findDueMembers(pendingProgram.id, { before: releaseAt + 3 * DAY, limit: 10 })).toEqual([]);
    await engine.expire();
    await engine.spend({ key: "s", memberId: "ann", wallet: "points", points: "20" });
    expect((await available(engine)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    // The statement shows the release, and no figure moved with it.
    const statement = await engine.statement("ann");
    expect(statement.entries.filter((e) => e.kind === "release")).toHaveLength(2);
    expect((await engine.summary("ann")).wallets.points).toMatchObject({ available: "100", pending: "0" });
  });

  it("the next command writes it first when no sweep ran, with that command's key", async () => {
    const { engine, t } = testEngine(pendingProgram, START);
    await engine.enroll({ key: "e", memberId: "ann" });
    const bought = await buy(engine, "p1", "ann", "50.00");
    t.set(Date.parse(bought.availableAt!) + DAY);
    const spent = await engine.spend({ key: "s", memberId: "ann", wallet: "points", points: "50" });
    expect(spent.entries.map((e) => e.kind)).toEqual(["release", "release", "spend"]);
    const events = await all(engine);
    expect(events.slice(-3).map((e) => [e.type, e.key])).toEqual([
      ["points.available", "s"],
      ["points.available", "s"],
      ["points.spent", "s"],
    ]);
  });

  it("none for a lot a refund took back before its release; the rest of a part-refunded lot is told", async () => {
    const { engine, t } = testEngine(pendingProgram, START);
    await engine.enroll({ key: "e", memberId: "ann" });
    const whole = await buy(engine, "p1", "ann", "40.00");
    await buy(engine, "p2", "ann", "60.00");
    t.advance(DAY);
    await engine.refund({ key: "r1", memberId: "ann", purchaseId: "p1", amount: "40.00", currency: "GBP" });
    await engine.refund({ key: "r2", memberId: "ann", purchaseId: "p2", amount: "20.00", currency: "GBP" });
    t.set(Date.parse(whole.availableAt!) + DAY);
    await engine.expire();
    const events = await available(engine);
    expect(events.map((e) => [e.payload.purchaseId, e.payload.wallet, e.payload.points])).toEqual([
      ["p2", "points", "40"],
      ["p2", "status", "40"],
    ]);
  });

  it("none for a lot that expires while still pending", async () => {
    const { engine, t } = testEngine({ ...pendingProgram, expiry: { after: { days: 10 } } }, START);
    await engine.enroll({ key: "e", memberId: "ann" });
    await buy(engine, "p1", "ann", "40.00");
    t.advance(30 * DAY);
    const swept = await engine.expire();
    expect(swept.lots).toBe(1);
    // The status wallet never expires: its lot is released; the points lot expired pending.
    expect((await available(engine)).map((e) => e.payload.wallet)).toEqual(["status"]);
  });

  it("engines racing on one store at the release write it once per lot", async () => {
    const store = createMemoryStore();
    const a = testEngine(pendingProgram, START, { store });
    const b = testEngine(pendingProgram, START, { store, ids: () => `b-${Math.random()}` });
    await a.engine.enroll({ key: "e", memberId: "ann" });
    const bought = await buy(a.engine, "p1", "ann", "30.00");
    const at = Date.parse(bought.availableAt!) + 1;
    a.t.set(at);
    b.t.set(at);
    await Promise.all([
      a.engine.expire(),
      b.engine.expire(),
      a.engine.adjust({ key: "adj", memberId: "ann", wallet: "points", points: "1", reason: "goodwill" }),
      b.engine.notify({ expiringWithinDays: 30 }),
      b.engine.expire(),
    ]);
    const events = await available(a.engine);
    expect(events.map((e) => e.payload.wallet).sort()).toEqual(["points", "status"]);
  });
});

type Step =
  | { kind: "buy"; amount: number }
  | { kind: "refund"; of: number; part: boolean }
  | { kind: "spend"; points: number }
  | { kind: "sweep" }
  | { kind: "wait"; days: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("buy" as const), amount: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant("refund" as const), of: fc.nat(20), part: fc.boolean() }),
  fc.record({ kind: fc.constant("spend" as const), points: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant("sweep" as const) }),
  fc.record({ kind: fc.constant("wait" as const), days: fc.integer({ min: 0, max: 20 }) }),
);

describe("points.available, property", () => {
  it("every pending lot that reaches its release gets exactly one event; a lot taken back first gets none", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const { engine, t } = testEngine(
          { ...pendingProgram, refunds: { negativeBalance: "within_balance", baseRule: "base" } },
          START,
        );
        await engine.enroll({ key: "e", memberId: "m" });
        const purchases: string[] = [];
        let n = 0;
        for (const s of steps) {
          n++;
          if (s.kind === "buy") {
            purchases.push(`p${n}`);
            await buy(engine, `p${n}`, "m", `${s.amount}.00`);
          } else if (s.kind === "refund" && purchases.length > 0) {
            const id = purchases[s.of % purchases.length]!;
            await engine
              .refund({
                key: `r${n}`,
                memberId: "m",
                purchaseId: id,
                amount: s.part ? "1.00" : "1000.00",
                currency: "GBP",
              })
              .catch(() => undefined); // more than is left to refund: refused, writes nothing
          } else if (s.kind === "spend") {
            await engine
              .spend({ key: `s${n}`, memberId: "m", wallet: "points", points: `${s.points}` })
              .catch(() => undefined);
          } else if (s.kind === "sweep") await engine.expire();
          else if (s.kind === "wait") t.advance(s.days * DAY);
        }
        // To the end: past every release, then one write to catch up.
        t.advance(30 * DAY);
        await engine.expire();
        const entries = (await engine.statement("m", { limit: 1000 })).entries;
        const events = await available(engine);
        // The lots pending when earned, and what each held at its release instant (the model).
        const expected = new Map<string, string>();
        for (const e of entries) {
          if (e.kind !== "earn" || !(e.lot.availableAt > e.at)) continue;
          const releaseAt = e.lot.availableAt;
          let held = Number(e.points) - Number(e.debtRepaid);
          for (const r of entries)
            if (r.kind === "reverse" && r.at < releaseAt)
              for (const d of r.lots) if (d.lotId === e.id) held -= Number(d.points);
          if (held > 0) expected.set(`m/available/${e.id}`, `${held}@${releaseAt}`);
        }
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
        expect(
          new Map(events.map((e) => [e.id, `${String(e.payload.points)}@${String(e.payload.availableAt)}`])),
        ).toEqual(expected);
        expect(entries.filter((e) => e.kind === "release")).toHaveLength(events.length);
      }),
      { numRuns: RUNS },
    );
  });
});
