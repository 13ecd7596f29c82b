/**
 * The `tier` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import type { EntryBase } from "../entry-base.js";
import type { TierState } from "../state.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";

/** Why a tier entry was written. */
export type TierReason =
  "joined" | "promotion" | "requalified" | "grace_started" | "demotion" | "refund" | "manual" | "floor_ended" | "held";

/** A tier in wire form: what the member holds after a tier entry. */
export interface TierRecord {
  readonly id: string;
  readonly since: string;
  /** No demotion before this instant (the next review, a minimum stay, a manual floor); null: none promised. */
  readonly guaranteedUntil: string | null;
  /** Set while the member is in a grace period after failing a review: demotion no earlier than this. */
  readonly graceUntil: string | null;
  /** A manually assigned tier the member cannot drop below until `until`. */
  readonly floor: { readonly tier: string; readonly until: string } | null;
  /** The last review instant this member has been through. */
  readonly reviewedAt: string | null;
  /** How the tier was last reached: "promotion" tiers can be taken back at once by a refund (program option). */
  readonly basis: "base" | "promotion" | "review" | "manual";
  /**
   * The tier the last review left the member in (requalified, kept through a grace period, or
   * demoted to) and until when that review holds it: a refund under `refunds: "atOnce"` never takes
   * the member below it before `until`; `grace`: the hold is a grace period. Null: none (the base
   * tier, a manual assignment); absent in entries written before it existed.
   */
  readonly confirmed?: { readonly tier: string; readonly until: string; readonly grace: boolean } | null;
}

/** A tier change, or a review outcome (requalified, grace started, held), with its reason. */
export interface TierEntry extends EntryBase {
  readonly kind: "tier";
  readonly from: string | null;
  readonly to: string;
  readonly reason: TierReason;
  readonly tier: TierRecord;
  /** For since-tier-change windows: the counters start again from zero. */
  readonly resetMetrics: boolean;
  /** A manual assignment's note; null otherwise. */
  readonly note: string | null;
}

export const tier: EntryKindSpec<TierEntry> = {
  fold(state, entry) {
    assert(
      state.tier === null ? entry.from === null : entry.from === state.tier.id,
      `tier ${entry.id}: from ${entry.from}, but the member holds ${state.tier?.id ?? "no tier"}`,
    );
    assert(entry.tier.id === entry.to, `tier ${entry.id}: record names ${entry.tier.id}, not ${entry.to}`);
    state.tier = tierFromRecord(entry.tier);
    if (entry.resetMetrics) delete state.metrics["all"];
  },
};

const ms = (t: string | null) => (t === null ? null : Date.parse(t));
export function tierFromRecord(record: TierRecord): TierState {
  const held = record.confirmed ?? null;
  return {
    id: record.id,
    since: Date.parse(record.since),
    guaranteedUntil: ms(record.guaranteedUntil),
    graceUntil: ms(record.graceUntil),
    floor: record.floor === null ? null : { tier: record.floor.tier, until: Date.parse(record.floor.until) },
    reviewedAt: ms(record.reviewedAt),
    basis: record.basis,
    confirmed: held === null ? null : { tier: held.tier, until: Date.parse(held.until), grace: held.grace },
  };
}
