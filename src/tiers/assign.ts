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
  w: LedgerWriter,
  program: Program,
  a: { tier: string; until: number | null; note: string | null },
): void {
  const tiers = program.tiers!;
  ensureTier(w, program);
  const t = currentTier(program, w.state);
  const to = indexOf(tiers, a.tier);
  // A tier assigned by hand is held at least minimumStayMonths, as one reached by promotion; with
  // `until`, to the later of `until` and the end of the stay.
  const stay =
    tiers.minimumStayMonths > 0 ? addLocal(w.now, program.timeZone, { months: tiers.minimumStayMonths }) : null;
  const guaranteed =
    a.until === null
      ? guaranteeFrom(program, w.state, to, w.now, true)
      : stay !== null && stay > a.until
        ? stay
        : a.until;
  writeTier(
    w,
    program,
    t.id,
    {
      id: a.tier,
      since: t.id === a.tier ? t.since : w.now,
      guaranteedUntil: to === 0 ? a.until : guaranteed,
      graceUntil: null,
      floor: a.until === null ? null : { tier: a.tier, until: a.until },
      reviewedAt: t.reviewedAt,
      basis: "manual",
    },
    "manual",
    a.note,
  );
}
