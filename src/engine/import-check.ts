/**
 * importMember's decision, pure: checks an opening state against the program and the clock (every
 * bad field reported with its path, at once) and makes the `import` entry's body from it, with the
 * defaults filled in (docs/migrating.md). The fold (ledger/kinds/import.ts) asserts the invariants
 * again; this module says what to fix.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { importIssues as issue, messages } from "../errors/messages.js";
import { lotRecord } from "../expiry/policy.js";
import type { ImportEntry, OpeningCounters, OpeningLot, OpeningPurchase } from "../ledger/entries.js";
import type { WalletTotals } from "../ledger/state.js";
import type { Program } from "../program/compile.js";
import { Decimal, ZERO, decimalPlaces } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { instantMs, isLocalDate } from "../shared/validation.js";
import { ALL_BUCKET } from "../tiers/window.js";
import { openingHolds } from "./import-holds.js";
import type { importMemberSchema } from "./import-schema.js";
import type * as z from "zod/mini";

const f = messages.field;
type Parsed = z.output<typeof importMemberSchema>;
type Path = readonly (string | number)[];
type Body = Omit<ImportEntry, "id" | "memberId" | "seq" | "at" | "command" | "metrics">;
const LIFETIME = ["earned", "spent", "expired", "reversed", "adjusted", "transferredIn", "transferredOut"] as const;

/** What an opening state makes: the entry body, or the issues that refuse it (and whether the currency alone is wrong). */
export type Opening =
  | { readonly ok: true; readonly body: Body }
  | { readonly ok: false; readonly issues: FieldIssue[]; readonly currencyOnly: boolean };

