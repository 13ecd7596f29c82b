/**
 * The memory store's listing: member ids in code point order (sorted again only when a member was
 * added since the last listing, like the due index), and the filters of `MemberListQuery` over a
 * member's index. The PostgreSQL store answers the same query with its own indexes.
 */
import type { ListedMember, MemberIndex, MemberListQuery } from "./port.js";

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class MemberIdIndex {
  readonly #ids = new Set<string>();
  #sorted: string[] | null = [];

  /** Adds a member's id; returns the index, for the undo log. */
  add(memberId: string): this {
    this.#ids.add(memberId);
    this.#sorted = null;
    return this;
  }

  /** Undoes `add` (a commit rolled back). */
  remove(memberId: string): void {
    this.#ids.delete(memberId);
    this.#sorted = null;
  }

  /** Ids after `after` (all, without it), ascending. */
  *after(after: string | undefined): Generator<string> {
    const sorted = (this.#sorted ??= [...this.#ids].sort(byCodePoint));
    let lo = 0,
      hi = sorted.length;
    if (after !== undefined)
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! <= after) lo = mid + 1;
        else hi = mid;
      }
    // A member added while the generator runs re-sorts a new array; this one stays as it was.
    for (let i = lo; i < sorted.length; i++) yield sorted[i]!;
  }
}

/** Whether a member's index passes every filter of the query; with no index, only a query without filters. */
export function matches(index: MemberIndex | null, q: MemberListQuery): boolean {
  const filtered =
    q.tier !== undefined ||
    q.segment !== undefined ||
    q.lastPurchaseBefore !== undefined ||
    q.lastPurchaseFrom !== undefined;
  if (index === null) return !filtered;
  if (q.tier !== undefined && index.tier !== q.tier) return false;
  if (q.segment !== undefined && !index.segments.includes(q.segment)) return false;
  const last = index.lastPurchaseAt;
  if (q.lastPurchaseBefore !== undefined && (last === null || last >= q.lastPurchaseBefore)) return false;
  if (q.lastPurchaseFrom !== undefined && (last === null || last < q.lastPurchaseFrom)) return false;
  return true;
}

/**
 * A page of `listMembers`: ids after the cursor, each kept if its index passes the filters. Filters
 * are checked as the page is read, so a page costs the members it passes over, not the program.
 */
export function listFrom(
  ids: MemberIdIndex,
  indexOf: (memberId: string) => MemberIndex | null,
  query: MemberListQuery,
): ListedMember[] {
  const out: ListedMember[] = [];
  if (query.limit <= 0) return out;
  for (const memberId of ids.after(query.after)) {
    const index = indexOf(memberId);
    if (matches(index, query)) out.push({ memberId, index });
    if (out.length >= query.limit) break;
  }
  return out;
}
