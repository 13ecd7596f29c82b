/**
 * `engine.liability`: the programme's outstanding points by wallet and by expiry month, and their
 * money value, read through the store's aggregate `liability` (capabilities.liability), never by
 * loading each member. The figure finance books at every month end.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Program } from "../program/compile.js";
import type { CompiledReward } from "../program/compiled.js";
import { Decimal } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import type { WalletLiability } from "../store/port.js";
import type { EngineContext } from "./context.js";
import { guard } from "./store-calls.js";

export interface LiabilityOptions {
  /** The instant to count at; default now (the engine's clock). */
  readonly asOf?: Date | number;
  /** Money per point (decimal text); default: derived per wallet from its rewards (see `pointValue`). */
  readonly pointValue?: string;
}

export interface LiabilityReport {
  readonly asOf: string;
  readonly currency: string;
  readonly wallets: readonly (WalletLiability & {
    readonly pointValue: string | null;
    readonly pointValueSource: string;
    /** points × pointValue, to the currency's places (half up); null without a point value. */
    readonly value: string | null;
    readonly byExpiryMonth: readonly {
      readonly month: string | null;
      readonly points: string;
      readonly value: string | null;
    }[];
  })[];
}

/**
 * What one point of `wallet` is worth in money: the value given, or the rate of the wallet's
 * conversion rewards (value per step / points per step; the lowest when there are several, the
 * prudent figure for a liability), or else of its vouchers and discounts; null when nothing says.
 */
export function pointValue(
  program: Program,
  wallet: string,
  given: string | null,
): { value: Decimal | null; source: string } {
  if (given !== null) return { value: new Decimal(given), source: "given" };
  const valued = [...program.rewards.values()].filter((r) => r.wallet === wallet && r.value !== null);
  const rate = (r: CompiledReward) => r.value!.div(r.price);
  for (const kinds of [["conversion"], ["voucher", "discount"]]) {
    const candidates = valued.filter((r) => kinds.includes(r.kind));
    if (candidates.length === 0) continue;
    const lowest = candidates.reduce((a, b) => (rate(b).lt(rate(a)) ? b : a));
    return {
      value: rate(lowest),
      source: `derived from reward "${lowest.id}" (${lowest.value} for ${lowest.price} points)`,
    };
  }
  return { value: null, source: "none: no point value given and no reward with a money value" };
}

export function liabilityCommands(ctx: EngineContext): {
  liability(options?: LiabilityOptions): Promise<LiabilityReport>;
} {
  const { program, store, now } = ctx;
  return {
    async liability(options = {}) {
      const given = options.pointValue ?? null;
      if (given !== null && !/^\d+(\.\d+)?$/.test(given))
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("liability", 1), {
          issues: [{ path: ["pointValue"], message: "must be a non-negative decimal string" }],
        });
      const at = options.asOf === undefined ? now() : new Date(options.asOf).getTime();
      if (!Number.isFinite(at))
        throw new LoyaltyError("INVALID_COMMAND", messages.invalidCommand("liability", 1), {
          issues: [{ path: ["asOf"], message: "must be a valid instant" }],
        });
      const read = store.liability;
      if (!store.capabilities.liability || read === undefined)
        throw new LoyaltyError(
          "STORE_FAILURE",
          messages.storeFailure("This store does not offer liability (capabilities.liability)."),
        );
      const wallets = await guard(() => read.call(store, program.id, { asOf: at, timeZone: program.timeZone }));
      const money = (points: string, value: Decimal | null) =>
        value === null
          ? null
          : value
              .times(points)
              .toDecimalPlaces(program.currencyPlaces, Decimal.ROUND_HALF_UP)
              .toFixed(program.currencyPlaces);
      return {
        asOf: iso(at),
        currency: program.currency,
        wallets: wallets.map((w) => {
          const { value, source } = pointValue(program, w.wallet, given);
          return {
            ...w,
            pointValue: value?.toFixed() ?? null,
            pointValueSource: source,
            value: money(w.points, value),
            byExpiryMonth: w.byExpiryMonth.map((m) => ({ ...m, value: money(m.points, value) })),
          };
        }),
      };
    },
  };
}
