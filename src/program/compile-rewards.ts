/**
 * The reward catalogue: cross-reference checks of each reward (a spendable wallet, known tiers,
 * prices at the point scale, money at the currency's places, automatic conversions unbounded) and
 * its compiled form.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { DECIMAL_LITERAL, Decimal, decimalPlaces } from "../shared/decimal.js";
import { currencyPlaces, isCurrency } from "../shared/currencies.js";
import { instantMs } from "../shared/validation.js";
import type { CompiledReward } from "./compiled.js";
import { spendableWalletCheck } from "./compile-wallets.js";
import { instantOf, isObj, list, text } from "./raw-input.js";
import type { RewardDefinition } from "./schema.js";

const f = messages.field;

/** Cross-field checks of the reward catalogue. */
export function rewardIssues(
  input: Record<string, unknown>,
  wallets: readonly unknown[],
  finerThanScale: (value: unknown) => boolean,
  scale: number | null,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const spendableWallet = spendableWalletCheck(wallets, issues);
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
    // Budgets share the store's stock counts under keys of this prefix (accrual/budgets.ts).
    if (id !== undefined && id.startsWith("budget#")) issues.push({ path: [...at, "id"], message: f.reservedKey });
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
  return issues;
}

export function compileReward(reward: RewardDefinition): CompiledReward {
  return {
    id: reward.id,
    name: reward.name,
    kind: reward.kind,
    wallet: reward.wallet,
    price: new Decimal(reward.price),
    tierPrices: new Map(Object.entries(reward.tierPrices ?? {}).map(([tier, price]) => [tier, new Decimal(price)])),
    availableFrom: reward.available?.from === undefined ? null : instantMs(reward.available.from),
    availableUntil: reward.available?.until === undefined ? null : instantMs(reward.available.until),
    enabled: reward.enabled ?? true,
    tiers: reward.tiers ? new Set(reward.tiers) : null,
    segments: reward.segments ? new Set(reward.segments) : null,
    limits: (reward.limits ?? []).map((l) => ({ period: l.period, count: l.count })),
    stock: reward.stock ?? null,
    value:
      reward.kind === "conversion" || reward.kind === "voucher"
        ? reward.value === undefined
          ? null
          : new Decimal(reward.value)
        : reward.kind === "discount" && "amount" in reward.discount
          ? new Decimal(reward.discount.amount)
          : null,
    causes: reward.kind === "donation" && reward.causes ? new Set(reward.causes) : null,
    automatic: reward.kind === "conversion" ? (reward.automatic?.period ?? null) : null,
    definition: reward,
  };
}
