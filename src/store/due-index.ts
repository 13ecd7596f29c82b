/**
 * The memory store's due index: each member's next due instant, and the members due by an instant
 * in (dueAt, memberId) order for a sweep's pages. A commit sets one member's instant in O(1); the
 * ordered list is rebuilt only when a sweep asks for a page after commits changed it, so that
 * commits never pay for keeping an array sorted (a splice is O(members)).
 */
export interface DueItem {
  readonly dueAt: number;
  readonly memberId: string;
}

const byDueThenMember = (a: DueItem, b: DueItem) =>
  a.dueAt - b.dueAt || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

export class DueIndex {
  readonly #dueAt = new Map<string, number>();
  #sorted: DueItem[] | null = [];

  /** Sets (or, with null, clears) a member's next due instant. */
  set(memberId: string, dueAt: number | null): void {
    if ((this.#dueAt.get(memberId) ?? null) === dueAt) return;
    if (dueAt === null) this.#dueAt.delete(memberId);
    else this.#dueAt.set(memberId, dueAt);
    this.#sorted = null;
  }

  /** Members due at or before `before`, after the cursor, ascending, at most `limit`. */
  find(query: { before: number; limit: number; after?: DueItem }): DueItem[] {
    const sorted = (this.#sorted ??= [...this.#dueAt]
      .map(([memberId, dueAt]) => ({ dueAt, memberId }))
      .sort(byDueThenMember));
    let lo = 0,
      hi = sorted.length;
    // The first item after the cursor (binary search).
    if (query.after)
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (byDueThenMember(sorted[mid]!, query.after) <= 0) lo = mid + 1;
        else hi = mid;
      }
    const out: DueItem[] = [];
    for (let i = lo; i < sorted.length && out.length < query.limit; i++) {
      const item = sorted[i]!;
      if (item.dueAt > query.before) break;
      out.push({ ...item });
    }
    return out;
  }
}
