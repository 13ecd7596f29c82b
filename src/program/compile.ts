/**
 * parse + compile: a program definition is validated once, cross-checked (every wallet and rule a
 * field names exists), and compiled into closures. Evaluating a command afterwards never touches
 * the JSON again.
 */
import type { z } from "zod";
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { DECIMAL_LITERAL, Decimal, ZERO, decimalPlaces, type RoundingMode } from "../shared/decimal.js";
import { localParts, type Duration, type LocalParts, type Period } from "../shared/time.js";
import { currencyPlaces, instantMs, isCurrency, parseInstant, safeParse } from "../shared/validation.js";
import type { Scalar } from "../shared/scalar.js";
import { WEEKDAY_NAMES, type Condition, type LineFilter } from "./conditions.js";
import {
  programSchema,
  type ExpiryPolicy,
  type NegativeBalancePolicy,
  type ProgramDefinition,
  type QualificationWindow,
  type RewardDefinition,
  type TiersDefinition,
} from "./schema.js";

/** One line of a purchase. `amount` is the line total in the program's currency. */
export interface PurchaseLine {
  readonly sku: string;
  readonly category?: string;
  readonly quantity: number;
  readonly amount: Decimal;
}

/** What a rule sees: the command, its time in the program's zone, and the member (if any). */
export interface AccrualContext {
  readonly trigger: string;
  readonly amount: Decimal;
  readonly lines: readonly PurchaseLine[] | null;
  readonly attributes: Readonly<Record<string, Scalar>>;
  readonly occurredAt: number;
  readonly member: {
    readonly attributes: Readonly<Record<string, Scalar>>;
    /** "MM-DD" */
    readonly birthday: string | null;
    /** The tier the member holds when the command happens; null in a program without tiers. */
    readonly tier?: string | null;
  } | null;
  /** Computed on first use: most rules never look at the clock. */
  local(): LocalParts;
}

export type Predicate = (ctx: AccrualContext) => boolean;
export type LinePredicate = (line: PurchaseLine) => boolean;

export type CompiledAward =
  | {
      readonly kind: "rate";
      readonly wallet: string;
      readonly points: Decimal;
      readonly per: Decimal;
      readonly ratio: Decimal | null;
      readonly lines: LinePredicate | null;
      readonly rounding: RoundingMode;
    }
  | { readonly kind: "fixed"; readonly wallet: string; readonly points: Decimal }
  | {
      readonly kind: "multiplier";
      readonly wallet: string;
      readonly extra: Decimal;
      readonly rules: ReadonlySet<string> | null;
      readonly rounding: RoundingMode;
    };

export interface CompiledRule {
  readonly id: string;
  readonly name: string | undefined;
  readonly trigger: string;
  readonly test: Predicate | null;
  readonly awards: readonly CompiledAward[];
  readonly perCommandCap: Decimal | null;
  readonly periodCaps: readonly { readonly period: Period; readonly points: Decimal }[];
  readonly activeFrom: number | null;
  readonly activeUntil: number | null;
  readonly stopFurtherRules: boolean;
  /** This rule's own expiry term for its points, overriding the wallet's. */
  readonly expiry: {
    readonly after: Duration;
    readonly roundUpTo?: "day" | "month" | "quarter" | "year" | undefined;
  } | null;
}

export interface CompiledWallet {
  readonly id: string;
  readonly kind: "spendable" | "qualifying";
  readonly expiry: ExpiryPolicy;
}

/** One threshold of a tier: `key` names the metric counter it reads ("points:status", "spend", ...). */
export interface CompiledThreshold {
  readonly key: string;
  readonly metric: "points" | "spend" | "purchases" | "events";
  readonly min: Decimal;
  readonly wallet?: string;
  readonly type?: string;
}

export interface CompiledTier {
  readonly id: string;
  readonly name: string | undefined;
  /** Position on the ladder: 0 is the base tier. */
  readonly index: number;
  readonly match: "all" | "any";
  /** Empty for the base tier. */
  readonly thresholds: readonly CompiledThreshold[];
}

export interface CompiledTiers {
  readonly levels: readonly CompiledTier[];
  readonly byId: ReadonlyMap<string, CompiledTier>;
  readonly window: QualificationWindow;
  readonly promotion: TiersDefinition["promotion"];
  readonly schedule: TiersDefinition["review"]["schedule"];
  readonly demotion: TiersDefinition["review"]["demotion"];
  readonly graceMonths: number;
  readonly minimumStayMonths: number;
  readonly refunds: TiersDefinition["refunds"];
  /** Every metric counter a threshold reads: only these are kept in member state. */
  readonly metricKeys: ReadonlySet<string>;
}

