/**
 * Every member scored by a fitted BG/NBD model: P(alive) and the purchases to expect over a horizon,
 * the figures a program owner sorts by to find who is at risk.
 */
import { expectedPurchases, probabilityAlive, type BgNbdParameters } from "./bg-nbd.js";
import type { MemberSummary } from "./calibration.js";

export interface MemberScore {
  readonly member: string;
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  readonly pAlive: number;
  /** Purchase days expected in the next `horizon` time units. */
  readonly expectedPurchases: number;
}

/** Each member's P(alive) and expected purchase days over `horizon`, in the order given. */
export function scoreMembers(
  parameters: BgNbdParameters,
  members: readonly MemberSummary[],
  horizon: number,
): MemberScore[] {
  return members.map((m) => ({
    member: m.member,
    x: m.x,
    tx: m.tx,
    T: m.T,
    pAlive: probabilityAlive(parameters, m),
    expectedPurchases: expectedPurchases(parameters, m, horizon),
  }));
}

/**
 * The members most at risk: those who came back at least once (a one-time buyer is, to the model,
 * alive), by P(alive) ascending, then by how much they used to buy.
 */
export function mostAtRisk<S extends MemberScore>(scores: readonly S[], count: number): S[] {
  return scores
    .filter((s) => s.x > 0)
    .sort((a, b) => a.pAlive - b.pAlive || b.x - a.x)
    .slice(0, count);
}
