/**
 * One program replayed over a history: the engine itself (createLoyaltyEngine on a memory store)
 * with its clock set to each event, the month-end sweeps run at each month's end so that expiries,
 * tier reviews and automatic conversions land in the month they belong to, and the redemption
 * model applied after them. What the engine refuses is collected with its line, never skipped.
 */
import { createLoyaltyEngine } from "../engine/engine.js";
import type { LoyaltyEngine } from "../engine/facade.js";
import { isLoyaltyError } from "../errors/loyalty-error.js";
import type { Program } from "../program/compile.js";
import type { CompiledReward } from "../program/compiled.js";
import { Decimal } from "../shared/decimal.js";
import { endOfPeriod } from "../shared/calendar.js";
import { periodKey } from "../shared/periods.js";
import { createMemoryStore } from "../store/memory.js";
import type { HistoryEvent } from "./history.js";
import { consideredRewards, seededRandom, type RedemptionModel } from "./redemption.js";
import { LedgerTally, emptyFlows, type MonthFlows } from "./tally.js";
import { tapStore } from "./tap.js";

export interface RefusedRow {
  readonly line: number;
  readonly memberId: string | null;
  readonly command: "enroll" | "purchase" | "return";
  readonly code: string;
  readonly message: string;
}

export interface MonthRecord {
  /** YYYY-MM in the program's time zone. */
  readonly month: string;
  /** Epoch ms of the month's end, when its sweeps ran. */
  readonly end: number;
  readonly flows: MonthFlows;
  /** Outstanding points summed from members' committed snapshots, after the month's sweeps and redemptions. */
  readonly outstanding: Decimal;
  readonly tiers: Record<string, number>;
  readonly members: number;
}

export interface ProgressTick {
  readonly events: number;
  readonly totalEvents: number;
  readonly members: number;
  readonly commands: number;
}

export interface RunOptions {
  readonly wallet: string;
  readonly until: number | null;
  readonly seed: number;
  readonly redemption: RedemptionModel;
  readonly strict: boolean;
  readonly onProgress?: (tick: ProgressTick) => void;
}

export interface RunRecord {
  readonly months: readonly MonthRecord[];
  readonly refused: readonly RefusedRow[];
  /** True when `strict` stopped the replay at the first refused row. */
  readonly stopped: boolean;
  /** Commands sent to the engine (enrolments, purchases, returns, redemptions; sweeps not counted). */
  readonly commands: number;
  readonly events: number;
  readonly tally: LedgerTally;
  readonly engine: LoyaltyEngine;
  /** The cheapest reward the redemption model considers (reach is measured against it); null: none. */
  readonly reachReward: CompiledReward | null;
}

const PROGRESS_EVERY = 500;

