/**
 * Redeeming and cancelling: a redemption draws points like a spend (soonest-expiring lots first)
 * and records what the member got; a cancellation puts the points back where they came from.
 * Pure decisions over a LedgerWriter; the stock they take or give back is returned for the engine
 * to commit in the same batch.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { CompiledReward, Program } from "../program/compile.js";
import { ZERO, formatAmount, min, type Decimal } from "../shared/decimal.js";
import { addLocal, iso } from "../shared/time.js";
import { MAX_ID_LENGTH, isStorableText } from "../shared/validation.js";
import { inactivityDeadline } from "../expiry/policy.js";
import { endOfPeriod } from "../shared/calendar.js";
import type { Grant, LotDraw, RedeemEntry } from "../ledger/entries.js";
import { bySpendOrder, isExpired, planDraws, spendableAt, walletBalanceAt } from "../ledger/lots.js";
import { drawAvailable, insufficientPoints } from "../ledger/operations.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { refusal, unitPrice } from "./catalogue.js";
import { limitKeys } from "../ledger/limits.js";

/**
 * Makes a voucher code; the engine's `codes` option. Called once per code, inside the decision (so
 * again if the command is decided again after losing a race). If it throws, or returns anything
 * but 1 to 200 characters of storable text, the command fails with CODES_FAILURE and writes nothing.
 */
export type CodeGenerator = (request: {
  readonly rewardId: string;
  readonly memberId: string;
  readonly redemptionId: string;
  readonly index: number;
}) => string;

export interface RedeemRequest {
  readonly reward: CompiledReward;
  /** Units; null for a conversion on request: every whole step the member holds. */
  readonly quantity: number | null;
  readonly redemptionId: string;
  readonly cause: string | null;
  readonly reference: string | null;
  /** Units left in the store's stock count; null: unlimited. */
  readonly stockLeft: number | null;
  readonly codes: CodeGenerator | null;
}

export interface RedeemOutcome {
  readonly entry: RedeemEntry;
  /** Change to the reward's stock (negative: taken). */
  readonly stockDelta: number;
}

/** Redeems a reward now, or refuses with a typed LoyaltyError and nothing written. */
export function redeem(w: LedgerWriter, program: Program, req: RedeemRequest): RedeemOutcome {
  const reward = req.reward;
  if (isAutomaticConversionId(program, req.redemptionId)) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("redeem", 1), {
      issues: [{ path: ["redemptionId"], message: messages.field.reservedKey }],
    });
  }
  if (w.state.redemptions[req.redemptionId] !== undefined) {
    throw new LoyaltyError("DUPLICATE_REDEMPTION", messages.duplicateRedemption(req.redemptionId), {
      issues: [{ path: ["redemptionId"], message: messages.duplicateRedemption(req.redemptionId) }],
    });
  }
  const price = unitPrice(reward, w.state);
  let quantity = req.quantity;
  // Whether it is offered at all comes before what the member can afford (the README's order).
  const unavailable = refusal(program, reward, w.state, w.now, quantity ?? 1, req.stockLeft);
  const deadline = inactivityDeadline(program, w.state, reward.wallet);
  if (unavailable) throw unavailable;
  if (quantity === null) {
    // A conversion on request: every whole step of the available balance, within its limits.
    const available = walletBalanceAt(w.state, reward.wallet, w.now, deadline).available;
    quantity = Math.min(available.div(price).floor().toNumber(), 1_000_000);
    if (quantity < 1) throw insufficientPoints(reward.wallet, available, price);
    const refused = refusal(program, reward, w.state, w.now, quantity, req.stockLeft);
    if (refused) throw refused;
  }
  const points = price.times(quantity);
  const lots = drawAvailable(w, reward.wallet, points, deadline);
  const stock = reward.stock === null ? 0 : quantity;
  const entry = w.append({
    kind: "redeem",
    redemptionId: req.redemptionId,
    rewardId: reward.id,
    rewardKind: reward.kind,
    wallet: reward.wallet,
    points: points.toString(),
    lots,
    quantity,
    stock,
    limitKeys: limitKeys(reward.limits, w.now, program.timeZone),
    grant: grant(program, reward, quantity, req, w.state.memberId),
    periodEnd: null,
    reference: req.reference,
  }) as RedeemEntry;
  return { entry, stockDelta: -stock };
}

