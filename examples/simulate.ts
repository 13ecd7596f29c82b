/**
 * `npm run demo:simulate`: what the example program (examples/program.ts) would have cost the UK
 * online retailer of examples/data over its year of invoices, beside a variant whose points expire
 * after 18 months instead of 12: runs `loyalty-engine simulate` on the invoices as they are (the
 * columns mapped by flags) and writes the HTML report and its JSON (default: a temporary folder;
 * or the folder given as the first argument).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../src/cli/run.js";
import { exampleProgram } from "./program.js";

const dir = process.argv[2] ? resolve(process.argv[2]) : mkdtempSync(join(tmpdir(), "loyalty-simulation-"));
mkdirSync(dir, { recursive: true });
const file = (name: string) => join(dir, name);
writeFileSync(file("program.json"), JSON.stringify(exampleProgram, null, 2));
const variant = {
  ...exampleProgram,
  version: 2,
  name: "Example rewards, points kept 18 months",
  expiry: { after: { months: 18 } },
};
writeFileSync(file("variant-18-months.json"), JSON.stringify(variant, null, 2));

const invoices = fileURLToPath(new URL("./data/online_retail_invoices.csv", import.meta.url));
process.exitCode = await runCli(
  [
    "simulate",
    ...["--program", file("program.json"), "--compare", file("variant-18-months.json"), "--history", invoices],
    // The UCI file's own columns: UK wall-clock times, an amount of quantity × unit price, "(blank)" for no customer.
    ...["--member", "CustomerID", "--no-member", "(blank)", "--time", "InvoiceDate"],
    ...["--time-format", "M/d/yyyy H:mm", "--time-zone", "Europe/London", "--amount", "Quantity*UnitPrice"],
    ...["--purchase-id", "InvoiceNo", "--attributes", "Country"],
    ...["--seed", "1", "--redeem-probability", "0.5"],
    ...["--out", file("report.html"), "--json", file("report.json")],
  ],
  {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
  },
);
