/**
 * The running count of a simulation: each commit's entries added to the month under way, and each
 * member's committed snapshot read for what the figures need (outstanding points, tier, what they
 * could spend now). Flows come from entries, stocks from snapshots: the conservation test holds
 * one against the other, month by month.
 */
import { Decimal } from "../shared/decimal.js";
import type { Entry } from "../ledger/entries.js";
import type { MemberSnapshot } from "../ledger/snapshot.js";
import type { CommitBatch } from "../store/port.js";

/** What moved in one month in the simulated wallet, and what the month's reviews did. */
export interface MonthFlows {
  issued: Decimal;
  redeemed: Decimal;
  expired: Decimal;
  reversed: Decimal;
  /** Money value of what redemptions granted (a voucher's face value, a conversion's value). */
  rewardCost: Decimal;
  redemptions: number;
  promotions: number;
  demotions: number;
  /** Sales (purchases) and returns in money: every customer's, and members' purchases by tier. */
  sales: Decimal;
  returns: Decimal;
  memberSalesByTier: Map<string, Decimal>;
}

export interface MemberState {
  readonly memberId: string;
  readonly joinedAt: number;
  /** Points in the wallet, pending and available, less debt, as last committed. */
  outstanding: Decimal;
  /** Lots spendable at `at` (available, not yet expired), less debt. */
  spendable: (at: number) => Decimal;
  tier: string | null;
  /** When the member could first afford the cheapest reward the redemption model considers. */
  firstAffordableAt: number | null;
}

export const NO_TIER = "(no tier)";

export function emptyFlows(): MonthFlows {
  const zero = new Decimal(0);
  return {
    issued: zero,
    redeemed: zero,
    expired: zero,
    reversed: zero,
    rewardCost: zero,
    redemptions: 0,
    promotions: 0,
    demotions: 0,
    sales: zero,
    returns: zero,
    memberSalesByTier: new Map(),
  };
}

export class LedgerTally {
  month: MonthFlows = emptyFlows();
  readonly members = new Map<string, MemberState>();
  /** The first affordable-reward price the model considers; null: none, reach is not measured. */
  constructor(
    private readonly wallet: string,
    private readonly affordablePrice: Decimal | null,
    private readonly now: () => number,
  ) {}

  observe(batch: CommitBatch): void {
    for (const write of batch.members) {
      for (const entry of write.entries) this.count(entry);
      this.read(write.snapshot);
    }
  }

  /** Checks, at `at`, whether each member who has never been able to afford the cheapest reward can now. */
  checkReach(at: number): void {
    if (this.affordablePrice === null) return;
    for (const m of this.members.values())
      if (m.firstAffordableAt === null && m.spendable(at).gte(this.affordablePrice)) m.firstAffordableAt = at;
  }

  private count(entry: Entry): void {
    const f = this.month;
    switch (entry.kind) {
      case "earn":
        if (entry.wallet === this.wallet) f.issued = f.issued.plus(entry.points);
        break;
      case "adjust":
        if (entry.wallet === this.wallet) f.issued = f.issued.plus(entry.points);
        break;
      case "redeem":
      case "spend":
        if (entry.wallet === this.wallet) f.redeemed = f.redeemed.plus(entry.points);
        if (entry.kind === "redeem") {
          f.redemptions++;
          if (entry.grant.value !== null) f.rewardCost = f.rewardCost.plus(entry.grant.value);
        }
        break;
      case "cancel":
        if (entry.wallet === this.wallet) f.redeemed = f.redeemed.minus(entry.points);
        break;
      case "expire":
        if (entry.wallet === this.wallet) f.expired = f.expired.plus(entry.points);
        break;
      case "reverse":
        if (entry.wallet === this.wallet) f.reversed = f.reversed.plus(entry.points);
        break;
      case "tier":
        if (entry.reason === "promotion") f.promotions++;
        if (entry.reason === "demotion") f.demotions++;
        break;
      default:
        // Purchases, refunds, enrolments, consolidations and the rest move no points of their own.
        break;
    }
  }

  private read(snapshot: MemberSnapshot): void {
    const wallet = this.wallet;
    const lots = snapshot.lots.filter((l) => l.wallet === wallet);
    const debt = new Decimal(snapshot.wallets[wallet]?.debt ?? "0");
    let outstanding = debt.neg();
    for (const lot of lots) outstanding = outstanding.plus(lot.remaining);
    const spendable = (at: number) => {
      let sum = debt.neg();
      for (const lot of lots)
        if (lot.availableAt <= at && (lot.expiresAt === null || lot.expiresAt > at)) sum = sum.plus(lot.remaining);
      return sum;
    };
    const known = this.members.get(snapshot.memberId);
    const state: MemberState = known ?? {
      memberId: snapshot.memberId,
      joinedAt: snapshot.joinedAt,
      outstanding,
      spendable,
      tier: null,
      firstAffordableAt: null,
    };
    state.outstanding = outstanding;
    state.spendable = spendable;
    state.tier = snapshot.tier?.id ?? null;
    if (!known) this.members.set(snapshot.memberId, state);
    if (state.firstAffordableAt === null && this.affordablePrice !== null) {
      const at = this.now();
      if (spendable(at).gte(this.affordablePrice)) state.firstAffordableAt = at;
    }
  }

  /** A sale in money, to a member (by their tier now) or to a customer who is not one. */
  sale(amount: Decimal, memberId: string | null): void {
    const f = this.month;
    f.sales = f.sales.plus(amount);
    if (memberId === null) return;
    const tier = this.members.get(memberId)?.tier ?? NO_TIER;
    f.memberSalesByTier.set(tier, (f.memberSalesByTier.get(tier) ?? new Decimal(0)).plus(amount));
  }

  returned(amount: Decimal): void {
    this.month.returns = this.month.returns.plus(amount);
  }

  /** Sum of every member's outstanding points, as committed. */
  outstanding(): Decimal {
    let sum = new Decimal(0);
    for (const m of this.members.values()) sum = sum.plus(m.outstanding);
    return sum;
  }

  /** Members per tier now (NO_TIER for a program without tiers). */
  tierCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const m of this.members.values()) {
      const t = m.tier ?? NO_TIER;
      counts[t] = (counts[t] ?? 0) + 1;
    }
    return counts;
  }
}
