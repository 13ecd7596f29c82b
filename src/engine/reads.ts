/**
 * Reads of one member: the summary (balances, tier, what expires soon) and the statement (a page
 * of the ledger). Nothing is written.
 */
import type { Entry } from "../ledger/entries.js";
import * as z from "zod/mini";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import { asOf } from "./due-work.js";
import type { LoyaltyEngine } from "./facade.js";
import { parse } from "./inputs.js";
import { guard, loadKnown } from "./store-calls.js";
import { SUMMARY_REDEMPTIONS, summarize } from "./summary.js";
import { redemptionFromSnapshot } from "../ledger/snapshot.js";
import { dict, type RedemptionRecord } from "../ledger/state.js";

// Made once: extending a zod schema builds (and later compiles) a new one.
const summaryArgsSchema = z.extend(schemas.summaryOptionsSchema, { memberId: schemas.enrollSchema.shape.memberId });
const statementArgsSchema = z.extend(schemas.statementOptionsSchema, { memberId: schemas.enrollSchema.shape.memberId });

export function readCommands(ctx: EngineContext): Pick<LoyaltyEngine, "summary" | "statement"> {
  const { program, store, now } = ctx;
  return {
    async summary(memberId, opts = {}) {
      const id = parse(summaryArgsSchema, { ...opts, memberId }, "summary");
      const at = now();
      const state = asOf(ctx, await loadKnown(ctx, id.memberId), at);
      // The latest redemptions from their record rows; those the state holds (conversions due by
      // now, shown as made; a snapshot of format 1's) are as new or newer, and win.
      const rows = await guard(() => store.listRedemptions(program.id, id.memberId, { limit: SUMMARY_REDEMPTIONS }));
      const redemptions = dict<RedemptionRecord>(
        rows.map(({ redemptionId, record }) => [redemptionId, redemptionFromSnapshot(redemptionId, record)]),
      );
      for (const [rid, r] of Object.entries(state.redemptions)) redemptions[rid] = r;
      return summarize(program, { ...state, redemptions }, at, id.expiringWithinDays ?? 30);
    },

    async statement(memberId, opts = {}) {
      const o = parse(statementArgsSchema, { ...opts, memberId }, "statement");
      await loadKnown(ctx, o.memberId);
      const page = await guard(() =>
        store.readEntries(program.id, o.memberId, { afterSeq: o.afterSeq ?? 0, limit: o.limit ?? 50 }),
      );
      const ruleName = (e: Entry) => (e.kind === "earn" ? (program.rules.get(e.ruleId)?.name ?? null) : null);
      return { entries: page.entries.map((e) => ({ ...e, ruleName: ruleName(e) })), nextAfterSeq: page.nextAfterSeq };
    },
  };
}
