/**
 * What a member write changes in the rows of the PostgreSQL store's layout (layout.ts): the lot
 * rows to insert, update or delete, each lot's ord, and the open purchase records to write, planned
 * from the layout the store read at the write's expected version. Pure: the commit (commit.ts)
 * sends the plan in its one statement and remembers `next` once the write has landed.
 */
import type { LotSnapshot, PurchaseSnapshot } from "../ledger/snapshot.js";
import { frozen } from "../shared/frozen.js";
import { idKeyed } from "../shared/id-keyed.js";
import type { MemberWrite } from "../store/port.js";
import type { MemberLayout } from "./layout.js";

/**
 * A lot row as the write statement takes it: the lot, its ord, and `fresh` when the row is known
 * not to exist (a plain insert: no speculative insertion, whose confirmation costs WAL too).
 */
export type LotRow = LotSnapshot & { ord: number; fresh?: true };

export interface LotPlan {
  /** Lot rows to insert or update (by id). */
  readonly upsert: readonly LotRow[];
  /** Lot ids whose rows go. */
  readonly remove: readonly string[];
  /** Whether every lot row not in `upsert` goes (a layout rewritten whole). */
  readonly full: boolean;
  /** The open purchases whose records the rows may not hold as the snapshot does. */
  readonly purchases: Readonly<Record<string, PurchaseSnapshot>>;
  /** The layout once the write has landed. */
  readonly next: (version: number) => MemberLayout;
}

/**
 * The rows a member write changes, given the layout read at its expected version (undefined: a
 * new member). Lots change only through entries (ledger/apply.ts): a crediting entry creates the
 * lot that bears its id, a debit lists the lots it draws (`lots`, each with a `lotId`). So the
 * touched lots are those ids; the others keep their rows and their ords, and their order (the fold
 * only inserts, removes and replaces lots in place). A lot new to the rows gets an ord between its
 * neighbours'; where that cannot be done (no room left between two floats, a lot that moved), every
 * lot gets its index as ord, and every row is written (`full`), as for a member not yet laid out.
 * `split`: whether the member row leaves lots and purchases to rows (`splittable`).
 */
export function planLots(w: MemberWrite, known: MemberLayout | undefined, split: boolean): LotPlan {
  const lots = w.snapshot.lots;
  const inRows = known !== undefined && known.lotsInRows;
  let ords = inRows ? incrementalOrds(lots, known.ords) : null;
  const full = ords === null;
  ords ??= lots.map((_, i) => i + 1);
  const touched = new Set<string>();
  for (const e of w.entries) {
    touched.add(e.id);
    const draws = (e as { lots?: unknown }).lots;
    if (Array.isArray(draws)) for (const d of draws) touched.add((d as { lotId: string }).lotId);
  }
  const upsert: LotRow[] = [];
  const next = new Map<string, number>();
  lots.forEach((lot, i) => {
    const ord = ords[i]!;
    next.set(lot.id, ord);
    const held = full ? undefined : known?.ords.get(lot.id);
    if (full || touched.has(lot.id) || held !== ord)
      upsert.push(held === undefined && !full ? { ...lot, ord, fresh: true } : { ...lot, ord });
  });
  const remove = full ? [] : [...touched].filter((id) => !next.has(id));
  // Records of open purchases that the rows may not hold as they are here: the write's own
  // records cover most; the rest are a backstop for a caller that changed one without saying so.
  const purchases = idKeyed<PurchaseSnapshot>();
  for (const [id, record] of Object.entries(w.snapshot.purchases))
    if (split && w.records?.purchases[id] === undefined && !(inRows && sameRecord(known.purchases[id], record)))
      purchases[id] = record;
  return {
    upsert,
    remove,
    full,
    purchases,
    next: (version) => ({
      version,
      lotsInRows: split,
      ords: next,
      // What to remember: `frozen` keeps a frozen value as it is (nobody can change it) and copies the rest.
      lots: split ? lots.map((l) => frozen(l)) : [],
      purchases: split ? frozen(w.snapshot.purchases) : {},
    }),
  };
}

/** The record as read, or one equal to it (what the engine hands back unchanged is the same object). */
const sameRecord = (read: PurchaseSnapshot | undefined, now: PurchaseSnapshot) =>
  read === now || (read !== undefined && JSON.stringify(read) === JSON.stringify(now));

/**
 * Ords for `lots` (in snapshot order) that keep every known lot's ord, or null when they cannot:
 * a known lot out of order, or no float left between two neighbours.
 */
function incrementalOrds(lots: readonly LotSnapshot[], known: ReadonlyMap<string, number>): number[] | null {
  const ords: number[] = [];
  let i = 0;
  while (i < lots.length) {
    const ord = known.get(lots[i]!.id);
    if (ord !== undefined) {
      if (ords.length > 0 && !(ord > ords.at(-1)!)) return null;
      ords.push(ord);
      i++;
      continue;
    }
    // A run of new lots, between the last ord and the next known one.
    let end = i;
    while (end < lots.length && !known.has(lots[end]!.id)) end++;
    const after = ords.at(-1);
    const before = end < lots.length ? known.get(lots[end]!.id)! : undefined;
    const count = end - i;
    for (let k = 1; k <= count; k++) {
      const ord =
        after === undefined
          ? before === undefined
            ? k
            : before - (count + 1 - k)
          : before === undefined
            ? Math.floor(after) + k
            : after + ((before - after) * k) / (count + 1);
      if (!Number.isFinite(ord) || (ords.length > 0 && !(ord > ords.at(-1)!))) return null;
      ords.push(ord);
    }
    if (before !== undefined && !(before > ords.at(-1)!)) return null;
    i = end;
  }
  return ords;
}
