/**
 * The hand-written loops of the replay figure (bench/replay-loop.ts): the decimal arithmetic of a
 * program's earning rules, written as code for that program, over the same commands the engine
 * replays, summing into per-member tallies in a Map. No validation, idempotency, ledger, lots or
 * store: what is left when all the bookkeeping is taken away.
 *
 * What the loops cover, and what they leave out (so the figures they are checked on are the ones
 * both compute):
 * - example program (examples/program.ts): the base rate (1 point per £1 rounded down, into
 *   `points` and `status`), the weekend multiplier (×2 on the base, capped at 500 a local day) and
 *   the big-basket bonus (+50 at £200, capped at 200 a local month), per member. The birthday rule
 *   never fires in the replay (members enrol without a birthday) and is not written. Caps keep the
 *   current period's counter only: the replay runs in time order, so no purchase lands in an
 *   earlier period. A return without a receipt asks back what the base rate gives for its amount;
 *   the loop adds up what is asked back, not how the engine splits it between points taken back
 *   and points forgiven (that needs lots, pending and expiry, which the loop does not keep).
 * - bench program (benchProgram, bench/postgres-client.ts): the base rate into `points` and
 *   `status`, +25 at $100. No caps. Expiry (12 months) changes no earned figure and is not kept.
 */
import { Decimal } from "../src/index.js";
import type { LoopCommand } from "./replay-histories.js";

/** What the loop keeps per member: points and status credits earned, points asked back by returns, and the caps' counters. */
export interface MemberTally {
  points: Decimal;
  status: Decimal;
  askedBack: Decimal;
  statusAskedBack: Decimal;
  capDay: string;
  weekendToday: Decimal;
  capMonth: string;
  bigBasketThisMonth: Decimal;
}

export interface LoopResult {
  readonly commands: number;
  readonly tallies: Map<string, MemberTally>;
  /** Sums over the members. */
  readonly points: Decimal;
  readonly status: Decimal;
  readonly askedBack: Decimal;
}

const ZERO = new Decimal(0);
const DOWN = Decimal.ROUND_DOWN;

function newTally(): MemberTally {
  return {
    points: ZERO,
    status: ZERO,
    askedBack: ZERO,
    statusAskedBack: ZERO,
    capDay: "",
    weekendToday: ZERO,
    capMonth: "",
    bigBasketThisMonth: ZERO,
  };
}

function totals(commands: number, tallies: Map<string, MemberTally>): LoopResult {
  let points = ZERO,
    status = ZERO,
    askedBack = ZERO;
  for (const t of tallies.values()) {
    points = points.plus(t.points);
    status = status.plus(t.status);
    askedBack = askedBack.plus(t.askedBack);
  }
  return { commands, tallies, points, status, askedBack };
}

// examples/program.ts, as code.
const WEEKEND_EXTRA = new Decimal(1); // factor 2: the multiplier adds (2 - 1) × the base points
const WEEKEND_DAY_CAP = new Decimal(500);
const BIG_BASKET_FROM = new Decimal(200);
const BIG_BASKET_BONUS = new Decimal(50);
const BIG_BASKET_MONTH_CAP = new Decimal(200);

/** Points within a cap: at most what is left of `cap` after `used`, never below zero. */
const capped = (points: Decimal, cap: Decimal, used: Decimal) =>
  Decimal.max(Decimal.min(points, cap.minus(used)), ZERO);

export function exampleProgramLoop(commands: readonly LoopCommand[]): LoopResult {
  const tallies = new Map<string, MemberTally>();
  for (const c of commands) {
    if (c.kind === "enrol") {
      tallies.set(c.memberId, newTally());
      continue;
    }
    const t = tallies.get(c.memberId)!;
    const base = c.amount.toDecimalPlaces(0, DOWN);
    if (c.kind === "return") {
      t.askedBack = t.askedBack.plus(base);
      t.statusAskedBack = t.statusAskedBack.plus(base);
      continue;
    }
    let points = base;
    if (c.weekend) {
      if (t.capDay !== c.day) {
        t.capDay = c.day;
        t.weekendToday = ZERO;
      }
      const extra = capped(base.times(WEEKEND_EXTRA).toDecimalPlaces(0, DOWN), WEEKEND_DAY_CAP, t.weekendToday);
      t.weekendToday = t.weekendToday.plus(extra);
      points = points.plus(extra);
    }
    if (c.amount.gte(BIG_BASKET_FROM)) {
      if (t.capMonth !== c.month) {
        t.capMonth = c.month;
        t.bigBasketThisMonth = ZERO;
      }
      const bonus = capped(BIG_BASKET_BONUS, BIG_BASKET_MONTH_CAP, t.bigBasketThisMonth);
      t.bigBasketThisMonth = t.bigBasketThisMonth.plus(bonus);
      points = points.plus(bonus);
    }
    t.points = t.points.plus(points);
    t.status = t.status.plus(base);
  }
  return totals(commands.length, tallies);
}

// benchProgram, as code.
const CD_BIG_BASKET_FROM = new Decimal(100);
const CD_BIG_BASKET_BONUS = new Decimal(25);

export function benchProgramLoop(commands: readonly LoopCommand[]): LoopResult {
  const tallies = new Map<string, MemberTally>();
  for (const c of commands) {
    if (c.kind === "enrol") {
      tallies.set(c.memberId, newTally());
      continue;
    }
    const t = tallies.get(c.memberId)!;
    const base = c.amount.toDecimalPlaces(0, DOWN);
    if (c.kind === "return") {
      t.askedBack = t.askedBack.plus(base);
      t.statusAskedBack = t.statusAskedBack.plus(base);
      continue;
    }
    t.points = t.points.plus(c.amount.gte(CD_BIG_BASKET_FROM) ? base.plus(CD_BIG_BASKET_BONUS) : base);
    t.status = t.status.plus(base);
  }
  return totals(commands.length, tallies);
}
