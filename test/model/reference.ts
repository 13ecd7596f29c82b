/**
 * A reference model of the ledger for the model-based test: integer pennies and integer points
 * (the program has scale 0), plain arrays, no decimal.js and none of the engine's code except the
 * calendar arithmetic (addLocal), which the time-zone tests check on their own. If the engine and
 * this model ever disagree, one of them misreads the invariants (docs/architecture.md, Invariants).
 */
import { addLocal } from "../../src/shared/time.js";
import type { NegativeBalancePolicy, ProgramDefinition } from "../../src/index.js";

export const ZONE = "Europe/London";
export const PENDING_DAYS = 7;
export const EXPIRY_DAYS = 60;

export function modelProgram(policy: NegativeBalancePolicy) {
  return {
    id: `model-${policy}`,
    version: 1,
    currency: "GBP",
    timeZone: ZONE,
    points: { scale: 0, rounding: "down" },
    wallets: [
      { id: "points", kind: "spendable" },
      { id: "status", kind: "qualifying", expiresAfter: null },
    ],
    expiry: { after: { days: EXPIRY_DAYS } },
    pending: { days: PENDING_DAYS },
    refunds: { negativeBalance: policy, baseRule: "base" },
    rules: [{ id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] }],
  } satisfies ProgramDefinition;
}

interface MLot {
  readonly seq: number;
  readonly amount: number;
  remaining: number;
  readonly earnedAt: number;
  /** Moved to now by an early release (releasePending). */
  availableAt: number;
  readonly expiresAt: number;
  readonly purchase: MPurchase | null;
}

/** A line of a purchase: units of one SKU (the model program's only rule is not tied to lines). */
export interface MLine {
  readonly sku: string;
  readonly quantity: number;
}

interface MPurchase {
  readonly id: string;
  readonly pennies: number;
  /** Null: recorded without lines, so a refund cannot name any. */
  readonly lines: readonly MLine[] | null;
  /** Units returned so far per SKU, and the money of the refunds that named lines. */
  readonly returned: Map<string, number>;
  lineRefunded: number;
  refunded: number;
  readonly earned: number;
  settled: number;
  /** Points actually taken back, and points of its lot that expired unused. */
  reversed: number;
  expired: number;
  lotSeq: number | null;
}

export class ReferenceModel {
  now: number;
  lots: MLot[] = [];
  purchases: MPurchase[] = [];
  debt = 0;
  earned = 0;
  spent = 0;
  expired = 0;
  reversed = 0;
  adjusted = 0;
  private lotCounter = 0;
  /** Successful writes by key: the payload, to tell a retry from a conflict. */
  readonly done = new Map<string, string>();

  constructor(
    readonly policy: NegativeBalancePolicy,
    now: number,
  ) {
    this.now = now;
  }

  private live(lot: MLot) {
    return lot.remaining > 0 && this.now < lot.expiresAt;
  }
  private pending(lot: MLot) {
    return this.live(lot) && this.now < lot.availableAt;
  }
  private available(lot: MLot) {
    return this.live(lot) && this.now >= lot.availableAt;
  }
  private static spendOrder(a: MLot, b: MLot) {
    return a.expiresAt - b.expiresAt || a.earnedAt - b.earnedAt || a.seq - b.seq;
  }

  availablePoints() {
    return this.lots.filter((l) => this.available(l)).reduce((s, l) => s + l.remaining, 0);
  }
  expiredUnsweptPoints() {
    return this.lots.filter((l) => l.remaining > 0 && this.now >= l.expiresAt).reduce((s, l) => s + l.remaining, 0);
  }
  pendingPoints() {
    return this.lots.filter((l) => this.pending(l)).reduce((s, l) => s + l.remaining, 0);
  }

  /** Every write first writes off what has expired. */
  private expireDue() {
    for (const lot of this.lots) {
      if (lot.remaining > 0 && this.now >= lot.expiresAt) {
        this.expired += lot.remaining;
        if (lot.purchase) lot.purchase.expired += lot.remaining;
        lot.remaining = 0;
      }
    }
  }

  private credit(points: number, availableAt: number, purchase: MPurchase | null): number {
    const repaid = Math.min(this.debt, points);
    this.debt -= repaid;
    const lot: MLot = {
      seq: ++this.lotCounter,
      amount: points,
      remaining: points - repaid,
      earnedAt: this.now,
      availableAt,
      expiresAt: addLocal(this.now, ZONE, { days: EXPIRY_DAYS }),
      purchase,
    };
    this.lots.push(lot);
    return lot.seq;
  }

  private draw(lots: MLot[], wanted: number): number {
    let left = wanted;
    for (const lot of lots) {
      const take = Math.min(lot.remaining, left);
      lot.remaining -= take;
      left -= take;
      if (left === 0) break;
    }
    return left;
  }

  findPurchase(index: number): MPurchase | undefined {
    return this.purchases[index % Math.max(1, this.purchases.length)];
  }

  purchase(id: string, pennies: number, lines: readonly MLine[] | null = null) {
    this.expireDue();
    const points = Math.floor(pennies / 100);
    this.earned += points;
    const purchase: MPurchase = {
      id,
      pennies,
      lines,
      returned: new Map(),
      lineRefunded: 0,
      refunded: 0,
      earned: points,
      settled: 0,
      reversed: 0,
      expired: 0,
      lotSeq: null,
    };
    if (points > 0) purchase.lotSeq = this.credit(points, addLocal(this.now, ZONE, { days: PENDING_DAYS }), purchase);
    this.purchases.push(purchase);
  }

