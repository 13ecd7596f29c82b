/**
 * The `import` entry: a member brought in from another loyalty system with their opening state
 * (docs/migrating.md). It is the member's first entry and sets what a history of entries would have
 * built: profile, lots, wallet totals, open purchases, tier, tier metrics, cap and limit counters.
 * The engine validated it against the program (engine/import-member.ts); the fold still asserts
 * what the ledger's invariants need: each lot within [0, amount], each wallet's conservation
 * (docs/ledger.md, "Opening balances").
 */
import { Decimal, ZERO } from "../../shared/decimal.js";
import type { Period } from "../../shared/periods.js";
import type { Scalar } from "../../shared/scalar.js";
import type { EntryBase } from "../entry-base.js";
import { assert } from "../invariant.js";
import {
  dict,
  mapDict,
  type CapCounters,
  type Dict,
  type PurchaseDonation,
  type PurchaseLineRecord,
  type WalletTotals,
} from "../state.js";
import type { EntryKindSpec } from "./spec.js";
import { heldIn, openingHolds, openingLotId, type OpeningHold, type OpeningLot } from "./import-holds.js";

export { openingLotId, type OpeningHold, type OpeningLot } from "./import-holds.js";
import { tierFromRecord, type TierRecord } from "./tier.js";

/** A purchase a later refund may still reach, with what was earned and settled on it so far. */
export interface OpeningPurchase {
  readonly purchaseId: string;
  /** Money, in the program's currency. */
  readonly amount: string;
  readonly occurredAt: string;
  readonly refunded: string;
  /** Points per wallet. */
  readonly earned: Readonly<Record<string, string>>;
  readonly settled: Readonly<Record<string, string>>;
  readonly reversed: Readonly<Record<string, string>>;
  readonly expired: Readonly<Record<string, string>>;
  /** What each SKU earned, for refunds by line (absent: refunded in proportion only). */
  readonly lines?: readonly OpeningPurchaseLine[];
  /** Money refunded by refunds that named lines (part of `refunded`); absent: none. */
  readonly lineRefunded?: string;
  /** Its automatic donation (docs/donations.md); absent: none. */
  readonly donation?: OpeningDonation;
}

/** A purchase's donation as the source gave it: amounts as decimal strings. */
export interface OpeningDonation {
  readonly cause: string;
  readonly of: "points" | "money";
  readonly wallet: string | null;
  readonly amount: string;
  readonly returned: string;
}

/** One SKU of an opening purchase: units bought and returned, points earned per wallet. */
export interface OpeningPurchaseLine {
  readonly sku: string;
  readonly quantity: number;
  readonly returned: number;
  readonly earned: Readonly<Record<string, string>>;
}

/** Counters per period, per period key (caps and limits), as decimal strings. */
export type OpeningCounters = Readonly<Partial<Record<Period, Readonly<Record<string, string>>>>>;

export interface ImportEntry extends EntryBase {
  readonly kind: "import";
  readonly joinedAt: string;
  readonly birthday: string | null;
  readonly attributes: Readonly<Record<string, Scalar>>;
  /** The instant the opening state is as of: period-end work after it is still to do. */
  readonly asOf: string;
  /** Where the member came from (the source system's reference); null: not given. */
  readonly source: string | null;
  /** Every total of every wallet the member has, debt included; they balance against the lots. */
  readonly wallets: Readonly<Record<string, Readonly<Record<keyof WalletTotals, string>>>>;
  readonly lots: readonly OpeningLot[];
  readonly purchases: readonly OpeningPurchase[];
  /** Open checkout holds (absent: none, and in entries written before holds were carried). */
  readonly holds?: readonly OpeningHold[];
  readonly tier: TierRecord | null;
  /** Tier qualification counters: per bucket (local date or "all"), per metric key. */
  readonly openingMetrics: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Per rule, per wallet: points awarded per capped period key. */
  readonly caps: Readonly<Record<string, Readonly<Record<string, OpeningCounters>>>>;
  /** Per limit counter (reward:<id>, transfers:<wallet>, referrals): uses per period key. */
  readonly limits: Readonly<Record<string, OpeningCounters>>;
  /** Latest instant of each kind of activity (purchase, spend, adjust, refund, event:<type>). */
  readonly activity: Readonly<Record<string, string>>;
  /** Per wallet with inactivity expiry: the latest deadline at which its balance lapsed. */
  readonly lapsed: Readonly<Record<string, string>>;
  readonly referredBy: string | null;
}

const counters = (c: OpeningCounters): CapCounters => {
  const out: CapCounters = {};
  for (const period of Object.keys(c) as Period[]) out[period] = mapDict(c[period]!, (v) => new Decimal(v));
  return out;
};
const figures = (byWallet: Readonly<Record<string, string>>): Dict<Decimal> => mapDict(byWallet, (v) => new Decimal(v));

/** The lines of an opening purchase, as its record keeps them (a "__proto__" SKU an own key of a null-prototype dict). */
function openingLines(entryId: string, lines: readonly OpeningPurchaseLine[]): Dict<PurchaseLineRecord> {
  const out = dict<PurchaseLineRecord>();
  for (const l of lines) {
    assert(out[l.sku] === undefined, `import ${entryId}: line ${l.sku} given twice`);
    assert(
      Number.isInteger(l.quantity) && l.quantity > 0 && Number.isInteger(l.returned) && l.returned >= 0,
      `import ${entryId}: line ${l.sku} of ${l.quantity} units, ${l.returned} returned`,
    );
    assert(l.returned <= l.quantity, `import ${entryId}: line ${l.sku} returns more units than it had`);
    out[l.sku] = { quantity: l.quantity, earned: figures(l.earned), returned: l.returned };
  }
  return out;
}

