/**
 * Automatic conversions: at the end of every local period a reward names, every whole step of the
 * points spendable then becomes a conversion, at the price of the tier held then; and the next
 * instant one will be due, for the store's due index.
 */
import type { CompiledReward, Program } from "../program/compile.js";
import { ZERO } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { inactivityDeadline } from "../expiry/policy.js";
import { endOfPeriod } from "../shared/calendar.js";
import { planDraws, spendableAt } from "../ledger/lots.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { unitPrice } from "./catalogue.js";
import { grant, type CodeGenerator } from "./grant.js";

/** At most this many period ends are caught up in one write (a member idle for years). */
const MAX_CATCH_UP = 400;

/**
 * The points of `wallet` spendable at instant `at` (a period end, possibly before due expiries
 * were written off: reads run conversions without them), in spending order.
 */
function spendableAtPeriodEnd(w: LedgerWriter, program: Program, wallet: string, at: number) {
  return spendableAt(w.state, wallet, at, inactivityDeadline(program, w.state, wallet));
}

/**
 * Runs every automatic conversion whose period end has passed since the member's last write, each
 * at its own period end, on the points spendable at that instant and at the price of the tier held
 * then (`tierAt`; default the tier now): the outcome never depends on when a sweep or a command
 * comes along. The engine runs due tier reviews first (passing the tier each gave from its
 * instant), then this, then the expiries.
 */
export function convertDue(
  writer: LedgerWriter,
  program: Program,
  codes: CodeGenerator | null,
  tierAt: (at: number) => string | null = () => writer.state.tier?.id ?? null,
  /** The member's last write before this one (entries this write appended already move `lastAt`). */
  lastWrite: number = writer.state.lastAt,
): void {
  // Every due period end of every automatic reward, in time order (then catalogue order): two
  // conversions of one wallet take their points in the order their period ends came.
  const due: { at: number; order: number; reward: CompiledReward }[] = [];
  [...program.rewards.values()].forEach((reward, order) => {
    if (reward.automatic === null || !reward.enabled) return;
    const start = Math.max(lastWrite, writer.state.joinedAt, reward.availableFrom ?? -Infinity);
    let end = endOfPeriod(start, program.timeZone, reward.automatic);
    for (
      let n = 0;
      n < MAX_CATCH_UP && end <= writer.now;
      n++, end = endOfPeriod(end, program.timeZone, reward.automatic)
    ) {
      if (reward.availableUntil !== null && end >= reward.availableUntil) break;
      due.push({ at: end, order, reward });
    }
  });
  due.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const { at, reward } of due) {
    const tier = tierAt(at);
    if (reward.tiers !== null && !reward.tiers.has(tier ?? "")) continue;
    convertAt(writer, program, reward, at, tier, codes);
  }
}

function convertAt(
  w: LedgerWriter,
  program: Program,
  reward: CompiledReward,
  at: number,
  tier: string | null,
  codes: CodeGenerator | null,
): void {
  const lots = spendableAtPeriodEnd(w, program, reward.wallet, at);
  const price = unitPrice(reward, w.state, tier);
  const available = lots.reduce((s, l) => s.plus(l.remaining), ZERO);
  const steps = Math.min(available.div(price).floor().toNumber(), 1_000_000);
  if (steps < 1) return;
  const points = price.times(steps);
  const draws = planDraws(lots, points).draws;
  // "<reward>@<period end>"; should a redemption on request already hold that id (one made before
  // the reward became automatic), the first free "~" suffix: the same on every replay.
  let redemptionId = `${reward.id}@${iso(at)}`;
  while (w.state.redemptions[redemptionId] !== undefined) redemptionId += "~";
  w.append({
    kind: "redeem",
    redemptionId,
    rewardId: reward.id,
    rewardKind: reward.kind,
    wallet: reward.wallet,
    points: points.toString(),
    lots: draws,
    quantity: steps,
    stock: 0,
    limitKeys: {},
    grant: grant(program, reward, steps, { redemptionId, cause: null, codes }, w.state.memberId),
    periodEnd: iso(at),
    reference: null,
  });
}

/**
 * The next period end at which an automatic conversion will find a whole step to convert, if
 * nothing else happens to the member before it: what the store's due index is told. Candidates
 * are the next period end and the first period end after each pending lot becomes available.
 */
export function nextConversionAt(program: Program, writer: LedgerWriter): number | null {
  let due: number | null = null;
  for (const reward of program.rewards.values()) {
    if (reward.automatic === null || !reward.enabled) continue;
    if (reward.tiers !== null && !reward.tiers.has(writer.state.tier?.id ?? "")) continue;
    const after = Math.max(writer.now, writer.state.joinedAt, reward.availableFrom ?? -Infinity);
    const candidates = new Set<number>([endOfPeriod(after, program.timeZone, reward.automatic)]);
    for (const lot of writer.state.lots)
      if (lot.wallet === reward.wallet && lot.availableAt > after)
        candidates.add(endOfPeriod(lot.availableAt - 1, program.timeZone, reward.automatic));
    const price = unitPrice(reward, writer.state);
    for (const at of [...candidates].sort((a, b) => a - b)) {
      if (reward.availableUntil !== null && at >= reward.availableUntil) break;
      if (due !== null && at >= due) break;
      const available = spendableAtPeriodEnd(writer, program, reward.wallet, at).reduce(
        (s, l) => s.plus(l.remaining),
        ZERO,
      );
      if (available.gte(price)) {
        due = at;
        break;
      }
    }
  }
  return due;
}