/** An instant as `iso` writes it (years past 9999 included). */
const ISO_INSTANT = /^(?:\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Whether `id` has the form the engine gives an automatic conversion ("<reward id>@<period end>",
 * see convertAt): a redemption on request may not take one, or the conversion could never be written.
 */
function isAutomaticConversionId(program: Program, id: string): boolean {
  for (const r of program.rewards.values()) {
    if (r.automatic !== null && id.startsWith(`${r.id}@`) && ISO_INSTANT.test(id.slice(r.id.length + 1))) return true;
  }
  return false;
}

/** What the member gets: codes for vouchers (one per unit) and conversions (one per conversion), the money value, the cause. */
function grant(
  program: Program,
  reward: CompiledReward,
  quantity: number,
  req: { redemptionId: string; cause: string | null; codes: CodeGenerator | null },
  memberId: string,
): Grant {
  const codeCount = reward.kind === "voucher" ? quantity : reward.kind === "conversion" ? 1 : 0;
  const codes: string[] = [];
  for (let index = 0; index < codeCount; index++) {
    if (req.codes === null)
      throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("redeem", 1), {
        issues: [{ path: ["codes"], message: messages.field.codeGenerator }],
      });
    codes.push(makeCode(req.codes, { rewardId: reward.id, memberId, redemptionId: req.redemptionId, index }));
  }
  const value = reward.value === null ? null : formatAmount(reward.value.times(quantity), program.currencyPlaces);
  return { codes, value, cause: reward.kind === "donation" ? req.cause : null };
}

/**
 * One code from the host's generator. The generator is the host's code, not the command: whether
 * it throws or returns something unusable, the command fails with CODES_FAILURE (nothing is
 * written), whatever command was running (a purchase, say, when an automatic conversion falls due).
 */
function makeCode(codes: CodeGenerator, request: Parameters<CodeGenerator>[0]): string {
  let code: unknown;
  try {
    code = codes(request);
  } catch (error) {
    throw new LoyaltyError(
      "CODES_FAILURE",
      messages.codesFailure(
        request.rewardId,
        request.redemptionId,
        error instanceof Error ? error.message : String(error),
      ),
      { cause: error },
    );
  }
  if (typeof code !== "string" || code.length < 1 || code.length > MAX_ID_LENGTH || !isStorableText(code)) {
    throw new LoyaltyError(
      "CODES_FAILURE",
      messages.codesFailure(request.rewardId, request.redemptionId, messages.field.badCode),
      { issues: [{ path: ["codes"], message: messages.field.badCode }] },
    );
  }
  return code;
}

export interface CancelOutcome {
  /** Points put back into their lots (before any reclaimed by a refund, below). */
  readonly restored: Decimal;
  readonly regranted: Decimal;
  readonly forfeited: Decimal;
  readonly debtRepaid: Decimal;
  /** Points a refund of their purchase had forgiven (they were spent), taken back now that the spend is undone. */
  readonly reclaimed: Decimal;
  /** Units given back to the reward's stock. */
  readonly stockDelta: number;
  readonly rewardId: string;
  /** The wallet the points came back to (the redemption's). */
  readonly wallet: string;
}

/**
 * Cancels a redemption: its points go back to the lots they came from, in spending order, except
 * those whose lot has expired since (its own expiry, or the wallet's inactivity deadline): they
 * come back as one new lot that expires `program.cancellationGraceDays` local days from now, or
 * are forfeited when that is 0. Debt is repaid first, from the returned points in spending order.
 */
