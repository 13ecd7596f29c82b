/**
 * Redeeming: a redemption draws points like a spend (soonest-expiring lots first) and records what
 * the member got. A pure decision over a LedgerWriter; the stock it takes is returned for the engine
 * to commit in the same batch. Cancelling is in cancel.ts, automatic conversions in convert.ts.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { CompiledReward, Program } from "../program/compile.js";
import { inactivityDeadline } from "../expiry/policy.js";
import type { RedeemEntry } from "../ledger/entries.js";
import { walletBalanceAt } from "../ledger/lots.js";
import { drawAvailable, insufficientPoints, pendingIn } from "../ledger/operations.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { refusal, unitPrice } from "./catalogue.js";
import { limitKeys } from "../ledger/limits.js";
import { grant, type CodeGenerator } from "./grant.js";

// The decisions that used to live here, still reachable from this path.
export type { CodeGenerator } from "./grant.js";
export { cancelRedemption, type CancelOutcome } from "./cancel.js";
export { convertDue, nextConversionAt } from "./convert.js";

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
export function redeem(writer: LedgerWriter, program: Program, req: RedeemRequest): RedeemOutcome {
  const reward = req.reward;
  if (isAutomaticConversionId(program, req.redemptionId)) {
    throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("redeem", 1), {
      issues: [{ path: ["redemptionId"], message: messages.field.reservedKey }],
    });
  }
  if (writer.state.redemptions[req.redemptionId] !== undefined) {
    throw new LoyaltyError("DUPLICATE_REDEMPTION", messages.duplicateRedemption(req.redemptionId), {
      issues: [{ path: ["redemptionId"], message: messages.duplicateRedemption(req.redemptionId) }],
    });
  }
  const price = unitPrice(reward, writer.state);
  let quantity = req.quantity;
  // Whether it is offered at all comes before what the member can afford (the README's order).
  const unavailable = refusal(program, reward, writer.state, writer.now, quantity ?? 1, req.stockLeft);
  const deadline = inactivityDeadline(program, writer.state, reward.wallet);
  if (unavailable) throw unavailable;
  if (quantity === null) {
    // A conversion on request: every whole step of the available balance, within its limits.
    const available = walletBalanceAt(writer.state, reward.wallet, writer.now, deadline).available;
    quantity = Math.min(available.div(price).floor().toNumber(), 1_000_000);
    if (quantity < 1)
      throw insufficientPoints(
        reward.wallet,
        available,
        price,
        pendingIn(writer.state, reward.wallet, writer.now, deadline),
      );
    const refused = refusal(program, reward, writer.state, writer.now, quantity, req.stockLeft);
    if (refused) throw refused;
  }
  const points = price.times(quantity);
  const lots = drawAvailable(writer, reward.wallet, points, deadline);
  const stock = reward.stock === null ? 0 : quantity;
  const entry = writer.append({
    kind: "redeem",
    redemptionId: req.redemptionId,
    rewardId: reward.id,
    rewardKind: reward.kind,
    wallet: reward.wallet,
    points: points.toString(),
    lots,
    quantity,
    stock,
    limitKeys: limitKeys(reward.limits, writer.now, program.timeZone),
    grant: grant(program, reward, quantity, req, writer.state.memberId),
    periodEnd: null,
    reference: req.reference,
  }) as RedeemEntry;
  return { entry, stockDelta: -stock };
}

/** An instant as `iso` writes it (years past 9999 included). */
const ISO_INSTANT = /^(?:\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Whether `id` has the form the engine gives an automatic conversion ("<reward id>@<period end>",
 * see convertAt in convert.ts): a redemption on request may not take one, or the conversion could never be written.
 */
function isAutomaticConversionId(program: Program, id: string): boolean {
  for (const r of program.rewards.values()) {
    if (r.automatic !== null && id.startsWith(`${r.id}@`) && ISO_INSTANT.test(id.slice(r.id.length + 1))) return true;
  }
  return false;
}
