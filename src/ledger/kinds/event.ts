/**
 * The `event` entry: its wire form and how the fold applies it (asserting that it fits the state).
 */
import type { EntryBase } from "../entry-base.js";
import type { EntryKindSpec } from "./spec.js";
import { noteActivity } from "./steps.js";

/** A custom event of record (signup, review, ...): moves no points; counts as activity. */
export interface EventEntry extends EntryBase {
  readonly kind: "event";
  readonly type: string;
  readonly occurredAt: string;
}

export const event: EntryKindSpec<EventEntry> = {
  fold(state, entry) {
    noteActivity(state, `event:${entry.type}`, Date.parse(entry.occurredAt));
  },
};
