/**
 * What a redemption gives the member: the voucher codes (from the host's generator), the money
 * value and the cause. Shared by redemptions on request and automatic conversions.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { CompiledReward, Program } from "../program/compile.js";
import { formatAmount } from "../shared/decimal.js";
import { isStorableText } from "../shared/storable-text.js";
import { MAX_ID_LENGTH } from "../shared/validation.js";
import type { Grant } from "../ledger/entries.js";

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

/** What the member gets: codes for vouchers (one per unit) and conversions (one per conversion), the money value, the cause. */
export function grant(
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
