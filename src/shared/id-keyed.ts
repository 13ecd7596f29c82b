/**
 * An object keyed by ids that members do not share (purchase and redemption ids), for the JSON
 * form: prototype-less, which V8 keeps as a hash table. An ordinary object gets a hidden class per
 * distinct set of keys, so one keyed by ids makes a new class (and a frozen twin) per member and
 * per command: measured on the CDNOW replay, hundreds of thousands of classes, a third of the heap.
 * Keys of a few fixed names (wallets, periods) stay in ordinary objects (ledger/snapshot.ts `mapJson`).
 */
export const idKeyed = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
