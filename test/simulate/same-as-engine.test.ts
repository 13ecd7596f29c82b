import { describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { createReplayEngine, loadInvoices, replayInvoices } from "../../examples/replay.js";
import type { LoyaltyEngine } from "../../src/index.js";
import { simulateRuns } from "../../src/simulate/index.js";
import { uciHistory } from "./support.js";

/** What a member's summary says of each wallet, with expired and expired-but-not-yet-swept as one figure. */
async function endState(engine: LoyaltyEngine, memberId: string) {
  const s = await engine.summary(memberId);
  return {
    tier: s.tier?.id ?? null,
    wallets: Object.fromEntries(
      Object.entries(s.wallets).map(([id, w]) => [
        id,
        {
          held: [w.available, w.pending, w.debt],
          earned: w.lifetime.earned,
          spent: w.lifetime.spent,
          reversed: w.lifetime.reversed,
          expired: String(Number(w.lifetime.expired) + Number(w.expiredUnswept)),
        },
      ]),
    ),
  };
}

describe("simulate: the simulation is the engine", () => {
  it("leaves every member as the example replay leaves them, command by command (first 3,000 UCI invoices)", async () => {
    const events = loadInvoices().events.slice(0, 3000);
    const { runs, result } = await simulateRuns({
      program: exampleProgram,
      history: uciHistory(events),
      redemption: { kind: "never" },
    });
    const run = runs[0]!;
    const replay = createReplayEngine(exampleProgram);
    const stats = await replayInvoices(replay, events);
    // Both read at the simulation's last month end, where its clock stopped.
    replay.clock.set(run.months.at(-1)!.end);
    expect([...run.tally.members.keys()].sort()).toEqual([...stats.memberIds].sort());
    expect(stats.memberIds.length).toBeGreaterThan(300);
    for (const memberId of stats.memberIds) {
      const simulated = await endState(run.engine, memberId);
      expect({ memberId, ...simulated }).toEqual({ memberId, ...(await endState(replay.engine, memberId)) });
    }
    // The replay skips the rows the engine would refuse (amounts of zero); the simulation sends and lists them.
    expect(result.base.refused.length).toBe(stats.skippedNonPositive);
    expect(result.base.totals.issued).toBe(stats.pointsEarned.toFixed());
  });
});
