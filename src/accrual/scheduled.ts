/**
 * Bonuses the engine pays by itself, once a year (issue 17): rules on `schedule:birthday` run at the
 * local start of the member's birthday, rules on `schedule:anniversary` at the local start of each
 * anniversary of joining, so a shop needs no cron job that fires events. They are due work, like
 * automatic conversions: every write pays those whose instant passed since the member's last
 * write, each dated at its own instant (its lot, its tier, its conditions), and the due index is
 * told the next one that would pay, so the expiry sweep wakes an idle member for it. A 29 February
 * birthday or joining day falls on 28 February in common years, as the birthday condition reads it.
 */
import { accrualContext, type Program } from "../program/compile.js";
import { SCHEDULED_TRIGGERS, type ScheduledTrigger } from "../program/scheduled-triggers.js";
import { ZERO } from "../shared/decimal.js";
import { anniversaryAfter, dateKey, dayStart } from "../shared/calendar.js";
import { localDateKey } from "../shared/time.js";
import type { MemberView } from "../ledger/state.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { evaluateRules, type Evaluation } from "./evaluate.js";
import { writeAwards } from "./earn.js";

/** At most this many years are caught up in one write (a member idle for decades). */
const MAX_YEARS = 50;

/** The local date (YYYY-MM-DD) a trigger recurs on each year, as an anniversary key; null: none. */
function recurringKey(program: Program, state: MemberView, trigger: ScheduledTrigger): string | null {
  if (trigger === "schedule:anniversary") return localDateKey(state.joinedAt, program.timeZone);
  if (state.birthday === null) return null;
  // A birthday is kept as YYYY-MM-DD or --MM-DD; 2000 is a leap year, so 29 February stays itself.
  const monthDay = state.birthday.slice(-5);
  return dateKey(2000, Number(monthDay.slice(0, 2)), Number(monthDay.slice(3, 5)));
}

/** The local midnights in (after, until] on which the trigger recurs, ascending, at most `max`. */
function occurrences(
  program: Program,
  state: MemberView,
  trigger: ScheduledTrigger,
  after: number,
  until: number,
  max: number,
): number[] {
  const key = recurringKey(program, state, trigger);
  if (key === null) return [];
  const zone = program.timeZone;
  // Never on or before the joining day itself: the first birthday paid is the first after joining.
  let day = localDateKey(Math.max(after, state.joinedAt), zone);
  const out: number[] = [];
  for (let n = 0; n < max; n++) {
    day = anniversaryAfter(key, day);
    const at = dayStart(day, zone);
    if (at > until) break;
    if (at > after && at > state.joinedAt) out.push(at);
  }
  return out;
}

function evaluateAt(program: Program, state: MemberView, trigger: ScheduledTrigger, at: number, tier: string | null) {
  const ctx = accrualContext(program, {
    trigger,
    amount: ZERO,
    lines: null,
    attributes: {},
    occurredAt: at,
    member: {
      attributes: state.attributes,
      birthday: state.birthday === null ? null : state.birthday.slice(-5),
      tier,
      // The member's history as the state holds it now (history conditions: program/conditions.ts).
      joinedAt: state.joinedAt,
      purchases: state.purchaseCount,
      lastPurchaseAt: state.activity.purchase ?? null,
      categoriesBought: state.categoriesBought,
    },
  });
  return evaluateRules(program, ctx, state);
}

const hasRules = (program: Program, trigger: ScheduledTrigger) =>
  (program.rulesByTrigger.get(trigger)?.length ?? 0) > 0;

/**
 * Pays every scheduled bonus whose instant falls after the member's last write (`lastWrite`) and
 * at or before now, in time order, at the tier held at each instant (`tierAt`). Its points are
 * available at once and dated at the instant, like a tier bonus.
 */
export function payScheduledBonuses(
  writer: LedgerWriter,
  program: Program,
  lastWrite: number,
  tierAt: (at: number) => string | null,
): Evaluation[] {
  const due: { at: number; trigger: ScheduledTrigger }[] = [];
  for (const trigger of SCHEDULED_TRIGGERS)
    if (hasRules(program, trigger))
      for (const at of occurrences(program, writer.state, trigger, lastWrite, writer.now, MAX_YEARS))
        due.push({ at, trigger });
  due.sort((a, b) => a.at - b.at || a.trigger.localeCompare(b.trigger));
  const paid: Evaluation[] = [];
  for (const { at, trigger } of due) {
    const evaluation = evaluateAt(program, writer.state, trigger, at, tierAt(at));
    writeAwards(writer, program, evaluation, at, at, null);
    paid.push(evaluation);
  }
  return paid;
}

/**
 * The next instant after `after` at which a scheduled bonus would pay something, if nothing else
 * happens to the member before it (any write recomputes it): what the store's due index is told.
 * Looks a few years ahead, so a campaign window or a condition that skips a year is still found.
 */
export function nextScheduledBonusAt(program: Program, state: MemberView, after: number): number | null {
  let next: number | null = null;
  for (const trigger of SCHEDULED_TRIGGERS) {
    if (!hasRules(program, trigger)) continue;
    for (const at of occurrences(program, state, trigger, after, Number.POSITIVE_INFINITY, 8)) {
      if (next !== null && at >= next) break;
      if (evaluateAt(program, state, trigger, at, state.tier?.id ?? null).awards.length > 0) {
        next = at;
        break;
      }
    }
  }
  return next;
}
