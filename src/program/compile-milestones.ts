/**
 * Milestones and counter wallets: the cross-reference checks (a milestone converts a counter into
 * another known wallet, one milestone per counter, no cycle; awards into a counter are whole units)
 * and the compiled milestones in cascade order.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { CompiledMilestone, ValidDefinition } from "./compiled.js";
import { isObj, list, text } from "./raw-input.js";

const f = messages.field;
const WHOLE = /^\d+$/;

/** Cross-field checks of the milestones and of the awards into counter wallets. */
export function milestoneIssues(input: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const kinds = new Map<string, unknown>();
  for (const w of list(input.wallets)) if (isObj(w) && typeof w.id === "string") kinds.set(w.id, w.kind);
  const next = new Map<string, string>();
  list(input.milestones).forEach((m, i) => {
    if (!isObj(m)) return;
    const from = text(m.from);
    const into = text(m.into);
    if (from !== undefined && !kinds.has(from))
      issues.push({ path: ["milestones", i, "from"], message: f.unknownWallet(from) });
    else if (from !== undefined && kinds.get(from) !== "counter")
      issues.push({ path: ["milestones", i, "from"], message: f.milestoneFromCounter(from) });
    if (into !== undefined && !kinds.has(into))
      issues.push({ path: ["milestones", i, "into"], message: f.unknownWallet(into) });
    if (from === undefined || into === undefined) return;
    if (from === into) issues.push({ path: ["milestones", i, "into"], message: f.milestoneSameWallet });
    else if (next.has(from)) issues.push({ path: ["milestones", i, "from"], message: f.milestoneTwice(from) });
    else next.set(from, into);
  });
  // One milestone per counter: following `into` from any counter either ends or comes back round.
  for (const start of next.keys()) {
    let at = next.get(start);
    for (let steps = 0; at !== undefined && steps <= next.size; steps++) {
      if (at === start) {
        const i = list(input.milestones).findIndex((m) => isObj(m) && m.from === start);
        issues.push({ path: ["milestones", i, "into"], message: f.milestoneCycle(start) });
        break;
      }
      at = next.get(at);
    }
  }
  list(input.rules).forEach((r, i) => {
    if (!isObj(r)) return;
    list(r.awards).forEach((a, k) => {
      if (!isObj(a) || typeof a.wallet !== "string" || kinds.get(a.wallet) !== "counter") return;
      if ((a.kind === "fixed" || a.kind === "perUnit") && typeof a.points === "string" && !WHOLE.test(a.points))
        issues.push({ path: ["rules", i, "awards", k, "points"], message: f.counterWhole(a.wallet) });
    });
  });
  return issues;
}

/**
 * The milestones in cascade order: each before any milestone that converts the wallet it credits
 * (keys into key chains before key chains into gold), so one pass converts all the way up.
 */
export function compileMilestones(def: ValidDefinition): readonly CompiledMilestone[] {
  const all = (def.milestones ?? []).map((m) => ({ from: m.from, every: m.every, into: m.into, units: m.units ?? 1 }));
  // The checks refused cycles, so the longest chain of feeders ends.
  const depth = (m: CompiledMilestone): number =>
    Math.max(0, ...all.filter((other) => other.into === m.from).map((feeder) => 1 + depth(feeder)));
  return Object.freeze(
    all
      .map((m) => ({ m, d: depth(m) }))
      .sort((a, b) => a.d - b.d)
      .map(({ m }) => Object.freeze(m)),
  );
}
