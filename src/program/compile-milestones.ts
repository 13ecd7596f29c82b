/**
 * Milestones and counter wallets: the cross-reference checks (a milestone converts a counter into
 * another known wallet, one milestone per counter, no cycle; awards into a counter are whole units)
 * and the compiled milestones in cascade order.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { CompiledMilestone, ValidDefinition } from "./compiled.js";
import { isObj, list } from "./raw-input.js";

const f = messages.field;

/** Cross-field checks of the milestones and of the awards into counter wallets. */
export function milestoneIssues(input: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const kinds = new Map(list(input.wallets).map((w): [unknown, unknown] => (isObj(w) ? [w.id, w.kind] : [null, null])));
  const next = new Map<unknown, unknown>();
  list(input.milestones).forEach((m, i) => {
    if (!isObj(m)) return;
    const check = (field: "from" | "into", message: string | null) => {
      if (message !== null && typeof m[field] === "string") issues.push({ path: ["milestones", i, field], message });
    };
    const { from, into } = m;
    check("into", kinds.has(into) ? null : f.unknownWallet(String(into)));
    check(
      "from",
      !kinds.has(from)
        ? f.unknownWallet(String(from))
        : kinds.get(from) === "counter"
          ? null
          : f.notCounter(String(from)),
    );
    if (next.has(from)) check("from", f.milestoneTwice(String(from)));
    next.set(from, into);
    // One milestone per counter: following `into` from here either ends or comes back round.
    let at = into;
    for (let steps = 0; next.has(at) && at !== from && steps < next.size; steps++) at = next.get(at);
    if (at === from) check("into", f.milestoneCycle(String(from)));
  });
  // Whole units in: fixed and per-unit awards, and the caps and budget that may cut an award.
  const whole = (v: unknown, path: (string | number)[], wallet: unknown) => {
    if (typeof v === "string" && !/^\d+$/.test(v)) issues.push({ path, message: f.counterWhole(String(wallet)) });
  };
  list(input.rules).forEach((r, i) => {
    if (!isObj(r)) return;
    const counter = list(r.awards).find((a) => isObj(a) && kinds.get(a.wallet) === "counter");
    if (!isObj(counter)) return;
    list(r.awards).forEach((a, k) => {
      if (isObj(a) && kinds.get(a.wallet) === "counter" && a.kind !== "rate" && a.kind !== "multiplier")
        whole(a.points, ["rules", i, "awards", k, "points"], a.wallet);
    });
    const caps = isObj(r.caps) ? r.caps : {};
    whole(caps.perCommand, ["rules", i, "caps", "perCommand"], counter.wallet);
    list(caps.perMember).forEach(
      (c, k) => isObj(c) && whole(c.points, ["rules", i, "caps", "perMember", k, "points"], counter.wallet),
    );
    if (isObj(r.budget)) whole(r.budget.points, ["rules", i, "budget", "points"], counter.wallet);
  });
  return issues;
}

/**
 * The milestones in cascade order: each before any milestone that converts the wallet it credits
 * (keys into key chains before key chains into gold), so one pass converts all the way up.
 */
export function compileMilestones(def: ValidDefinition): readonly CompiledMilestone[] {
  const all = (def.milestones ?? []).map((m) => ({ ...m, units: m.units ?? 1 }));
  // The checks refused cycles, so the longest chain of feeders ends.
  const depth = (m: CompiledMilestone): number =>
    Math.max(0, ...all.filter((other) => other.into === m.from).map((feeder) => 1 + depth(feeder)));
  return all
    .map((m) => ({ m, d: depth(m) }))
    .sort((a, b) => a.d - b.d)
    .map(({ m }) => m);
}