export function openingState(program: Program, c: Parsed, now: number): Opening {
  const issues: FieldIssue[] = [];
  const bad = (path: Path, message: string) => issues.push({ path, message });
  const when = (path: Path, value: string | Date) => {
    const ms = instantMs(value);
    if (ms > now) bad(path, f.inFuture);
    return ms;
  };
  const wallet = (path: Path, id: string) => {
    if (!program.wallets.has(id)) bad(path, f.unknownWallet(id));
  };
  const pts = (path: Path, text: string) => {
    if (decimalPlaces(text) > program.scale) bad(path, f.tooPrecise(program.scale));
    return text;
  };
  const cash = (path: Path, text: string) => {
    if (decimalPlaces(text) > program.currencyPlaces) bad(path, f.tooPrecise(program.currencyPlaces));
    return text;
  };
  const perWallet = (path: Path, byWallet: Record<string, string> | undefined) => {
    const out: Record<string, string> = {};
    for (const [w, v] of Object.entries(byWallet ?? {})) {
      wallet([...path, w], w);
      out[w] = pts([...path, w], v);
    }
    return out;
  };
  const counters = (path: Path, byPeriod: Partial<Record<string, Record<string, string>>>) => {
    const out: Record<string, Record<string, string>> = {};
    for (const [period, byKey] of Object.entries(byPeriod ?? {})) out[period] = perKey([...path, period], byKey!);
    return out as OpeningCounters;
  };
  const perKey = (path: Path, byKey: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(byKey)) out[k] = pts([...path, k], v);
    return out;
  };

  const currencyWrong = c.currency !== undefined && c.currency !== program.currency;
  if (currencyWrong) bad(["currency"], messages.currencyMismatch(program.currency, c.currency!));
  const joinedAt = when(["joinedAt"], c.joinedAt);
  const asOf = c.asOf === undefined ? now : when(["asOf"], c.asOf);

  // Purchases first: lots name them.
  const purchases: OpeningPurchase[] = [];
  const purchaseIds = new Set<string>();
  (c.purchases ?? []).forEach((p, i) => {
    const at = ["purchases", i] as const;
    if (purchaseIds.has(p.purchaseId)) bad([...at, "purchaseId"], f.duplicateId(p.purchaseId));
    purchaseIds.add(p.purchaseId);
    const refunded = cash([...at, "refunded"], p.refunded ?? "0");
    if (new Decimal(refunded).gt(cash([...at, "amount"], p.amount)))
      bad([...at, "refunded"], issue.refundedAboveAmount);
    const earned = perWallet([...at, "earned"], p.earned);
    const settled = perWallet([...at, "settled"], p.settled);
    const reversed = perWallet([...at, "reversed"], p.reversed);
    for (const [w, v] of Object.entries(settled))
      if (new Decimal(v).gt(earned[w] ?? ZERO)) bad([...at, "settled", w], issue.settledAboveEarned);
    for (const [w, v] of Object.entries(reversed))
      if (new Decimal(v).gt(settled[w] ?? ZERO)) bad([...at, "reversed", w], issue.reversedAboveSettled);
    const skus = new Set<string>();
    const lines = p.lines?.map((l, j) => {
      if (skus.has(l.sku)) bad([...at, "lines", j, "sku"], issue.duplicateLine(l.sku));
      skus.add(l.sku);
      const returned = l.returned ?? 0;
      if (returned > l.quantity) bad([...at, "lines", j, "returned"], issue.returnedAboveQuantity);
      return { sku: l.sku, quantity: l.quantity, returned, earned: perWallet([...at, "lines", j, "earned"], l.earned) };
    });
    const lineRefunded = p.lineRefunded === undefined ? undefined : cash([...at, "lineRefunded"], p.lineRefunded);
    if (lineRefunded !== undefined && new Decimal(lineRefunded).gt(refunded))
      bad([...at, "lineRefunded"], issue.lineRefundedAboveRefunded);
    const d = p.donation;
    const donation = d && {
      cause: d.cause,
      of: d.of,
      wallet: d.of === "points" ? (d.wallet ?? null) : null,
      amount:
        d.of === "money" ? cash([...at, "donation", "amount"], d.amount) : pts([...at, "donation", "amount"], d.amount),
      returned: d.returned ?? "0",
    };
    if (d?.of === "points") wallet([...at, "donation", "wallet"], d.wallet ?? "");
    if (donation && new Decimal(donation.returned).gt(donation.amount))
      bad([...at, "donation", "returned"], issue.donationReturnedAboveGiven);
    purchases.push({
      purchaseId: p.purchaseId,
      amount: p.amount,
      occurredAt: iso(when([...at, "occurredAt"], p.occurredAt)),
      refunded,
      earned,
      settled,
      reversed,
      expired: perWallet([...at, "expired"], p.expired),
      ...(lines === undefined ? {} : { lines }),
      ...(lineRefunded === undefined ? {} : { lineRefunded }),
      ...(donation === undefined ? {} : { donation }),
    });
  });

  const held = new Map<string, Decimal>();
  const lots: OpeningLot[] = (c.lots ?? []).map((l, i) => {
    const at = ["lots", i] as const;
    wallet([...at, "wallet"], l.wallet);
    const amount = pts([...at, "amount"], l.amount);
    const remaining = pts([...at, "remaining"], l.remaining ?? l.amount);
    if (new Decimal(remaining).gt(amount)) bad([...at, "remaining"], issue.remainingAboveAmount);
    const earnedAt = when([...at, "earnedAt"], l.earnedAt);
    const availableAt = l.availableAt === undefined ? earnedAt : instantMs(l.availableAt);
    if (availableAt < earnedAt) bad([...at, "availableAt"], issue.availableBeforeEarned);
    if (l.ruleId !== undefined && !program.rules.has(l.ruleId)) bad([...at, "ruleId"], f.unknownRule(l.ruleId));
    if (l.purchaseId !== undefined && !purchaseIds.has(l.purchaseId))
      bad([...at, "purchaseId"], issue.unknownImportedPurchase(l.purchaseId));
    let expiresAt: number | null;
    if (l.expiresAt === undefined) {
      const policy = program.wallets.has(l.wallet)
        ? lotRecord(program, l.wallet, earnedAt, availableAt, l.ruleId ?? null).expiresAt
        : null;
      expiresAt = policy === null ? null : Date.parse(policy);
    } else expiresAt = l.expiresAt === null ? null : instantMs(l.expiresAt);
    if (expiresAt !== null && expiresAt <= earnedAt) bad([...at, "expiresAt"], issue.expiryBeforeEarning);
    held.set(l.wallet, (held.get(l.wallet) ?? ZERO).plus(remaining));
    return {
      wallet: l.wallet,
      amount,
      remaining,
      earnedAt: iso(earnedAt),
      availableAt: iso(availableAt),
      expiresAt: expiresAt === null ? null : iso(expiresAt),
      ruleId: l.ruleId ?? null,
      purchaseId: l.purchaseId ?? null,
    };
  });

  // Every wallet's totals, balanced against its lots (docs/ledger.md, "Opening balances").
  const wallets: Record<string, Record<keyof WalletTotals, string>> = {};
  const given = c.wallets ?? {};
  for (const w of new Set([...Object.keys(given), ...held.keys()])) {
    const at = ["wallets", w] as const;
    // A wallet the program lacks is reported once, at its own path; its figures mean nothing to balance.
    if (!program.wallets.has(w)) {
      if (given[w] !== undefined) wallet(at, w);
      continue;
    }
    const life = given[w]?.lifetime ?? {};
    const fig = (name: (typeof LIFETIME)[number]) => new Decimal(pts([...at, "lifetime", name], life[name] ?? "0"));
    const debt = new Decimal(pts([...at, "debt"], given[w]?.debt ?? "0"));
    const others = fig("adjusted")
      .minus(fig("spent"))
      .minus(fig("expired"))
      .minus(fig("reversed"))
      .plus(fig("transferredIn"))
      .minus(fig("transferredOut"));
    const net = (held.get(w) ?? ZERO).minus(debt);
    let earned = fig("earned");
    if (life.earned === undefined) {
      earned = net.minus(others);
      if (earned.isNeg()) bad([...at, "lifetime", "earned"], issue.openingEarnedNegative(earned.toFixed()));
    } else if (!earned.plus(others).eq(net))
      bad([...at, "lifetime"], issue.openingUnbalanced(earned.plus(others).toFixed(), net.toFixed()));
    const totals = { earned, debt } as Record<keyof WalletTotals, Decimal>;
    for (const name of LIFETIME) if (name !== "earned") totals[name] = fig(name);
    wallets[w] = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v.toFixed()])) as Record<
      keyof WalletTotals,
      string
    >;
  }

  const spent = (w: string) => (wallets[w] === undefined ? null : new Decimal(wallets[w].spent));
  const holds = openingHolds(program, c.holds, lots, spent, bad, when);

  const tiers = program.tiers;
  const tierId = (path: Path, id: string) => {
    if (tiers !== null && !tiers.byId.has(id)) bad(path, f.unknownTier(id));
  };
  const t = c.tier;
  if (t !== undefined) {
    if (tiers === null) bad(["tier"], f.noTiers);
    tierId(["tier", "id"], t.id);
    if (t.floor) tierId(["tier", "floor", "tier"], t.floor.tier);
    if (t.confirmed) tierId(["tier", "confirmed", "tier"], t.confirmed.tier);
  }
  const opt = (v: string | Date | null | undefined) => (v === undefined || v === null ? null : iso(instantMs(v)));
  const tier =
    t === undefined
      ? null
      : {
          id: t.id,
          since: iso(when(["tier", "since"], t.since)),
          guaranteedUntil: opt(t.guaranteedUntil),
          graceUntil: opt(t.graceUntil),
          floor: t.floor ? { tier: t.floor.tier, until: iso(instantMs(t.floor.until)) } : null,
          reviewedAt: opt(t.reviewedAt),
          basis: t.basis ?? (tiers?.levels[0]?.id === t.id ? "base" : "review"),
          confirmed: t.confirmed ? { ...t.confirmed, until: iso(instantMs(t.confirmed.until)) } : null,
        };

  const openingMetrics: Record<string, Record<string, string>> = {};
  for (const [bucket, byKey] of Object.entries(c.metrics ?? {})) {
    if (tiers === null) bad(["metrics"], f.noTiers);
    if (bucket !== ALL_BUCKET && !isLocalDate(bucket)) bad(["metrics", bucket], f.notLocalDate);
    for (const key of Object.keys(byKey))
      if (tiers !== null && !tiers.metricKeys.has(key)) bad(["metrics", bucket, key], issue.unknownMetric(key));
    const places = (key: string) =>
      key.startsWith("points:") ? program.scale : key === "spend" ? program.currencyPlaces : 0;
    openingMetrics[bucket] = {};
    for (const [key, v] of Object.entries(byKey)) {
      if (decimalPlaces(v) > places(key)) bad(["metrics", bucket, key], f.tooPrecise(places(key)));
      openingMetrics[bucket][key] = v;
    }
  }
  const caps: Record<string, Record<string, OpeningCounters>> = {};
  for (const [rule, byWallet] of Object.entries(c.caps ?? {})) {
    if (!program.rules.has(rule)) bad(["caps", rule], f.unknownRule(rule));
    caps[rule] = {};
    for (const [w, byPeriod] of Object.entries(byWallet)) {
      wallet(["caps", rule, w], w);
      caps[rule][w] = counters(["caps", rule, w], byPeriod);
    }
  }
  const limits: Record<string, OpeningCounters> = {};
  for (const [name, byPeriod] of Object.entries(c.limits ?? {})) {
    if (!knownCounter(program, name)) bad(["limits", name], issue.unknownCounter(name));
    limits[name] = counters(["limits", name], byPeriod);
  }
  const instants = (path: string, byName: Record<string, string | Date> | undefined, wallets: boolean) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(byName ?? {})) {
      if (wallets) wallet([path, k], k);
      out[k] = iso(when([path, k], v));
    }
    return out;
  };
  const activity = instants("activity", c.activity, false);
  const lapsed = instants("lapsed", c.lapsed, true);

  if (issues.length > 0) return { ok: false, issues, currencyOnly: currencyWrong && issues.length === 1 };
  return {
    ok: true,
    body: {
      kind: "import",
      joinedAt: iso(joinedAt),
      birthday: c.birthday ?? null,
      attributes: c.attributes ?? {},
      asOf: iso(asOf),
      source: c.source ?? null,
      wallets,
      lots,
      purchases,
      ...(holds.length === 0 ? {} : { holds }),
      tier,
      openingMetrics,
      caps,
      limits,
      activity,
      lapsed,
      referredBy: c.referredBy ?? null,
    },
  };
}

function knownCounter(program: Program, name: string): boolean {
  if (name === "referrals") return true;
  if (name.startsWith("reward:")) return program.rewards.has(name.slice("reward:".length));
  if (name.startsWith("transfers:")) return program.wallets.has(name.slice("transfers:".length));
  return false;
}
