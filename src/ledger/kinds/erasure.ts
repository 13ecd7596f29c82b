/**
 * The `erasure` entry: the member's personal data was erased (docs/members.md). From here on the
 * member has no attributes, no birthday and no explicit segments; the store has redacted every
 * earlier entry's personal fields in the same commit (src/ledger/redact.ts), the one documented
 * exception to append-only (docs/ledger.md). Points, lots and dates are untouched.
 */
import type { EntryBase } from "../entry-base.js";
import { dict } from "../state.js";
import type { EntryKindSpec } from "./spec.js";

export interface ErasureEntry extends EntryBase {
  readonly kind: "erasure";
  /** Entries redacted by this erasure: those with seq below this entry's that held personal data. */
  readonly redacted: number;
}

export const erasure: EntryKindSpec<ErasureEntry> = {
  fold(state) {
    state.attributes = dict();
    state.birthday = null;
    state.segments = [];
  },
};
