/**
 * The statement per cause (issue 17, docs/donations.md): what the program's automatic donations
 * gave each cause over a period, across members, net of what refunds took back. Read from the
 * outbox (`donation.made` and `donation.returned` events), which every store with
 * `capabilities.events` keeps in commit order and never rewrites: no store query of its own, so
 * any store that keeps the feed answers it. The cost is a pass over the feed; a deployment that
 * reads statements often keeps the totals from its own event consumer instead.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { ZERO, type Decimal } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { instantMs } from "../shared/validation.js";
import { donationsOptionsSchema, type DonationStatement, type DonationsOptions } from "./donation-statement.js";
import type { EngineContext } from "./context.js";
import { eventCommands } from "./events.js";
import { parse } from "./inputs.js";

const PAGE = 1000;

export function donationCommands(ctx: EngineContext): {
  donations(options: DonationsOptions): Promise<DonationStatement>;
} {
  const { events } = eventCommands(ctx);
  return {
    async donations(options) {
      const o = parse(donationsOptionsSchema, options, "donations");
      const from = instantMs(o.from),
        to = instantMs(o.to);
      if (to <= from)
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("donations", 1), {
          issues: [{ path: ["to"], message: messages.field.rangeReversed }],
        });
      const totals = new Map<
        string,
        {
          cause: string;
          of: "points" | "money";
          wallet: string | null;
          given: Decimal;
          returned: Decimal;
          purchases: number;
        }
      >();
      let after: string | null = null;
      for (;;) {
        const page = await events({ after, limit: PAGE });
        for (const e of page.events) {
          if (e.type !== "donation.made" && e.type !== "donation.returned") continue;
          const at = Date.parse(e.occurredAt);
          const p = e.payload as { cause: string; of: "points" | "money"; wallet: string | null; amount: string };
          if (at < from || at >= to || (o.cause !== undefined && p.cause !== o.cause)) continue;
          const key = JSON.stringify([p.cause, p.of, p.wallet]);
          const t = totals.get(key) ?? {
            cause: p.cause,
            of: p.of,
            wallet: p.wallet,
            given: ZERO,
            returned: ZERO,
            purchases: 0,
          };
          if (e.type === "donation.made")
            totals.set(key, { ...t, given: t.given.plus(p.amount), purchases: t.purchases + 1 });
          else totals.set(key, { ...t, returned: t.returned.plus(p.amount) });
        }
        if (page.events.length === 0 || page.cursor === after) break;
        after = page.cursor;
      }
      const causes = [...totals.values()]
        .map((t) => ({
          cause: t.cause,
          of: t.of,
          wallet: t.wallet,
          // In the unit's own decimals, as the entries write them.
          ...figures(t.of === "money" ? ctx.program.currencyPlaces : ctx.program.scale, t.given, t.returned),
          purchases: t.purchases,
        }))
        .sort((a, b) => order(a.cause, b.cause) || order(a.of, b.of) || order(a.wallet ?? "", b.wallet ?? ""));
      return { from: iso(from), to: iso(to), causes };
    },
  };
}

const figures = (places: number, given: Decimal, returned: Decimal) => ({
  given: given.toFixed(places),
  returned: returned.toFixed(places),
  net: given.minus(returned).toFixed(places),
});
const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
