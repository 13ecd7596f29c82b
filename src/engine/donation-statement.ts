/**
 * The statement per cause's options and result (engine.donations, ./donations.ts): apart, so that
 * the facade's type can name them without importing the command.
 */
import * as z from "zod/mini";
import { idString, instant } from "../shared/validation.js";

export const donationsOptionsSchema = z.strictObject({
  /** One cause; absent: every cause. */
  cause: z.optional(idString),
  /** Donations booked at or after this instant. */
  from: instant,
  /** Donations booked before this instant. */
  to: instant,
});

/** @interface */
export type DonationsOptions = z.input<typeof donationsOptionsSchema>;

/** One cause's figures over the period, in one unit (money, or points of one wallet). */
export interface CauseStatement {
  readonly cause: string;
  /** money: in the program's currency; points: of `wallet`. */
  readonly of: "points" | "money";
  readonly wallet: string | null;
  /** Given by purchases booked in the period. */
  readonly given: string;
  /** Taken back by refunds booked in the period (of purchases of any date). */
  readonly returned: string;
  /** given - returned. */
  readonly net: string;
  /** Purchases that gave in the period. */
  readonly purchases: number;
}

export interface DonationStatement {
  readonly from: string;
  readonly to: string;
  /** By cause, then money before points, then wallet. */
  readonly causes: readonly CauseStatement[];
}
