/**
 * Tier qualification counters: what each entry adds to the member's per-day metrics. The writer
 * stamps every entry with its deltas before folding it (so apply stays a plain fold and the
 * snapshot stays the fold of the entries). Only the metrics some threshold reads are counted.
 *
 * - points (per wallet): earned points on the day they were earned (a late purchase counts on its
 *   own day), manual adjustments on the day they were made, and points a refund takes back
 *   subtracted from the purchase's own day; tier bonus points (rules on `tier:<id>`) never count.
 *   Expiry and spending do not touch the metric: it is points earned in the window, not the balance.
 * - spend: the purchase amount on its day, less refunds (on the purchase's day; a return with no
 *   receipt on the day of the return).
 * - purchases: +1 on the purchase's day; -1 when a refund completes the purchase's refund.
 * - events:<type>: +1 on the event's day.
 */
import type { Program } from "../program/compile.js";
import { Decimal } from "../shared/decimal.js";
import type { MetricStamp } from "../ledger/entries.js";
import type { MemberState } from "../ledger/state.js";
import type { DraftBody } from "../ledger/writer.js";
import { ALL_BUCKET, dayKey, keepFrom } from "./window.js";

/** The stamp function the engine gives its writers; undefined for programs without tiers. */
export function metricStamper(
  program: Program,
): ((body: DraftBody, state: MemberState, now: number) => MetricStamp | undefined) | undefined {
  const tiers = program.tiers;
  if (tiers === null || tiers.metricKeys.size === 0) return undefined;
  const keys = tiers.metricKeys;
  const running = tiers.window.kind === "lifetime" || tiers.window.kind === "sinceTierChange";
  const sinceChange = tiers.window.kind === "sinceTierChange";

  return (body, state, now) => {
    const deltas: Record<string, string> = {};
    let at = now;
    const add = (key: string, value: Decimal | number) => {
      if (!keys.has(key)) return;
      const v = typeof value === "number" ? new Decimal(value) : value;
      if (v.isZero()) return;
      deltas[key] = (deltas[key] === undefined ? v : v.plus(deltas[key]!)).toString();
    };
    switch (body.kind) {
      case "purchase":
        at = Date.parse(body.occurredAt);
        add("spend", new Decimal(body.amount));
        add("purchases", 1);
        break;
      case "event":
        at = Date.parse(body.occurredAt);
        add(`events:${body.type}`, 1);
        break;
      case "earn": {
        if (program.rules.get(body.ruleId)?.trigger.startsWith("tier:")) return undefined;
        at = Date.parse(body.lot.earnedAt);
        add(`points:${body.wallet}`, new Decimal(body.points));
        break;
      }
      case "adjust":
        add(`points:${body.wallet}`, new Decimal(body.points));
        break;
      case "reverse": {
        const p = body.purchaseId === null ? undefined : state.purchases[body.purchaseId];
        if (p) at = p.occurredAt;
        add(`points:${body.wallet}`, new Decimal(body.points).neg());
        break;
      }
      case "refund": {
        const p = body.purchaseId === null ? undefined : state.purchases[body.purchaseId];
        if (p) {
          at = p.occurredAt;
          if (p.refunded.plus(body.amount).gte(p.amount)) add("purchases", -1);
        }
        add("spend", new Decimal(body.amount).neg());
        break;
      }
      default:
        return undefined;
    }
    if (Object.keys(deltas).length === 0) return undefined;
    // Since-tier-change windows count nothing dated before the member's current tier began.
    if (sinceChange && state.tier !== null && at < state.tier.since) return undefined;
    return {
      bucket: running ? ALL_BUCKET : dayKey(at, program.timeZone),
      deltas,
      keepFrom: keepFrom(program, state, now),
    };
  };
}
