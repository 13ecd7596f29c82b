/**
 * The `enroll` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import type { Scalar } from "../../shared/scalar.js";
import type { EntryBase } from "../entry-base.js";
import { dict } from "../state.js";
import { sortedSegments } from "./profile.js";
import type { EntryKindSpec } from "./spec.js";

export interface EnrollEntry extends EntryBase {
  readonly kind: "enroll";
  readonly joinedAt: string;
  readonly birthday: string | null;
  readonly attributes: Readonly<Record<string, Scalar>>;
  /** Explicit segments the member joins on enrolment; absent in entries written before segments existed. */
  readonly segments?: readonly string[];
}

export const enroll: EntryKindSpec<EnrollEntry> = {
  fold(state, entry) {
    state.joinedAt = Date.parse(entry.joinedAt);
    state.birthday = entry.birthday;
    state.attributes = dict(Object.entries(entry.attributes));
    state.segments = sortedSegments(entry.segments ?? []);
  },
};
