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
      const command = parse(schemas.transferSchema, input, "transfer");
      const check = () => {
        const issues: FieldIssue[] = [];
        if (command.toMemberId === command.fromMemberId)
          issues.push({ path: ["toMemberId"], message: f.transferToSelf });
        if (decimalPlaces(command.points) > program.scale)
          issues.push({ path: ["points"], message: f.tooPrecise(program.scale) });
        if (!program.wallets.has(command.wallet))
          issues.push({ path: ["wallet"], message: f.unknownWallet(command.wallet) });
        else issues.push(...transferCommandIssues(program, command));
        if (issues.length > 0)
          throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("transfer", issues.length), { issues });
      };
      return write<TransferResult>(
        ctx,
        "transfer",
        { raw: input, parsed: command },
        command.key,
        [
          { id: command.fromMemberId, mustExist: true, field: "fromMemberId" },
          { id: command.toMemberId, mustExist: true, field: "toMemberId" },
        ],
        ([from, to]) => {
          decideTransfer(from!, to!, program, {
            transferId: command.key,
            wallet: command.wallet,
            points: new Decimal(command.points),
            reference: command.reference ?? null,
          });
          return {
            result: {
              transferId: command.key,
              fromMemberId: command.fromMemberId,
              toMemberId: command.toMemberId,
              wallet: command.wallet,
              points: fmt(new Decimal(command.points)),
            },
          };
        },
        check,
      );
    },

    async refer(input) {
      const command = parse(schemas.referSchema, input, "refer");
      if (command.referrerId === command.referredId)
        throw new LoyaltyError("SELF_REFERRAL", messages.selfReferral, {
          issues: [{ path: ["referredId"], message: messages.selfReferral }],
        });
      return write<ReferralResult>(
        ctx,
        "refer",
        { raw: input, parsed: command },
        command.key,
        [
          { id: command.referrerId, mustExist: true, field: "referrerId" },
          { id: command.referredId, mustExist: true, field: "referredId" },
        ],
        ([referrer, referred]) => {
          const occurredAt = command.occurredAt === undefined ? referrer!.now : instantMs(command.occurredAt);
          const out = decideRefer(referrer!, referred!, program, { occurredAt, attributes: attrs(command.attributes) });
          return {
            result: {
              referrerId: command.referrerId,
              referredId: command.referredId,
              referrer: awardLines(ctx, out.referrer),
              referred: awardLines(ctx, out.referred),
            },
          };
        },
        (at) => checkAgainstProgram(ctx, at, "refer", command),
      );
    },
  };
}
