/**
 * Due work: what falls due on a member by the clock alone (pending points becoming spendable, a
 * tier review, a birthday or anniversary bonus, an automatic conversion, a lot's expiry). Every write runs it first, each piece at its own instant, so that no outcome
 * depends on when a sweep ran; the store's due index keeps each member's earliest instant, and
 * reads show the conversions already made.
 */
import { convertMilestones } from "../accrual/milestones.js";
import { consolidateLots } from "../expiry/consolidate.js";
import { expireDue } from "../expiry/due.js";
import { deadlines } from "../expiry/policy.js";
import { nextLotExpiryAt } from "../ledger/lots.js";
import type { MemberState, MemberView } from "../ledger/state.js";
import { LedgerWriter } from "../ledger/writer.js";
import { convertDue, nextConversionAt, type CodeGenerator } from "../rewards/redeem.js";
import { nextScheduledBonusAt, payScheduledBonuses } from "../accrual/scheduled.js";
import { nextReleaseAt, releaseDue } from "../accrual/release.js";
import { nextHoldExpiryAt, releaseExpiredHolds } from "../rewards/holds.js";
import { currentTier, reviewDueAt, reviewTier } from "../tiers/review.js";
import type { EngineContext } from "./context.js";

/**
 * The due work every write does first, each piece at its own instant, so that nothing depends on
 * when a sweep ran: the release of pending points whose instant passed since the last write (first,
 * while the lots are as that write left them: accrual/release.ts), the release of expired checkout
 * holds (rewards/holds.ts), tier reviews (they read
 * qualification counters, never lots), then automatic
 * conversions at the tier each period end found, then expiries, then consolidation of lots no
 * later command can tell apart (src/expiry/consolidate.ts).
 */
export function runDueWork(
  ctx: EngineContext,
  writer: LedgerWriter,
  options: { expire: boolean; codes: CodeGenerator | null } = { expire: true, codes: ctx.codes },
): void {
  const { program } = ctx;
  const before = program.tiers === null ? null : currentTier(program, writer.state).id;
  const lastWrite = writer.state.lastAt;
  releaseDue(writer, program, lastWrite);
  // Expired checkout holds give their points back before anything else may draw or write them off.
  releaseExpiredHolds(writer, program);
  const changes = reviewTier(writer, program);
  const tierAt = (at: number) => {
    let tier = before;
    for (const c of changes) if (c.since <= at) tier = c.to;
    return tier;
  };
  // Birthday and anniversary bonuses before conversions: a period end after a birthday converts
  // its points too (each lot is available from its own instant, so the order cannot pay early).
  payScheduledBonuses(writer, program, lastWrite, tierAt);
  // A birthday stamp that fills a card converts in the sweep that paid it, not at the next command.
  convertMilestones(writer, program);
  convertDue(writer, program, options.codes, tierAt, lastWrite);
  if (options.expire) {
    expireDue(writer, program);
    consolidateLots(writer, program, ctx.consolidateAt);
  }
}

/** The member's earliest due work: a lot's release or expiry, a hold's expiry, a tier review, a scheduled bonus or an automatic conversion, whichever comes first. */
export function dueAtOf(ctx: EngineContext, writer: LedgerWriter): number | null {
  const { program, hasAutomaticConversions } = ctx;
  let due: number | null = null;
  const earliest = (at: number | null) => {
    if (at !== null && (due === null || at < due)) due = at;
  };
  const walletDeadlines = deadlines(program, writer.state);
  earliest(nextLotExpiryAt(writer.state, walletDeadlines));
  earliest(nextReleaseAt(writer.state, walletDeadlines));
  earliest(nextHoldExpiryAt(writer.state));
  earliest(reviewDueAt(program, writer.state));
  if (hasAutomaticConversions) earliest(nextConversionAt(program, writer));
  earliest(nextScheduledBonusAt(program, writer.state, writer.now));
  return due;
}

/**
 * A member as reads show them at `at`: with the tier reviews and automatic conversions due by
 * then, which the next write will record exactly so, already made. Nothing is written and the
 * `codes` generator is not called. Due expiries are shown as `expiredUnswept` instead.
 */
export function asOf(ctx: EngineContext, state: MemberView, at: number): MemberState {
  const { program, hasAutomaticConversions } = ctx;
  // A tier review already due is shown as made too (issue 19, defect 7): the tier a read shows never
  // depends on whether a sweep ran.
  const reviewDue = program.tiers !== null && (reviewDueAt(program, state) ?? Infinity) <= at;
  // So is a birthday or anniversary bonus whose instant has passed.
  const bonusDue = (nextScheduledBonusAt(program, state, state.lastAt) ?? Infinity) <= at;
  // And a checkout hold past its expiry as released.
  const holdDue = (nextHoldExpiryAt(state) ?? Infinity) <= at;
  if (!hasAutomaticConversions && !reviewDue && !bonusDue && !holdDue) return state;
  let n = 0;
  const w = LedgerWriter.copying(state, {
    now: at,
    newId: () => `(view ${++n})`,
    command: { key: "(view)", type: "convert" },
  });
  // The due reviews too: a conversion is priced at the tier its period end found.
  runDueWork(ctx, w, { expire: false, codes: () => "(on the next write)" });
  return w.state;
}
