/**
 * `loyalty-engine insights`: reads a purchase history file, fits BG/NBD and Gamma-Gamma over a
 * calibration period, and prints the parameters, the cohort table and the members most at risk
 * (or, with --json, every member's P(alive) and expected purchases). The figures come from
 * loyalty-engine/insights; this file only reads argv and the file, and prints.
 */
import { parseArgs } from "node:util";
import {
  DATE_FORMATS,
  dayKey,
  fitBgNbd,
  customerValue,
  fitGammaGamma,
  isLoyaltyError,
  purchaseDaysBetween,
  readPurchaseHistory,
  repeatPurchaseRate,
  retentionByCohort,
  scoreMembers,
  slipping,
  summarizeHistory,
  type DateFormat,
  type GammaGammaFit,
  type ReadHistory,
} from "../insights/index.js";
import { EXIT, type CliCommand, type CliIo } from "./io.js";
import { readHistoryFile } from "./insights-read.js";
import { printReport, type InsightsReport } from "./insights-report.js";

const USAGE = `Usage: loyalty-engine insights --history FILE [options]

Fits the BG/NBD churn model and the Gamma-Gamma spend model to a purchase history and prints the
parameters, the retention by joining cohort and the members most at risk.

  --history FILE          the purchase history (one purchase or return per line)
  --calibration-end DATE  fit on purchases up to DATE (YYYY-MM-DD); later ones are the holdout,
                          whose actual repeat purchase days are printed beside the expected
                          (default: the history's last day, no holdout)
  --horizon WEEKS         expected purchases over this many weeks (default: the holdout's length, or 52)
  --discount-rate RATE    per twelfth of the horizon, for the customer value (default 0)
  --json                  print JSON: the fits, the cohorts and every member's P(alive) and expected purchases
  --top N                 members most at risk to list (default 10)
  --strict                exit 1 on any bad row instead of leaving it out with a warning
Columns (a name from the header line, or a 1-based number):
  --member COL --date COL --amount COL   (defaults: member, date, amount)
  --quantity COL          the amount column is a unit price: amount = quantity × price, to the penny
  --date-format FORMAT    ymd (2026-03-01, default), compact (20260301), mdy (3/1/2026), dmy (1/3/2026)
  --separator SEP         "," or "whitespace" (default: "," for .csv files, whitespace otherwise)
  --no-header             the first line is a purchase, not column names
  --blank-member TEXT     a member value that means "no member", such as "(blank)" (repeatable)

Examples:
  loyalty-engine insights --history bench/data/cdnow_master.txt --member customer_id --date date \\
    --amount dollar_value --date-format compact --calibration-end 1997-09-30
  loyalty-engine insights --history examples/data/online_retail_invoices.csv --member CustomerID \\
    --date InvoiceDate --date-format mdy --amount UnitPrice --quantity Quantity --blank-member "(blank)"`;

const OPTIONS = {
  history: { type: "string" },
  "calibration-end": { type: "string" },
  horizon: { type: "string" },
  "discount-rate": { type: "string" },
  json: { type: "boolean" },
  top: { type: "string" },
  strict: { type: "boolean" },
  member: { type: "string" },
  date: { type: "string" },
  amount: { type: "string" },
  quantity: { type: "string" },
  "date-format": { type: "string" },
  separator: { type: "string" },
  "no-header": { type: "boolean" },
  "blank-member": { type: "string", multiple: true },
} as const;

export const insightsCommand: CliCommand = {
  summary: "fit churn (BG/NBD) and spend (Gamma-Gamma) models to a purchase history",
  usage: USAGE,
  run: (args, io) => Promise.resolve(run(args, io)),
};