/** A per-member limit over a local period. */
export interface CountLimit {
  readonly period: Period;
  readonly count: number;
}

/** A reward of the catalogue, compiled. */
export interface CompiledReward {
  readonly id: string;
  readonly name: string | undefined;
  readonly kind: RewardDefinition["kind"];
  readonly wallet: string;
  /** Points per unit (per step for a conversion). */
  readonly price: Decimal;
  readonly tierPrices: ReadonlyMap<string, Decimal>;
  readonly availableFrom: number | null;
  readonly availableUntil: number | null;
  readonly enabled: boolean;
  /** Tiers whose members may redeem it; null: every member. */
  readonly tiers: ReadonlySet<string> | null;
  readonly limits: readonly CountLimit[];
  /** Units on hand before the first redemption; null: unlimited. */
  readonly stock: number | null;
  /** Money per unit: a voucher's face value, a conversion's value per step; null when it has none. */
  readonly value: Decimal | null;
  /** Causes a donation may name; null: any. */
  readonly causes: ReadonlySet<string> | null;
  /** A conversion run at the end of every local period of this kind; null: on request only. */
  readonly automatic: "month" | "quarter" | "year" | null;
  readonly definition: RewardDefinition;
}

/** A validated, compiled program: what every pure decision takes. */
export interface Program {
  readonly definition: ProgramDefinition;
  readonly id: string;
  readonly version: number;
  readonly currency: string;
  /** Decimals of the currency's minor unit: amounts with more are refused. */
  readonly currencyPlaces: number;
  readonly timeZone: string;
  readonly scale: number;
  readonly rounding: RoundingMode;
  readonly wallets: ReadonlyMap<string, CompiledWallet>;
  readonly pendingDays: number;
  readonly negativeBalance: NegativeBalancePolicy;
  readonly baseRule: CompiledRule | null;
  /** Rules per trigger, in evaluation order (priority high to low, then list order). */
  readonly rulesByTrigger: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly rules: ReadonlyMap<string, CompiledRule>;
  /** Member tiers, or null for a program without them. */
  readonly tiers: CompiledTiers | null;
  /** The reward catalogue by id, in the order of the definition. */
  readonly rewards: ReadonlyMap<string, CompiledReward>;
  /** Local days a cancelled redemption's points whose lot expired stay spendable; 0: forfeited. */
  readonly cancellationGraceDays: number;
  /** Wallets points may be transferred in, and the bounds; null: no transfers. */
  readonly transfers: {
    readonly wallets: ReadonlySet<string>;
    readonly minPoints: Decimal | null;
    readonly limits: readonly { readonly period: Period; readonly points: Decimal }[];
  } | null;
  readonly referrals: {
    readonly referrerEvent: string;
    readonly referredEvent: string;
    readonly limits: readonly CountLimit[];
    readonly withinDays: number | null;
  };
}

const f = messages.field;

/**
 * Validates and compiles a program. Throws `INVALID_PROGRAM` listing every problem, each with its
 * path: schema problems and cross-reference problems (unknown wallets and rules, duplicate ids)
 * together, so that one round of fixes is enough.
 */
export function compileProgram(input: unknown): Program {
  const parsed = safeParse(programSchema, input);
  const schemaIssues = parsed.success ? [] : parsed.issues;
  const seen = new Set(schemaIssues.map((i) => i.path.join("\u0000")));
  const issues = [...schemaIssues, ...crossReferenceIssues(input).filter((i) => !seen.has(i.path.join("\u0000")))];
  if (!parsed.success || issues.length > 0)
    throw new LoyaltyError("INVALID_PROGRAM", messages.invalidProgram(issues.length), { issues });
  // A private, frozen copy: changing the caller's object later cannot change the program.
  return compileValid(deepFreeze(structuredClone(parsed.data)));
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Rules in evaluation order: priority high to low, then list order. */
function evaluationOrder<R>(rules: readonly R[], priority: (r: R) => number): { rule: R; index: number }[] {
  return rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => priority(b.rule) - priority(a.rule) || a.index - b.index);
}

/**
 * The checks across fields that a schema cannot make, run on the raw input so that they report
 * alongside schema problems. Tolerant: a part too malformed to check is left to the schema.
 */
