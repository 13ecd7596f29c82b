/**
 * Small value schemas the sections of a program definition share: a rounding mode, a count of
 * calendar units, a positive number of points.
 */
import * as z from "zod/mini";
import { ROUNDING_MODES, type RoundingMode } from "../shared/decimal.js";
import { decimalString } from "../shared/validation.js";

export const roundingMode = z.enum(Object.keys(ROUNDING_MODES) as [RoundingMode, ...RoundingMode[]]);

export const count = z.number().check(z.int(), z.minimum(0), z.maximum(100_000));

export const points = decimalString({ sign: "positive" });
