/**
 * parse + compile: a program definition is validated once, cross-checked (every wallet, rule and
 * tier a field names exists), and compiled into closures. Evaluating a command afterwards never
 * touches the JSON again.
 *
 * This file runs the steps; each part of a program has its own module with its cross-reference
 * checks beside its compiler: compile-wallets.ts, compile-rules.ts (with compile-conditions.ts),
 * compile-tiers.ts, compile-rewards.ts, compile-transfers.ts, compile-referrals.ts. The compiled
 * types are in compiled.ts and re-exported here, so importers keep one path.
 */
import { frozen } from "../shared/frozen.js";
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { decimalPlaces } from "../shared/decimal.js";
import { currencyPlaces } from "../shared/currencies.js";
import { safeParse } from "../shared/validation.js";
import type { Program, ValidDefinition } from "./compiled.js";
import { compileDonations, donationIssues } from "./compile-donations.js";
import { compileMilestones, milestoneIssues } from "./compile-milestones.js";
import { compileReferrals, referralEventTypes, referralIssues } from "./compile-referrals.js";
import { checkoutIssues, compileCheckout } from "./compile-checkout.js";
import { compileReward, rewardIssues } from "./compile-rewards.js";
import { baseRuleIssues, compileRules, ruleIssues } from "./compile-rules.js";
import { compileTiers, tierIssues } from "./compile-tiers.js";
import { compileSegments, segmentIssues } from "./compile-segments.js";
import { compileTransfers, transferIssues } from "./compile-transfers.js";
import { compileWallets, walletIssues } from "./compile-wallets.js";
import { isObj, list } from "./raw-input.js";
import { programSchema, type ProgramDefinition } from "./schema.js";

export type {
  PurchaseLine,
  AccrualContext,
  Predicate,
  LinePredicate,
  CompiledAward,
  CompiledRule,
  CompiledWallet,
  CompiledMilestone,
  CompiledThreshold,
  CompiledTier,
  CompiledTiers,
  CountLimit,
  CompiledReward,
  Program,
} from "./compiled.js";
export { accrualContext, compileCondition, compileLineFilter } from "./compile-conditions.js";

/**
 * Validates and compiles a program. Throws `INVALID_PROGRAM` listing every problem, each with its
 * path: schema problems and cross-reference problems (unknown wallets and rules, duplicate ids)
 * together, so that one round of fixes is enough.
 */
export function compileProgram(input: unknown): Program {
  const parsed = safeParse(programSchema, input, { once: true });
  const schemaIssues = parsed.success ? [] : parsed.issues;
  const seen = new Set(schemaIssues.map((i) => i.path.join("\u0000")));
  const issues = [...schemaIssues, ...crossReferenceIssues(input).filter((i) => !seen.has(i.path.join("\u0000")))];
  if (!parsed.success || issues.length > 0)
    throw new LoyaltyError("INVALID_PROGRAM", messages.invalidProgram(issues.length), { issues });
  // A private, frozen copy: changing the caller's object later cannot change the program.
  return compileValid(frozen(structuredClone(parsed.data)));
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
  issues.push(...walletIssues(input, walletIds));
  const scale = isObj(input.points) && typeof input.points.scale === "number" ? input.points.scale : null;
  const finerThanScale = (v: unknown) => scale !== null && typeof v === "string" && decimalPlaces(v) > scale;
  const rules = list(input.rules);
  issues.push(...ruleIssues(rules, walletIds, finerThanScale, scale, referralEventTypes(input)));

  issues.push(...tierIssues(input, walletIds, rules));
  issues.push(...rewardIssues(input, wallets, finerThanScale, scale));
  issues.push(...transferIssues(input, wallets, finerThanScale, scale));
  issues.push(...referralIssues(input));
  issues.push(...checkoutIssues(input));
  issues.push(...segmentIssues(input));
  issues.push(...milestoneIssues(input));
  issues.push(...baseRuleIssues(input, rules));
  issues.push(...donationIssues(input, walletIds));
  return issues;
}

/** Compiles a definition that passed every check. */
function compileValid(def: ValidDefinition): Program {
  const wallets = compileWallets(def);
  const { rules, rulesByTrigger } = compileRules(def);

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
    milestones: compileMilestones(def),
    pendingDays: def.pending?.days ?? 0,
    pendingRoundUpTo: def.pending?.roundUpTo ?? null,
    uniquePurchaseIds: def.purchases?.uniqueAcrossMembers ?? false,
    negativeBalance: def.refunds.negativeBalance,
    baseRule: def.refunds.baseRule === undefined ? null : (rules.get(def.refunds.baseRule) ?? null),
    refundWindowDays: def.refunds.windowDays ?? null,
    rulesByTrigger,
    rules,
    tiers: compileTiers(def.tiers),
    segments: compileSegments(def),
    rewards: new Map((def.rewards ?? []).map((r) => [r.id, compileReward(r)])),
    cancellationGraceDays: def.cancellation?.graceDays ?? 30,
    transfers: compileTransfers(def),
    referrals: compileReferrals(def),
    checkout: compileCheckout(def),
    donations: compileDonations(def),
  });
}
