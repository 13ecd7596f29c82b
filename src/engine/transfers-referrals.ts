/**
 * The commands that write two members in one commit: a transfer of points, and a referral.
 */
import { refer as decideRefer } from "../accrual/referral.js";
import { LoyaltyError, type FieldIssue } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { transfer as decideTransfer, transferCommandIssues } from "../rewards/transfer.js";
import { Decimal, decimalPlaces } from "../shared/decimal.js";
import { instantMs } from "../shared/validation.js";
import { awardLines } from "./award-lines.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { attrs, checkAgainstProgram, parse } from "./inputs.js";
import type { ReferralResult, TransferResult } from "./results.js";
import { write } from "./write-path.js";

const f = messages.field;

export function transferReferralCommands(ctx: EngineContext): Pick<LoyaltyEngine, "transfer" | "refer"> {
  const { program, fmt } = ctx;
  return {
    async transfer(input) {
      const c = parse(schemas.transferSchema, input, "transfer");
      const issues: FieldIssue[] = [];
      if (c.toMemberId === c.fromMemberId) issues.push({ path: ["toMemberId"], message: f.transferToSelf });
      if (decimalPlaces(c.points) > program.scale)
        issues.push({ path: ["points"], message: f.tooPrecise(program.scale) });
      if (!program.wallets.has(c.wallet)) issues.push({ path: ["wallet"], message: f.unknownWallet(c.wallet) });
      else issues.push(...transferCommandIssues(program, c));
      if (issues.length > 0)
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("transfer", issues.length), { issues });
      return write<TransferResult>(
        ctx,
        "transfer",
        input,
        c.key,
        [
          { id: c.fromMemberId, mustExist: true, field: "fromMemberId" },
          { id: c.toMemberId, mustExist: true, field: "toMemberId" },
        ],
        ([from, to]) => {
          decideTransfer(from!, to!, program, {
            transferId: c.key,
            wallet: c.wallet,
            points: new Decimal(c.points),
            reference: c.reference ?? null,
          });
          return {
            result: {
              transferId: c.key,
              fromMemberId: c.fromMemberId,
              toMemberId: c.toMemberId,
              wallet: c.wallet,
              points: fmt(new Decimal(c.points)),
            },
          };
        },
      );
    },

    async refer(input) {
      const c = parse(schemas.referSchema, input, "refer");
      if (c.referrerId === c.referredId)
        throw new LoyaltyError("SELF_REFERRAL", messages.selfReferral, {
          issues: [{ path: ["referredId"], message: messages.selfReferral }],
        });
      checkAgainstProgram(ctx, "refer", c);
      return write<ReferralResult>(
        ctx,
        "refer",
        input,
        c.key,
        [
          { id: c.referrerId, mustExist: true, field: "referrerId" },
          { id: c.referredId, mustExist: true, field: "referredId" },
        ],
        ([referrer, referred]) => {
          const occurredAt = c.occurredAt === undefined ? referrer!.now : instantMs(c.occurredAt);
          const out = decideRefer(referrer!, referred!, program, { occurredAt, attributes: attrs(c.attributes) });
          return {
            result: {
              referrerId: c.referrerId,
              referredId: c.referredId,
              referrer: awardLines(ctx, out.referrer),
              referred: awardLines(ctx, out.referred),
            },
          };
        },
      );
    },
  };
}