function crossReferenceIssues(input: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!isObj(input)) return issues;
  const walletIds = new Set<string>();
  const wallets = list(input.wallets);
  wallets.forEach((w, i) => {
    const id = isObj(w) ? text(w.id) : undefined;
    if (id === undefined) return;
    if (walletIds.has(id)) issues.push({ path: ["wallets", i, "id"], message: f.duplicateId(id) });
    walletIds.add(id);
    if (isObj(w) && w.expiry !== undefined && w.expiresAfter !== undefined)
      issues.push({ path: ["wallets", i, "expiresAfter"], message: f.oneOf("expiry", "expiresAfter") });
  });
  const kinds = new Set(wallets.map((w) => (isObj(w) ? w.kind : undefined)));
  if (Array.isArray(input.wallets) && wallets.length > 0) {
    if (!kinds.has("spendable")) issues.push({ path: ["wallets"], message: f.needsSpendableWallet });
    if (!kinds.has("qualifying")) issues.push({ path: ["wallets"], message: f.needsQualifyingWallet });
  }

  const scale = isObj(input.points) && typeof input.points.scale === "number" ? input.points.scale : null;
  const finerThanScale = (v: unknown) => scale !== null && typeof v === "string" && decimalPlaces(v) > scale;
  const rules = list(input.rules);
  const triggerOf = new Map<string, unknown>();
  for (const r of rules) if (isObj(r) && typeof r.id === "string" && !triggerOf.has(r.id)) triggerOf.set(r.id, r.on);
  const order = evaluationOrder(rules, (r) => (isObj(r) && typeof r.priority === "number" ? r.priority : 0));
  const position = new Map<string, number>();
  order.forEach(({ rule }, pos) => {
    const id = isObj(rule) ? text(rule.id) : undefined;
    if (id !== undefined && !position.has(id)) position.set(id, pos);
  });
  const ruleIds = new Set<string>();
  for (const { rule, index } of order) {
    if (!isObj(rule)) continue;
    const at = ["rules", index];
    const id = text(rule.id);
    if (id !== undefined && ruleIds.has(id)) issues.push({ path: [...at, "id"], message: f.duplicateId(id) });
    if (id !== undefined) ruleIds.add(id);
    if (isObj(rule.caps)) {
      if (finerThanScale(rule.caps.perCommand))
        issues.push({ path: [...at, "caps", "perCommand"], message: f.finerThanScale(scale!) });
      list(rule.caps.perMember).forEach((c, k) => {
        if (isObj(c) && finerThanScale(c.points))
          issues.push({ path: [...at, "caps", "perMember", k, "points"], message: f.finerThanScale(scale!) });
      });
    }
    list(rule.awards).forEach((award, a) => {
      if (!isObj(award)) return;
      if (award.kind === "fixed" && finerThanScale(award.points))
        issues.push({ path: [...at, "awards", a, "points"], message: f.finerThanScale(scale!) });
      if (award.kind === "rate" && typeof rule.on === "string" && rule.on !== "purchase")
        issues.push({ path: [...at, "awards", a, "kind"], message: f.rateOnEvent });
      if (
        award.kind === "multiplier" &&
        typeof award.factor === "string" &&
        DECIMAL_LITERAL.test(award.factor) &&
        new Decimal(award.factor).lt(1)
      )
        issues.push({ path: [...at, "awards", a, "factor"], message: f.factorBelowOne });
      const wallet = text(award.wallet);
      if (wallet !== undefined && walletIds.size > 0 && !walletIds.has(wallet))
        issues.push({ path: [...at, "awards", a, "wallet"], message: f.unknownWallet(wallet) });
      if (award.kind !== "multiplier") return;
      list(award.rules).forEach((ref, r) => {
        if (typeof ref !== "string") return;
        const refPos = position.get(ref);
        if (refPos === undefined) issues.push({ path: [...at, "awards", a, "rules", r], message: f.unknownRule(ref) });
        else if (triggerOf.get(ref) !== rule.on)
          issues.push({ path: [...at, "awards", a, "rules", r], message: f.multiplierTrigger(ref) });
        else if (id !== undefined && refPos >= position.get(id)!)
          issues.push({ path: [...at, "awards", a, "rules", r], message: f.multiplierOrder(ref) });
      });
    });
    const active = isObj(rule.active) ? rule.active : {};
    const from =
      typeof active.from === "string"
        ? parseInstant(active.from)
        : active.from instanceof Date
          ? active.from.getTime()
          : null;
    const until =
      typeof active.until === "string"
        ? parseInstant(active.until)
        : active.until instanceof Date
          ? active.until.getTime()
          : null;
    if (from !== null && until !== null && until <= from)
      issues.push({ path: [...at, "active", "until"], message: f.rangeReversed });
  }

  issues.push(...tierIssues(input, walletIds, rules));
  issues.push(...rewardIssues(input, wallets, finerThanScale, scale));

  const baseRule = isObj(input.refunds) ? text(input.refunds.baseRule) : undefined;
  if (baseRule !== undefined) {
    const rule = rules.find((r) => isObj(r) && r.id === baseRule);
    if (!isObj(rule)) issues.push({ path: ["refunds", "baseRule"], message: f.unknownRule(baseRule) });
    else if (rule.on !== "purchase")
      issues.push({ path: ["refunds", "baseRule"], message: f.baseRuleNotPurchase(baseRule) });
    else if (!list(rule.awards).some((a) => isObj(a) && a.kind === "rate"))
      issues.push({ path: ["refunds", "baseRule"], message: f.baseRuleNotRate(baseRule) });
  }
  return issues;
}

