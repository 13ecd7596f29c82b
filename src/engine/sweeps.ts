/**
 * The sweeps: system work across the program, member by member, touching only the members the
 * store's due index names (expire, reviewTiers, convertPoints), and the "expiring soon" scan over
 * the same index. Each member's work is a `systemWrite`: resumable, and safe to run twice at once.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { expiringBetween, type ExpiringPoints } from "../expiry/due.js";
import type { Entry, RedeemEntry, TierEntry, TierReason } from "../ledger/entries.js";
import { Decimal } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { instantMs } from "../shared/validation.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import { runDueWork } from "./due-work.js";
import type { LoyaltyEngine } from "./facade.js";
import { parse } from "./inputs.js";
import type { SweepFailure } from "./results.js";
import { guard, loadState } from "./store-calls.js";
import { systemWrite } from "./write-path.js";

const f = messages.field;

export function sweepCommands(
  ctx: EngineContext,
): Pick<LoyaltyEngine, "expire" | "expiringSoon" | "reviewTiers" | "convertPoints"> {
  const { program, store, now, fmt, hasAutomaticConversions } = ctx;
  return {
    async expire(options = {}) {
      const o = parse(schemas.expireOptionsSchema, options, "expire");
      const at = now();
      const totals = new Map<string, Decimal>();
      let scanned = 0,
        members = 0,
        lots = 0;
      const failed = await forEachDue(ctx, at, o.batchSize ?? 500, async (memberId) => {
        scanned++;
        const entries = await expireMember(ctx, memberId, at);
        if (entries.length > 0) members++;
        for (const e of entries) {
          if (e.kind !== "expire") continue;
          lots += e.lots.length;
          totals.set(e.wallet, (totals.get(e.wallet) ?? new Decimal(0)).plus(e.points));
        }
      });
      return {
        asOf: iso(at),
        scanned,
        members,
        lots,
        points: Object.fromEntries([...totals].map(([w, p]) => [w, fmt(p)])),
        failed,
      };
    },

    async expiringSoon(options) {
      const o = parse(schemas.expiringSoonOptionsSchema, options, "expiringSoon");
      const from = o.from === undefined ? now() : instantMs(o.from);
      const to = instantMs(o.to);
      if (to <= from)
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("expiringSoon", 1), {
          issues: [{ path: ["to"], message: f.rangeReversed }],
        });
      const limit = o.limit ?? 100;
      const found: { memberId: string; expiring: ExpiringPoints[] }[] = [];
      let after = o.after;
      for (;;) {
        // Due index: every member with a lot expiring before `to` (overdue ones included).
        const due = await guard(() =>
          store.findDueMembers(program.id, {
            before: to - 1,
            limit: limit - found.length,
            ...(after ? { after } : {}),
          }),
        );
        for (const d of due) {
          const loaded = await loadState(ctx, d.memberId);
          const expiring = loaded ? expiringBetween(program, loaded.state, from, to) : [];
          if (expiring.length > 0) found.push({ memberId: d.memberId, expiring });
          after = d;
        }
        if (due.length === 0) return { members: found, after: null };
        if (found.length >= limit) return { members: found, after: after ?? null };
      }
    },

    async reviewTiers(options = {}) {
      const o = parse(schemas.reviewTiersOptionsSchema, options, "reviewTiers");
      const at = now();
      const changes: Partial<Record<TierReason, number>> = {};
      let scanned = 0,
        members = 0;
      if (program.tiers === null) return { asOf: iso(at), scanned, members, changes, failed: [] };
      const failed = await forEachDue(ctx, at, o.batchSize ?? 500, async (memberId) => {
        scanned++;
        const entries = await reviewMember(ctx, memberId, at);
        if (entries.length > 0) members++;
        for (const e of entries) changes[e.reason] = (changes[e.reason] ?? 0) + 1;
      });
      return { asOf: iso(at), scanned, members, changes, failed };
    },

    async convertPoints(options = {}) {
      const o = parse(schemas.convertOptionsSchema, options, "convertPoints");
      const at = now();
      const totals = new Map<string, Decimal>();
      let scanned = 0,
        members = 0,
        conversions = 0;
      if (!hasAutomaticConversions) return { asOf: iso(at), scanned, members, conversions, points: {}, failed: [] };
      const failed = await forEachDue(ctx, at, o.batchSize ?? 500, async (memberId) => {
        scanned++;
        const entries = await convertMember(ctx, memberId, at);
        if (entries.length > 0) members++;
        for (const e of entries) {
          conversions++;
          totals.set(e.wallet, (totals.get(e.wallet) ?? new Decimal(0)).plus(e.points));
        }
      });
      return {
        asOf: iso(at),
        scanned,
        members,
        conversions,
        points: Object.fromEntries([...totals].map(([w, p]) => [w, fmt(p)])),
        failed,
      };
    },
  };
}

/** Writes off what is due for one member at `at` (with the reviews and conversions due before). */
function expireMember(ctx: EngineContext, memberId: string, at: number): Promise<Entry[]> {
  return systemWrite(ctx, memberId, at, "expire", (w) => {
    runDueWork(ctx, w);
    return w.entries.length > 0;
  });
}

/** Processes one member's due tier reviews at `at` (and what else is due); returns its tier entries. */
async function reviewMember(ctx: EngineContext, memberId: string, at: number): Promise<TierEntry[]> {
  // Only a conversion or an expiry due: leave it to those sweeps.
  const entries = await systemWrite(ctx, memberId, at, "reviewTiers", (w) => {
    runDueWork(ctx, w);
    return w.entries.some((e) => e.kind === "tier");
  });
  return entries.filter((e): e is TierEntry => e.kind === "tier");
}

/** Runs one member's due conversions at `at` (and what else is due); returns its conversion entries. */
async function convertMember(ctx: EngineContext, memberId: string, at: number): Promise<RedeemEntry[]> {
  const entries = await systemWrite(ctx, memberId, at, "convert", (w) => {
    runDueWork(ctx, w);
    return w.entries.some((e) => e.kind === "redeem");
  });
  return entries.filter((e): e is RedeemEntry => e.kind === "redeem");
}

/**
 * Visits every member the due index names at or before `at`, a batch at a time. A member whose
 * write fails for a reason of its own (a corrupt ledger, a `codes` generator that fails, a
 * member that keeps changing) is reported and skipped, so one member cannot stop a sweep; a
 * store failure stops it (the next member would meet the same). Returns the members skipped.
 */
export async function forEachDue(
  ctx: EngineContext,
  at: number,
  batchSize: number,
  visit: (memberId: string) => Promise<void>,
): Promise<SweepFailure[]> {
  const { program, store } = ctx;
  const failed: SweepFailure[] = [];
  let after: { dueAt: number; memberId: string } | undefined;
  for (;;) {
    const due = await guard(() =>
      store.findDueMembers(program.id, { before: at, limit: batchSize, ...(after ? { after } : {}) }),
    );
    if (due.length === 0) return failed;
    for (const d of due) {
      try {
        await visit(d.memberId);
      } catch (error) {
        if (error instanceof LoyaltyError && error.code === "STORE_FAILURE") throw error;
        failed.push({
          memberId: d.memberId,
          code: error instanceof LoyaltyError ? error.code : error instanceof Error ? error.name : "Error",
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    after = due.at(-1);
  }
}
