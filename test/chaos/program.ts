/**
 * The program and the members of the chaos audit (issue 19): the store tests' plain program with a
 * catalogue (two rewards with a global stock, one without) and transfers, 20 members who start with
 * the same float. Shared by the driver, the delivering processes and the audit.
 */
import { plainProgram } from "../../src/testing/index.js";

export const chaosProgram = {
  ...plainProgram,
  id: "chaos",
  transfers: { wallets: ["points"] },
  rewards: [
    { id: "mug", kind: "product", wallet: "points", price: "25", stock: 30 },
    { id: "tote", kind: "product", wallet: "points", price: "60", stock: 12 },
    { id: "coffee", kind: "product", wallet: "points", price: "40" },
  ],
} as const;

/** The rewards whose stock the audit balances against their redemptions, with their initial stock. */
export const stockedRewards: Readonly<Record<string, number>> = { mug: 30, tote: 12 };
export const rewardIds = chaosProgram.rewards.map((r) => r.id);

export const members = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, "0")}`);

/** Points each member is credited at setup, so that spends, redemptions and transfers can succeed from the start. */
export const float = "200";

/**
 * Every engine runs at this one instant: no lot expires and no period turns during the run, so the
 * only thing that differs between deliveries of a key is the order in which they meet.
 */
export const chaosInstant = Date.parse("2026-03-01T12:00:00Z");