/** Tier ids named by `{ tier: [...] }` conditions and `member.tier` comparisons, with their paths. */
function tierReferences(
  c: unknown,
  path: (string | number)[],
  out: { id: string; path: (string | number)[] }[],
  depth = 0,
): void {
  if (!isObj(c) || depth > 40) return;
  for (const key of ["all", "any"])
    list(c[key]).forEach((x, i) => tierReferences(x, [...path, key, i], out, depth + 1));
  if (c.not !== undefined) tierReferences(c.not, [...path, "not"], out, depth + 1);
  list(c.tier).forEach((id, i) => {
    if (typeof id === "string") out.push({ id, path: [...path, "tier", i] });
  });
  if (c.field === "member.tier") {
    if (typeof c.value === "string") out.push({ id: c.value, path: [...path, "value"] });
    list(c.value).forEach((id, i) => {
      if (typeof id === "string") out.push({ id, path: [...path, "value", i] });
    });
  }
}

/** Cross-field checks of the tiers section, and of the rules that refer to tiers. */
function tierIssues(
  input: Record<string, unknown>,
  walletIds: ReadonlySet<string>,
  rules: readonly unknown[],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const tiers = isObj(input.tiers) ? input.tiers : null;
  const tierIds = new Set<string>();
  if (tiers) {
    list(tiers.levels).forEach((level, i) => {
      if (!isObj(level)) return;
      const id = text(level.id);
      if (id !== undefined && tierIds.has(id))
        issues.push({ path: ["tiers", "levels", i, "id"], message: f.duplicateId(id) });
      if (id !== undefined) tierIds.add(id);
      if (i === 0 && level.qualify !== undefined)
        issues.push({ path: ["tiers", "levels", 0, "qualify"], message: f.baseTierThresholds });
      if (i > 0 && level.qualify === undefined)
        issues.push({ path: ["tiers", "levels", i, "qualify"], message: f.tierNeedsThresholds });
      if (!isObj(level.qualify)) return;
      list(level.qualify.thresholds).forEach((t, k) => {
        if (!isObj(t) || t.metric !== "points") return;
        const wallet = text(t.wallet);
        if (wallet !== undefined && walletIds.size > 0 && !walletIds.has(wallet))
          issues.push({
            path: ["tiers", "levels", i, "qualify", "thresholds", k, "wallet"],
            message: f.unknownWallet(wallet),
          });
      });
    });
  }
  if (
    tiers &&
    isObj(tiers.window) &&
    tiers.window.kind === "sinceTierChange" &&
    isObj(tiers.review) &&
    isObj(tiers.review.schedule) &&
    tiers.review.schedule.kind === "daily"
  ) {
    issues.push({ path: ["tiers", "review", "schedule", "kind"], message: f.sinceChangeDaily });
  }
  rules.forEach((rule, r) => {
    if (!isObj(rule)) return;
    const on = text(rule.on);
    if (on !== undefined && on.startsWith("tier:")) {
      const id = on.slice("tier:".length);
      if (!tiers) issues.push({ path: ["rules", r, "on"], message: f.noTiers });
      else if (!tierIds.has(id)) issues.push({ path: ["rules", r, "on"], message: f.unknownTier(id) });
    }
    const refs: { id: string; path: (string | number)[] }[] = [];
    tierReferences(rule.when, ["rules", r, "when"], refs);
    for (const ref of refs) {
      if (!tiers) issues.push({ path: ref.path, message: f.noTiers });
      else if (!tierIds.has(ref.id)) issues.push({ path: ref.path, message: f.unknownTier(ref.id) });
    }
  });
  return issues;
}

const instantOf = (v: unknown) => (typeof v === "string" ? parseInstant(v) : v instanceof Date ? v.getTime() : null);

