/**
 * The "member lapsing" notice (issue 14): `notify({ lapsing })` writes one `member.lapsing` event for
 * each member a win-back reading finds (engine.lapsing: no purchase for N days, or spend fallen by
 * a share), once per lapse episode, so a CRM can "call them back"; a rerun writes nothing new, and a
 * member who buys and lapses again is told again. Bad readings are refused with paths under
 * `lapsing`.
 */
import { describe, expect, it } from "vitest";
import type { LoyaltyEngine, OutboxEvent } from "../../src/index.js";
import { testEngine } from "../support/engine.js";
import { poundsProgram } from "../support/programs.js";

async function feed(engine: LoyaltyEngine): Promise<OutboxEvent[]> {
  const out: OutboxEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await engine.events({ after, limit: 50 });
    out.push(...page.events);
    if (page.events.length === 0) return out;
    after = page.cursor;
  }
}

const lapsingOf = async (engine: LoyaltyEngine) =>
  (await feed(engine)).filter((e) => e.type === "member.lapsing").map((e) => [e.memberId, e.payload.lastPurchaseAt]);

describe("member.lapsing notices", () => {
  it("tells of members with no purchase for 60 days, once per lapse", async () => {
    const { engine, t } = testEngine(poundsProgram({ id: "lapse" }), "2026-01-05T12:00:00Z");
    for (const m of ["ann", "bob"]) await engine.enroll({ key: `e-${m}`, memberId: m });
    const buy = (m: string, n: number) =>
      engine.recordPurchase({ key: `p${n}`, memberId: m, purchaseId: `o${n}`, amount: "20.00", currency: "GBP" });
    await buy("ann", 1);
    t.set("2026-03-01T12:00:00Z");
    await buy("bob", 2);
    t.set("2026-03-20T12:00:00Z");
    const first = await engine.notify({ lapsing: { noPurchaseForDays: 60 } });
    expect(first).toMatchObject({ notices: 1, failed: [] });
    expect(await lapsingOf(engine)).toEqual([["ann", "2026-01-05T12:00:00.000Z"]]);
    const notice = (await feed(engine)).find((e) => e.type === "member.lapsing")!;
    expect(notice).toMatchObject({ key: null, payload: { daysSincePurchase: 74 } });
    // A rerun, and a later one while nothing changed: the same notice, kept once.
    await engine.notify({ lapsing: { noPurchaseForDays: 60 } });
    t.set("2026-04-01T12:00:00Z");
    await engine.notify({ lapsing: { noPurchaseForDays: 60 } });
    expect(await lapsingOf(engine)).toEqual([["ann", "2026-01-05T12:00:00.000Z"]]);
    // Ann comes back, then lapses again; Bob lapses too.
    await buy("ann", 3);
    t.set("2026-06-15T12:00:00Z");
    await engine.notify({ lapsing: { noPurchaseForDays: 60 }, expiringWithinDays: 30 });
    expect(await lapsingOf(engine)).toEqual([
      ["ann", "2026-01-05T12:00:00.000Z"],
      ["ann", "2026-04-01T12:00:00.000Z"],
      ["bob", "2026-03-01T12:00:00.000Z"],
    ]);
  });

  it("tells of members whose spend fell by half, with the figures", async () => {
    const { engine, t } = testEngine(poundsProgram({ id: "lapse-spend" }), "2026-01-05T12:00:00Z");
    await engine.enroll({ key: "e", memberId: "cat" });
    let n = 0;
    for (const [day, amount] of [
      ["2026-01-05", "80.00"],
      ["2026-02-05", "80.00"],
      ["2026-03-05", "80.00"],
      ["2026-04-05", "10.00"],
      ["2026-05-05", "10.00"],
      ["2026-06-05", "10.00"],
    ] as const) {
      t.set(`${day}T12:00:00Z`);
      n++;
      await engine.recordPurchase({ key: `p${n}`, memberId: "cat", purchaseId: `o${n}`, amount, currency: "GBP" });
    }
    t.set("2026-07-02T12:00:00Z");
    await engine.notify({ lapsing: { months: 3, fallenBy: "0.5" } });
    const notice = (await feed(engine)).find((e) => e.type === "member.lapsing")!;
    expect(notice.payload).toMatchObject({ recentSpend: "30", earlierSpend: "240", fallenBy: "0.8750" });
  });

  it("refuses a bad reading with paths under lapsing, and a notify that asks for nothing", async () => {
    const { engine } = testEngine(poundsProgram({ id: "lapse-bad" }), "2026-01-05T12:00:00Z");
    await expect(engine.notify({ lapsing: { months: 3 } })).rejects.toMatchObject({
      code: "INVALID_COMMAND",
      issues: [{ path: ["lapsing", "fallenBy"] }],
    });
    await expect(engine.notify({})).rejects.toMatchObject({ code: "INVALID_COMMAND" });
    await expect(engine.notify({ lapsing: { noPurchaseForDays: 30, limit: 5 } as never })).rejects.toMatchObject({
      code: "INVALID_COMMAND",
    });
  });
});
