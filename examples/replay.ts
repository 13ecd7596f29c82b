/**
 * Replays the UCI "Online Retail" invoices (examples/data/online_retail_invoices.csv) through a
 * loyalty engine. Used by the demo (examples/demo.ts) and the benchmark (bench/index.ts).
 *
 * - `parseInvoices` turns the CSV text into typed invoice events, in time order.
 * - `createReplayEngine` builds an engine whose clock the replay sets to each invoice's time.
 * - `replayInvoices` drives the engine: enroll at a customer's first invoice, record purchases,
 *   process cancellations as returns without a receipt; it returns what it did.
 * - `programTotals` sums every member's summary at the end.
 */
import { readFileSync } from "node:fs";
import { TZDate } from "@date-fns/tz";
import {
  Decimal,
  createLoyaltyEngine,
  createMemoryStore,
  type LoyaltyEngine,
  type LoyaltyStore,
  type MemberSummary,
  type Program,
  type ProgramInput,
} from "../src/index.js";
import { exampleProgram } from "./program.js";

/** The data set's own time zone: InvoiceDate is UK wall-clock time. */
export const DATA_TIME_ZONE = "Europe/London";
export const DATA_CURRENCY = "GBP";
export const INVOICES_CSV = new URL("./data/online_retail_invoices.csv", import.meta.url);

export interface InvoiceEvent {
  readonly invoiceNo: string;
  /** `C…` invoices cancel (return) goods; `A…` invoices are bookkeeping adjustments ("other"). */
  readonly kind: "purchase" | "cancellation" | "other";
  /** null when the data has no customer (the CSV says "(blank)"). */
  readonly customerId: string | null;
  readonly country: string;
  /** Epoch milliseconds of the invoice's first row. */
  readonly occurredAt: number;
  /** Quantity × UnitPrice rounded to pennies (half up), signed as in the data, summed over the invoice's rows. */
  readonly amount: Decimal;
  /** CSV line of the invoice's first row (1 is the header). */
  readonly line: number;
  /** CSV rows merged into this invoice (2 when its lines were stamped in two consecutive minutes). */
  readonly rows: number;
}

export interface ParsedInvoices {
  /** In time order; invoices of the same minute keep the file's order. */
  readonly events: readonly InvoiceEvent[];
  readonly rows: number;
  /** Rows folded into an earlier row of the same InvoiceNo. */
  readonly mergedRows: number;
}

const HEADER = "InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice";
const DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** UTC offset (ms) per local hour: UK clock changes happen on the hour, so one lookup serves 60 minutes. */
const offsets = new Map<string, number>();

