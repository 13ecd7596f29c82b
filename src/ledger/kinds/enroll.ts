/**
 * The `enroll` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import type { Scalar } from "../../shared/scalar.js";
import type { EntryBase } from "../entry-base.js";
import { dict } from "../state.js";
import type { EntryKindSpec } from "./spec.js";

export interface EnrollEntry extends EntryBase {
  readonly kind: "enroll";
  readonly joinedAt: string;
  readonly birthday: string | null;
  readonly attributes: Readonly<Record<string, Scalar>>;
}

export const enroll: EntryKindSpec<EnrollEntry> = {
  fold(state, entry) {
    state.joinedAt = Date.parse(entry.joinedAt);
    state.birthday = entry.birthday;
    state.attributes = dict(Object.entries(entry.attributes));
  },
};
