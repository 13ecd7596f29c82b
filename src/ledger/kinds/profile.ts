/**
 * The `profile` entry: a change to the member's profile (attributes, birthday, explicit segments),
 * on the statement like every change, so that conditions read the profile as it was at each
 * command and a replay of the entries gives the same profile.
 */
import type { Scalar } from "../../shared/scalar.js";
import type { EntryBase } from "../entry-base.js";
import { assert } from "../invariant.js";
import type { EntryKindSpec } from "./spec.js";

/** The most attributes (and explicit segments) a member may hold: the limits `enroll` sets. */
export const MAX_ATTRIBUTES = 50;
export const MAX_SEGMENTS = 50;

export interface ProfileEntry extends EntryBase {
  readonly kind: "profile";
  /** Attributes set (a value replaces the old one) or removed (null); attributes not named stay. */
  readonly attributes: Readonly<Record<string, Scalar | null>>;
  /** The new birthday, or null to clear it; absent: unchanged. */
  readonly birthday?: string | null;
  /** Explicit segments joined and left (a segment in both is left: `remove` applies last). */
  readonly segments: { readonly add: readonly string[]; readonly remove: readonly string[] };
}

/** Explicit segments as the state keeps them: each once, sorted, so two equal sets compare equal. */
export const sortedSegments = (segments: Iterable<string>): readonly string[] =>
  [...new Set(segments)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export const profile: EntryKindSpec<ProfileEntry> = {
  fold(state, entry) {
    for (const name of Object.keys(entry.attributes)) {
      const value = entry.attributes[name]!;
      if (value === null) delete state.attributes[name];
      else state.attributes[name] = value;
    }
    assert(
      Object.keys(state.attributes).length <= MAX_ATTRIBUTES,
      `profile ${entry.id}: more than ${MAX_ATTRIBUTES} attributes`,
    );
    if (entry.birthday !== undefined) state.birthday = entry.birthday;
    const removed = new Set(entry.segments.remove);
    state.segments = sortedSegments([...state.segments, ...entry.segments.add].filter((s) => !removed.has(s)));
    assert(state.segments.length <= MAX_SEGMENTS, `profile ${entry.id}: more than ${MAX_SEGMENTS} segments`);
  },
};
