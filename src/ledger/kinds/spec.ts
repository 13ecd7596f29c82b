/**
 * What the ledger knows about one entry kind: how the fold applies it. Each kind's file exports one
 * of these beside the kind's wire type; ./index.ts gathers them in a table the compiler checks is
 * complete. (What an entry adds to tier qualification counters is the tiers layer's own table:
 * src/tiers/metrics.ts.)
 */
import type { EntryBase } from "../entry-base.js";
import type { MemberState } from "../state.js";

export interface EntryKindSpec<E extends EntryBase & { readonly kind: string }> {
  /**
   * Folds `entry` into `state`, in place, asserting that it fits (LedgerInvariantError otherwise).
   * The common part (member, seq, clock, metric stamp) is done already; `at` is the entry's
   * `at` in epoch milliseconds.
   */
  readonly fold: (state: MemberState, entry: E, at: number) => void;
}
