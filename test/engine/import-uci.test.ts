/**
 * Must show (issue 14): the UCI invoices replayed through the demo's program, every member exported
 * as an import record and imported into a fresh store, and every member's summary equal, member by
 * member, at the same instant; and still equal after the same later commands run on both (a
 * purchase, an expiry sweep a year on).
 */
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { createReplayEngine, loadInvoices, replayInvoices } from "../../examples/replay.js";
import type { LoyaltyEngine } from "../../src/index.js";

const DAY = 86_400_000;

async function summaries(engine: LoyaltyEngine, ids: readonly string[]) {
  const out = [];
  for (const id of ids) out.push(await engine.summary(id, { expiringWithinDays: 60 }));
  return out;
}

describe("importMember: the UCI members exported and imported", () => {
  it("gives every member the same summary as the replay that produced them, then and after later commands", async () => {
    const events = loadInvoices().events.slice(0, 3000);
    const source = createReplayEngine(exampleProgram);
    const stats = await replayInvoices(source, events);
    expect(stats.memberIds.length).toBeGreaterThan(300);
    const target = createReplayEngine(exampleProgram);
    // Ten days on: some points still pending, none of the imported lots' dates moved.
    const at = stats.lastAt! + 10 * DAY;
    source.clock.set(at);
    target.clock.set(at);
    const refundable: { memberId: string; purchaseId: string }[] = [];
    for (const id of stats.memberIds) {
      const command = await source.engine.exportMember(id);
      const p = command.purchases?.[0];
      if (p) refundable.push({ memberId: id, purchaseId: p.purchaseId });
      const result = await target.engine.importMember(command);
      expect(result.replayed).toBe(false);
      // The exported record is a valid command: importing it again replays.
      expect((await target.engine.importMember(command)).replayed).toBe(true);
    }
    expect(await summaries(target.engine, stats.memberIds)).toEqual(await summaries(source.engine, stats.memberIds));

    // The same later commands on both: a purchase each for some members, and a return against an imported purchase.
    const some = stats.memberIds.filter((_, i) => i % 7 === 0);
    for (const engine of [source.engine, target.engine])
      for (const id of some)
        await engine.recordPurchase({
          key: `later:${id}`,
          memberId: id,
          purchaseId: `later:${id}`,
          amount: "123.45",
          currency: "GBP",
        });
    // A return against an imported purchase reverses within its bounds, the same on both.
    expect(refundable.length).toBeGreaterThan(10);
    for (const engine of [source.engine, target.engine])
      for (const { memberId, purchaseId } of refundable.slice(0, 20)) {
        const r = await engine.refund({
          key: `return:${purchaseId}`,
          memberId,
          purchaseId,
          amount: "5.00",
          currency: "GBP",
        });
        expect(r.reversed.length).toBeGreaterThan(0);
      }
    expect(await summaries(target.engine, stats.memberIds)).toEqual(await summaries(source.engine, stats.memberIds));

    // A year on: the expiry sweep writes off the same lots on both.
    source.clock.set(at + 400 * DAY);
    target.clock.set(at + 400 * DAY);
    const swept = [await source.engine.expire(), await target.engine.expire()];
    expect(swept[0]!.lots).toBeGreaterThan(100);
    expect(swept[1]).toEqual(swept[0]);
    expect(await summaries(target.engine, stats.memberIds)).toEqual(await summaries(source.engine, stats.memberIds));
  }, 120_000);
});
