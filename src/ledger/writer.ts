/**
 * A ledger writer: the working copy a decision appends entries to. It numbers each entry and folds
 * it into the state it owns at once (so later steps of the same command see earlier ones), and
 * hands back the entries and the resulting state.
 *
 * Ownership: the writer owns its state, and only its fold changes it. It is made in one of three
 * named ways: `copying` a state the caller keeps (the caller's object is never touched),
 * `adopting` a state the caller decoded for this writer alone and will not read again (no copy),
 * or `forNewMember`. Decisions see the state as a read-only `MemberView`: they read it and append
 * entries, and return what they decided rather than leaving the engine to read it back. A record
 * read from the view may change when an entry is appended (lots never do: they are values), so a
 * decision copies the figures it needs before it appends.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { checkTotal } from "../shared/figures.js";
import { iso } from "../shared/time.js";
import { applyEntry } from "./apply.js";
import type { CommandType, Entry, EntryDraft, MetricStamp } from "./entries.js";
import { cloneState, emptyState, type MemberState, type MemberView, type WalletTotals } from "./state.js";

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
  readonly stamp?: (body: DraftBody, state: MemberView, now: number) => MetricStamp | undefined;
}

/** Every running total of a wallet, in WalletTotals' order (a `satisfies` keeps the list complete). */
const TOTAL_NAMES = Object.keys({
  earned: 0,
  spent: 0,
  expired: 0,
  reversed: 0,
  adjusted: 0,
  transferredIn: 0,
  transferredOut: 0,
  debt: 0,
} satisfies Record<keyof WalletTotals, 0>) as (keyof WalletTotals)[];

export class LedgerWriter {
  /** The state this writer owns: changed by its fold only. */
  readonly #state: MemberState;
  readonly #entries: Entry[] = [];
  /**
   * Ids this writer may not hand out again: the open lots' as it found them (made on the first
   * append, so a command pays one pass over its member's lots, not one per entry) and its entries'.
   * Lots the command opens are its entries' (a lot's id is its entry's), so this covers every open
   * lot's id; a lot that closes keeps its id here, which only makes the check stricter.
   */
  #usedIds: Set<string> | null = null;
  readonly ctx: WriterContext;

  private constructor(owned: MemberState, ctx: WriterContext) {
    this.#state = owned;
    this.ctx = ctx;
  }

  /** A writer over a copy of `state`: the caller's object is never changed. */
  static copying(state: MemberView, ctx: WriterContext): LedgerWriter {
    return new LedgerWriter(cloneState(state), ctx);
  }

  /**
   * A writer that takes `decoded` over as its own, for a caller that made it for this writer alone
   * (decoded it from a snapshot) and will not read it again: it changes as entries are appended.
   * Saves a deep copy per command.
   */
  static adopting(decoded: MemberState, ctx: WriterContext): LedgerWriter {
    return new LedgerWriter(decoded, ctx);
  }

  /** A writer for a member with no entries yet. */
  static forNewMember(memberId: string, ctx: WriterContext): LedgerWriter {
    return new LedgerWriter(emptyState(memberId), ctx);
  }

  /** The member as the entries appended so far left it; read-only (only the fold changes it). */
  get state(): MemberView {
    return this.#state;
  }

  /** The entries appended so far, in order. */
  get entries(): readonly Entry[] {
    return this.#entries;
  }

  get now(): number {
    return this.ctx.now;
  }

  /**
   * Appends an entry and folds it in. Returns the entry, with its id (a credit's lot id). An id that
   * is not a new non-empty string (one this command used, or an open lot's) is refused before
   * anything is committed (IDS_FAILURE): committed, it would make a lot that cannot be drawn.
   */
  append<B extends DraftBody>(body: B): Entry {
    const metrics = this.ctx.stamp?.(body, this.#state, this.ctx.now);
    const id: unknown = this.ctx.newId();
    if (typeof id !== "string" || id.length === 0 || id.length > 200)
      throw new LoyaltyError(
        "IDS_FAILURE",
        messages.idsFailure(`returned ${typeof id === "string" ? "an empty or over-long string" : typeof id}`),
      );
    const used = (this.#usedIds ??= new Set(this.#state.lots.map((l) => l.id)));
    if (used.has(id))
      throw new LoyaltyError("IDS_FAILURE", messages.idsFailure(`returned ${JSON.stringify(id)} again`));
    // Built key by key rather than by spreads: V8 gives `{ ...body, ...more, id }` a hidden class
    // outside its class tree, one per entry, which makes every later step with the entry (freezing
    // it in the memory store, walking it) slow. Same keys, same order.
    const fields: Record<string, unknown> = {};
    for (const key in body) fields[key] = (body as Record<string, unknown>)[key];
    if (metrics !== undefined) fields.metrics = metrics;
    fields.id = id;
    fields.memberId = this.#state.memberId;
    fields.seq = this.#state.lastSeq + 1;
    fields.at = iso(this.ctx.now);
    fields.command = this.ctx.command;
    const entry = fields as unknown as Entry;
    applyEntry(this.#state, entry);
    // The last guard of exact arithmetic: a total that reached the bound refuses the command
    // (PRECISION_EXCEEDED), before anything is committed, instead of growing past exact sums.
    const wallets = this.#state.wallets;
    for (const wallet of Object.keys(wallets)) {
      const totals = wallets[wallet]!;
      for (const name of TOTAL_NAMES) checkTotal(wallet, name, totals[name]);
    }
    used.add(id);
    this.#entries.push(entry);
    return entry;
  }
}
