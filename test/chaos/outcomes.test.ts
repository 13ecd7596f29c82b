/**
 * The chaos audit's checks of what deliveries were told (test/chaos/outcomes.ts) find what they
 * exist for: each is shown outcomes that break it, beside outcomes that hold.
 */
import { describe, expect, it } from "vitest";
import { replayProblems, tally, type CommandLine } from "./outcomes.js";

const line = (over: Partial<CommandLine>): CommandLine => ({
  kind: "command",
  phase: "chaos",
  proc: 0,
  list: 0,
  index: 0,
  key: "k",
  outcome: "ok",
  replayed: false,
  result: '{"points":"10"}',
  retried: {},
  ...over,
});

describe("the chaos audit's replay checks", () => {
  it("accept a key committed once and replayed by every later delivery", () => {
    const lines = [
      line({ retried: { STORE_FAILURE: 2 } }),
      ...[0, 1, 2].map((proc) => line({ phase: "replay", proc, replayed: true })),
      // Refused in the chaos phase, committed once by the replay phase, replayed by the others.
      line({ key: "r", outcome: "INSUFFICIENT_POINTS", result: undefined, replayed: undefined }),
      line({ key: "r", phase: "replay", proc: 0 }),
      line({ key: "r", phase: "replay", proc: 1, replayed: true }),
      line({ key: "r", phase: "replay", proc: 2, outcome: "INSUFFICIENT_POINTS", result: undefined }),
      // An unknown outcome, which a later delivery of the same worker found committed.
      line({ key: "u", replayed: true, retried: { OUTCOME_UNKNOWN: 1 } }),
    ];
    expect(replayProblems(lines, new Set(["k", "u"]), new Set(["k", "r", "u"]))).toEqual({});
  });

  it("find a replay with another result, a second commit, a success without a record and a recorded key not replayed", () => {
    const lines = [
      line({ key: "a" }),
      line({ key: "a", phase: "replay", replayed: true, result: '{"points":"20"}' }),
      line({ key: "b" }),
      line({ key: "b", phase: "replay" }),
      line({ key: "c" }),
      line({ key: "d" }),
      line({ key: "d", phase: "replay", proc: 2, outcome: "INSUFFICIENT_POINTS" }),
      line({ key: "e", replayed: true, retried: { STORE_FAILURE: 1 } }),
    ];
    expect(replayProblems(lines, new Set(["a", "b", "d", "e"]), new Set(["a", "b", "d", "e"]))).toEqual({
      "replay returned another result": ["a"],
      "key committed more than once": ["b"],
      "done without an idempotency record": ["c"],
      "recorded key not replayed": ["b (replay process 0: ok)", "d (replay process 2: INSUFFICIENT_POINTS)"],
      "told nothing was written, yet it was": ["e (sent again after STORE_FAILURE)"],
    });
  });

  it("count outcomes, typed refusals by code and unknown outcomes resolved later", () => {
    const t = tally([
      line({}),
      line({ replayed: true, retried: { OUTCOME_UNKNOWN: 1, STORE_FAILURE: 1 } }),
      line({ outcome: "OUT_OF_STOCK", retried: { OUTCOME_UNKNOWN: 2 } }),
      line({ outcome: "OUTCOME_UNKNOWN", retried: { OUTCOME_UNKNOWN: 11 } }),
      line({ outcome: "untyped", message: "boom" }),
    ]);
    expect(t).toEqual({
      commands: 5,
      ok: 2,
      replayed: 1,
      refusals: { OUT_OF_STOCK: 1, OUTCOME_UNKNOWN: 1 },
      retriedBy: { OUTCOME_UNKNOWN: 3, STORE_FAILURE: 1 },
      unknownThenResolved: 2,
      untyped: 1,
    });
  });
});