function run(args: readonly string[], io: CliIo): number {
  let values;
  try {
    values = parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const file = values.history;
  if (file === undefined) return usage(io, "--history FILE is required.");
  const format = values["date-format"] ?? "ymd";
  if (!(DATE_FORMATS as readonly string[]).includes(format))
    return usage(io, `--date-format must be one of ${DATE_FORMATS.join(", ")}.`);
  const separator = values.separator ?? (file.toLowerCase().endsWith(".csv") ? "," : "whitespace");
  if (separator !== "," && separator !== "whitespace") return usage(io, '--separator must be "," or "whitespace".');
  const top = Number(values.top ?? 10);
  const horizonWeeks = values.horizon === undefined ? undefined : Number(values.horizon);
  if (!Number.isInteger(top) || top < 0) return usage(io, "--top must be a whole number.");
  if (horizonWeeks !== undefined && !(horizonWeeks > 0))
    return usage(io, "--horizon must be a positive number of weeks.");
  const discountRate = Number(values["discount-rate"] ?? 0);
  if (!(discountRate > -1)) return usage(io, "--discount-rate must be a number above -1, such as 0.01.");

  let rows;
  try {
    rows = readHistoryFile(file, {
      separator,
      header: values["no-header"] !== true,
      member: values.member ?? "member",
      date: values.date ?? "date",
      amount: values.amount ?? "amount",
      quantity: values.quantity,
    });
  } catch (error) {
    io.err(`loyalty-engine insights: cannot read ${file}: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  if (typeof rows === "string") return usage(io, rows);

  try {
    const read = readPurchaseHistory(rows, {
      dateFormat: format as DateFormat,
      blankMembers: values["blank-member"] ?? [],
      badRows: values.strict === true ? "throw" : "skip",
    });
    warnRefused(io, read);
    if (read.history.members.length === 0) {
      io.err(`loyalty-engine insights: ${file} has no purchase to fit.\n`);
      return EXIT.failed;
    }
    const report = analyse(read, rows.length, {
      calibrationEnd: values["calibration-end"],
      horizonWeeks,
      discountRate,
    });
    if (values.json === true) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else printReport(io, report, top);
    return EXIT.ok;
  } catch (error) {
    if (!isLoyaltyError(error)) throw error;
    io.err(`loyalty-engine insights: ${error.message}\n`);
    for (const issue of error.issues.slice(0, 20)) io.err(`  line ${issue.path.join(", ")}: ${issue.message}\n`);
    return error.code === "INVALID_COMMAND" ? EXIT.usage : EXIT.failed;
  }
}

interface Choices {
  readonly calibrationEnd: string | undefined;
  readonly horizonWeeks: number | undefined;
  readonly discountRate: number;
}

function analyse(read: ReadHistory, rows: number, choices: Choices): InsightsReport {
  const { calibrationEnd, horizonWeeks, discountRate } = choices;
  const { history } = read;
  const lastDay = Math.max(...history.members.map((m) => m.days.at(-1)!));
  const end = calibrationEnd ?? dayKey(lastDay);
  const members = summarizeHistory(history, { calibrationEnd: end });
  const bgNbd = fitBgNbd(members);
  let gammaGamma: GammaGammaFit | { error: string };
  try {
    gammaGamma = fitGammaGamma(members);
  } catch (error) {
    if (!isLoyaltyError(error, "FIT_NOT_CONVERGED")) throw error;
    gammaGamma = { error: error.message };
  }
  const endDay = Date.parse(`${end}T00:00:00Z`) / 86_400_000;
  const holdoutWeeks = lastDay > endDay ? (lastDay - endDay) / 7 : undefined;
  const horizon = horizonWeeks ?? holdoutWeeks ?? 52;
  const byId = new Map(history.members.map((m) => [m.member, m]));
  const scores = scoreMembers(bgNbd.parameters, members, horizon).map((score, i) => {
    const slips = slipping(byId.get(score.member)!, score.pAlive, { now: end }).reasons;
    if ("error" in gammaGamma) return { ...score, slipping: slips };
    const value = customerValue(bgNbd.parameters, gammaGamma.parameters, members[i]!, { horizon, discountRate });
    return { ...score, slipping: slips, expectedSpend: value.expectedSpend, value: value.value };
  });
  let holdout: InsightsReport["holdout"] = null;
  if (holdoutWeeks !== undefined) {
    const from = dayKey(endDay + 1);
    const to = dayKey(lastDay);
    const actual = purchaseDaysBetween(history, from, to);
    // Expected over exactly the holdout's length, whatever --horizon says.
    const expected = horizon === holdoutWeeks ? scores : scoreMembers(bgNbd.parameters, members, holdoutWeeks);
    holdout = {
      members: members.length,
      from,
      to,
      weeks: holdoutWeeks,
      expected: expected.reduce((s, m) => s + m.expectedPurchases, 0),
      actual: members.reduce((s, m) => s + (actual.get(m.member) ?? 0), 0),
    };
  }
  return {
    rows,
    refusedRows: read.refused.length,
    members: history.members.length,
    calibrationEnd: end,
    timeUnit: "week",
    repeatPurchaseRate: repeatPurchaseRate(history, end),
    bgNbd,
    gammaGamma,
    holdout,
    horizonWeeks: horizon,
    cohorts: retentionByCohort(history, end),
    scores,
  };
}

function warnRefused(io: CliIo, read: ReadHistory): void {
  if (read.refused.length === 0) return;
  io.err(`loyalty-engine insights: left out ${read.refused.length} bad row(s) (--strict refuses the file instead):\n`);
  for (const issue of read.refused.slice(0, 5)) io.err(`  line ${issue.path.join(", ")}: ${issue.message}\n`);
  if (read.refused.length > 5) io.err(`  … and ${read.refused.length - 5} more\n`);
}

function usage(io: CliIo, problem: string): number {
  io.err(`loyalty-engine insights: ${problem}\n\n${USAGE}\n`);
  return EXIT.usage;
}
