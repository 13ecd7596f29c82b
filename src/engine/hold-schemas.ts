/**
 * The checkout holds' input schemas (docs/checkout.md): hold, captureHold, releaseHold. Beside
 * commands.ts, which holds the others, for the size of that file.
 */
import * as z from "zod/mini";
import { decimalString, idString } from "../shared/validation.js";

export const holdSchema = z.strictObject({
  key: idString,
  memberId: idString,
  /** Your id for the hold (the order's), to capture or release it by. */
  holdId: idString,
  wallet: idString,
  points: decimalString({ sign: "positive" }),
  /** Money: the order's basket, which the share payable in points is checked against (checkout.minShare, maxShare). */
  orderAmount: z.optional(decimalString({ sign: "positive" })),
  /** Minutes until the hold is released by itself; default the program's checkout.holdMinutes. */
  expiresInMinutes: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(43_200))),
  reference: z.optional(idString),
});

export const captureHoldSchema = z.strictObject({
  key: idString,
  memberId: idString,
  holdId: idString,
  /** Points to spend, at most the hold's; default all of them. The rest go back. */
  points: z.optional(decimalString({ sign: "positive" })),
});

export const releaseHoldSchema = z.strictObject({
  key: idString,
  memberId: idString,
  holdId: idString,
});

/** @interface */
export type HoldCommand = z.input<typeof holdSchema>;
/** @interface */
export type CaptureHoldCommand = z.input<typeof captureHoldSchema>;
/** @interface */
export type ReleaseHoldCommand = z.input<typeof releaseHoldSchema>;