/** Cross-field checks of the reward catalogue, transfers and referrals. */
function rewardIssues(
  input: Record<string, unknown>,
  wallets: readonly unknown[],
  finerThanScale: (v: unknown) => boolean,
  scale: number | null,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const walletKind = new Map<string, unknown>();
  for (const w of wallets)
    if (isObj(w) && typeof w.id === "string" && !walletKind.has(w.id)) walletKind.set(w.id, w.kind);
  const spendableWallet = (wallet: unknown, path: (string | number)[]) => {
    if (typeof wallet !== "string" || walletKind.size === 0) return;
    if (!walletKind.has(wallet)) issues.push({ path, message: f.unknownWallet(wallet) });
    else if (walletKind.get(wallet) !== "spendable") issues.push({ path, message: f.walletNotSpendable(wallet) });
  };
  const tiers = isObj(input.tiers) ? input.tiers : null;
  const tierIds = new Set(
    list(tiers?.levels)
      .map((l) => (isObj(l) ? text(l.id) : undefined))
      .filter((id): id is string => id !== undefined),
  );
  const knownTier = (id: unknown, path: (string | number)[]) => {
    if (typeof id !== "string") return;
    if (!tiers) issues.push({ path, message: f.noTiers });
    else if (!tierIds.has(id)) issues.push({ path, message: f.unknownTier(id) });
  };
  const places =
    typeof input.currency === "string" && isCurrency(input.currency) ? currencyPlaces(input.currency) : null;
  const rewardIds = new Set<string>();
  list(input.rewards).forEach((r, i) => {
    if (!isObj(r)) return;
    const at = ["rewards", i];
    const id = text(r.id);
    if (id !== undefined && rewardIds.has(id)) issues.push({ path: [...at, "id"], message: f.duplicateId(id) });
    if (id !== undefined) rewardIds.add(id);
    spendableWallet(r.wallet, [...at, "wallet"]);
    if (finerThanScale(r.price)) issues.push({ path: [...at, "price"], message: f.finerThanScale(scale!) });
    if (isObj(r.tierPrices)) {
      for (const [tier, price] of Object.entries(r.tierPrices)) {
        knownTier(tier, [...at, "tierPrices", tier]);
        if (finerThanScale(price))
          issues.push({ path: [...at, "tierPrices", tier], message: f.finerThanScale(scale!) });
      }
    }
    list(r.tiers).forEach((t, k) => knownTier(t, [...at, "tiers", k]));
    const money = [["value"], ["discount", "amount"]] as const;
    for (const path of money) {
      const v =
        path.length === 1
          ? r[path[0]]
          : isObj(r[path[0]])
            ? (r[path[0]] as Record<string, unknown>)[path[1]]
            : undefined;
      if (places !== null && typeof v === "string" && DECIMAL_LITERAL.test(v) && decimalPlaces(v) > places)
        issues.push({ path: [...at, ...path], message: f.tooPrecise(places) });
    }
    const window = isObj(r.available) ? r.available : {};
    const from = instantOf(window.from),
      until = instantOf(window.until);
    if (from !== null && until !== null && until <= from)
      issues.push({ path: [...at, "available", "until"], message: f.rangeReversed });
    if (r.kind === "conversion" && r.automatic !== undefined) {
      // A conversion run by the engine at a period end cannot be refused: no stock, no limits.
      if (r.stock !== undefined) issues.push({ path: [...at, "stock"], message: f.automaticConversionBound });
      if (r.limits !== undefined) issues.push({ path: [...at, "limits"], message: f.automaticConversionBound });
    }
  });
  if (isObj(input.transfers)) {
    list(input.transfers.wallets).forEach((w, k) => spendableWallet(w, ["transfers", "wallets", k]));
    if (finerThanScale(input.transfers.minPoints))
      issues.push({ path: ["transfers", "minPoints"], message: f.finerThanScale(scale!) });
    list(input.transfers.limits).forEach((l, k) => {
      if (isObj(l) && finerThanScale(l.points))
        issues.push({ path: ["transfers", "limits", k, "points"], message: f.finerThanScale(scale!) });
    });
  }
  if (isObj(input.referrals)) {
    const referrer = text(input.referrals.referrerEvent) ?? "referral",
      referred = text(input.referrals.referredEvent) ?? "referred";
    if (referrer === "purchase")
      issues.push({ path: ["referrals", "referrerEvent"], message: f.referralEventPurchase });
    if (referred === "purchase")
      issues.push({ path: ["referrals", "referredEvent"], message: f.referralEventPurchase });
    // "tier:<id>" triggers the tier bonus rules: a referral must not pay them.
    if (referrer.startsWith("tier:")) issues.push({ path: ["referrals", "referrerEvent"], message: f.reservedKey });
    if (referred.startsWith("tier:")) issues.push({ path: ["referrals", "referredEvent"], message: f.reservedKey });
    if (referrer === referred) issues.push({ path: ["referrals", "referredEvent"], message: f.referralEventsSame });
  }
  return issues;
}

