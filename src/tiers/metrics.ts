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
 *
 * `metricEffects` says this per entry kind (the ledger's own table, src/ledger/kinds/, has the fold;
 * the ledger may not import tiers, so the metric effect is this layer's table).
 */
import type { Program } from "../program/compile.js";
import { Decimal } from "../shared/decimal.js";
import type { EntryKind, MetricStamp } from "../ledger/entries.js";
import type { MemberView } from "../ledger/state.js";
import type { DraftBody } from "../ledger/writer.js";
import { ALL_BUCKET, dayKey, keepFrom } from "./window.js";

/** What a metric effect may read besides the entry: the program, the member before the entry, the clock. */
interface MetricContext {
  readonly program: Program;
  readonly state: MemberView;
  readonly now: number;
}

/**
 * What one entry adds to the counters: the instant whose day it counts on, and signed deltas per
 * metric key (keys no threshold reads are dropped later); null: it counts nowhere.
 */
type MetricEffect<B> = (body: B, ctx: MetricContext) => { at: number; deltas: [string, Decimal | number][] } | null;

/**
 * The metric effect of every entry kind (null: the kind moves no counter). Typed so that a new
 * entry kind does not compile until it says whether it counts.
 */
const metricEffects: { readonly [K in EntryKind]: MetricEffect<Extract<DraftBody, { kind: K }>> | null } = {
  purchase: (body) => ({
    at: Date.parse(body.occurredAt),
    deltas: [
      ["spend", new Decimal(body.amount)],
      ["purchases", 1],
    ],
  }),
  event: (body) => ({ at: Date.parse(body.occurredAt), deltas: [[`events:${body.type}`, 1]] }),
  earn: (body, { program }) => {
    if (program.rules.get(body.ruleId)?.trigger.startsWith("tier:")) return null;
    return { at: Date.parse(body.lot.earnedAt), deltas: [[`points:${body.wallet}`, new Decimal(body.points)]] };
  },
  adjust: (body, { now }) => ({ at: now, deltas: [[`points:${body.wallet}`, new Decimal(body.points)]] }),
  reverse: (body, { state, now }) => {
    const p = body.purchaseId === null ? undefined : state.purchases[body.purchaseId];
    return { at: p ? p.occurredAt : now, deltas: [[`points:${body.wallet}`, new Decimal(body.points).neg()]] };
  },
  refund: (body, { state, now }) => {
    const p = body.purchaseId === null ? undefined : state.purchases[body.purchaseId];
    const deltas: [string, Decimal | number][] = [];
    if (p && p.refunded.plus(body.amount).gte(p.amount)) deltas.push(["purchases", -1]);
    deltas.push(["spend", new Decimal(body.amount).neg()]);
    return { at: p ? p.occurredAt : now, deltas };
  },
  // Units a milestone credits count as earned in the wallet credited (gold key chains towards a
  // tier), on the day of the conversion; an undo takes them back. The drawn side counts nowhere:
  // keys converted were still earned.
  milestone: (body, { now }) => {
    const credit = new Decimal(body.units).times(body.times);
    return { at: now, deltas: [[`points:${body.into}`, body.undo ? credit.neg() : credit]] };
  },
  enroll: null,
  spend: null,
  expire: null,
  consolidate: null,
  release: null,
  donation: null,
  tier: null,
  redeem: null,
  cancel: null,
  transfer: null,
  referral: null,
  // An import sets the counters whole (its `openingMetrics`), as the source counted them.
  import: null,
  profile: null,
  erasure: null,
  // Holds move points, as a spend does, which no metric counts.
  hold: null,
  capture: null,
  holdRelease: null,
};

/** The stamp function the engine gives its writers; undefined for programs without tiers. */
export function metricStamper(
  program: Program,
): ((body: DraftBody, state: MemberView, now: number) => MetricStamp | undefined) | undefined {
  const tiers = program.tiers;
  if (tiers === null || tiers.metricKeys.size === 0) return undefined;
  const keys = tiers.metricKeys;
  const running = tiers.window.kind === "lifetime" || tiers.window.kind === "sinceTierChange";
  const sinceChange = tiers.window.kind === "sinceTierChange";

  return (body, state, now) => {
    // The table gives each kind the effect of its own bodies; the lookup cannot be correlated with
    // `body`'s kind by TypeScript, hence the widening.
    const effect = metricEffects[body.kind] as MetricEffect<DraftBody> | null;
    const counted = effect === null ? null : effect(body, { program, state, now });
    if (counted === null) return undefined;
    const deltas: Record<string, string> = {};
    for (const [key, value] of counted.deltas) {
      if (!keys.has(key)) continue;
      const v = typeof value === "number" ? new Decimal(value) : value;
      if (v.isZero()) continue;
      deltas[key] = (deltas[key] === undefined ? v : v.plus(deltas[key]!)).toString();
    }
    if (Object.keys(deltas).length === 0) return undefined;
    const at = counted.at;
    // Since-tier-change windows count nothing dated before the member's current tier began.
    if (sinceChange && state.tier !== null && at < state.tier.since) return undefined;
    return {
      bucket: running ? ALL_BUCKET : dayKey(at, program.timeZone),
      deltas,
      keepFrom: keepFrom(program, state, now),
    };
  };
}
