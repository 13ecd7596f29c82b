/**
 * A purchase history as the models need it: per member, the days they bought on (several purchases
 * on one day make one purchase day, as the literature counts) and what they spent each day. Amounts
 * arrive as decimal text and are summed exactly (decimal.js); they become plain numbers only where a
 * statistical model takes them (calibration.ts), never here.
 */
import { insightsMessages } from "./messages.js";
import { LoyaltyError, type FieldIssue } from "../errors/index.js";
import { firstProblemText } from "../errors/messages.js";
import { DECIMAL_LITERAL, Decimal, ZERO, roundTo } from "../shared/decimal.js";
import { parseDay, type DateFormat } from "./dates.js";

/** One row of a history file, as text: the CLI maps columns to these fields. `line` is 1-based. */
export interface HistoryRow {
  readonly line: number;
  readonly member: string | undefined;
  readonly date: string | undefined;
  /** The purchase's amount; negative for a return. With `quantity`, the unit price. */
  readonly amount: string | undefined;
  /** When given, the amount is `quantity × amount`, rounded half-up to `amountScale` places. */
  readonly quantity?: string | undefined;
}

export interface HistoryOptions {
  /** How the rows write dates (default `ymd`). */
  readonly dateFormat?: DateFormat;
  /** Decimal places of the currency, for `quantity × price` (default 2). */
  readonly amountScale?: number;
  /** Member texts that mean "no member", such as "(blank)"; the empty text always does. */
  readonly blankMembers?: readonly string[];
  /** `throw` (default): any bad row throws INVALID_HISTORY. `skip`: bad rows are left out and listed. */
  readonly badRows?: "throw" | "skip";
}

/** One member's purchases: ascending purchase days, the gross spend of each, and what they returned. */
export interface MemberHistory {
  readonly member: string;
  /** Day numbers (days since 1970-01-01), ascending, each once. */
  readonly days: readonly number[];
  /** Gross spend on each of `days`: the sum of that day's purchases (returns are not netted here). */
  readonly spend: readonly Decimal[];
  /** The total of the member's returns, as a positive amount. */
  readonly returned: Decimal;
}

export interface PurchaseHistory {
  /** Members in order of first appearance in the rows. */
  readonly members: readonly MemberHistory[];
}

export interface ReadHistory {
  readonly history: PurchaseHistory;
  /** The rows left out with `badRows: "skip"`: path `[line, field]`. Empty with `throw`. */
  readonly refused: readonly FieldIssue[];
}

interface GoodRow {
  readonly line: number;
  readonly member: string;
  readonly day: number;
  readonly amount: Decimal;
}

const f = insightsMessages.field;

/** Validates and groups the rows of a purchase history. Writes nothing; throws only INVALID_HISTORY. */
export function readPurchaseHistory(rows: Iterable<HistoryRow>, options: HistoryOptions = {}): ReadHistory {
  const format = options.dateFormat ?? "ymd";
  const blank = new Set(["", ...(options.blankMembers ?? [])]);
  const issues: FieldIssue[] = [];
  const good: GoodRow[] = [];
  for (const row of rows) {
    const member = row.member?.trim() ?? "";
    const day = parseDay(row.date ?? "", format);
    const amount = amountOf(row, options.amountScale ?? 2);
    if (blank.has(member)) issues.push({ path: [row.line, "member"], message: f.noMember });
    else if (day === null) issues.push({ path: [row.line, "date"], message: f.notHistoryDate(format) });
    else if (amount === "amount" || amount === "quantity")
      issues.push({ path: [row.line, amount], message: f.notHistoryAmount });
    else good.push({ line: row.line, member, day, amount });
  }
  const members = groupByMember(good, issues);
  if (issues.length > 0 && options.badRows !== "skip") {
    const sorted = issues.sort(byLine);
    throw new LoyaltyError(
      "INVALID_HISTORY",
      firstProblemText(insightsMessages.invalidHistory(sorted.length), sorted[0]!.path, sorted[0]!.message),
      {
        issues: sorted,
        details: { lines: sorted.map((i) => i.path[0]) },
      },
    );
  }
  return { history: { members }, refused: issues.sort(byLine) };
}

function byLine(a: FieldIssue, b: FieldIssue): number {
  return Number(a.path[0]) - Number(b.path[0]);
}

/** The row's amount, or the name of the field that is not a decimal. */
function amountOf(row: HistoryRow, scale: number): Decimal | "amount" | "quantity" {
  const amount = decimalOf(row.amount);
  if (amount === null) return "amount";
  if (row.quantity === undefined) return amount;
  const quantity = decimalOf(row.quantity);
  return quantity === null ? "quantity" : roundTo(quantity.times(amount), scale, "half_up");
}

function decimalOf(text: string | undefined): Decimal | null {
  const trimmed = text?.trim() ?? "";
  // "+12.5" and ".5" are not in DECIMAL_LITERAL; histories exported by spreadsheets do write them.
  const normal = trimmed.replace(/^\+/, "").replace(/^(-?)\./, (_, sign: string) => `${sign}0.`);
  return DECIMAL_LITERAL.test(normal) ? new Decimal(normal) : null;
}

/**
 * Rows by member, in time order. A return (negative amount) must come after a purchase by the same
 * member on or before its day; one that does not is a bad row (the money it returns was never spent here).
 */
function groupByMember(rows: readonly GoodRow[], issues: FieldIssue[]): MemberHistory[] {
  const byMember = new Map<string, GoodRow[]>();
  for (const row of rows) {
    const list = byMember.get(row.member);
    if (list === undefined) byMember.set(row.member, [row]);
    else list.push(row);
  }
  const members: MemberHistory[] = [];
  for (const [member, list] of byMember) {
    // Purchases before returns on the same day: a same-day return of that day's purchase is fine.
    list.sort(
      (a, b) => a.day - b.day || Number(a.amount.isNegative()) - Number(b.amount.isNegative()) || a.line - b.line,
    );
    const days: number[] = [];
    const spend: Decimal[] = [];
    let returned = ZERO;
    for (const row of list) {
      if (row.amount.isNegative()) {
        if (days.length === 0) issues.push({ path: [row.line, "amount"], message: f.returnBeforePurchase });
        else returned = returned.minus(row.amount);
      } else if (days.at(-1) === row.day) spend[spend.length - 1] = spend.at(-1)!.plus(row.amount);
      else {
        days.push(row.day);
        spend.push(row.amount);
      }
    }
    if (days.length > 0) members.push({ member, days, spend, returned });
  }
  return members;
}
