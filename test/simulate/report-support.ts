/** Runs `loyalty-engine simulate` in-process on a small history, and reads a report's figure cells. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/run.js";
import { capture } from "../support/cli-io.js";
import { tierProgram } from "../support/programs.js";

export { capture };

export const smallProgram = tierProgram(
  {},
  {
    expiry: { after: { months: 6 } },
    rewards: [{ id: "voucher", kind: "voucher", wallet: "points", price: "200", value: "2.00" }],
  },
);

/** Three members over 15 months: purchases, a return with its receipt, one without, a sale to a non-member, a refused row. */
export const SMALL_HISTORY = [
  "customer,when,total,order,returns",
  ...Array.from({ length: 45 }, (_, i) => {
    const month = String((i % 15) + 1).padStart(2, "0");
    const year = i % 15 < 12 ? 2024 : 2025;
    const m = (i % 15) + 1 > 12 ? String((i % 15) - 11).padStart(2, "0") : month;
    return `m${i % 3},${year}-${m}-${String(3 + (i % 20)).padStart(2, "0")}T12:00:00Z,${(120 + i * 7).toFixed(2)},o${i},`;
  }),
  "m1,2025-02-25T12:00:00Z,50.00,r1,o4",
  "m2,2025-02-26T12:00:00Z,5000.00,r2,o5",
  "m0,2025-02-27T12:00:00Z,-30.00,r3,",
  ",2025-02-27T13:00:00Z,80.00,o99,",
].join("\n");

export async function simulateSmall(extra: string[] = [], interactive = false, history = SMALL_HISTORY) {
  const dir = mkdtempSync(join(tmpdir(), "simulate-"));
  const file = (name: string) => join(dir, name);
  writeFileSync(file("program.json"), JSON.stringify(smallProgram));
  writeFileSync(
    file("variant.json"),
    JSON.stringify({ ...smallProgram, version: 2, expiry: { after: { months: 18 } } }),
  );
  writeFileSync(file("history.csv"), history);
  const io = capture(interactive);
  const code = await runCli(
    [
      "simulate",
      ...["--program", file("program.json"), "--compare", file("variant.json"), "--history", file("history.csv")],
      ...[
        "--member",
        "customer",
        "--time",
        "when",
        "--amount",
        "total",
        "--purchase-id",
        "order",
        "--returns",
        "returns",
      ],
      ...["--out", file("report.html"), "--json", file("report.json"), "--redeem-probability", "0.8"],
      ...extra,
    ],
    io,
  );
  return { dir, file, io, code };
}

export interface FigureCell {
  readonly path: string;
  readonly value: string;
  readonly kind: string;
  readonly text: string;
}

/** Every `data-figure` cell of a page (as written, or as a browser dumped it). */
export function figureCells(html: string): FigureCell[] {
  const cells: FigureCell[] = [];
  const re = /<td class="figure" data-figure="([^"]+)" data-value="([^"]*)" data-kind="(\w+)">([^<]*)<\/td>/g;
  for (const m of html.matchAll(re)) cells.push({ path: m[1]!, value: m[2]!, kind: m[3]!, text: m[4]! });
  return cells;
}

/** The value at a dotted path of the JSON report. */
export function at(json: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | null)?.[k], json);
}

export const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));
