/**
 * Wallets: their cross-reference checks (unique ids, one expiry spelling, a spendable and a
 * qualifying wallet) and each wallet's expiry policy, the program's default filled in.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { CompiledWallet, ValidDefinition } from "./compiled.js";
import { isObj, list, text } from "./raw-input.js";
import type { ExpiryPolicy } from "./schema.js";

const f = messages.field;

/** Cross-field checks of the wallets; `walletIds` collects the ids they declare. */
export function walletIssues(input: Record<string, unknown>, walletIds: Set<string>): FieldIssue[] {
  const issues: FieldIssue[] = [];
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
  return issues;
}

/** A check that a field names a spendable wallet of the input; it pushes its problem to `issues`. */
export function spendableWalletCheck(wallets: readonly unknown[], issues: FieldIssue[]) {
  const walletKind = new Map<string, unknown>();
  for (const w of wallets)
    if (isObj(w) && typeof w.id === "string" && !walletKind.has(w.id)) walletKind.set(w.id, w.kind);
  return (wallet: unknown, path: (string | number)[]) => {
    if (typeof wallet !== "string" || walletKind.size === 0) return;
    if (!walletKind.has(wallet)) issues.push({ path, message: f.unknownWallet(wallet) });
    else if (walletKind.get(wallet) === "counter") issues.push({ path, message: f.walletIsCounter(wallet) });
    else if (walletKind.get(wallet) !== "spendable") issues.push({ path, message: f.walletNotSpendable(wallet) });
  };
}

/** Each wallet with its expiry policy. */
export function compileWallets(def: ValidDefinition): Map<string, CompiledWallet> {
  const wallets = new Map<string, CompiledWallet>();
  const programExpiry: ExpiryPolicy =
    def.expiry === undefined ? { kind: "none" } : "kind" in def.expiry ? def.expiry : { kind: "term", ...def.expiry };
  for (const w of def.wallets) {
    // A counter (keys, stamps) keeps its units until a milestone converts them: the program's
    // default expiry is for points, so a counter expires only when it says so itself.
    const expiry: ExpiryPolicy =
      w.expiry ??
      (w.expiresAfter === undefined
        ? w.kind === "counter"
          ? { kind: "none" }
          : programExpiry
        : w.expiresAfter === null
          ? { kind: "none" }
          : { kind: "term", after: w.expiresAfter });
    wallets.set(w.id, { id: w.id, kind: w.kind, expiry });
  }
  return wallets;
}
