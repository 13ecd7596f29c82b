/**
 * Member tiers: the cross-reference checks of the ladder and of the rules that name tiers, and the
 * compiled ladder with the metric counters its thresholds read.
 */
import type { FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { Decimal } from "../shared/decimal.js";
import type { CompiledTier, CompiledTiers } from "./compiled.js";
import { isObj, list, text } from "./raw-input.js";
import type { TiersDefinition } from "./schema.js";

const f = messages.field;

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
export function tierIssues(
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
        if (!isObj(t) || (t.metric !== "points" && t.metric !== "balance")) return;
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

function thresholdKey(t: { metric: string; wallet?: string; type?: string }): string {
  if (t.metric === "points" || t.metric === "balance") return `${t.metric}:${t.wallet}`;
  return t.metric === "events" ? `events:${t.type}` : t.metric;
}

export function compileTiers(def: TiersDefinition | undefined): CompiledTiers | null {
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
        ...(t.metric === "points" || t.metric === "balance" ? { wallet: t.wallet } : {}),
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
