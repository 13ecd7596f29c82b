/**
 * Pending points released on demand (issue 17): `releasePending` makes a member's pending points,
 * all of them or one purchase's, spendable now, as Voucherify's "activate pending points" and
 * Talon.One's `on_action` points do when the order ships or is delivered. One early `release`
 * entry per lot (the statement's line, the outbox's `points.available`); the lot's release instant
 * moves to now, so later due work does not release it again (accrual/release.ts).
 */
import { releasePending as decideRelease } from "../accrual/release.js";
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { Decimal } from "../shared/decimal.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import type { LoyaltyEngine } from "./facade.js";
import { parse } from "./inputs.js";
import type { ReleaseResult } from "./results.js";
import { writeOne } from "./write-path.js";

export function releaseCommands(ctx: EngineContext): Pick<LoyaltyEngine, "releasePending"> {
  const { program, fmt } = ctx;
  return {
    async releasePending(input) {
      const command = parse(schemas.releasePendingSchema, input, "releasePending");
      const purchaseId = command.purchaseId ?? null;
      return writeOne<ReleaseResult>(
        ctx,
        "releasePending",
        { raw: input, parsed: command },
        command.key,
        command.memberId,
        true,
        (w) => {
          // A purchase the member never made is an error; one with nothing pending (released by the
          // clock already, refunded, or with no pending award) is an empty result, like the
          // platforms' activation of what is pending: a "shipped" webhook may come late, or twice.
          if (purchaseId !== null && w.state.purchases[purchaseId] === undefined) {
            const text = messages.releasePurchaseNotFound(command.memberId, purchaseId);
            throw new LoyaltyError("PURCHASE_NOT_FOUND", text, { issues: [{ path: ["purchaseId"], message: text }] });
          }
          const released = decideRelease(w, program, purchaseId);
          const totals = new Map<string, Decimal>();
          for (const r of released) totals.set(r.wallet, (totals.get(r.wallet) ?? new Decimal(0)).plus(r.points));
          return {
            memberId: command.memberId,
            purchaseId,
            released,
            points: Object.fromEntries([...totals].map(([wallet, p]) => [wallet, fmt(p)])),
          };
        },
        // The purchase's record, where its lots have all closed (it is no longer in the snapshot).
        purchaseId === null ? {} : { records: { purchases: [purchaseId], redemptions: [] } },
      );
    },
  };
}