function openingDonation(entryId: string, d: OpeningDonation): PurchaseDonation {
  const amount = new Decimal(d.amount),
    returned = new Decimal(d.returned);
  assert(
    amount.gt(0) && returned.gte(0) && returned.lte(amount),
    `import ${entryId}: donation returns more than given`,
  );
  return { cause: d.cause, of: d.of, wallet: d.wallet, amount, returned };
}

export const importMember: EntryKindSpec<ImportEntry> = {
  fold(state, entry) {
    assert(
      entry.seq === 1,
      `import ${entry.id}: a member's opening state is their first entry, not entry ${entry.seq}`,
    );
    state.joinedAt = Date.parse(entry.joinedAt);
    state.birthday = entry.birthday;
    state.attributes = dict(Object.entries(entry.attributes));
    state.wallets = mapDict(entry.wallets, (t) => ({
      earned: new Decimal(t.earned),
      spent: new Decimal(t.spent),
      expired: new Decimal(t.expired),
      reversed: new Decimal(t.reversed),
      adjusted: new Decimal(t.adjusted),
      transferredIn: new Decimal(t.transferredIn),
      transferredOut: new Decimal(t.transferredOut),
      debt: new Decimal(t.debt),
    }));
    for (const p of entry.purchases) {
      assert(state.purchases[p.purchaseId] === undefined, `import ${entry.id}: purchase ${p.purchaseId} given twice`);
      state.purchases[p.purchaseId] = {
        id: p.purchaseId,
        amount: new Decimal(p.amount),
        occurredAt: Date.parse(p.occurredAt),
        refunded: new Decimal(p.refunded),
        earned: figures(p.earned),
        settled: figures(p.settled),
        reversed: figures(p.reversed),
        expired: figures(p.expired),
        ...(p.lines === undefined ? {} : { lines: openingLines(entry.id, p.lines) }),
        ...(p.lineRefunded === undefined ? {} : { lineRefunded: new Decimal(p.lineRefunded) }),
        ...(p.donation === undefined ? {} : { donation: openingDonation(entry.id, p.donation) }),
      };
    }
    const held = dict<Decimal>();
    state.lots = entry.lots.flatMap((l, i) => {
      const amount = new Decimal(l.amount),
        remaining = new Decimal(l.remaining);
      const where = `import ${entry.id}: lot ${i + 1}`;
      assert(remaining.gte(0) && remaining.lte(amount), `${where}: remaining outside [0, amount]`);
      assert(state.wallets[l.wallet] !== undefined, `${where}: wallet ${l.wallet} has no totals`);
      assert(l.purchaseId === null || state.purchases[l.purchaseId] !== undefined, `${where}: unknown purchase`);
      held[l.wallet] = (held[l.wallet] ?? ZERO).plus(remaining);
      if (remaining.isZero()) return [];
      return [
        {
          id: openingLotId(entry.id, i),
          wallet: l.wallet,
          amount,
          remaining,
          earnedAt: Date.parse(l.earnedAt),
          availableAt: Date.parse(l.availableAt),
          expiresAt: l.expiresAt === null ? null : Date.parse(l.expiresAt),
          ruleId: l.ruleId,
          purchaseId: l.purchaseId,
        },
      ];
    });
    state.holds = openingHolds(entry);
    // Held points count as spent until a capture keeps them or a release gives them back.
    for (const h of Object.values(state.holds))
      assert(
        state.wallets[h.wallet] !== undefined && heldIn(state, h.wallet).lte(state.wallets[h.wallet]!.spent),
        `import ${entry.id}: wallet ${h.wallet} holds more than its lifetime spent`,
      );
    // Invariant 3 from the first entry on: the opening totals account for every point held.
    for (const [wallet, t] of Object.entries(state.wallets)) {
      const net = t.earned
        .minus(t.spent)
        .minus(t.expired)
        .minus(t.reversed)
        .plus(t.adjusted)
        .plus(t.transferredIn)
        .minus(t.transferredOut);
      assert(
        net.eq((held[wallet] ?? ZERO).minus(t.debt)),
        `import ${entry.id}: wallet ${wallet}'s totals do not balance its lots`,
      );
    }
    state.tier = entry.tier === null ? null : tierFromRecord(entry.tier);
    state.metrics = mapDict(entry.openingMetrics, figures);
    state.caps = mapDict(entry.caps, (byWallet) => mapDict(byWallet, counters));
    state.limits = mapDict(entry.limits, counters);
    state.activity = mapDict(entry.activity, (t) => Date.parse(t));
    // The other system's purchases are not counted: a member who bought there has unknown counters.
    const purchased = Object.hasOwn(state.activity, "purchase");
    state.purchaseCount = purchased ? null : 0;
    state.categoriesBought = purchased ? null : [];
    state.lapsed = mapDict(entry.lapsed, (t) => Date.parse(t));
    state.referredBy = entry.referredBy;
    // The opening state is as of `asOf`: period ends after it (conversions) are still to run.
    state.lastAt = Date.parse(entry.asOf);
  },
};