/** `M/D/YYYY H:MM` in Europe/London to an instant, right on both sides of a BST change. */
export function parseUkLocal(text: string): number {
  const m = DATE.exec(text);
  if (!m) throw new Error(`not a M/D/YYYY H:MM date: ${JSON.stringify(text)}`);
  const [month, day, year, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (minute > 59) throw new Error(`${text} is not a valid time`);
  const key = `${year}-${month}-${day} ${hour}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const local = new TZDate(year, month - 1, day, hour, 0, DATA_TIME_ZONE);
    // A wall-clock time that does not exist (the spring-forward gap) or an invalid date comes back shifted.
    if (
      local.getFullYear() !== year ||
      local.getMonth() !== month - 1 ||
      local.getDate() !== day ||
      local.getHours() !== hour
    ) {
      throw new Error(`${text} is not a valid ${DATA_TIME_ZONE} time`);
    }
    offset = Date.UTC(year, month - 1, day, hour) - local.getTime();
    offsets.set(key, offset);
  }
  return Date.UTC(year, month - 1, day, hour, minute) - offset;
}

/** Parses the CSV. Throws, naming the line, on anything it does not understand. */
export function parseInvoices(csv: string): ParsedInvoices {
  const lines = csv.split(/\r?\n/);
  if (lines[0] !== HEADER) throw new Error(`unexpected header: ${JSON.stringify(lines[0])}`);
  const byInvoice = new Map<string, { event: InvoiceEvent; amount: Decimal; rows: number }>();
  const order: string[] = [];
  let rows = 0,
    mergedRows = 0;
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!;
    if (text === "") continue;
    const line = i + 1;
    const fields = text.split(",");
    if (fields.length !== 6) throw new Error(`line ${line}: expected 6 fields, got ${fields.length}`);
    const [invoiceNo, date, customer, country, quantity, unitPrice] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!INTEGER.test(quantity))
      throw new Error(`line ${line}: Quantity ${JSON.stringify(quantity)} is not a whole number`);
    if (!DECIMAL.test(unitPrice))
      throw new Error(`line ${line}: UnitPrice ${JSON.stringify(unitPrice)} is not a decimal`);
    let occurredAt: number;
    try {
      occurredAt = parseUkLocal(date);
    } catch (error) {
      throw new Error(`line ${line}: ${(error as Error).message}`, { cause: error });
    }
    rows++;
    const customerId = customer === "" || customer === "(blank)" ? null : customer;
    const amount = new Decimal(quantity).times(unitPrice).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const kind = invoiceNo.startsWith("C") ? "cancellation" : /^\d+$/.test(invoiceNo) ? "purchase" : "other";
    const seen = byInvoice.get(invoiceNo);
    if (seen) {
      // The aggregation keys on (InvoiceNo, InvoiceDate): an invoice whose lines straddle a minute
      // comes as two rows. It is one purchase, so it becomes one event at its first row's time.
      if (seen.event.customerId !== customerId)
        throw new Error(`line ${line}: invoice ${invoiceNo} names two customers`);
      seen.amount = seen.amount.plus(amount);
      seen.rows++;
      mergedRows++;
      continue;
    }
    byInvoice.set(invoiceNo, {
      event: { invoiceNo, kind, customerId, country, occurredAt, amount, line, rows: 1 },
      amount,
      rows: 1,
    });
    order.push(invoiceNo);
  }
  const events = order.map((no) => {
    const { event, amount, rows: n } = byInvoice.get(no)!;
    return { ...event, amount, rows: n };
  });
  events.sort((a, b) => a.occurredAt - b.occurredAt); // stable: ties keep the file's order
  return { events, rows, mergedRows };
}

export function loadInvoices(path: URL | string = INVOICES_CSV): ParsedInvoices {
  return parseInvoices(readFileSync(path, "utf8"));
}

/** A clock the replay moves: the engine reads `now`, the replay calls `set`. */
export interface ReplayClock {
  readonly now: () => number;
  set(ms: number): void;
}

export interface ReplayTarget {
  readonly engine: LoyaltyEngine;
  readonly store: LoyaltyStore;
  readonly clock: ReplayClock;
}

/** An engine on `store` (default: a fresh in-memory store) with a settable clock and sequential ids. */
export function createReplayEngine(
  program: ProgramInput | Program = exampleProgram,
  store: LoyaltyStore = createMemoryStore(),
): ReplayTarget {
  let t = 0;
  let n = 0;
  const clock: ReplayClock = {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
  };
  let codes = 0;
  const engine = createLoyaltyEngine({
    program,
    store,
    clock: clock.now,
    ids: () => `e${(++n).toString(36)}`,
    codes: () => `VCH-${String(++codes).padStart(6, "0")}`,
  });
  return { engine, store, clock };
}

export interface ReplayStats {
  readonly invoices: number;
  /** Commands sent to the engine: enrolments + purchases + returns. */
  readonly commands: number;
  readonly enrolled: number;
  readonly purchases: number;
  readonly purchaseAmount: Decimal;
  readonly returns: number;
  readonly returnAmount: Decimal;
  readonly skippedNoCustomer: number;
  /** Purchases or cancellations whose amount is zero or has the wrong sign. */
  readonly skippedNonPositive: number;
  /** Bookkeeping invoices (`A…`, "adjust bad debt") that belong to a customer: none in this data. */
  readonly skippedOther: number;
  /** Points (wallet `points`) the purchases earned, from the results. */
  readonly pointsEarned: Decimal;
  /** Points (wallet `points`) returns took back, and what they could not take back (forgiven). */
  readonly pointsReversed: Decimal;
  readonly pointsForgiven: Decimal;
  readonly firstAt: number | null;
  readonly lastAt: number | null;
  readonly elapsedMs: number;
  /** Members in enrolment order. */
  readonly memberIds: readonly string[];
}

export interface ReplayOptions {
  /** The spendable wallet to count in the stats. Default "points". */
  readonly wallet?: string;
  /** Called after every `progressEvery` commands (default 1000), and once at the end. */
  readonly onProgress?: (commands: number) => void;
  readonly progressEvery?: number;
}

/**
 * Replays the events through the target's engine, in the order given (parseInvoices sorts by
 * time). Every write's idempotency key is derived from the invoice, so a second replay into the
 * same store replays results rather than crediting twice.
 */
export async function replayInvoices(
  target: ReplayTarget,
  events: readonly InvoiceEvent[],
  options: ReplayOptions = {},
): Promise<ReplayStats> {
  const { engine, clock } = target;
  const wallet = options.wallet ?? "points";
  const every = options.progressEvery ?? 1000;
  const members = new Set<string>();
  let commands = 0,
    purchases = 0,
    returns = 0,
    skippedNoCustomer = 0,
    skippedNonPositive = 0,
    skippedOther = 0;
  let purchaseAmount = new Decimal(0),
    returnAmount = new Decimal(0);
  let pointsEarned = new Decimal(0),
    pointsReversed = new Decimal(0),
    pointsForgiven = new Decimal(0);
  const count = () => {
    if (++commands % every === 0) options.onProgress?.(commands);
  };

  const started = performance.now();
  for (const ev of events) {
    if (ev.customerId === null) {
      skippedNoCustomer++;
      continue;
    }
    if (ev.kind === "other") {
      skippedOther++;
      continue;
    }
    const memberId = ev.customerId;
    clock.set(ev.occurredAt);
    const occurredAt = new Date(ev.occurredAt);
    try {
      if (!members.has(memberId)) {
        await engine.enroll({
          key: `enroll:${memberId}`,
          memberId,
          joinedAt: occurredAt,
          attributes: { country: ev.country },
        });
        members.add(memberId);
        count();
      }
      if (ev.kind === "purchase") {
        if (!ev.amount.gt(0)) {
          skippedNonPositive++;
          continue;
        }
        const r = await engine.recordPurchase({
          key: `purchase:${ev.invoiceNo}`,
          memberId,
          purchaseId: ev.invoiceNo,
          amount: ev.amount.toFixed(2),
          currency: DATA_CURRENCY,
          occurredAt,
        });
        pointsEarned = pointsEarned.plus(r.totals[wallet] ?? "0");
        purchases++;
        purchaseAmount = purchaseAmount.plus(ev.amount);
      } else {
        const amount = ev.amount.neg();
        if (!amount.gt(0)) {
          skippedNonPositive++;
          continue;
        }
        // The data does not say which invoice a cancellation cancels: a return without a receipt.
        const r = await engine.refund({
          key: `return:${ev.invoiceNo}`,
          memberId,
          amount: amount.toFixed(2),
          currency: DATA_CURRENCY,
        });
        for (const rev of r.reversed) {
          if (rev.wallet !== wallet) continue;
          pointsReversed = pointsReversed.plus(rev.points);
          pointsForgiven = pointsForgiven.plus(rev.forgiven);
        }
        returns++;
        returnAmount = returnAmount.plus(amount);
      }
      count();
    } catch (error) {
      throw new Error(`replay failed at invoice ${ev.invoiceNo} (CSV line ${ev.line}): ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const elapsedMs = performance.now() - started;
  options.onProgress?.(commands);
  const at = events.filter((e) => e.customerId !== null);
  return {
    invoices: events.length,
    commands,
    enrolled: members.size,
    purchases,
    purchaseAmount,
    returns,
    returnAmount,
    skippedNoCustomer,
    skippedNonPositive,
    skippedOther,
    pointsEarned,
    pointsReversed,
    pointsForgiven,
    firstAt: at[0]?.occurredAt ?? null,
    lastAt: at.at(-1)?.occurredAt ?? null,
    elapsedMs,
    memberIds: [...members],
  };
}

export interface MemberBalance {
  readonly memberId: string;
  readonly available: Decimal;
  readonly pending: Decimal;
  readonly earned: Decimal;
}

export interface ProgramTotals {
  readonly members: number;
  readonly available: Decimal;
  readonly pending: Decimal;
  readonly debt: Decimal;
  readonly earned: Decimal;
  readonly spent: Decimal;
  /** Written off by an expire entry (the engine writes expired lots off at the member's next write). */
  readonly expired: Decimal;
  /** Past their expiry date but not yet written off (no write for the member since). */
  readonly expiredUnswept: Decimal;
  /** Members whose in less out is not held less debt (docs/architecture.md, invariant 3): should be none. */
  readonly unbalanced: readonly string[];
  readonly reversed: Decimal;
  readonly adjusted: Decimal;
  /** Points moved between members: over all members, what came in equals what went out. */
  readonly transferredIn: Decimal;
  readonly transferredOut: Decimal;
  readonly expiringSoon: Decimal;
  /** Largest available balances first (ties: member id). */
  readonly top: readonly MemberBalance[];
}

/**
 * Sums `engine.summary` over the members, as of the engine's clock, and checks each member's
 * figures against conservation: earned - spent - expired - reversed + adjusted + transferred in -
 * transferred out = lots - debt.
 */
export async function programTotals(
  target: ReplayTarget,
  memberIds: readonly string[],
  options: { wallet?: string; top?: number; expiringWithinDays?: number } = {},
): Promise<ProgramTotals> {
  const { engine } = target;
  const wallet = options.wallet ?? "points";
  const zero = new Decimal(0);
  let available = zero,
    pending = zero,
    debt = zero,
    earned = zero,
    spent = zero,
    expired = zero,
    expiredUnswept = zero,
    reversed = zero,
    adjusted = zero,
    expiringSoon = zero;
  let transferredIn = zero,
    transferredOut = zero;
  const balances: MemberBalance[] = [];
  const unbalanced: string[] = [];
  for (const memberId of memberIds) {
    const s: MemberSummary = await engine.summary(memberId, { expiringWithinDays: options.expiringWithinDays ?? 30 });
    const w = s.wallets[wallet];
    if (!w) throw new Error(`member ${memberId} has no wallet ${wallet}`);
    const unswept = new Decimal(w.expiredUnswept);
    const a = new Decimal(w.available),
      p = new Decimal(w.pending),
      d = new Decimal(w.debt);
    const l = {
      earned: new Decimal(w.lifetime.earned),
      spent: new Decimal(w.lifetime.spent),
      expired: new Decimal(w.lifetime.expired),
      reversed: new Decimal(w.lifetime.reversed),
      adjusted: new Decimal(w.lifetime.adjusted),
      transferredIn: new Decimal(w.lifetime.transferredIn),
      transferredOut: new Decimal(w.lifetime.transferredOut),
    };
    const net = l.earned
      .minus(l.spent)
      .minus(l.expired)
      .minus(l.reversed)
      .plus(l.adjusted)
      .plus(l.transferredIn)
      .minus(l.transferredOut);
    if (!net.eq(a.plus(p).plus(unswept).minus(d))) unbalanced.push(memberId);
    transferredIn = transferredIn.plus(l.transferredIn);
    transferredOut = transferredOut.plus(l.transferredOut);
    available = available.plus(a);
    pending = pending.plus(p);
    debt = debt.plus(d);
    earned = earned.plus(l.earned);
    spent = spent.plus(l.spent);
    expired = expired.plus(l.expired);
    reversed = reversed.plus(l.reversed);
    adjusted = adjusted.plus(l.adjusted);
    expiredUnswept = expiredUnswept.plus(unswept);
    expiringSoon = expiringSoon.plus(w.expiringSoonTotal);
    balances.push({ memberId, available: a, pending: p, earned: l.earned });
  }
  balances.sort(
    (x, y) => y.available.cmp(x.available) || (x.memberId < y.memberId ? -1 : x.memberId > y.memberId ? 1 : 0),
  );
  return {
    members: memberIds.length,
    available,
    pending,
    debt,
    earned,
    spent,
    expired,
    expiredUnswept,
    unbalanced,
    reversed,
    adjusted,
    transferredIn,
    transferredOut,
    expiringSoon,
    top: balances.slice(0, options.top ?? 10),
  };
}

export interface RewardsRound {
  /** Redemptions that landed, per reward. */
  readonly redeemed: Readonly<Record<string, number>>;
  /** Refusals met, by code. */
  readonly refused: Readonly<Record<string, number>>;
  /** Points redeemed, per reward. */
  readonly points: Readonly<Record<string, Decimal>>;
  readonly cancelled: number;
  readonly transfers: number;
  readonly referrals: number;
  /** Points the referral earned both members (wallet "points"). */
  readonly earned: Decimal;
  /** Tote bags left in stock, and how many the program started with. */
  readonly stockLeft: number | null;
  readonly stockStart: number;
  /** Vouchers issued (codes), and their face value. */
  readonly vouchers: number;
  readonly voucherValue: Decimal;
}

/**
 * A round of rewards on the replayed members, as of the engine's clock (the last invoice), on the
 * example catalogue: every member with 500 points takes a £5 voucher; then every member tries
 * for a tote bag (500 in stock, one each) until they run out; the first tote bag is cancelled (its
 * unit and points come back); the biggest balance gives 1,000 points to a school, sends 100 points
 * to the second biggest, refers the newest member, and converts the rest into Clubcard-style
 * vouchers. Keys are derived from the members, so a second round replays rather than repeats.
 */
export async function rewardsRound(
  target: ReplayTarget,
  memberIds: readonly string[],
  top: readonly string[],
): Promise<RewardsRound> {
  const { engine } = target;
  const redeemed: Record<string, number> = {},
    refused: Record<string, number> = {},
    points: Record<string, Decimal> = {};
  let cancelled = 0,
    transfers = 0,
    referrals = 0,
    vouchers = 0,
    voucherValue = new Decimal(0),
    earned = new Decimal(0);
  const attempt = async (
    run: () => Promise<{
      rewardId: string;
      points: string;
      grant: { codes: readonly string[]; value: string | null };
    } | null>,
  ) => {
    try {
      const r = await run();
      if (r === null) return;
      redeemed[r.rewardId] = (redeemed[r.rewardId] ?? 0) + 1;
      points[r.rewardId] = (points[r.rewardId] ?? new Decimal(0)).plus(r.points);
      vouchers += r.grant.codes.length;
      if (r.grant.codes.length > 0 && r.grant.value !== null) voucherValue = voucherValue.plus(r.grant.value);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "ERROR";
      refused[code] = (refused[code] ?? 0) + 1;
    }
  };
  for (const memberId of memberIds) {
    const available = new Decimal((await engine.summary(memberId)).wallets.points?.available ?? "0");
    if (available.gte(500))
      await attempt(() => engine.redeem({ key: `voucher:${memberId}`, memberId, rewardId: "voucher-5" }));
  }
  let firstTote: string | null = null;
  for (const memberId of memberIds) {
    await attempt(async () => {
      const r = await engine.redeem({ key: `tote:${memberId}`, memberId, rewardId: "tote-bag" });
      firstTote ??= memberId;
      return r;
    });
  }
  if (firstTote !== null) {
    await engine.cancelRedemption({
      key: `cancel-tote:${firstTote}`,
      memberId: firstTote,
      redemptionId: `tote:${firstTote}`,
      reason: "changed their mind",
    });
    cancelled++;
  }
  const [first, second, third] = top;
  if (first !== undefined) {
    await attempt(() =>
      engine.redeem({
        key: `school:${first}`,
        memberId: first,
        rewardId: "school",
        quantity: 10,
        cause: "st-marys-primary",
      }),
    );
    if (second !== undefined) {
      await engine.transfer({
        key: `gift:${first}:${second}`,
        fromMemberId: first,
        toMemberId: second,
        wallet: "points",
        points: "100",
        reference: "birthday gift",
      });
      transfers++;
    }
    const newest = memberIds.at(-1);
    if (newest !== undefined && newest !== first) {
      try {
        const r = await engine.refer({ key: `refer:${first}:${newest}`, referrerId: first, referredId: newest });
        earned = earned.plus(r.referrer.totals.points ?? "0").plus(r.referred.totals.points ?? "0");
        referrals++;
      } catch (error) {
        const code = (error as { code?: string }).code ?? "ERROR";
        refused[code] = (refused[code] ?? 0) + 1;
      }
    }
    for (const memberId of [first, third])
      if (memberId !== undefined)
        await attempt(() => engine.redeem({ key: `clubcard:${memberId}`, memberId, rewardId: "clubcard" }));
  }
  const tote = engine.program.rewards.get("tote-bag");
  return {
    redeemed,
    refused,
    points,
    cancelled,
    transfers,
    referrals,
    earned,
    stockLeft: await engine.stock("tote-bag"),
    stockStart: tote?.stock ?? 0,
    vouchers,
    voucherValue,
  };
}
