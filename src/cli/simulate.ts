/**
 * `loyalty-engine simulate`: reads a program (and a variant), a history file, runs the simulation
 * (src/simulate/) and writes the HTML report and its JSON. A program that does not compile fails
 * first, with every problem and its path; a row that cannot be read or that the engine refuses is
 * listed with its line number.
 */
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { isLoyaltyError } from "../errors/loyalty-error.js";
import { compileProgram, type Program } from "../program/compile.js";
import { simulateRuns } from "../simulate/simulate.js";
import { renderReport, type SimulationReport } from "../simulate/report-html.js";
import { readHistory } from "./history-file.js";
import { EXIT, type CliCommand, type CliIo } from "./io.js";
import { progressBar } from "./progress.js";
import { parseSimulateArgs, SIMULATE_USAGE } from "./simulate-args.js";

export async function loadProgram(path: string, io: CliIo): Promise<Program | null> {
  let input: unknown;
  try {
    input = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    io.err(`${path}: ${(e as Error).message}\n`);
    return null;
  }
  try {
    return compileProgram(input);
  } catch (e) {
    if (!isLoyaltyError(e)) throw e;
    io.err(`${path}: ${e.code}: ${e.issues.length} problem(s)\n`);
    for (const issue of e.issues) io.err(`  ${issue.path.join(".") || "(program)"}: ${issue.message}\n`);
    return null;
  }
}

export const simulateCommand: CliCommand = {
  summary: "replay a purchase history through a program (and a variant): the economics report",
  usage: SIMULATE_USAGE,
  async run(argv, io) {
    const args = parseSimulateArgs(argv);
    if ("problems" in args) {
      for (const p of args.problems) io.err(`loyalty-engine simulate: ${p}\n`);
      io.err(`\n${SIMULATE_USAGE}\n`);
      return EXIT.usage;
    }
    // Both programs compile before any history is read: every problem of both is printed.
    const program = await loadProgram(args.program, io);
    const variant = args.compare === null ? null : await loadProgram(args.compare, io);
    if (program === null || (args.compare !== null && variant === null)) return EXIT.failed;

    const read = readHistory(await readFile(args.history, "utf8"), {
      format: args.format,
      delimiter: args.delimiter,
      member: args.member,
      time: args.time,
      amount: args.amount,
      currency: args.currencyColumn,
      defaultCurrency: args.currency ?? program.currency,
      currencyPlaces: program.currencyPlaces,
      purchaseId: args.purchaseId,
      returnsPurchaseId: args.returns,
      lines: args.lines,
      attributes: args.attributes,
      timeFormat: args.timeFormat,
      timeZone: args.timeZone ?? program.timeZone,
      noMember: args.noMember,
    });
    for (const p of read.problems.slice(0, 20)) io.err(`${args.history}:${p.line}: ${p.message}\n`);
    if (read.problems.length > 20)
      io.err(`… and ${read.problems.length - 20} more rows not read (all in the report)\n`);
    if (args.strict && read.problems.length > 0) return EXIT.failed;

    const bar = io.interactive ? progressBar(io) : null;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { result, runs } = await simulateRuns({
      program,
      history: read.events,
      ...(variant ? { compare: variant } : {}),
      ...(args.until !== null ? { until: args.until } : {}),
      seed: args.seed,
      redemption:
        args.redeem === "never"
          ? { kind: "never" }
          : {
              kind: "cheapest",
              probability: args.redeemProbability,
              ...(args.redeemRewards ? { rewards: args.redeemRewards } : {}),
            },
      ...(args.pointValue !== null ? { pointValue: args.pointValue } : {}),
      ...(args.wallet !== null ? { wallet: args.wallet } : {}),
      strict: args.strict,
      customers: args.customers,
      ...(bar ? { onProgress: bar.tick } : {}),
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    bar?.done();
    const report: SimulationReport = {
      ...result,
      history: {
        source: basename(args.history),
        rows: read.rows,
        mergedRows: read.mergedRows,
        problems: read.problems,
      },
    };
    if (args.out !== null) await writeFile(args.out, renderReport(report));
    if (args.json !== null) await writeFile(args.json, `${JSON.stringify(report, null, 2)}\n`);

    const commands = runs.reduce((n, r) => n + r.commands, 0);
    const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");
    io.out(
      `simulated ${fmt(read.events.length)} events (${fmt(read.rows)} rows) through ${runs.length} program(s): ` +
        `${fmt(commands)} commands in ${(ms / 1000).toFixed(1)} s, ${((ms * 1000) / Math.max(1, commands)).toFixed(0)} µs per command ` +
        `(CPU ${((cpu.user + cpu.system) / Math.max(1, commands)).toFixed(0)} µs)\n`,
    );
    for (const [role, p] of [
      ["base", result.base],
      ["variant", result.variant],
    ] as const) {
      if (p === null) continue;
      io.out(
        `${role} ${p.program.id} v${p.program.version}: issued ${p.totals.issued}, redeemed ${p.totals.redeemed}, expired ${p.totals.expired}, ` +
          `outstanding ${p.totals.outstanding} (${p.totals.liability ?? "–"} ${p.currency}); ${p.refused.length} rows refused\n`,
      );
    }
    const c = result.customers;
    io.out(
      c.purchases.parameters === null
        ? `churn model did not converge: ${c.purchases.notConverged}\n`
        : `members at risk ${c.atRisk} of ${c.members}; expected value over ${c.horizonWeeks} weeks ${c.expectedValue ?? "– (spend model did not converge)"}\n`,
    );
    if (args.out !== null) io.out(`report: ${args.out}\n`);
    if (args.json !== null) io.out(`figures: ${args.json}\n`);
    return result.base.stopped || result.variant?.stopped ? EXIT.failed : EXIT.ok;
  },
};