export function cancelRedemption(
  w: LedgerWriter,
  program: Program,
  c: { redemptionId: string; reason: string | null },
): CancelOutcome {
  const record = w.state.redemptions[c.redemptionId];
  if (record === undefined) {
    throw new LoyaltyError("REDEMPTION_NOT_FOUND", messages.redemptionNotFound(w.state.memberId, c.redemptionId), {
      issues: [{ path: ["redemptionId"], message: messages.redemptionNotFound(w.state.memberId, c.redemptionId) }],
    });
  }
  if (record.cancelled)
    throw new LoyaltyError("REDEMPTION_CANCELLED", messages.redemptionCancelled(c.redemptionId), {
      details: { redemptionId: c.redemptionId },
    });
  // The figures this decision needs, copied: appending the cancel entry changes the record (it is
  // marked cancelled and its draws emptied).
  const r = {
    id: record.id,
    rewardId: record.rewardId,
    wallet: record.wallet,
    points: record.points,
    stock: record.stock,
    at: record.at,
    draws: [...record.draws],
  };
  const deadline = inactivityDeadline(program, w.state, r.wallet);
  // A lapse of the wallet for inactivity after the redemption expired its points, whatever
  // activity has moved the deadline since.
  const lapsedSince = (w.state.lapsed[r.wallet] ?? -Infinity) > r.at;
  let debt = w.state.wallets[r.wallet]?.debt ?? ZERO;
  let debtRepaid = ZERO,
    regranted = ZERO,
    forfeited = ZERO,
    restored = ZERO;
  const lots: LotDraw[] = [];
  // Points returned to the member per purchase whose lots they came from (restored or regranted).
  const returnedByPurchase = new Map<string, Decimal>();
  const portions = [...r.draws].sort((a, b) =>
    bySpendOrder({ ...a.lot, remaining: a.points }, { ...b.lot, remaining: b.points }),
  );
  for (const d of portions) {
    const repay = min(debt, d.points);
    debt = debt.minus(repay);
    debtRepaid = debtRepaid.plus(repay);
    const back = d.points.minus(repay);
    if (back.isZero()) continue;
    if (lapsedSince || isExpired({ ...d.lot, remaining: back }, w.now, deadline)) {
      if (program.cancellationGraceDays === 0) {
        forfeited = forfeited.plus(back);
        continue;
      }
      regranted = regranted.plus(back);
    } else {
      lots.push({ lotId: d.lot.id, points: back.toString() });
      restored = restored.plus(back);
    }
    if (d.lot.purchaseId !== null)
      returnedByPurchase.set(d.lot.purchaseId, (returnedByPurchase.get(d.lot.purchaseId) ?? ZERO).plus(back));
  }
  const lot = regranted.gt(0)
    ? {
        wallet: r.wallet,
        earnedAt: iso(w.now),
        availableAt: iso(w.now),
        expiresAt: iso(addLocal(w.now, program.timeZone, { days: program.cancellationGraceDays })),
      }
    : null;
  const cancel = w.append({
    kind: "cancel",
    redemptionId: r.id,
    rewardId: r.rewardId,
    wallet: r.wallet,
    points: r.points.toString(),
    lots,
    lot,
    regranted: regranted.toString(),
    forfeited: forfeited.toString(),
    debtRepaid: debtRepaid.toString(),
    stock: r.stock,
    reason: c.reason,
  });
  // Only within_balance forgives points because they were spent, and would have taken them had they
  // been there; only_pending forgives every available point anyway; allow_debt forgives none.
  const reclaimed =
    program.negativeBalance === "within_balance"
      ? reclaimForgiven(w, r.wallet, returnedByPurchase, lot === null ? null : cancel.id)
      : ZERO;
  return {
    restored,
    regranted,
    forfeited,
    debtRepaid,
    reclaimed,
    stockDelta: r.stock,
    rewardId: r.rewardId,
    wallet: r.wallet,
  };
}

/**
 * Under within_balance a refund forgives the points of a purchase that were already spent. When the
 * spend is a redemption that is then cancelled, those points come back (into the purchase's lots,
 * or the grace lot if their lot has expired since): a reverse entry takes them now, as the refund
 * would have, with `forgiven` negative so that the purchase's settled total stays as it was, and
 * its reversed total records them (a later cancellation cannot take them twice). Points the refund
 * forgave because they had expired are not counted (the bound errs towards the member).
 */
