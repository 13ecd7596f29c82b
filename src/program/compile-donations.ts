/**
 * Automatic donations (docs/donations.md): the cross-reference checks (a wallet exactly when the
 * share is of points, and a known one; causes listed once) and the compiled setting.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { Decimal } from "../shared/decimal.js";
import type { Program, ValidDefinition } from "./compiled.js";
import { isObj, list, text } from "./raw-input.js";

const f = messages.field;

/** The member attribute that holds their cause when the program names none. */
const DEFAULT_CAUSE_ATTRIBUTE = "cause";

/** Cross-field checks of the donations section. */
export function donationIssues(input: Record<string, unknown>, walletIds: ReadonlySet<string>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const d = input.donations;
  if (!isObj(d)) return issues;
  const wallet = text(d.wallet);
  if (d.of === "points" && wallet === undefined)
    issues.push({ path: ["donations", "wallet"], message: f.donationWalletRequired });
  if (d.of === "money" && d.wallet !== undefined)
    issues.push({ path: ["donations", "wallet"], message: f.donationWalletWithMoney });
  if (d.of === "points" && wallet !== undefined && !walletIds.has(wallet))
    issues.push({ path: ["donations", "wallet"], message: f.unknownWallet(wallet) });
  const seen = new Set<string>();
  list(d.causes).forEach((c, i) => {
    if (typeof c !== "string") return;
    if (seen.has(c)) issues.push({ path: ["donations", "causes", i], message: f.duplicateId(c) });
    seen.add(c);
  });
  return issues;
}

export function compileDonations(def: ValidDefinition): Program["donations"] {
  const d = def.donations;
  if (d === undefined) return null;
  return {
    share: new Decimal(d.share),
    of: d.of,
    wallet: d.of === "points" ? d.wallet! : null,
    causes: new Set(d.causes),
    attribute: d.attribute ?? DEFAULT_CAUSE_ATTRIBUTE,
  };
}
