/**
 * How a member is laid out in the tables (migration 4), so that a command writes what it changed:
 * - the member row's `snapshot` holds the snapshot without `lots` and without `purchases` (with
 *   `lots_in_rows` true). Its lots are `loyalty_lots` rows, each with `ord`, its place in the
 *   snapshot's lot order; the records of purchases with an open lot are their `loyalty_records`
 *   rows. A read puts the snapshot back together, exactly as the fold made it: lots by `ord`, the
 *   purchases in the order of their first open lot (`openPurchaseIds`).
 * - A row written before migration 4 (`lots_in_rows` false) holds the whole snapshot; it loads as
 *   it is, and its next write moves it to the new layout (`full`: every lot row and ord written).
 *
 * A commit writes the lot rows a command touched (lot-plan.ts) and the purchase records that are
 * not, as text, what the store read: for that it remembers, per member and version, the ords and
 * record texts it read (`LayoutCache`). A commit whose member the cache does not hold at the
 * expected version reads them first (one more round trip; the compare-and-set still decides).
 */
import type { LotSnapshot, MemberSnapshot, PurchaseSnapshot } from "../ledger/snapshot.js";
import type { MemberIndex, StoredMember } from "../store/port.js";
import type { SqlRow } from "./client.js";
import { frozen } from "../shared/frozen.js";
import { text } from "./rows.js";

/**
 * What the store read or wrote of a member at a version: its layout, each lot's ord and, when its
 * lots are in rows, the lots and open purchase records themselves (frozen: handed to every caller
 * as they are). A read that finds the member still at this version takes them from here instead
 * of the rows: a member's long history then costs a command nothing on the wire.
 */
export interface MemberLayout {
  readonly version: number;
  readonly lotsInRows: boolean;
  readonly ords: ReadonlyMap<string, number>;
  readonly lots: readonly LotSnapshot[];
  readonly purchases: Readonly<Record<string, PurchaseSnapshot>>;
}

/**
 * The layouts last read or written, per (program, member): at most `limit` members and about
 * `lotLimit` lots in all (the least recently used go first). One per store: a hit saves a read of
 * the member's lot rows and a commit a read; a miss costs those reads, never a wrong write, since
 * each use checks the version against the row's.
 */
export class LayoutCache {
  private readonly members = new Map<string, MemberLayout>();
  private lots = 0;
  constructor(
    private readonly limit = 10_000,
    private readonly lotLimit = 200_000,
  ) {}

  get(programId: string, memberId: string): MemberLayout | undefined {
    return this.members.get(`${programId}\u0000${memberId}`);
  }

  set(programId: string, memberId: string, layout: MemberLayout): void {
    const key = `${programId}\u0000${memberId}`;
    this.drop(key);
    while (this.members.size > 0 && (this.members.size >= this.limit || this.lots + layout.lots.length > this.lotLimit))
      this.drop(this.members.keys().next().value!);
    this.members.set(key, layout);
    this.lots += layout.lots.length;
  }

  private drop(key: string): void {
    const old = this.members.get(key);
    if (old === undefined) return;
    this.lots -= old.lots.length;
    this.members.delete(key);
  }
}

/**
 * What a read of a member remembers before it is sent: the layout in the cache (which the cache
 * may drop meanwhile) and the version at which the read may skip the lot rows (a parameter).
 */
export function remembered(cache: LayoutCache | undefined, programId: string, memberId: string) {
  const layout = cache?.get(programId, memberId);
  return { layout, version: layout?.lotsInRows ? String(layout.version) : null };
}

type LotColumns = [string, string, string, string, number, number, number | null, string | null, string | null, number];

/**
 * A member row as the port returns it: `version`, `snapshot`, `in_rows` and, when its lots are in
 * rows and the cache does not hold them at this version, `lots` and `open_purchases` (JSON
 * text; else `known`, as `remembered` found it). Remembers what it read in `cache`.
 */