function compileReward(r: RewardDefinition): CompiledReward {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    wallet: r.wallet,
    price: new Decimal(r.price),
    tierPrices: new Map(Object.entries(r.tierPrices ?? {}).map(([tier, price]) => [tier, new Decimal(price)])),
    availableFrom: r.available?.from === undefined ? null : instantMs(r.available.from),
    availableUntil: r.available?.until === undefined ? null : instantMs(r.available.until),
    enabled: r.enabled ?? true,
    tiers: r.tiers ? new Set(r.tiers) : null,
    limits: (r.limits ?? []).map((l) => ({ period: l.period, count: l.count })),
    stock: r.stock ?? null,
    value:
      r.kind === "conversion" || r.kind === "voucher"
        ? r.value === undefined
          ? null
          : new Decimal(r.value)
        : r.kind === "discount" && "amount" in r.discount
          ? new Decimal(r.discount.amount)
          : null,
    causes: r.kind === "donation" && r.causes ? new Set(r.causes) : null,
    automatic: r.kind === "conversion" ? (r.automatic?.period ?? null) : null,
    definition: r,
  };
}

function thresholdKey(t: { metric: string; wallet?: string; type?: string }): string {
  return t.metric === "points" ? `points:${t.wallet}` : t.metric === "events" ? `events:${t.type}` : t.metric;
}

function compileTiers(def: TiersDefinition | undefined): CompiledTiers | null {
  if (def === undefined) return null;
  const metricKeys = new Set<string>();
  const levels: CompiledTier[] = def.levels.map((level, index) => ({
    id: level.id,
    name: level.name,
    index,
    match: level.qualify?.match ?? "all",
    thresholds: (level.qualify?.thresholds ?? []).map((t) => {
      const key = thresholdKey(t);
      metricKeys.add(key);
      return {
        key,
        metric: t.metric,
        min: new Decimal(String(t.min)),
        ...(t.metric === "points" ? { wallet: t.wallet } : {}),
        ...(t.metric === "events" ? { type: t.type } : {}),
      };
    }),
  }));
  return {
    levels,
    byId: new Map(levels.map((l) => [l.id, l])),
    window: def.window,
    promotion: def.promotion,
    schedule: def.review.schedule,
    demotion: def.review.demotion,
    graceMonths: def.review.graceMonths ?? 0,
    minimumStayMonths: def.review.minimumStayMonths ?? 0,
    refunds: def.refunds,
    metricKeys,
  };
}

/** Compiles a definition that passed every check. */
function compileValid(def: z.output<typeof programSchema>): Program {
  const wallets = new Map<string, CompiledWallet>();
  const programExpiry: ExpiryPolicy =
    def.expiry === undefined
      ? { kind: "none" }
      : "kind" in def.expiry
        ? def.expiry
        : { kind: "term", after: def.expiry.after, roundUpTo: def.expiry.roundUpTo };
  for (const w of def.wallets) {
    const expiry: ExpiryPolicy =
      w.expiry ??
      (w.expiresAfter === undefined
        ? programExpiry
        : w.expiresAfter === null
          ? { kind: "none" }
          : { kind: "term", after: w.expiresAfter });
    wallets.set(w.id, { id: w.id, kind: w.kind, expiry });
  }

  const rules = new Map<string, CompiledRule>();
  const rulesByTrigger = new Map<string, CompiledRule[]>();
  for (const { rule } of evaluationOrder(def.rules, (r) => r.priority ?? 0)) {
    const awards: CompiledAward[] = rule.awards.map((award) => {
      switch (award.kind) {
        case "rate":
          return {
            kind: "rate",
            wallet: award.wallet,
            ...rate(award.points, award.per),
            lines: award.lines ? compileLineFilter(award.lines) : null,
            rounding: award.rounding ?? def.points.rounding,
          };
        case "fixed":
          return { kind: "fixed", wallet: award.wallet, points: new Decimal(award.points) };
        case "multiplier":
          return {
            kind: "multiplier",
            wallet: award.wallet,
            extra: new Decimal(award.factor).minus(1),
            rules: award.rules ? new Set(award.rules) : null,
            rounding: award.rounding ?? def.points.rounding,
          };
      }
    });
    const compiled: CompiledRule = {
      id: rule.id,
      name: rule.name,
      trigger: rule.on,
      test: rule.when === undefined ? null : compileCondition(rule.when),
      awards,
      perCommandCap: rule.caps?.perCommand === undefined ? null : new Decimal(rule.caps.perCommand),
      periodCaps: (rule.caps?.perMember ?? []).map((c) => ({ period: c.period, points: new Decimal(c.points) })),
      activeFrom: rule.active?.from === undefined ? null : instantMs(rule.active.from),
      activeUntil: rule.active?.until === undefined ? null : instantMs(rule.active.until),
      stopFurtherRules: rule.stopFurtherRules ?? false,
      expiry: rule.expiry ?? null,
    };
    rules.set(rule.id, compiled);
    const forTrigger = rulesByTrigger.get(compiled.trigger) ?? [];
    forTrigger.push(compiled);
    rulesByTrigger.set(compiled.trigger, forTrigger);
  }

  return Object.freeze({
    definition: def as ProgramDefinition,
    id: def.id,
    version: def.version,
    currency: def.currency,
    currencyPlaces: currencyPlaces(def.currency),
    timeZone: def.timeZone,
    scale: def.points.scale,
    rounding: def.points.rounding,
    wallets,
    pendingDays: def.pending?.days ?? 0,
    negativeBalance: def.refunds.negativeBalance,
    baseRule: def.refunds.baseRule === undefined ? null : (rules.get(def.refunds.baseRule) ?? null),
    rulesByTrigger,
    rules,
    tiers: compileTiers(def.tiers),
    rewards: new Map((def.rewards ?? []).map((r) => [r.id, compileReward(r)])),
    cancellationGraceDays: def.cancellation?.graceDays ?? 30,
    transfers:
      def.transfers === undefined
        ? null
        : {
            wallets: new Set(def.transfers.wallets),
            minPoints: def.transfers.minPoints === undefined ? null : new Decimal(def.transfers.minPoints),
            limits: (def.transfers.limits ?? []).map((l) => ({ period: l.period, points: new Decimal(l.points) })),
          },
    referrals: {
      referrerEvent: def.referrals?.referrerEvent ?? "referral",
      referredEvent: def.referrals?.referredEvent ?? "referred",
      limits: (def.referrals?.limits ?? []).map((l) => ({ period: l.period, count: l.count })),
      withinDays: def.referrals?.withinDays ?? null,
    },
  });
}

