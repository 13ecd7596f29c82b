/**
 * apply: the fold. Folding entries into member state is the only way state changes, so "a
 * snapshot equals the fold of its entries" holds by construction, and the property tests check it
 * against the store. `applyEntries` and `foldEntries` are pure (they fold into a copy, or into a
 * fresh state); `applyEntry` changes the state it is given, in place, and is called only on state
 * its caller owns (a LedgerWriter's, or a fold's own). A refused entry may leave that state half
 * changed: the caller drops it (a writer's command fails as a whole).
 */
import { ZERO } from "../shared/decimal.js";
import type { Entry, MetricStamp } from "./entries.js";
import { assert } from "./invariant.js";
import { entryKinds, type EntryKindSpec } from "./kinds/index.js";
import { cloneState, dict, emptyState, type MemberState } from "./state.js";

export { LedgerInvariantError } from "./invariant.js";

/** Applies entries to a copy of `state` (or to an empty state for a new member). */
export function applyEntries(state: MemberState | null, entries: readonly Entry[]): MemberState {
  if (entries.length === 0 && state) return state;
  const memberId = state?.memberId ?? entries[0]!.memberId;
  const next = state ? cloneState(state) : emptyState(memberId);
  for (const entry of entries) applyEntry(next, entry);
  return next;
}

/** The fold from nothing: what a member's snapshot must equal. */
export function foldEntries(memberId: string, entries: readonly Entry[]): MemberState {
  const s = emptyState(memberId);
  for (const e of entries) applyEntry(s, e);
  return s;
}

/** Adds an entry's metric deltas to its bucket, and prunes dated buckets older than `keepFrom`. */
function applyMetrics(s: MemberState, m: MetricStamp) {
  const bucket = (s.metrics[m.bucket] ??= dict());
  for (const key of Object.keys(m.deltas)) bucket[key] = (bucket[key] ?? ZERO).plus(m.deltas[key]!);
  // Dated buckets (YYYY-MM-DD) sort in time order; "all" sorts after every date and is never pruned.
  if (m.keepFrom !== null) for (const key of Object.keys(s.metrics)) if (key < m.keepFrom) delete s.metrics[key];
}

/**
 * Folds one entry into `s`, in place. Asserts that the entry fits (no lot below zero, no seq gap):
 * the common part here, the kind's own in its spec (./kinds/<kind>.ts).
 */
export function applyEntry(s: MemberState, e: Entry): void {
  assert(e.memberId === s.memberId, `entry ${e.id} belongs to ${e.memberId}, not ${s.memberId}`);
  assert(e.seq === s.lastSeq + 1, `entry ${e.id} has seq ${e.seq}, expected ${s.lastSeq + 1}`);
  s.lastSeq = e.seq;
  const at = Date.parse(e.at);
  if (at > s.lastAt) s.lastAt = at;
  if (e.metrics !== undefined) applyMetrics(s, e.metrics);
  // The table gives each kind the spec of its own entries; TypeScript cannot correlate the lookup
  // with `e`'s kind, hence the widening.
  (entryKinds[e.kind] as EntryKindSpec<Entry>).fold(s, e, at);
}
