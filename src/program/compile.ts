/**
 * parse + compile: a program definition is validated once, cross-checked (every wallet and rule a
 * field names exists), and compiled into closures. Evaluating a command afterwards never touches
 * the JSON again.
 */
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { Decimal, ZERO, type RoundingMode } from "../shared/decimal.js";
import { localParts, type Duration, type LocalParts, type Period } from "../shared/time.js";
import { currencyPlaces, instantMs, parseOrThrow } from "../shared/validation.js";
import { WEEKDAY_NAMES, type Condition, type LineFilter, type Scalar } from "./conditions.js";
import { programSchema, type NegativeBalancePolicy, type ProgramDefinition } from "./schema.js";

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
  } | null;
  /** Computed on first use: most rules never look at the clock. */
  local(): LocalParts;
}

export type Predicate = (ctx: AccrualContext) => boolean;
export type LinePredicate = (line: PurchaseLine) => boolean;

export type CompiledAward =
  | { readonly kind: "rate"; readonly wallet: string; readonly ratio: Decimal; readonly lines: LinePredicate | null; readonly rounding: RoundingMode }
  | { readonly kind: "fixed"; readonly wallet: string; readonly points: Decimal }
  | { readonly kind: "multiplier"; readonly wallet: string; readonly extra: Decimal; readonly rules: ReadonlySet<string> | null; readonly rounding: RoundingMode };

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
}

export interface CompiledWallet {
  readonly id: string;
  readonly kind: "spendable" | "qualifying";
  readonly expiresAfter: Duration | null;
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
}

const f = messages.field;

/**
 * Validates and compiles a program. Throws `INVALID_PROGRAM` listing every problem, each with its
 * path: schema problems first, then cross-references (unknown wallets and rules).
 */
export function compileProgram(input: unknown): Program {
  const def = parseOrThrow(programSchema, input, "INVALID_PROGRAM", messages.invalidProgram);
  const issues: FieldIssue[] = [];

  const wallets = new Map<string, CompiledWallet>();
  def.wallets.forEach((w, i) => {
    if (wallets.has(w.id)) issues.push({ path: ["wallets", i, "id"], message: f.duplicateId(w.id) });
    const expiresAfter = w.expiresAfter === undefined ? (def.expiry?.after ?? null) : w.expiresAfter;
    wallets.set(w.id, { id: w.id, kind: w.kind, expiresAfter });
  });
  const kinds = new Set(def.wallets.map((w) => w.kind));
  if (!kinds.has("spendable")) issues.push({ path: ["wallets"], message: f.needsSpendableWallet });
  if (!kinds.has("qualifying")) issues.push({ path: ["wallets"], message: f.needsQualifyingWallet });

  const order = def.rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => (b.rule.priority ?? 0) - (a.rule.priority ?? 0) || a.index - b.index);
  const position = new Map<string, number>();
  order.forEach(({ rule }, pos) => { if (!position.has(rule.id)) position.set(rule.id, pos); });

  const seen = new Set<string>();
  const compiled = new Map<string, CompiledRule>();
  for (const { rule, index } of order) {
    const at = ["rules", index];
    if (seen.has(rule.id)) issues.push({ path: [...at, "id"], message: f.duplicateId(rule.id) });
    seen.add(rule.id);
    const awards: CompiledAward[] = rule.awards.map((award, a) => {
      if (!wallets.has(award.wallet)) issues.push({ path: [...at, "awards", a, "wallet"], message: f.unknownWallet(award.wallet) });
      switch (award.kind) {
        case "rate":
          return { kind: "rate", wallet: award.wallet, ratio: new Decimal(award.points).div(award.per), lines: award.lines ? compileLineFilter(award.lines) : null, rounding: award.rounding ?? def.points.rounding };
        case "fixed":
          return { kind: "fixed", wallet: award.wallet, points: new Decimal(award.points) };
        case "multiplier":
          award.rules?.forEach((ref, r) => {
            const refPos = position.get(ref);
            if (refPos === undefined) issues.push({ path: [...at, "awards", a, "rules", r], message: f.unknownRule(ref) });
            else if (refPos >= position.get(rule.id)!) issues.push({ path: [...at, "awards", a, "rules", r], message: f.multiplierOrder(ref) });
          });
          return { kind: "multiplier", wallet: award.wallet, extra: new Decimal(award.factor).minus(1), rules: award.rules ? new Set(award.rules) : null, rounding: award.rounding ?? def.points.rounding };
      }
    });
    const activeFrom = rule.active?.from === undefined ? null : instantMs(rule.active.from);
    const activeUntil = rule.active?.until === undefined ? null : instantMs(rule.active.until);
    if (activeFrom !== null && activeUntil !== null && activeUntil <= activeFrom) issues.push({ path: [...at, "active", "until"], message: f.rangeReversed });
    if (!compiled.has(rule.id)) {
      compiled.set(rule.id, {
        id: rule.id,
        name: rule.name,
        trigger: rule.on,
        test: rule.when === undefined ? null : compileCondition(rule.when),
        awards,
        perCommandCap: rule.caps?.perCommand === undefined ? null : new Decimal(rule.caps.perCommand),
        periodCaps: (rule.caps?.perMember ?? []).map((c) => ({ period: c.period, points: new Decimal(c.points) })),
        activeFrom,
        activeUntil,
        stopFurtherRules: rule.stopFurtherRules ?? false,
      });
    }
  }

  let baseRule: CompiledRule | null = null;
  if (def.refunds.baseRule !== undefined) {
    baseRule = compiled.get(def.refunds.baseRule) ?? null;
    if (!baseRule) issues.push({ path: ["refunds", "baseRule"], message: f.unknownRule(def.refunds.baseRule) });
    else if (!baseRule.awards.some((a) => a.kind === "rate")) issues.push({ path: ["refunds", "baseRule"], message: f.baseRuleNotRate(def.refunds.baseRule) });
  }

  if (issues.length > 0) throw new LoyaltyError("INVALID_PROGRAM", messages.invalidProgram(issues.length), { issues });

  const rulesByTrigger = new Map<string, CompiledRule[]>();
  for (const { rule } of order) {
    const c = compiled.get(rule.id)!;
    const list = rulesByTrigger.get(c.trigger) ?? [];
    if (!list.includes(c)) list.push(c);
    rulesByTrigger.set(c.trigger, list);
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
    baseRule,
    rulesByTrigger,
    rules: compiled,
  });
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
    return (skus?.has(line.sku) ?? false) || (categories !== null && line.category !== undefined && categories.has(line.category));
  };
}

