/**
 * The human-readable report of `loyalty-engine insights`: fitted parameters with standard errors,
 * the holdout check, the retention table by joining cohort, and the members most at risk.
 */
import type {
  BgNbdFit,
  CohortRow,
  GammaGammaFit,
  MemberScore,
  RepeatPurchaseRate,
  SlippingReason,
} from "../insights/index.js";
import { mostAtRisk } from "../insights/index.js";
import type { CliIo } from "./io.js";

/**
 * A member's score, whether they are slipping on the calibration's last day (and why), and their
 * expected spend per purchase day and value when the spend model fitted.
 */
export type ScoredMember = MemberScore & {
  readonly slipping: readonly SlippingReason[];
  readonly expectedSpend?: number;
  readonly value?: number;
};

/** Everything the command works out; `--json` prints it as it is. */
export interface InsightsReport {
  readonly rows: number;
  readonly refusedRows: number;
  readonly members: number;
  readonly calibrationEnd: string;
  readonly timeUnit: "week";
  readonly repeatPurchaseRate: RepeatPurchaseRate;
  readonly bgNbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit | { readonly error: string };
  /** Expected against actual repeat purchase days after the calibration's end, for the members fitted. */
  readonly holdout: {
    readonly members: number;
    readonly from: string;
    readonly to: string;
    readonly weeks: number;
    readonly expected: number;
    readonly actual: number;
  } | null;
  readonly horizonWeeks: number;
  readonly cohorts: readonly CohortRow[];
  readonly scores: readonly ScoredMember[];
}

const n = (v: number) => v.toLocaleString("en-GB");
const sig = (v: number) => Number(v.toPrecision(4)).toString();
const percent = (v: number) => `${Math.round(v * 100)}%`;

export function printReport(io: CliIo, report: InsightsReport, top: number): void {
  const out = (line = "") => io.out(`${line}\n`);
  const rate = report.repeatPurchaseRate;
  out(`History: ${n(report.rows)} rows (${n(report.refusedRows)} left out), ${n(report.members)} members.`);
  out(`Calibration: purchases to ${report.calibrationEnd}; time in weeks; several purchases on one day count once.`);
  out(
    `Repeat purchase rate: ${percent(rate.rate)} (${n(rate.repeaters)} of ${n(rate.members)} members bought on a second day).`,
  );
  out();
  const p = report.bgNbd.parameters;
  const se = report.bgNbd.standardErrors;
  out(`BG/NBD (${n(report.bgNbd.members)} members), estimate ± standard error:`);
  out(
    `  r = ${sig(p.r)} ± ${sig(se.r)}   α = ${sig(p.alpha)} ± ${sig(se.alpha)}   a = ${sig(p.a)} ± ${sig(se.a)}   b = ${sig(p.b)} ± ${sig(se.b)}`,
  );
  out(`  log-likelihood ${report.bgNbd.logLikelihood.toFixed(1)}`);
  const gg = report.gammaGamma;
  if ("error" in gg) out(`Gamma-Gamma: ${gg.error}`);
  else {
    const g = gg.parameters;
    const e = gg.standardErrors;
    out(`Gamma-Gamma (${n(gg.members)} members with a repeat purchase):`);
    out(`  p = ${sig(g.p)} ± ${sig(e.p)}   q = ${sig(g.q)} ± ${sig(e.q)}   γ = ${sig(g.gamma)} ± ${sig(e.gamma)}`);
  }
  const h = report.holdout;
  if (h !== null) {
    out();
    out(
      `Holdout ${h.from} to ${h.to} (${sig(h.weeks)} weeks), repeat purchase days of the ${n(h.members)} members fitted:`,
    );
    out(
      `  expected ${n(Math.round(h.expected))}, actual ${n(h.actual)} (${((h.expected / h.actual - 1) * 100).toFixed(1)}%)`,
    );
  }
  out();
  printCohorts(out, report.cohorts);
  out();
  printAtRisk(out, mostAtRisk(report.scores, top), report.horizonWeeks);
}

function printCohorts(out: (line?: string) => void, cohorts: readonly CohortRow[]): void {
  out("Retention by joining cohort (share of the cohort who bought in month k after joining):");
  const months = Math.max(0, ...cohorts.map((c) => c.retention.length));
  out(`  cohort   members ${Array.from({ length: months }, (_, k) => `m${k}`.padStart(5)).join("")}`);
  for (const c of cohorts)
    out(`  ${c.cohort}  ${String(c.members).padStart(7)} ${c.retention.map((r) => percent(r).padStart(5)).join("")}`);
}

function printAtRisk(out: (line?: string) => void, members: readonly ScoredMember[], horizon: number): void {
  out(`Members most at risk (came back at least once; lowest P(alive) first; next ${sig(horizon)} weeks):`);
  out(
    `  ${"member".padEnd(12)} ${"x".padStart(4)} ${"tx".padStart(7)} ${"T".padStart(7)} ${"P(alive)".padStart(9)} ${"expected".padStart(9)} ${"value".padStart(10)}  slipping`,
  );
  for (const m of members)
    out(
      `  ${m.member.padEnd(12)} ${String(m.x).padStart(4)} ${m.tx.toFixed(1).padStart(7)} ${m.T.toFixed(1).padStart(7)} ${m.pAlive.toFixed(3).padStart(9)} ${m.expectedPurchases.toFixed(3).padStart(9)} ${(m.value === undefined ? "-" : m.value.toFixed(2)).padStart(10)}  ${m.slipping.join(", ") || "-"}`,
    );
}
