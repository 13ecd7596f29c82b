/**
 * The stock default, the one rule for where a reward's count comes from. Words (docs/architecture.md,
 * Words): "starting stock" is the program's `stock` for a reward; "stock left" is the units it has
 * left now; a "stock change" is one commit's signed delta. A reward with limited
 * stock starts at the program's `stock`; the first commit that changes it (a redemption, a
 * cancellation, a restock) gives the store a count of its own, and from then on the store's count
 * is the truth. So a store that has no count for a reward means "untouched: the program's stock
 * applies", never "none left".
 *
 * The engine reads the count through `stockLeftFrom` and sends each change with the count to start
 * from (`startingStock`); the stores apply a change through `stockAfter`. PostgreSQL's upsert
 * (`changeStock`) says the same in SQL: a first change inserts initial + delta, later ones add delta.
 */
import type { StockChange } from "./port.js";

/** Stock left now: the store's count once a commit has made one, else the starting stock (the program's). */
export function stockLeftFrom(storeCount: number | null | undefined, programStock: number): number {
  return storeCount ?? programStock;
}

/**
 * The count a stock change starts from if the store has none yet: the program's stock, or 0 for a
 * reward the catalogue no longer has (a cancellation still gives its units back).
 */
export function startingStock(programStock: number | null | undefined): number {
  return programStock ?? 0;
}

/**
 * The count after a change: the store's count (or the change's `initial` if it has none) plus the
 * change's delta. A store refuses a change that leaves it below zero (`CommitConflict("stock")`).
 */
export function stockAfter(storeCount: number | null | undefined, change: StockChange): number {
  return stockLeftFrom(storeCount, change.initial) + change.delta;
}
