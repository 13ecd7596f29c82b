/**
 * Rewards: redeeming and cancelling, a reward's stock (restock, the count left), and the
 * catalogue as one member sees it.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { deadlines } from "../expiry/policy.js";
import { walletBalance } from "../ledger/lots.js";
import { insufficientPoints, pendingIn } from "../ledger/operations.js";
import { redeemCommandIssues, refusal, unitPrice, unitsLeft } from "../rewards/catalogue.js";
import { cancelRedemption as decideCancel, redeem as decideRedeem } from "../rewards/redeem.js";
import { Decimal, formatAmount } from "../shared/decimal.js";
import { startingStock } from "../store/stock.js";
import * as z from "zod/mini";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import { asOf } from "./due-work.js";
import type { LoyaltyEngine } from "./facade.js";
import { parse } from "./inputs.js";
import type { CancelResult, RedeemResult, RestockResult, RewardOffer } from "./results.js";
import { loadKnown, stockLeft } from "./store-calls.js";
import { write } from "./write-path.js";

const f = messages.field;

export function rewardCommands(
  ctx: EngineContext,
): Pick<LoyaltyEngine, "redeem" | "cancelRedemption" | "restock" | "stock" | "rewards"> {
  const { program, now, fmt, codes } = ctx;
  return {
    async redeem(input) {
      const command = parse(schemas.redeemSchema, input, "redeem");
      const redemptionId = command.redemptionId ?? command.key;
      const check = () => {
        const issues = redeemCommandIssues(program, command);
        if (issues.length > 0)
          throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("redeem", issues.length), { issues });
      };
      return write<RedeemResult>(
        ctx,
        "redeem",
        { raw: input, parsed: command },
        command.key,
        [{ id: command.memberId, mustExist: true, records: { purchases: [], redemptions: [redemptionId] } }],
        async ([w]) => {
          // The check has passed: the reward is in the catalogue.
          const reward = program.rewards.get(command.rewardId)!;
          const left = await stockLeft(ctx, reward);
          const { entry, stockDelta } = decideRedeem(w!, program, {
            reward,
            quantity: command.quantity ?? (reward.kind === "conversion" ? null : 1),
            redemptionId,
            cause: command.cause ?? null,
            reference: command.reference ?? null,
            stockLeft: left,
            codes,
          });
          return {
            result: {
              memberId: command.memberId,
              redemptionId,
              rewardId: reward.id,
              kind: reward.kind,
              quantity: entry.quantity,
              wallet: reward.wallet,
              points: fmt(new Decimal(entry.points)),
              grant: entry.grant,
            },
            stock:
              stockDelta === 0
                ? []
                : [{ rewardId: reward.id, delta: stockDelta, initial: startingStock(reward.stock) }],
          };
        },
        check,
      );
    },

    async cancelRedemption(input) {
      const command = parse(schemas.cancelRedemptionSchema, input, "cancelRedemption");
      return write<CancelResult>(
        ctx,
        "cancelRedemption",
        { raw: input, parsed: command },
        command.key,
        [
          {
            id: command.memberId,
            mustExist: true,
            records: { purchases: [], redemptions: [command.redemptionId] },
            // Cancelling reopens the lots it drew, whose purchases' records may have retired.
            moreRecords: (state) => ({
              purchases: [
                ...new Set(
                  (state.redemptions[command.redemptionId]?.draws ?? []).flatMap((d) =>
                    d.lot.purchaseId === null ? [] : [d.lot.purchaseId],
                  ),
                ),
              ],
              redemptions: [],
            }),
          },
        ],
        ([w]) => {
          const out = decideCancel(w!, program, { redemptionId: command.redemptionId, reason: command.reason ?? null });
          const reward = program.rewards.get(out.rewardId);
          return {
            result: {
              memberId: command.memberId,
              redemptionId: command.redemptionId,
              rewardId: out.rewardId,
              wallet: out.wallet,
              restored: fmt(out.restored),
              regranted: fmt(out.regranted),
              forfeited: fmt(out.forfeited),
              debtRepaid: fmt(out.debtRepaid),
              reclaimed: fmt(out.reclaimed),
              stock: out.stockDelta,
            },
            // A reward since removed from the catalogue still gets its count back; it started from 0 if the store never had one.
            stock:
              out.stockDelta === 0
                ? []
                : [{ rewardId: out.rewardId, delta: out.stockDelta, initial: startingStock(reward?.stock) }],
          };
        },
      );
    },

    async restock(input) {
      const command = parse(schemas.restockSchema, input, "restock");
      const reward = program.rewards.get(command.rewardId);
      if (reward === undefined || reward.stock === null) {
        const message = reward === undefined ? f.unknownReward(command.rewardId) : f.unlimitedStock(command.rewardId);
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("restock", 1), {
          issues: [{ path: ["rewardId"], message }],
        });
      }
      return write<RestockResult>(ctx, "restock", { raw: input, parsed: command }, command.key, [], async () => {
        const left = (await stockLeft(ctx, reward))!;
        if (left + command.units < 0)
          throw new LoyaltyError("OUT_OF_STOCK", messages.outOfStock(reward.id, left, -command.units), {
            details: { rewardId: reward.id, left, requested: -command.units },
          });
        return {
          result: { rewardId: reward.id, units: command.units },
          stock: [{ rewardId: reward.id, delta: command.units, initial: startingStock(reward.stock) }],
        };
      });
    },

    async stock(rewardId) {
      const id = parse(z.pick(schemas.restockSchema, { rewardId: true }), { rewardId }, "stock").rewardId;
      const reward = program.rewards.get(id);
      if (reward === undefined)
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("stock", 1), {
          issues: [{ path: ["rewardId"], message: f.unknownReward(id) }],
        });
      return stockLeft(ctx, reward);
    },

    async rewards(memberId) {
      const id = parse(z.pick(schemas.enrollSchema, { memberId: true }), { memberId }, "rewards").memberId;
      const at = now();
      const state = asOf(ctx, await loadKnown(ctx, id), at);
      const offers: RewardOffer[] = [];
      const walletDeadlines = deadlines(program, state);
      for (const reward of program.rewards.values()) {
        const price = unitPrice(reward, state);
        const left = await stockLeft(ctx, reward);
        const available = walletBalance(state, reward.wallet, at, walletDeadlines.get(reward.wallet) ?? null).available;
        const affordableUnits = Math.min(available.div(price).floor().toNumber(), 1_000_000);
        const refused =
          refusal(program, reward, state, at, 1, left) ??
          (affordableUnits < 1
            ? insufficientPoints(
                reward.wallet,
                available,
                price,
                pendingIn(state, reward.wallet, at, walletDeadlines.get(reward.wallet) ?? null),
              )
            : null);
        offers.push({
          rewardId: reward.id,
          name: reward.name ?? null,
          kind: reward.kind,
          wallet: reward.wallet,
          price: fmt(price),
          value: reward.value === null ? null : formatAmount(reward.value, program.currencyPlaces),
          redeemable: refused === null,
          refusal: refused === null ? null : { code: refused.code, message: refused.message },
          affordableUnits,
          unitsLeftInLimits: unitsLeft(program, reward, state, at),
          stock: left,
        });
      }
      return offers;
    },
  };
}