  /** Draws points like a spend; false (and no change at all) if the available points fall short. */
  private debit(points: number): boolean {
    const lots = this.lots.filter((l) => this.available(l)).sort(ReferenceModel.spendOrder);
    if (lots.reduce((s, l) => s + l.remaining, 0) < points) return false;
    this.expireDue();
    this.draw(lots, points);
    return true;
  }

  /** Returns an error code, or null when the spend happened. */
  spend(points: number): string | null {
    if (!this.debit(points)) return "INSUFFICIENT_POINTS";
    this.spent += points;
    return null;
  }

  adjust(points: number): string | null {
    if (points < 0) {
      if (!this.debit(-points)) return "INSUFFICIENT_POINTS";
      this.adjusted += points;
      return null;
    }
    this.expireDue();
    this.adjusted += points;
    this.credit(points, this.now, null);
    return null;
  }

  /**
   * A refund of `pennies`, naming the returned units of one SKU or none (in proportion to the
   * money). The points it settles are cumulative (accrual/refund-lines.ts): with no points tied to
   * lines, the money refunded by line settles floor(E * L / A), and money refunded without lines
   * settles the rest in proportion to the money left; all the money back settles everything.
   */
  refund(purchase: MPurchase, pennies: number, line: { sku: string; units: number } | null = null): string | null {
    if (pennies > purchase.pennies - purchase.refunded) return "REFUND_EXCEEDS_PURCHASE";
    if (line !== null) {
      const bought = purchase.lines?.filter((l) => l.sku === line.sku).reduce((n, l) => n + l.quantity, 0) ?? 0;
      if (bought === 0) return "LINE_NOT_IN_PURCHASE";
      if (line.units > bought - (purchase.returned.get(line.sku) ?? 0)) return "REFUND_EXCEEDS_PURCHASE";
      purchase.returned.set(line.sku, (purchase.returned.get(line.sku) ?? 0) + line.units);
      purchase.lineRefunded += pennies;
    }
    this.expireDue();
    purchase.refunded += pennies;
    const target = ReferenceModel.settledTarget(purchase);
    const wanted = Math.max(0, target - purchase.settled);
    purchase.settled += wanted;
    // Points of the purchase that expired unused are never taken back.
    const claim = Math.max(0, Math.min(wanted, purchase.earned - purchase.expired - purchase.reversed));
    if (wanted > 0)
      purchase.reversed += this.reverse(claim, purchase.lotSeq === null ? new Set() : new Set([purchase.lotSeq]), true);
    return null;
  }

  private static settledTarget(p: MPurchase): number {
    const E = p.earned,
      A = p.pennies,
      L = p.lineRefunded;
    if (p.refunded >= A) return E;
    const byLines = Math.min(E, Math.floor((E * L) / A));
    const withoutLines = p.refunded - L;
    if (withoutLines <= 0) return byLines;
    return Math.min(E, byLines + Math.floor(((E - byLines) * withoutLines) / (A - L)));
  }

  receiptless(pennies: number) {
    this.expireDue();
    const wanted = Math.floor(pennies / 100);
    if (wanted > 0) this.reverse(wanted, new Set(), false);
  }

  /** Takes back `wanted` points by the policy; returns the points taken (from lots and as debt). */
  private reverse(wanted: number, own: Set<number>, withReceipt: boolean): number {
    const mine = this.lots.filter((l) => own.has(l.seq));
    const others = this.lots.filter((l) => !own.has(l.seq));
    const stages: MLot[][] = [mine.filter((l) => this.pending(l)).sort(ReferenceModel.spendOrder)];
    if (!withReceipt) stages.push(others.filter((l) => this.pending(l)).sort(ReferenceModel.spendOrder));
    if (this.policy !== "only_pending") {
      stages.push(mine.filter((l) => this.available(l)).sort(ReferenceModel.spendOrder));
      stages.push(others.filter((l) => this.available(l)).sort(ReferenceModel.spendOrder));
    }
    if (this.policy === "allow_debt" && withReceipt)
      stages.push(others.filter((l) => this.pending(l)).sort(ReferenceModel.spendOrder));
    let left = wanted;
    for (const stage of stages) {
      left = this.draw(stage, left);
      if (left === 0) break;
    }
    const taken = this.policy === "allow_debt" ? wanted : wanted - left;
    if (this.policy === "allow_debt") this.debt += left;
    this.reversed += taken;
    return taken;
  }

  /** A write that moves no points of its own (a profile change, an erasure): only its due work. */
  dueWorkOnly() {
    this.expireDue();
  }

  /** Pending points made spendable now: one purchase's (its lot), or all of them (null). */
  releasePending(purchase: MPurchase | null) {
    this.expireDue();
    for (const lot of this.lots)
      if (this.pending(lot) && (purchase === null || lot.seq === purchase.lotSeq)) lot.availableAt = this.now;
  }

  /** Points held in lots minus debt: what conservation says the totals must equal. */
  held() {
    return this.lots.reduce((s, l) => s + l.remaining, 0) - this.debt;
  }
}
