/**
 * The two real histories of the replay-beside-a-loop figure (bench/replay-loop.ts), in the two forms
 * it needs: commands for the engine, and the same commands in the hand-written loop's input form.
 * - UCI Online Retail invoices (examples/data) through the example program (examples/program.ts):
 *   examples/replay.ts parses and replays them (section b); `uciCommands` turns the same events into
 *   the loop's commands, with the same skips as `replayInvoices`.
 * - CDNOW purchases (bench/data) through the program of sections c and d (`benchProgram`):
 *   `replayCdnow` replays them in time order through one engine on the in-memory store, its clock
 *   set to each purchase (section d replays customers in parallel into PostgreSQL instead);
 *   `cdnowCommands` gives the loop's commands.
 */
import { readFileSync } from "node:fs";
import { tzOffset } from "@date-fns/tz";
import { Decimal } from "../src/index.js";
import { exampleProgram } from "../examples/program.js";
import type { InvoiceEvent, ReplayTarget } from "../examples/replay.js";
import { benchProgram, parseCdnow, type CdnowPurchase } from "./postgres-client.js";

export const CDNOW_FILE = new URL("./data/cdnow_master.txt", import.meta.url);

/** One command as the loop reads it: prepared before timing, as the accrual bench prepares its inputs. */
export interface LoopCommand {
  readonly kind: "enrol" | "purchase" | "return";
  readonly memberId: string;
  /** Money, positive (for a return, what comes back); zero for an enrolment. */
  readonly amount: Decimal;
  /** The local day and month (program time zone) the command falls in: the keys of the rules' caps. */
  readonly day: string;
  readonly month: string;
  /** Saturday or Sunday, local. */
  readonly weekend: boolean;
}

/** Local day, month and weekday of an instant, from the zone's offset (cached per UTC hour: offsets change on the hour). */
function localCalendar(zone: string) {
  const offsets = new Map<number, number>();
  return (ms: number) => {
    const hour = Math.floor(ms / 3_600_000);
    let offset = offsets.get(hour);
    if (offset === undefined) offsets.set(hour, (offset = tzOffset(zone, new Date(ms))));
    const local = new Date(ms + offset * 60_000);
    const month = `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, "0")}`;
    const weekday = local.getUTCDay();
    return { day: `${month}-${String(local.getUTCDate()).padStart(2, "0")}`, month, weekend: weekday % 6 === 0 };
  };
}

const ZERO = new Decimal(0);

/** The loop's commands for the invoices `replayInvoices` replays, skipping what it skips. */
export function uciCommands(events: readonly InvoiceEvent[]): LoopCommand[] {
  const calendar = localCalendar(exampleProgram.timeZone);
  const members = new Set<string>();
  const out: LoopCommand[] = [];
  for (const ev of events) {
    if (ev.customerId === null || ev.kind === "other") continue;
    const local = calendar(ev.occurredAt);
    if (!members.has(ev.customerId)) {
      members.add(ev.customerId);
      out.push({ kind: "enrol", memberId: ev.customerId, amount: ZERO, ...local });
    }
    const amount = ev.kind === "purchase" ? ev.amount : ev.amount.neg();
    if (!amount.gt(0)) continue;
    out.push({ kind: ev.kind === "purchase" ? "purchase" : "return", memberId: ev.customerId, amount, ...local });
  }
  return out;
}

/** CDNOW's purchases in replay order: by time, then by line (a customer's purchases of one day stay in file order). */
export function loadCdnow(): CdnowPurchase[] {
  return parseCdnow(readFileSync(CDNOW_FILE, "utf8")).sort((a, b) => a.at - b.at || a.line - b.line);
}

/** A customer enrols at their first row, even one of $0.00 (as section d does); $0.00 purchases are skipped. */
const isZero = (p: CdnowPurchase) => !/[1-9]/.test(p.amount);

export function cdnowCommands(purchases: readonly CdnowPurchase[]): LoopCommand[] {
  const calendar = localCalendar(benchProgram.timeZone);
  const members = new Set<string>();
  const out: LoopCommand[] = [];
  for (const p of purchases) {
    const local = calendar(p.at);
    if (!members.has(p.customerId)) {
      members.add(p.customerId);
      out.push({ kind: "enrol", memberId: p.customerId, amount: ZERO, ...local });
    }
    if (!isZero(p)) out.push({ kind: "purchase", memberId: p.customerId, amount: new Decimal(p.amount), ...local });
  }
  return out;
}

export interface CdnowReplayStats {
  readonly commands: number;
  readonly enrolled: number;
  readonly purchases: number;
  readonly skippedZero: number;
  /** Points (wallet "points") the purchases earned, from the results. */
  readonly pointsEarned: Decimal;
  readonly elapsedMs: number;
  /** Members in enrolment order. */
  readonly memberIds: readonly string[];
}

/**
 * Replays CDNOW through `target` (an engine on benchProgram), one command at a time, the clock at
 * each purchase's time (noon, New York, on its date). `onProgress` is called every `every` commands
 * and once at the end.
 */
export async function replayCdnow(
  target: ReplayTarget,
  purchases: readonly CdnowPurchase[],
  every: number,
  onProgress: () => void,
): Promise<CdnowReplayStats> {
  const { engine, clock } = target;
  const members: string[] = [];
  const enrolled = new Set<string>();
  let commands = 0,
    bought = 0,
    skippedZero = 0,
    pointsEarned = ZERO;
  const count = () => {
    if (++commands % every === 0) onProgress();
  };
  const started = performance.now();
  for (const p of purchases) {
    clock.set(p.at);
    if (!enrolled.has(p.customerId)) {
      await engine.enroll({ key: `enroll:${p.customerId}`, memberId: p.customerId, joinedAt: new Date(p.at) });
      enrolled.add(p.customerId);
      members.push(p.customerId);
      count();
    }
    if (isZero(p)) {
      skippedZero++;
      continue;
    }
    const r = await engine.recordPurchase({
      key: `cdnow:${p.line}`,
      memberId: p.customerId,
      purchaseId: `line-${p.line}`,
      amount: p.amount,
      currency: "USD",
    });
    pointsEarned = pointsEarned.plus(r.totals.points ?? "0");
    bought++;
    count();
  }
  const elapsedMs = performance.now() - started;
  onProgress();
  return {
    commands,
    enrolled: members.length,
    purchases: bought,
    skippedZero,
    pointsEarned,
    elapsedMs,
    memberIds: members,
  };
}