function reclaimForgiven(
  w: LedgerWriter,
  wallet: string,
  returnedByPurchase: ReadonlyMap<string, Decimal>,
  graceLotId: string | null,
): Decimal {
  let total = ZERO;
  for (const [purchaseId, returned] of returnedByPurchase) {
    const p = w.state.purchases[purchaseId];
    if (p === undefined) continue;
    const forgivenSpent = (p.settled[wallet] ?? ZERO)
      .minus(p.reversed[wallet] ?? ZERO)
      .minus(p.expired[wallet] ?? ZERO);
    const take = min(returned, forgivenSpent);
    if (take.lte(0)) continue;
    // From the purchase's own lots (restored into), then the grace lot (points whose lot had expired).
    const from = w.state.lots.filter(
      (l) => l.purchaseId === purchaseId && l.wallet === wallet && !l.remaining.isZero(),
    );
    const grace = graceLotId === null ? undefined : w.state.lots.find((l) => l.id === graceLotId);
    const plan = planDraws(grace ? [...from, grace] : from, take);
    if (plan.drawn.lte(0)) continue;
    w.append({
      kind: "reverse",
      wallet,
      points: plan.drawn.toString(),
      lots: plan.draws,
      debt: "0",
      forgiven: plan.drawn.neg().toString(),
      purchaseId,
    });
    total = total.plus(plan.drawn);
  }
  return total;
}

// ---- Automatic conversions ------------------------------------------------------------------

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
  w: LedgerWriter,
  program: Program,
  codes: CodeGenerator | null,
  tierAt: (at: number) => string | null = () => w.state.tier?.id ?? null,
  /** The member's last write before this one (entries this write appended already move `lastAt`). */
  lastWrite: number = w.state.lastAt,
): void {
  // Every due period end of every automatic reward, in time order (then catalogue order): two
  // conversions of one wallet take their points in the order their period ends came.
  const due: { at: number; order: number; reward: CompiledReward }[] = [];
  [...program.rewards.values()].forEach((reward, order) => {
    if (reward.automatic === null || !reward.enabled) return;
    const start = Math.max(lastWrite, w.state.joinedAt, reward.availableFrom ?? -Infinity);
    let end = endOfPeriod(start, program.timeZone, reward.automatic);
    for (let n = 0; n < MAX_CATCH_UP && end <= w.now; n++, end = endOfPeriod(end, program.timeZone, reward.automatic)) {
      if (reward.availableUntil !== null && end >= reward.availableUntil) break;
      due.push({ at: end, order, reward });
    }
  });
  due.sort((a, b) => a.at - b.at || a.order - b.order);
  for (const { at, reward } of due) {
    const tier = tierAt(at);
    if (reward.tiers !== null && !reward.tiers.has(tier ?? "")) continue;
    convertAt(w, program, reward, at, tier, codes);
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
export function nextConversionAt(program: Program, w: LedgerWriter): number | null {
  let due: number | null = null;
  for (const reward of program.rewards.values()) {
    if (reward.automatic === null || !reward.enabled) continue;
    if (reward.tiers !== null && !reward.tiers.has(w.state.tier?.id ?? "")) continue;
    const after = Math.max(w.now, w.state.joinedAt, reward.availableFrom ?? -Infinity);
    const candidates = new Set<number>([endOfPeriod(after, program.timeZone, reward.automatic)]);
    for (const lot of w.state.lots)
      if (lot.wallet === reward.wallet && lot.availableAt > after)
        candidates.add(endOfPeriod(lot.availableAt - 1, program.timeZone, reward.automatic));
    const price = unitPrice(reward, w.state);
    for (const at of [...candidates].sort((a, b) => a - b)) {
      if (reward.availableUntil !== null && at >= reward.availableUntil) break;
      if (due !== null && at >= due) break;
      const available = spendableAtPeriodEnd(w, program, reward.wallet, at).reduce((s, l) => s.plus(l.remaining), ZERO);
      if (available.gte(price)) {
        due = at;
        break;
      }
    }
  }
  return due;
}
