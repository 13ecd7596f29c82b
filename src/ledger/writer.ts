/**
 * A ledger writer: the working copy a decision appends entries to. It numbers each entry, folds it
 * into its own copy of the state at once (so later steps of the same command see earlier ones), and
 * hands back the entries and the resulting state. The caller's state is never touched.
 */
import { iso } from "../shared/time.js";
import { applyEntry } from "./apply.js";
import type { CommandType, Entry, EntryDraft, MetricStamp } from "./entries.js";
import { cloneState, emptyState, type MemberState } from "./state.js";

export type DraftBody = EntryDraft extends infer D
  ? D extends EntryDraft
    ? Omit<D, "id" | "memberId" | "at" | "command">
    : never
  : never;

export interface WriterContext {
  readonly now: number;
  readonly newId: () => string;
  readonly command: { readonly key: string; readonly type: CommandType };
  /**
   * Tier qualification counters an entry moves (src/tiers/metrics.ts), stamped on the entry before
   * it is folded in; absent in programs without tiers.
   */
  readonly stamp?: (body: DraftBody, state: MemberState, now: number) => MetricStamp | undefined;
}

export class LedgerWriter {
  readonly state: MemberState;
  readonly entries: Entry[] = [];
  readonly ctx: WriterContext;

  /**
   * `adopt`: work on `state` itself rather than on a copy, for a caller that made the state for
   * this writer alone (decoded it from a snapshot) and will not read it again. Saves a deep copy.
   */
  constructor(state: MemberState | null, memberId: string, ctx: WriterContext, options: { adopt?: boolean } = {}) {
    this.state = state ? (options.adopt ? state : cloneState(state)) : emptyState(memberId);
    this.ctx = ctx;
  }

  get now(): number {
    return this.ctx.now;
  }

  /** Appends an entry and folds it in. Returns the entry, with its id (a credit's lot id). */
  append<B extends DraftBody>(body: B): Entry {
    const metrics = this.ctx.stamp?.(body, this.state, this.ctx.now);
    const entry = {
      ...body,
      ...(metrics === undefined ? {} : { metrics }),
      id: this.ctx.newId(),
      memberId: this.state.memberId,
      seq: this.state.lastSeq + 1,
      at: iso(this.ctx.now),
      command: this.ctx.command,
    } as unknown as Entry;
    applyEntry(this.state, entry);
    this.entries.push(entry);
    return entry;
  }
}
