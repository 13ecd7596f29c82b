/** The CDNOW sample (test/fixtures/cdnow_sample.txt) as history rows, and its calibration summaries. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readPurchaseHistory, summarizeHistory, type HistoryRow } from "../../src/insights/index.js";

const path = fileURLToPath(new URL("../fixtures/cdnow_sample.txt", import.meta.url));

/** Rows as the file has them: sample id, YYYYMMDD date, dollar value. */
export function sampleRows(): HistoryRow[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((text, i) => ({ cells: text.trim().split(/\s+/), line: i + 1 }))
    .filter(({ cells }) => cells.length === 5)
    .map(({ cells, line }) => ({ line, member: cells[1], date: cells[2], amount: cells[4] }));
}

export const sampleHistory = () => readPurchaseHistory(sampleRows(), { dateFormat: "compact" }).history;

/** The paper's 39-week calibration: purchases to 1997-09-30, T in weeks. */
export const sampleSummaries = () => summarizeHistory(sampleHistory(), { calibrationEnd: "1997-09-30" });
