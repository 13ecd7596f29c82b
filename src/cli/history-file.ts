/**
 * Reads a purchase history (CSV, whitespace-separated text or JSON Lines) into the simulation's
 * events, its columns named by flags (docs/simulate.md, "History files"). A row it cannot read is
 * listed with its line number, never dropped in silence. Rows that share a purchase id are one
 * purchase whose lines span rows (the UCI file splits an invoice stamped across two minutes): they
 * become one event at the first row's time, their amounts summed.
 */
import { Decimal } from "../shared/decimal.js";
import type { HistoryEvent, HistoryLine } from "../simulate/history.js";
import type { Scalar } from "../shared/scalar.js";
import { timeParser } from "./history-time.js";

export interface HistoryLayout {
  readonly format: "csv" | "jsonl";
  /** CSV only: "," (default), ";", "tab" or "whitespace" (runs of spaces and tabs, no quoting). */
  readonly delimiter: string;
  readonly member: string;
  readonly time: string;
  /** A column, or a product of columns ("Quantity*UnitPrice"), rounded to the currency's places half up. */
  readonly amount: string;
  /** A column holding the currency code; null: every row is in `defaultCurrency`. */
  readonly currency: string | null;
  readonly defaultCurrency: string;
  readonly currencyPlaces: number;
  readonly purchaseId: string | null;
  readonly returnsPurchaseId: string | null;
  /** A column holding the purchase lines as JSON ([{sku, category?, quantity, amount}]). */
  readonly lines: string | null;
  readonly attributes: readonly string[];
  readonly timeFormat: string;
  readonly timeZone: string | null;
  /** Member values that mean "no member" (a sale to a non-member). */
  readonly noMember: readonly string[];
}

export interface RowProblem {
  readonly line: number;
  readonly message: string;
}

export interface HistoryRead {
  readonly events: HistoryEvent[];
  readonly rows: number;
  readonly mergedRows: number;
  readonly problems: readonly RowProblem[];
}

type Row = Readonly<Record<string, unknown>>;

export function readHistory(text: string, layout: HistoryLayout): HistoryRead {
  const parseTime = timeParser(layout.timeFormat, layout.timeZone);
  const factors = layout.amount.split("*").map((c) => c.trim());
  const problems: RowProblem[] = [];
  const events: HistoryEvent[] = [];
  const byId = new Map<string, number>(); // purchase id -> index in events
  let rows = 0,
    mergedRows = 0;
  for (const { line, row, error } of rowsOf(text, layout)) {
    if (error !== undefined) {
      problems.push({ line, message: error });
      continue;
    }
    rows++;
    try {
      const event = eventOf(row!, line, layout, factors, parseTime);
      const key = event.id === null ? null : `${event.memberId ?? ""}\u0000${event.kind}\u0000${event.id}`;
      const earlier = key === null ? undefined : byId.get(key);
      if (earlier !== undefined) {
        const first = events[earlier]!;
        events[earlier] = {
          ...first,
          amount: new Decimal(first.amount).plus(event.amount).toFixed(layout.currencyPlaces),
          ...(first.lines || event.lines ? { lines: [...(first.lines ?? []), ...(event.lines ?? [])] } : {}),
        };
        mergedRows++;
        continue;
      }
      if (key !== null) byId.set(key, events.length);
      events.push(event);
    } catch (e) {
      problems.push({ line, message: (e as Error).message });
    }
  }
  return { events, rows, mergedRows, problems };
}

function eventOf(
  row: Row,
  line: number,
  layout: HistoryLayout,
  factors: readonly string[],
  parseTime: (text: string) => number,
): HistoryEvent {
  const text = (column: string | null): string | null => {
    if (column === null) return null;
    const v = row[column];
    if (v === undefined) throw new Error(`no column ${JSON.stringify(column)}`);
    return v === null ? "" : String(v).trim();
  };
  const member = text(layout.member)!;
  const memberId = layout.noMember.includes(member) ? null : member;
  const at = parseTime(text(layout.time)!);
  let amount = new Decimal(1);
  for (const column of factors) {
    const v = text(column)!;
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v))
      throw new Error(`${column} ${JSON.stringify(v)} is not a decimal number`);
    amount = amount.times(v);
  }
  amount = amount.toDecimalPlaces(layout.currencyPlaces, Decimal.ROUND_HALF_UP);
  const returnsPurchaseId = text(layout.returnsPurchaseId) || null;
  // A negative amount is a return (the UCI file's cancellations); so is a row naming the purchase it returns.
  const kind = amount.isNegative() || returnsPurchaseId !== null ? "return" : "purchase";
  const lines = layout.lines === null ? undefined : linesOf(row[layout.lines]);
  const attributes: Record<string, Scalar> = {};
  for (const column of layout.attributes) {
    const v = row[column];
    if (v === undefined) throw new Error(`no column ${JSON.stringify(column)}`);
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") attributes[column] = v;
  }
  return {
    line,
    memberId,
    at,
    kind,
    amount: amount.abs().toFixed(layout.currencyPlaces),
    currency: text(layout.currency) ?? layout.defaultCurrency,
    id: text(layout.purchaseId) || null,
    returnsPurchaseId,
    ...(lines ? { lines } : {}),
    ...(layout.attributes.length > 0 ? { attributes } : {}),
  };
}

function linesOf(value: unknown): HistoryLine[] | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) throw new Error("lines must be a JSON array");
  return parsed.map((l: Record<string, unknown>) => ({
    sku: String(l.sku),
    ...(l.category === undefined ? {} : { category: String(l.category) }),
    quantity: Number(l.quantity),
    amount: String(l.amount),
  }));
}

/** Each data row of the file with its 1-based line number, or what is wrong with it. */
function* rowsOf(text: string, layout: HistoryLayout): Generator<{ line: number; row?: Row; error?: string }> {
  const lines = text.split(/\r?\n/);
  if (layout.format === "jsonl") {
    for (const [i, raw] of lines.entries()) {
      if (raw.trim() === "") continue;
      try {
        const row: unknown = JSON.parse(raw);
        if (typeof row !== "object" || row === null || Array.isArray(row)) throw new Error("not a JSON object");
        yield { line: i + 1, row: row as Row };
      } catch (e) {
        yield { line: i + 1, error: `not a JSON object: ${(e as Error).message}` };
      }
    }
    return;
  }
  const split = fieldSplitter(layout.delimiter);
  const header = split(lines[0] ?? "");
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    const fields = split(raw);
    if (fields.length !== header.length) {
      yield { line: i + 1, error: `expected ${header.length} fields, got ${fields.length}` };
      continue;
    }
    yield { line: i + 1, row: Object.fromEntries(header.map((h, j) => [h, fields[j]])) };
  }
}

/** Splits a line on `delimiter` ("tab", "whitespace" or the text itself), honouring RFC 4180 quotes. */
export function fieldSplitter(delimiter: string): (line: string) => string[] {
  if (delimiter === "whitespace") return (line) => line.trim().split(/\s+/);
  const d = delimiter === "tab" ? "\t" : delimiter;
  return (line) => {
    if (!line.includes('"')) return line.split(d);
    // RFC 4180 quoting: "a, b" is one field, "" inside quotes is one quote.
    const out: string[] = [];
    let field = "",
      quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (line.startsWith(d, i)) {
        out.push(field);
        field = "";
        i += d.length - 1;
      } else field += c;
    }
    out.push(field);
    return out;
  };
}
