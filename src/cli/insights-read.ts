/**
 * A history file as rows for `readPurchaseHistory`: comma-separated (with RFC 4180 quotes) or
 * whitespace-separated columns, a header line or none, columns picked by name or 1-based number.
 * Only `loyalty-engine insights` reads files this way; the core never sees a file.
 */
import { readFileSync } from "node:fs";
import type { HistoryRow } from "../insights/index.js";
import { fieldSplitter } from "./history-file.js";

export interface ColumnMapping {
  /** `,` (default for .csv files) or `whitespace` (default otherwise). */
  readonly separator: "," | "whitespace";
  /** Whether the first line names the columns (default true). */
  readonly header: boolean;
  readonly member: string;
  readonly date: string;
  readonly amount: string;
  readonly quantity?: string | undefined;
}

/** The file's rows, each with its 1-based line number, or a usage message when a column is missing. */
export function readHistoryFile(path: string, mapping: ColumnMapping): HistoryRow[] | string {
  const lines = readFileSync(path, "utf8").split(/\r?\n/);
  const split = fieldSplitter(mapping.separator);
  const names = mapping.header ? split(lines[0] ?? "").map((n) => n.trim()) : [];
  const index = (column: string): number | string => {
    if (/^\d+$/.test(column)) return Number(column) - 1;
    const found = names.indexOf(column);
    return found >= 0
      ? found
      : `column "${column}" is not in the header of ${path}${names.length > 0 ? ` (${names.join(", ")})` : " (it has none: give a column number)"}.`;
  };
  const member = index(mapping.member);
  const date = index(mapping.date);
  const amount = index(mapping.amount);
  const quantity = mapping.quantity === undefined ? undefined : index(mapping.quantity);
  for (const column of [member, date, amount, quantity]) if (typeof column === "string") return column;
  const rows: HistoryRow[] = [];
  for (let i = mapping.header ? 1 : 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const cells = split(line);
    rows.push({
      line: i + 1,
      member: cells[member as number],
      date: cells[date as number],
      amount: cells[amount as number],
      ...(quantity === undefined ? {} : { quantity: cells[quantity as number] ?? "" }),
    });
  }
  return rows;
}
