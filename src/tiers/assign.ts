/**
 * Manual tier assignment (customer service, a status match), with an optional floor.
 */
import type { Program } from "../program/compile.js";
import { addLocal } from "../shared/time.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { currentTier, indexOf } from "./qualify.js";
import { guaranteeFrom } from "./schedule.js";
import { ensureTier, writeTier } from "./write-tier.js";

/**
 * A manual assignment (customer service, a status match): the member holds `tier` from now; with
 * `until`, the tier is also a floor the member cannot drop below before that instant, and is
 * guaranteed until then (or to the end of the minimum stay, if later); the first scheduled review
 * at or after `until` decides. No tier bonus is paid for a manual assignment.
 */
export function assignTier(
  writer: LedgerWriter,
  program: Program,
  assignment: { tier: string; until: number | null; note: string | null },
): void {
  const tiers = program.tiers!;
  ensureTier(writer, program);
  const t = currentTier(program, writer.state);
  const to = indexOf(tiers, assignment.tier);
  // A tier assigned by hand is held at least minimumStayMonths, as one reached by promotion; with
  // `until`, to the later of `until` and the end of the stay.
  const stay =
    tiers.minimumStayMonths > 0 ? addLocal(writer.now, program.timeZone, { months: tiers.minimumStayMonths }) : null;
  const guaranteed =
    assignment.until === null
      ? guaranteeFrom(program, writer.state, to, writer.now, true)
      : stay !== null && stay > assignment.until
        ? stay
        : assignment.until;
  writeTier(
    writer,
    program,
    t.id,
    {
      id: assignment.tier,
      since: t.id === assignment.tier ? t.since : writer.now,
      guaranteedUntil: to === 0 ? assignment.until : guaranteed,
      graceUntil: null,
      floor: assignment.until === null ? null : { tier: assignment.tier, until: assignment.until },
      reviewedAt: t.reviewedAt,
      basis: "manual",
      // A manual assignment overrides what the last review decided.
      confirmed: null,
    },
    "manual",
    assignment.note,
  );
}
