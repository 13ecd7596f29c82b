/**
 * The JSON form of a purchase's line figures (PurchaseRecord `lines`), as the snapshot and the
 * record row keep them. Compact, because an open purchase's record rides in the member's snapshot,
 * which every command reads and writes: the wallet names once, then per SKU an array of its units
 * bought and its points per wallet, in that order (only the points of awards tied to lines). A
 * purchase of 3 lines (8-character SKUs) with a category bonus: 173 bytes against 81 without lines.
 */
import type { Decimal } from "../shared/decimal.js";
import { dict, type Dict, type PurchaseLineRecord } from "./state.js";

export interface PurchaseLinesSnapshot {
  /** The wallets of the figures in `bySku`, in that order (sorted). */
  wallets: string[];
  /** Per SKU: the units bought, then the points they earned in each of `wallets` ("0": none; trailing zeros left out). */
  bySku: Record<string, [number, ...string[]]>;
  /** Per SKU with units returned: how many; absent when none are. */
  returned?: Record<string, number>;
}

/** `out[k] = value`, a "__proto__" SKU included (defined as an own property). */
function put<V>(out: Record<string, V>, k: string, value: V): void {
  Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
}

export function encodeLines(lines: Readonly<Dict<PurchaseLineRecord>>): PurchaseLinesSnapshot {
  const wallets = [...new Set(Object.values(lines).flatMap((l) => Object.keys(l.earned)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const bySku: Record<string, [number, ...string[]]> = {};
  const returned: Record<string, number> = {};
  for (const [sku, line] of Object.entries(lines)) {
    const figures = wallets.map((w) => line.earned[w]?.toString() ?? "0");
    while (figures.length > 0 && figures[figures.length - 1] === "0") figures.pop();
    put(bySku, sku, [line.quantity, ...figures]);
    if (line.returned > 0) put(returned, sku, line.returned);
  }
  return Object.keys(returned).length > 0 ? { wallets, bySku, returned } : { wallets, bySku };
}

export function decodeLines(json: PurchaseLinesSnapshot, dec: (s: string) => Decimal): Dict<PurchaseLineRecord> {
  const out = dict<PurchaseLineRecord>();
  for (const [sku, [quantity, ...figures]] of Object.entries(json.bySku)) {
    const earned = dict<Decimal>();
    figures.forEach((p, i) => {
      if (p !== "0") earned[json.wallets[i]!] = dec(p);
    });
    const returned = json.returned !== undefined && Object.hasOwn(json.returned, sku) ? json.returned[sku]! : 0;
    out[sku] = { quantity, earned, returned };
  }
  return out;
}
