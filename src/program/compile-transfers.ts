/**
 * Transfers of points between members: the cross-reference checks (spendable wallets, bounds at
 * the point scale) and the compiled wallets and bounds.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { Decimal } from "../shared/decimal.js";
import type { Program, ValidDefinition } from "./compiled.js";
import { spendableWalletCheck } from "./compile-wallets.js";
import { isObj, list } from "./raw-input.js";

const f = messages.field;

/** Cross-field checks of the transfers section. */
export function transferIssues(
  input: Record<string, unknown>,
  wallets: readonly unknown[],
  finerThanScale: (value: unknown) => boolean,
  scale: number | null,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const spendableWallet = spendableWalletCheck(wallets, issues);
  if (isObj(input.transfers)) {
    list(input.transfers.wallets).forEach((w, k) => spendableWallet(w, ["transfers", "wallets", k]));
    if (finerThanScale(input.transfers.minPoints))
      issues.push({ path: ["transfers", "minPoints"], message: f.finerThanScale(scale!) });
    list(input.transfers.limits).forEach((l, k) => {
      if (isObj(l) && finerThanScale(l.points))
        issues.push({ path: ["transfers", "limits", k, "points"], message: f.finerThanScale(scale!) });
    });
  }
  return issues;
}

export function compileTransfers(def: ValidDefinition): Program["transfers"] {
  return def.transfers === undefined
    ? null
    : {
        wallets: new Set(def.transfers.wallets),
        minPoints: def.transfers.minPoints === undefined ? null : new Decimal(def.transfers.minPoints),
        limits: (def.transfers.limits ?? []).map((l) => ({ period: l.period, points: new Decimal(l.points) })),
      };
}
