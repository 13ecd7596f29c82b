/**
 * The compiled program: what `compileProgram` (compile.ts) makes of a valid definition, and what
 * every pure decision takes. Types only; the compilers of each part live in compile-*.ts.
 */
import type * as z from "zod/mini";
import type { Decimal, RoundingMode } from "../shared/decimal.js";
import type { CalendarUnit, Period, PeriodEndUnit } from "../shared/periods.js";
import type { Duration, LocalParts } from "../shared/time.js";
import type { Scalar } from "../shared/scalar.js";
import type {
  programSchema,
  ExpiryPolicy,
  NegativeBalancePolicy,
  ProgramDefinition,
  QualificationWindow,
  RewardDefinition,
  TiersDefinition,
} from "./schema.js";

/** A definition that passed the schema: what the compilers of each part read. */
export type ValidDefinition = z.output<typeof programSchema>;

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
    /** The segments the member is in when the command happens (explicit and derived, sorted). */
    readonly segments?: readonly string[];
    /** When the member joined (epoch ms). */
    readonly joinedAt?: number;
    /** Purchases recorded before this command; null: unknown (MemberState `purchaseCount`). */
    readonly purchases?: number | null;
    /** The latest purchase recorded before this command (epoch ms); null: none. */
    readonly lastPurchaseAt?: number | null;
    /** Categories the member bought before this command; null: unknown. */
    readonly categoriesBought?: readonly string[] | null;
  } | null;
  /** Computed on first use: most rules never look at the clock. */
  local(): LocalParts;
  /** The local date (YYYY-MM-DD, the program's zone) of an instant: what history conditions count days by. */
  localDate(ms: number): string;
}

export type Predicate = (ctx: AccrualContext) => boolean;

/** The program's segments: those set on members by commands, and those derived from the profile. */
export interface CompiledSegments {
  /** Every segment the program declares (conditions and rewards may name only these). */
  readonly ids: ReadonlySet<string>;
  /** Segments with a `when`: a member is in one while the condition holds on their profile. */
  readonly derived: readonly { readonly id: string; readonly when: Predicate }[];
}
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
      /** Limits the multiplied points to those earned on these lines; null: all of them. */
      readonly lines: LinePredicate | null;
      readonly rounding: RoundingMode;
    }
  | {
      readonly kind: "perUnit";
      readonly wallet: string;
      readonly points: Decimal;
      readonly lines: LinePredicate | null;
    };

export interface CompiledRule {
  readonly id: string;
  readonly name: string | undefined;
  readonly trigger: string;
  readonly test: Predicate | null;
  readonly awards: readonly CompiledAward[];
  readonly perCommandCap: Decimal | null;
  readonly periodCaps: readonly { readonly period: Period; readonly points: Decimal }[];
  /** The campaign budget shared by all members (accrual/budgets.ts); null: none. */
  readonly budget: { readonly points: Decimal; readonly period: Period } | null;
  readonly activeFrom: number | null;
  readonly activeUntil: number | null;
  readonly stopFurtherRules: boolean;
  /** This rule's own expiry term for its points, overriding the wallet's. */
  readonly expiry: {
    readonly after: Duration;
    readonly roundUpTo?: CalendarUnit | { readonly month: number } | undefined;
    readonly roundDownTo?: "day" | undefined;
  } | null;
}

export interface CompiledWallet {
  readonly id: string;
  readonly kind: "spendable" | "qualifying" | "counter";
  readonly expiry: ExpiryPolicy;
}

/** A milestone (schema-milestones.ts): `every` units of `from` become `units` units of `into`. */
export interface CompiledMilestone {
  readonly from: string;
  readonly every: number;
  readonly into: string;
  readonly units: number;
}

/** One threshold of a tier: `key` names the metric counter it reads ("points:status", "spend", ...). */
export interface CompiledThreshold {
  readonly key: string;
  readonly metric: "points" | "balance" | "spend" | "purchases" | "events";
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
  /** Segments whose members may redeem it; null: every member. */
  readonly segments: ReadonlySet<string> | null;
  readonly limits: readonly CountLimit[];
  /** Units on hand before the first redemption; null: unlimited. */
  readonly stock: number | null;
  /** Money per unit: a voucher's face value, a conversion's value per step; null when it has none. */
  readonly value: Decimal | null;
  /** Causes a donation may name; null: any. */
  readonly causes: ReadonlySet<string> | null;
  /** A conversion run at the end of every local period of this kind; null: on request only. */
  readonly automatic: PeriodEndUnit | null;
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
  /** Milestones in cascade order: a milestone comes before those that convert what it credits. */
  readonly milestones: readonly CompiledMilestone[];
  readonly pendingDays: number;
  /** "day": pending points are released at the next local midnight after `pendingDays`; null: at the purchase's time of day. */
  readonly pendingRoundUpTo: "day" | null;
  /** A purchase id is recorded once across members (`purchases.uniqueAcrossMembers`). */
  readonly uniquePurchaseIds: boolean;
  readonly negativeBalance: NegativeBalancePolicy;
  readonly baseRule: CompiledRule | null;
  /** Local days a purchase may be refunded in; null: for ever. */
  readonly refundWindowDays: number | null;
  /** Rules per trigger, in evaluation order (priority high to low, then list order). */
  readonly rulesByTrigger: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly rules: ReadonlyMap<string, CompiledRule>;
  /** Member tiers, or null for a program without them. */
  readonly tiers: CompiledTiers | null;
  /** Named segments (docs/members.md): explicit ones by id, derived ones with their compiled `when`. */
  readonly segments: CompiledSegments;
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
  /**
   * Paying with points (docs/checkout.md): money one point pays (null: the program sets none, so a
   * hold's share of its basket is not checked), minutes a hold lasts, the share bounds.
   */
  readonly checkout: {
    readonly pointValue: Decimal | null;
    readonly holdMinutes: number;
    readonly minShare: Decimal;
    readonly maxShare: Decimal;
  };
  readonly referrals: {
    readonly referrerEvent: string;
    readonly referredEvent: string;
    readonly limits: readonly CountLimit[];
    readonly withinDays: number | null;
  };
  /** Automatic donations to the member's cause on every purchase (docs/donations.md); null: none. */
  readonly donations: {
    /** The share given, in (0, 1]: "0.01" is Target Circle's 1%. */
    readonly share: Decimal;
    /** Of the purchase's money, or of the points it earned in `wallet`. */
    readonly of: "points" | "money";
    /** The wallet whose points the share is of; null for money. */
    readonly wallet: string | null;
    readonly causes: ReadonlySet<string>;
    /** The member attribute that holds the cause they chose. */
    readonly attribute: string;
  } | null;
}
