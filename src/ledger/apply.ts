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
  // A new bucket in place of the old (buckets are values, like lots: see snapshot.ts).
  const bucket = dict(Object.entries(s.metrics[m.bucket] ?? {}));
  for (const key of Object.keys(m.deltas)) bucket[key] = (bucket[key] ?? ZERO).plus(m.deltas[key]!);
  s.metrics[m.bucket] = bucket;
  // Dated buckets (YYYY-MM-DD) sort in time order; "all" sorts after every date and is never pruned.
  if (m.keepFrom !== null) for (const key of Object.keys(s.metrics)) if (key < m.keepFrom) delete s.metrics[key];
}

/**
 * Folds one entry into `state`, in place. Asserts that the entry fits (no lot below zero, no seq gap):
 * the common part here, the kind's own in its spec (./kinds/<kind>.ts).
 */
export function applyEntry(state: MemberState, entry: Entry): void {
  assert(entry.memberId === state.memberId, `entry ${entry.id} belongs to ${entry.memberId}, not ${state.memberId}`);
  assert(entry.seq === state.lastSeq + 1, `entry ${entry.id} has seq ${entry.seq}, expected ${state.lastSeq + 1}`);
  state.lastSeq = entry.seq;
  const at = Date.parse(entry.at);
  if (at > state.lastAt) state.lastAt = at;
  if (entry.metrics !== undefined) applyMetrics(state, entry.metrics);
  // The table gives each kind the spec of its own entries; TypeScript cannot correlate the lookup
  // with `entry`'s kind, hence the widening.
  (entryKinds[entry.kind] as EntryKindSpec<Entry>).fold(state, entry, at);
}