/** The rate's figures, with `ratio` only when points / per is an exact (terminating) decimal. */
function rate(pointsText: string, perText: string) {
  const points = new Decimal(pointsText),
    per = new Decimal(perText);
  const ratio = points.div(per);
  // A quotient that used every significant digit may have been rounded: treat it as inexact.
  return { points, per, ratio: ratio.sd() < Decimal.precision ? ratio : null };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function compileLineFilter(filter: LineFilter): LinePredicate {
  const skus = filter.skus ? new Set(filter.skus) : null;
  const categories = filter.categories ? new Set(filter.categories) : null;
  const exSkus = filter.excludeSkus ? new Set(filter.excludeSkus) : null;
  const exCategories = filter.excludeCategories ? new Set(filter.excludeCategories) : null;
  return (line) => {
    if (exSkus?.has(line.sku)) return false;
    if (exCategories && line.category !== undefined && exCategories.has(line.category)) return false;
    if (!skus && !categories) return true;
    return (
      (skus?.has(line.sku) ?? false) ||
      (categories !== null && line.category !== undefined && categories.has(line.category))
    );
  };
}

/** Reads a field of the context; decimals for the numeric fields, scalars otherwise. */
function fieldReader(field: string): (ctx: AccrualContext) => Scalar | Decimal | undefined {
  if (field === "amount") return (ctx) => ctx.amount;
  if (field === "lines.count") return (ctx) => new Decimal(ctx.lines?.length ?? 0);
  if (field === "member.tier") return (ctx) => ctx.member?.tier ?? undefined;
  if (field === "lines.quantity") return (ctx) => new Decimal((ctx.lines ?? []).reduce((q, l) => q + l.quantity, 0));
  if (field.startsWith("member.attributes.")) {
    const name = field.slice("member.attributes.".length);
    return (ctx) =>
      ctx.member && Object.hasOwn(ctx.member.attributes, name) ? ctx.member.attributes[name] : undefined;
  }
  const name = field.slice("attributes.".length);
  return (ctx) => (Object.hasOwn(ctx.attributes, name) ? ctx.attributes[name] : undefined);
}

function asDecimal(v: Scalar | Decimal | undefined): Decimal | null {
  if (v instanceof Decimal) return v;
  if (typeof v === "number" && Number.isFinite(v)) return new Decimal(v);
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return new Decimal(v);
  return null;
}

/** Equality for conditions: when either side is a number, a decimal string equal to it matches. */
function sameScalar(a: Scalar | Decimal | undefined, b: Scalar): boolean {
  if (a instanceof Decimal || typeof a === "number" || typeof b === "number") {
    const x = asDecimal(a),
      y = asDecimal(b);
    return x !== null && y !== null && x.eq(y);
  }
  return a === b;
}

/** Compiles a (validated) condition into a closure. */
export function compileCondition(c: Condition): Predicate {
  if ("all" in c) {
    const parts = c.all.map(compileCondition);
    return (ctx) => parts.every((p) => p(ctx));
  }
  if ("any" in c) {
    const parts = c.any.map(compileCondition);
    return (ctx) => parts.some((p) => p(ctx));
  }
  if ("not" in c) {
    const inner = compileCondition(c.not);
    return (ctx) => !inner(ctx);
  }
  if ("field" in c) {
    const read = fieldReader(c.field);
    switch (c.op) {
      case "exists":
        return (ctx) => read(ctx) !== undefined;
      case "eq": {
        const v = c.value as Scalar;
        return (ctx) => sameScalar(read(ctx), v);
      }
      case "ne": {
        const v = c.value as Scalar;
        return (ctx) => !sameScalar(read(ctx), v);
      }
      case "in": {
        const vs = [...(c.value as Scalar[])];
        return (ctx) => {
          const x = read(ctx);
          return vs.some((v) => sameScalar(x, v));
        };
      }
      case "nin": {
        const vs = [...(c.value as Scalar[])];
        return (ctx) => {
          const x = read(ctx);
          return !vs.some((v) => sameScalar(x, v));
        };
      }
      default: {
        const bound = new Decimal(String(c.value));
        const cmp = c.op;
        return (ctx) => {
          const x = asDecimal(read(ctx));
          if (x === null) return false;
          const s = x.cmp(bound);
          return cmp === "gt" ? s > 0 : cmp === "gte" ? s >= 0 : cmp === "lt" ? s < 0 : s <= 0;
        };
      }
    }
  }
  if ("dayOfWeek" in c) {
    const days = new Set(c.dayOfWeek.map((d) => WEEKDAY_NAMES.indexOf(d)));
    return (ctx) => days.has(ctx.local().weekday);
  }
  if ("dateRange" in c) {
    const from = c.dateRange.from ?? "0000-01-01";
    const to = c.dateRange.to ?? "9999-12-31";
    return (ctx) => {
      const key = dateKey(ctx.local());
      return key >= from && key <= to;
    };
  }
  if ("timeOfDay" in c) {
    const from = minutes(c.timeOfDay.from),
      to = minutes(c.timeOfDay.to);
    // A window like 22:00-02:00 wraps past midnight.
    return (ctx) => {
      const m = ctx.local().minuteOfDay;
      return from <= to ? m >= from && m < to : m >= from || m < to;
    };
  }
  if ("birthday" in c) {
    const byMonth = c.birthday === "month";
    return (ctx) => {
      const bd = ctx.member?.birthday;
      if (!bd) return false;
      const p = ctx.local();
      const month = Number(bd.slice(0, 2)),
        day = Number(bd.slice(3, 5));
      if (byMonth) return p.month === month;
      // A 29 February birthday is celebrated on 28 February in common years.
      if (month === 2 && day === 29 && !isLeap(p.year)) return p.month === 2 && p.day === 28;
      return p.month === month && p.day === day;
    };
  }
  if ("tier" in c) {
    const tiers = new Set(c.tier);
    return (ctx) => {
      const t = ctx.member?.tier;
      return t !== undefined && t !== null && tiers.has(t);
    };
  }
  const match = compileLineFilter(c.lines);
  const minQuantity = c.minQuantity ?? 1;
  const minAmount = c.minAmount === undefined ? null : new Decimal(c.minAmount);
  return (ctx) => {
    let quantity = 0,
      amount = ZERO;
    for (const line of ctx.lines ?? [])
      if (match(line)) {
        quantity += line.quantity;
        amount = amount.plus(line.amount);
      }
    return quantity >= minQuantity && (minAmount === null || amount.gte(minAmount));
  };
}

const pad2 = (n: number) => String(n).padStart(2, "0");
const dateKey = (p: LocalParts) => `${String(p.year).padStart(4, "0")}-${pad2(p.month)}-${pad2(p.day)}`;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Builds the context for a command; local time is computed at most once, on first use. */
export function accrualContext(program: Program, fields: Omit<AccrualContext, "local">): AccrualContext {
  let local: LocalParts | undefined;
  // Properties written out rather than spread: this runs once per evaluated command, and a spread
  // here halves accrual throughput (measured by npm run bench).
  return {
    trigger: fields.trigger,
    amount: fields.amount,
    lines: fields.lines,
    attributes: fields.attributes,
    occurredAt: fields.occurredAt,
    member: fields.member,
    local: () => (local ??= localParts(fields.occurredAt, program.timeZone)),
  };
}