export function memberFromRow(
  row: SqlRow,
  cache: LayoutCache | undefined,
  programId: string,
  memberId: string,
  known: MemberLayout | undefined,
): StoredMember {
  const version = Number(text(row.version));
  const stored = JSON.parse(text(row.snapshot)) as MemberSnapshot;
  if (text(row.in_rows) !== "true") {
    cache?.set(programId, memberId, { version, lotsInRows: false, ords: new Map(), lots: [], purchases: {} });
    return { snapshot: stored, version, index: indexFrom(row.member_index) };
  }
  let layout = known;
  if (row.lots !== null && row.lots !== undefined) layout = layoutFrom(version, text(row.lots), row.open_purchases);
  else if (layout?.version !== version || !layout.lotsInRows)
    throw new Error(
      `PostgreSQL store: member ${memberId}'s lots were not read, and are not remembered at version ${version}`,
    );
  cache?.set(programId, memberId, layout);
  // Field order as toSnapshot writes it (lots after attributes, purchases after wallets).
  const {
    format,
    memberId: id,
    joinedAt,
    birthday,
    attributes,
    wallets,
    lots: _lots,
    purchases: _open,
    ...rest
  } = stored;
  const snapshot = {
    ...(format === undefined ? {} : { format }),
    memberId: id,
    joinedAt,
    birthday,
    attributes,
    lots: [...layout.lots],
    wallets,
    purchases: { ...layout.purchases },
    ...rest,
  } as MemberSnapshot;
  return { snapshot, version, index: indexFrom(row.member_index) };
}

/** The `member_index` column (migration 6): the index as committed, or null for a row written without one. */
const indexFrom = (column: unknown): MemberIndex | null =>
  column === null || column === undefined ? null : (JSON.parse(text(column)) as MemberIndex);

/** The layout of lot rows (`lots`) and the records of their purchases (`open`) as read. */
function layoutFrom(version: number, lotsText: string, open: unknown): MemberLayout {
  const ords = new Map<string, number>();
  const lots = (JSON.parse(lotsText) as LotColumns[]).map((c): LotSnapshot => {
    ords.set(c[0], c[9]);
    return Object.freeze({
      id: c[0],
      wallet: c[1],
      amount: c[2],
      remaining: c[3],
      earnedAt: c[4],
      availableAt: c[5],
      expiresAt: c[6],
      ruleId: c[7],
      purchaseId: c[8],
    });
  });
  const records = new Map<string, PurchaseSnapshot>();
  if (open !== null && open !== undefined)
    for (const [id, record] of JSON.parse(text(open)) as [string, PurchaseSnapshot][]) records.set(id, record);
  // In the order toSnapshot writes them: by each purchase's first open lot.
  const purchases: Record<string, PurchaseSnapshot> = {};
  for (const lot of lots) {
    const id = lot.purchaseId;
    if (id === null || id in purchases) continue;
    const record = records.get(id);
    if (record !== undefined) purchases[id] = frozen(record);
  }
  return { version, lotsInRows: true, ords, lots, purchases };
}

/**
 * Whether a snapshot can be laid out in rows: one the engine made (a format, so no records of
 * closed purchases or redemptions inside) whose purchases are exactly those of its open lots, in
 * the order of their first lot, as a read puts them back. Any other stays whole in the member row.
 */
export function splittable(snapshot: MemberSnapshot): boolean {
  if (snapshot.format === undefined) return false;
  const open: string[] = [];
  const seen = new Set<string>();
  for (const lot of snapshot.lots)
    if (lot.purchaseId !== null && !seen.has(lot.purchaseId)) {
      seen.add(lot.purchaseId);
      open.push(lot.purchaseId);
    }
  const held = Object.keys(snapshot.purchases);
  return held.length === open.length && held.every((id, i) => id === open[i]);
}

/** The member row's `snapshot` text: without what lives in rows when `split`. */
export function rowSnapshot(snapshot: MemberSnapshot, split: boolean): string {
  if (!split) return JSON.stringify(snapshot);
  const { lots: _lots, purchases: _purchases, ...rest } = snapshot;
  return JSON.stringify(rest);
}
