/**
 * The files `loyalty-engine import` reads (docs/migrating.md, "File formats for the CLI"): JSON
 * Lines, one importMember command per line; or CSV, one lot per row with a header, rows grouped by
 * member. Reading only: what a record means is importMember's to check, with a path per bad field.
 */
import type { ImportMemberCommand } from "../engine/import-schema.js";
import { fieldSplitter } from "./history-file.js";

/** One member's record, or why its lines could not be read; `line` is the member's first line (1-based). */
export type ImportRecord =
  | {
      readonly line: number;
      readonly memberId: string | null;
      readonly command: ImportMemberCommand;
      /** CSV: the line of each lot, so that a refusal at `lots.N` names the row it came from. */
      readonly lotLines?: readonly number[];
    }
  | { readonly line: number; readonly memberId: string | null; readonly error: string };

const lines = (text: string) => text.replace(/^\uFEFF/, "").split(/\r?\n/);

export function readJsonLines(text: string): ImportRecord[] {
  const out: ImportRecord[] = [];
  lines(text).forEach((raw, i) => {
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      out.push({ line: i + 1, memberId: null, error: `not JSON: ${(e as Error).message}` });
      return;
    }
    const memberId =
      typeof value === "object" && value !== null && typeof (value as { memberId?: unknown }).memberId === "string"
        ? (value as { memberId: string }).memberId
        : null;
    // Whatever the line holds goes to importMember, which says what is wrong with it, field by field.
    out.push({ line: i + 1, memberId, command: value as ImportMemberCommand });
  });
  return out;
}

/** The CSV columns, in any order; only memberId and joinedAt are required. */
export const CSV_COLUMNS = [
  "memberId",
  "joinedAt",
  "birthday",
  "wallet",
  "amount",
  "remaining",
  "earnedAt",
  "availableAt",
  "expiresAt",
  "debt",
  "spent",
  "expired",
] as const;
type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string>>;

/**
 * Reads the CSV format: a member's rows must be next to each other (a member seen again after
 * another is refused, not merged: the file is probably not what it seems). An unknown column
 * stops the read with an error naming it.
 */
export function readCsv(text: string): { records: ImportRecord[] } | { error: string } {
  const all = lines(text);
  const split = fieldSplitter(",");
  const header = split(all[0] ?? "").map((h) => h.trim());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0)
    return { error: `unknown column(s) ${unknown.join(", ")}; expected ${CSV_COLUMNS.join(",")}` };
  for (const required of ["memberId", "joinedAt"])
    if (!header.includes(required)) return { error: `no ${required} column` };
  const records: ImportRecord[] = [];
  const seen = new Set<string>();
  let group: { line: number; memberId: string; rows: (Row & { line: number })[] } | null = null;
  const close = () => {
    if (group === null) return;
    const { command, lotLines } = toCommand(group.memberId, group.rows);
    records.push({ line: group.line, memberId: group.memberId, command, lotLines });
  };
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.trim() === "") continue;
    const fields = split(all[i]!);
    if (fields.length !== header.length) {
      records.push({ line: i + 1, memberId: null, error: `expected ${header.length} fields, got ${fields.length}` });
      continue;
    }
    const row: Row & { line: number } = { line: i + 1 };
    header.forEach((h, j) => (row[h as Column] = fields[j]!.trim()));
    const memberId = row.memberId ?? "";
    if (group !== null && group.memberId === memberId) {
      group.rows.push(row);
      continue;
    }
    close();
    group = null;
    if (seen.has(memberId)) {
      records.push({
        line: i + 1,
        memberId,
        error: `rows of member "${memberId}" are not together; sort the file by member`,
      });
      continue;
    }
    seen.add(memberId);
    group = { line: i + 1, memberId, rows: [row] };
  }
  close();
  return { records };
}

const given = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);

function toCommand(
  memberId: string,
  rows: readonly (Row & { line: number })[],
): { command: ImportMemberCommand; lotLines: number[] } {
  const lotLines: number[] = [];
  const first = rows[0]!;
  const wallets: Record<string, { debt?: string; lifetime: { spent?: string; expired?: string } }> = {};
  const lots: NonNullable<ImportMemberCommand["lots"]> = [];
  for (const row of rows) {
    const wallet = given(row.wallet);
    if (wallet === undefined) continue;
    const w = (wallets[wallet] ??= { lifetime: {} });
    // The first non-empty figure of a wallet counts (docs/migrating.md).
    const debt = given(row.debt),
      spent = given(row.spent),
      expired = given(row.expired);
    if (w.debt === undefined && debt !== undefined) w.debt = debt;
    if (w.lifetime.spent === undefined && spent !== undefined) w.lifetime.spent = spent;
    if (w.lifetime.expired === undefined && expired !== undefined) w.lifetime.expired = expired;
    const amount = given(row.amount);
    if (amount === undefined) continue;
    const remaining = given(row.remaining),
      availableAt = given(row.availableAt),
      expiresAt = given(row.expiresAt);
    lotLines.push(row.line);
    lots.push({
      wallet,
      amount,
      ...(remaining === undefined ? {} : { remaining }),
      earnedAt: row.earnedAt ?? "",
      ...(availableAt === undefined ? {} : { availableAt }),
      ...(expiresAt === undefined ? {} : { expiresAt: expiresAt === "never" ? null : expiresAt }),
    });
  }
  const birthday = given(first.birthday);
  const command: ImportMemberCommand = {
    key: `import:${memberId}`,
    memberId,
    joinedAt: first.joinedAt ?? "",
    ...(birthday === undefined ? {} : { birthday }),
    ...(Object.keys(wallets).length > 0 ? { wallets } : {}),
    ...(lots.length > 0 ? { lots } : {}),
  };
  return { command, lotLines };
}