/** Reads a field of the context; decimals for the numeric fields, scalars otherwise. */
function fieldReader(field: string): (ctx: AccrualContext) => Scalar | Decimal | undefined {
  if (field === "amount") return (ctx) => ctx.amount;
  if (field === "lines.count") return (ctx) => new Decimal(ctx.lines?.length ?? 0);
  if (field === "lines.quantity") return (ctx) => new Decimal((ctx.lines ?? []).reduce((q, l) => q + l.quantity, 0));
  if (field.startsWith("member.attributes.")) {
    const name = field.slice("member.attributes.".length);
    return (ctx) => ctx.member?.attributes[name];
  }
  const name = field.slice("attributes.".length);
  return (ctx) => ctx.attributes[name];
}

function asDecimal(v: Scalar | Decimal | undefined): Decimal | null {
  if (v instanceof Decimal) return v;
  if (typeof v === "number" && Number.isFinite(v)) return new Decimal(v);
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return new Decimal(v);
  return null;
}

function sameScalar(a: Scalar | Decimal | undefined, b: Scalar): boolean {
  if (a instanceof Decimal || typeof a === "number") {
    const x = asDecimal(a), y = asDecimal(b);
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
      case "exists": return (ctx) => read(ctx) !== undefined;
      case "eq": { const v = c.value as Scalar; return (ctx) => sameScalar(read(ctx), v); }
      case "ne": { const v = c.value as Scalar; return (ctx) => !sameScalar(read(ctx), v); }
      case "in": { const vs = c.value as Scalar[]; return (ctx) => { const x = read(ctx); return vs.some((v) => sameScalar(x, v)); }; }
      case "nin": { const vs = c.value as Scalar[]; return (ctx) => { const x = read(ctx); return !vs.some((v) => sameScalar(x, v)); }; }
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
    return (ctx) => { const key = dateKey(ctx.local()); return key >= from && key <= to; };
  }
  if ("timeOfDay" in c) {
    const from = minutes(c.timeOfDay.from), to = minutes(c.timeOfDay.to);
    // A window like 22:00-02:00 wraps past midnight.
    return (ctx) => { const m = ctx.local().minuteOfDay; return from <= to ? m >= from && m < to : m >= from || m < to; };
  }
  if ("birthday" in c) {
    const byMonth = c.birthday === "month";
    return (ctx) => {
      const bd = ctx.member?.birthday;
      if (!bd) return false;
      const p = ctx.local();
      const month = Number(bd.slice(0, 2)), day = Number(bd.slice(3, 5));
      if (byMonth) return p.month === month;
      // A 29 February birthday is celebrated on 28 February in common years.
      if (month === 2 && day === 29 && !isLeap(p.year)) return p.month === 2 && p.day === 28;
      return p.month === month && p.day === day;
    };
  }
  const match = compileLineFilter(c.lines);
  const minQuantity = c.minQuantity ?? 1;
  const minAmount = c.minAmount === undefined ? null : new Decimal(c.minAmount);
  return (ctx) => {
    let quantity = 0, amount = ZERO;
    for (const line of ctx.lines ?? []) if (match(line)) { quantity += line.quantity; amount = amount.plus(line.amount); }
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
  return { ...fields, local: () => (local ??= localParts(fields.occurredAt, program.timeZone)) };
}
