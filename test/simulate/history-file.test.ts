import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadInvoices } from "../../examples/replay.js";
import { readHistory, type HistoryLayout } from "../../src/cli/history-file.js";
import { timeParser } from "../../src/cli/history-time.js";

const layout = (over: Partial<HistoryLayout>): HistoryLayout => ({
  format: "csv",
  delimiter: ",",
  member: "member",
  time: "time",
  amount: "amount",
  currency: null,
  defaultCurrency: "GBP",
  currencyPlaces: 2,
  purchaseId: null,
  returnsPurchaseId: null,
  lines: null,
  attributes: [],
  timeFormat: "iso",
  timeZone: null,
  noMember: [""],
  ...over,
});

export const UCI_LAYOUT = layout({
  member: "CustomerID",
  time: "InvoiceDate",
  timeFormat: "M/d/yyyy H:mm",
  timeZone: "Europe/London",
  amount: "Quantity*UnitPrice",
  purchaseId: "InvoiceNo",
  attributes: ["Country"],
  noMember: ["", "(blank)"],
});

describe("history files", () => {
  it("reads the UCI invoices with flags only, as the example replay parses them", () => {
    const read = readHistory(readFileSync("examples/data/online_retail_invoices.csv", "utf8"), UCI_LAYOUT);
    const parsed = loadInvoices();
    expect(read.problems).toEqual([]);
    expect([read.rows, read.mergedRows]).toEqual([parsed.rows, parsed.mergedRows]);
    const byId = new Map(read.events.map((e) => [e.id, e]));
    expect(read.events.length).toBe(parsed.events.length);
    for (const inv of parsed.events) {
      const e = byId.get(inv.invoiceNo)!;
      expect({ no: inv.invoiceNo, member: e.memberId, at: e.at, amount: e.amount, kind: e.kind }).toEqual({
        no: inv.invoiceNo,
        member: inv.customerId,
        at: inv.occurredAt,
        amount: inv.amount.abs().toFixed(2),
        kind: inv.amount.isNegative() ? "return" : "purchase",
      });
      if (e.memberId !== null) expect(e.attributes).toEqual({ Country: inv.country });
    }
  });

  it("reads CDNOW's whitespace-separated file with flags only", () => {
    const read = readHistory(
      readFileSync("bench/data/cdnow_master.txt", "utf8"),
      layout({
        delimiter: "whitespace",
        member: "customer_id",
        time: "date",
        timeFormat: "yyyyMMdd",
        timeZone: "America/New_York",
        amount: "dollar_value",
        defaultCurrency: "USD",
      }),
    );
    // What the file says, split by hand: id, YYYYMMDD, count, dollars; 80 purchases of 0.00 are read (the engine refuses them).
    const raw = readFileSync("bench/data/cdnow_master.txt", "utf8").trim().split("\n").slice(1);
    expect(read.problems).toEqual([]);
    expect(read.events.length).toBe(raw.length);
    expect(raw.length).toBe(69_659);
    for (const e of read.events) {
      const [id, date, , dollars] = raw[e.line - 2]!.trim().split(/\s+/) as [string, string, string, string];
      const midnight = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}T00:00:00-05:00`).getTime();
      const summer = midnight - 3_600_000; // New York is UTC-4 in summer time
      expect([e.memberId, e.amount, [midnight, summer]]).toEqual([id, dollars, expect.arrayContaining([e.at])]);
    }
  });

  it("lists every row it cannot read with its line number, and reads the rest", () => {
    const csv = [
      "member,time,amount,currency,returns",
      "a,2024-01-02T10:00:00Z,10.00,GBP,",
      "b,2024-01-02 10:00,10.00,GBP,", // no zone
      "c,2024-01-03T10:00:00+01:00,ten,GBP,",
      "d,2024-01-04T10:00:00Z,1.5,GBP",
      '"e, the second",2024-01-05T10:00:00Z,4.00,EUR,p1',
      ",2024-01-05T11:00:00Z,3.00,GBP,",
    ].join("\n");
    const read = readHistory(csv, layout({ currency: "currency", returnsPurchaseId: "returns" }));
    expect(read.problems.map((p) => p.line)).toEqual([3, 4, 5]);
    expect(read.problems[0]!.message).toContain("zone or offset");
    expect(read.problems[1]!.message).toContain("amount");
    expect(read.problems[2]!.message).toContain("expected 5 fields");
    expect(read.events.map((e) => [e.line, e.memberId, e.kind, e.amount, e.currency, e.returnsPurchaseId])).toEqual([
      [2, "a", "purchase", "10.00", "GBP", null],
      [6, "e, the second", "return", "4.00", "EUR", "p1"],
      [7, null, "purchase", "3.00", "GBP", null],
    ]);
  });

  it("reads JSON Lines with lines and attributes", () => {
    const jsonl = [
      JSON.stringify({
        member: "a",
        time: "2024-03-01T09:00:00-05:00",
        amount: 20,
        purchase: "p1",
        lines: [{ sku: "x", quantity: 2, amount: "20" }],
        tier: "vip",
      }),
      "not json",
    ].join("\n");
    const read = readHistory(
      jsonl,
      layout({ format: "jsonl", purchaseId: "purchase", lines: "lines", attributes: ["tier"] }),
    );
    expect(read.problems).toEqual([{ line: 2, message: expect.stringContaining("not a JSON object") }]);
    expect(read.events).toEqual([
      {
        line: 1,
        memberId: "a",
        at: Date.parse("2024-03-01T14:00:00Z"),
        kind: "purchase",
        amount: "20.00",
        currency: "GBP",
        id: "p1",
        returnsPurchaseId: null,
        lines: [{ sku: "x", quantity: 2, amount: "20" }],
        attributes: { tier: "vip" },
      },
    ]);
  });

  it("refuses a wall-clock time that does not exist in the zone rather than shifting it", () => {
    const parse = timeParser("yyyy-MM-dd HH:mm", "Europe/London");
    expect(parse("2011-03-27 00:30")).toBe(Date.UTC(2011, 2, 27, 0, 30));
    expect(() => parse("2011-03-27 01:30")).toThrow(/not a valid Europe\/London time/);
    expect(parse("2011-03-27 02:30")).toBe(Date.UTC(2011, 2, 27, 1, 30));
  });
});
