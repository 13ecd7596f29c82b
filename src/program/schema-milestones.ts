/**
 * Milestones in a program definition (issue 17): every `every` units of a counter wallet become
 * `units` units of another wallet, at the moment the threshold is crossed (Tesco's 50 keys make a
 * key chain; a punch card's 10 stamps make a free coffee).
 */
import * as z from "zod/mini";
import { idString } from "../shared/validation.js";

const wholeUnits = z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000_000));

export const milestoneSchema = z.strictObject({
  /** The counter wallet whose units are converted (keys, stamps). */
  from: idString,
  /** Units of `from` that make one conversion. */
  every: wholeUnits,
  /** The wallet the conversion credits: another counter (key chains), or a spendable or qualifying wallet. */
  into: idString,
  /** Units credited to `into` per conversion; default 1. */
  units: z.optional(wholeUnits),
});

/** @interface */
export type MilestoneDefinition = z.output<typeof milestoneSchema>;