export async function runProgram(
  program: Program,
  history: readonly HistoryEvent[],
  o: RunOptions,
): Promise<RunRecord> {
  let now = 0;
  const clock = () => now;
  const rewards = consideredRewards(program, o.wallet, o.redemption);
  const tally = new LedgerTally(o.wallet, rewards[0]?.price ?? null, clock);
  const store = tapStore(createMemoryStore(), (batch) => tally.observe(batch));
  let ids = 0,
    codes = 0;
  const engine = createLoyaltyEngine({
    program,
    store,
    clock,
    ids: () => `s${(++ids).toString(36)}`,
    codes: () => `SIM-${String(++codes).padStart(7, "0")}`,
  });
  const zone = program.timeZone;
  const random = seededRandom(o.seed);
  const months: MonthRecord[] = [];
  const refused: RefusedRow[] = [];
  const enrolled = new Set<string>();
  const order: string[] = []; // members in enrolment order: the redemption model's order
  let commands = 0,
    events = 0,
    stopped = false,
    monthEnd: number | null = null;

  const closeMonth = async (end: number) => {
    now = end;
    await engine.expire();
    await engine.reviewTiers();
    await engine.convertPoints();
    if (o.redemption.kind === "cheapest")
      commands += await redeemRound(engine, tally, order, rewards, random, o.redemption.probability, end);
    tally.checkReach(end);
    months.push({
      month: periodKey(end - 1, zone, "month"),
      end,
      flows: tally.month,
      outstanding: tally.outstanding(),
      tiers: tally.tierCounts(),
      members: enrolled.size,
    });
    tally.month = emptyFlows();
  };
  const refuse = (e: HistoryEvent, command: RefusedRow["command"], error: unknown) => {
    if (!isLoyaltyError(error)) throw error;
    refused.push({ line: e.line, memberId: e.memberId, command, code: error.code, message: error.message });
    if (o.strict) stopped = true;
  };

  for (const e of history) {
    if (o.until !== null && e.at > o.until) break;
    monthEnd ??= endOfPeriod(e.at, zone, "month");
    while (e.at >= monthEnd) {
      await closeMonth(monthEnd);
      monthEnd = endOfPeriod(monthEnd, zone, "month");
    }
    now = e.at;
    events++;
    if (events % PROGRESS_EVERY === 0)
      o.onProgress?.({ events, totalEvents: history.length, members: enrolled.size, commands });
    const amount = new Decimal(e.amount);
    if (e.kind === "purchase") tally.sale(amount, e.memberId);
    else tally.returned(amount);
    if (e.memberId === null) continue;
    const memberId = e.memberId;
    const occurredAt = new Date(e.at);
    if (!enrolled.has(memberId)) {
      commands++;
      try {
        await engine.enroll({
          key: `enroll:${memberId}`,
          memberId,
          joinedAt: occurredAt,
          ...(e.attributes ? { attributes: { ...e.attributes } } : {}),
        });
        enrolled.add(memberId);
        order.push(memberId);
      } catch (error) {
        refuse(e, "enroll", error);
        if (stopped) break;
        continue;
      }
    }
    commands++;
    const id = e.id ?? `line-${e.line}`;
    try {
      if (e.kind === "purchase") {
        await engine.recordPurchase({
          key: `purchase:${id}`,
          memberId,
          purchaseId: id,
          amount: e.amount,
          currency: e.currency,
          occurredAt,
          ...(e.lines ? { lines: e.lines.map((l) => ({ ...l })) } : {}),
        });
      } else {
        await engine.refund({
          key: `return:${id}`,
          memberId,
          amount: e.amount,
          currency: e.currency,
          ...(e.returnsPurchaseId !== null ? { purchaseId: e.returnsPurchaseId } : {}),
        });
      }
    } catch (error) {
      refuse(e, e.kind, error);
      if (stopped) break;
    }
  }
  if (monthEnd !== null && !stopped) {
    // The month of the last event, then on to `until`'s month: what the points still held do after the history ends.
    const last = o.until === null ? monthEnd : Math.max(monthEnd, endOfPeriod(o.until, zone, "month"));
    while (monthEnd <= last) {
      await closeMonth(monthEnd);
      monthEnd = endOfPeriod(monthEnd, zone, "month");
    }
  }
  o.onProgress?.({ events, totalEvents: history.length, members: enrolled.size, commands });
  return { months, refused, stopped, commands, events, tally, engine, reachReward: rewards[0] ?? null };
}

/** The redemption model's month-end round; returns the redemptions sent. */
async function redeemRound(
  engine: LoyaltyEngine,
  tally: LedgerTally,
  order: readonly string[],
  rewards: readonly { readonly id: string; readonly price: Decimal }[],
  random: () => number,
  probability: number,
  at: number,
): Promise<number> {
  const cheapest = rewards[0];
  if (cheapest === undefined) return 0;
  const considered = new Set(rewards.map((r) => r.id));
  let sent = 0;
  for (const memberId of order) {
    // Every member draws every month, whatever their balance: the stream of draws, and so each
    // member's luck, does not depend on the program being simulated.
    const draw = random();
    if (draw >= probability) continue;
    if (tally.members.get(memberId)!.spendable(at).lt(cheapest.price)) continue;
    const offers = (await engine.rewards(memberId))
      .filter((r) => considered.has(r.rewardId) && r.redeemable)
      .sort((a, b) => new Decimal(a.price).cmp(b.price) || (a.rewardId < b.rewardId ? -1 : 1));
    const offer = offers[0];
    if (offer === undefined) continue;
    sent++;
    await engine.redeem({ key: `redeem:${memberId}:${at}`, memberId, rewardId: offer.rewardId });
  }
  return sent;
}
