/**
 * `loyalty-engine simulate`'s flags: what they mean is in the usage text below and in
 * docs/simulate.md. Parsing only: simulate.ts reads the files and runs.
 */
import { parseArgs } from "node:util";
import type { CustomerOptions } from "../simulate/customers.js";

export const SIMULATE_USAGE = `Usage: loyalty-engine simulate --program program.json --history history.csv --out report.html [options]

Replays the history through the program on the in-memory engine and writes the economics report.

  --program FILE          the program (JSON)                       --compare FILE   a variant to compare with
  --history FILE          purchases and returns (CSV or JSON Lines) --out FILE       the HTML report
  --json FILE             the same figures as JSON                 --until DATE     leave out events after it (ISO)
  --seed N                seed of the redemption draws (default 1) --strict         stop at the first refused row
  --redeem MODEL          "cheapest" (default) or "never"          --redeem-probability P  per member per month (default 0.5)
  --redeem-rewards IDS    rewards the model considers (comma-separated; default: those with a money value)
  --point-value V         money per point (default: from the conversion rewards)   --wallet ID  (default: first spendable)
Churn risk and customer value (the BG/NBD and Gamma-Gamma models on the same history):
  --horizon-weeks N       how far ahead (default 52)               --periods N      discounting periods in it (default 12)
  --discount-rate R       per period (default 0.01)                --alive-below P  at risk under this P(alive) (default 0.5)
History columns (header names; JSON Lines: field names):
  --format csv|jsonl      default from the file's extension        --delimiter D    "," (default), ";", "tab", "whitespace"
  --member COL (member)   --time COL (time)   --amount COL or COL*COL (amount)   --currency-column COL
  --currency CODE         when there is no currency column (default: the program's)
  --purchase-id COL       --returns COL (the purchase a return returns)   --lines COL (JSON array)   --attributes COL,COL
  --time-format F         "iso" (with a zone or offset; default) or a pattern of yyyy MM M dd d HH H mm ss
  --time-zone ZONE        for patterns (default: the program's)    --no-member VALUE  a member value meaning "not a member" (repeatable)`;

export interface SimulateArgs {
  readonly program: string;
  readonly history: string;
  readonly compare: string | null;
  readonly out: string | null;
  readonly json: string | null;
  readonly until: number | null;
  readonly seed: number;
  readonly strict: boolean;
  readonly redeem: "cheapest" | "never";
  readonly redeemProbability: number;
  readonly redeemRewards: readonly string[] | null;
  readonly pointValue: string | null;
  readonly wallet: string | null;
  readonly format: "csv" | "jsonl";
  readonly delimiter: string;
  readonly member: string;
  readonly time: string;
  readonly amount: string;
  readonly currencyColumn: string | null;
  readonly currency: string | null;
  readonly purchaseId: string | null;
  readonly returns: string | null;
  readonly lines: string | null;
  readonly attributes: readonly string[];
  readonly timeFormat: string;
  readonly timeZone: string | null;
  readonly noMember: readonly string[];
  readonly customers: CustomerOptions;
}

const text = { type: "string" } as const;

/** The flags, or the problems with them (every one, not just the first). */
export function parseSimulateArgs(argv: readonly string[]): SimulateArgs | { problems: string[] } {
  let v: Record<string, string | boolean | string[] | undefined>;
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        program: text,
        history: text,
        compare: text,
        out: text,
        json: text,
        until: text,
        seed: text,
        strict: { type: "boolean" },
        redeem: text,
        "redeem-probability": text,
        "redeem-rewards": text,
        "point-value": text,
        wallet: text,
        format: text,
        delimiter: text,
        member: text,
        time: text,
        amount: text,
        "currency-column": text,
        currency: text,
        "purchase-id": text,
        returns: text,
        lines: text,
        attributes: text,
        "time-format": text,
        "time-zone": text,
        "no-member": { type: "string", multiple: true },
        "horizon-weeks": text,
        periods: text,
        "discount-rate": text,
        "alive-below": text,
      },
    }).values;
  } catch (e) {
    return { problems: [(e as Error).message] };
  }
  const s = (name: string) => (typeof v[name] === "string" ? (v[name] as string) : null);
  const problems: string[] = [];
  for (const required of ["program", "history"]) if (s(required) === null) problems.push(`--${required} is required`);
  if (s("out") === null && s("json") === null) problems.push("give --out (HTML) or --json, or both");
  const seed = Number(s("seed") ?? "1");
  if (!Number.isInteger(seed) || seed < 0) problems.push(`--seed ${s("seed")} is not a whole number`);
  const probability = Number(s("redeem-probability") ?? "0.5");
  if (!(probability >= 0 && probability <= 1))
    problems.push(`--redeem-probability ${s("redeem-probability")} is not from 0 to 1`);
  const redeem = s("redeem") ?? "cheapest";
  if (redeem !== "cheapest" && redeem !== "never") problems.push(`--redeem ${redeem}: use "cheapest" or "never"`);
  const until = s("until") === null ? null : Date.parse(s("until")!);
  if (until !== null && Number.isNaN(until)) problems.push(`--until ${s("until")} is not a date`);
  const history = s("history") ?? "";
  const format = s("format") ?? (/\.(jsonl|ndjson)$/i.test(history) ? "jsonl" : "csv");
  if (format !== "csv" && format !== "jsonl") problems.push(`--format ${format}: use "csv" or "jsonl"`);
  const customers = customerOptions(s, problems);
  if (problems.length > 0) return { problems };
  return {
    program: s("program")!,
    history,
    compare: s("compare"),
    out: s("out"),
    json: s("json"),
    until,
    seed,
    strict: v.strict === true,
    redeem: redeem as "cheapest" | "never",
    redeemProbability: probability,
    redeemRewards:
      s("redeem-rewards")
        ?.split(",")
        .map((x) => x.trim()) ?? null,
    pointValue: s("point-value"),
    wallet: s("wallet"),
    format: format as "csv" | "jsonl",
    delimiter: s("delimiter") ?? ",",
    member: s("member") ?? "member",
    time: s("time") ?? "time",
    amount: s("amount") ?? "amount",
    currencyColumn: s("currency-column"),
    currency: s("currency"),
    purchaseId: s("purchase-id"),
    returns: s("returns"),
    lines: s("lines"),
    attributes:
      s("attributes")
        ?.split(",")
        .map((x) => x.trim()) ?? [],
    timeFormat: s("time-format") ?? "iso",
    timeZone: s("time-zone"),
    noMember: (v["no-member"] as string[] | undefined) ?? [""],
    customers,
  };
}

/** The customer-value flags given, each checked as simulate() would check it. */
function customerOptions(s: (name: string) => string | null, problems: string[]): CustomerOptions {
  const options: Record<string, number> = {};
  const flags = [
    ["horizon-weeks", "horizonWeeks", (x: number) => x > 0, "is not a positive number"],
    ["periods", "periods", (x: number) => Number.isInteger(x) && x > 0, "is not a positive whole number"],
    ["discount-rate", "discountRate", (x: number) => x > -1, "is not a number above -1"],
    ["alive-below", "aliveBelow", (x: number) => x >= 0 && x <= 1, "is not from 0 to 1"],
  ] as const;
  for (const [flag, key, ok, problem] of flags) {
    const given = s(flag);
    if (given === null) continue;
    const x = Number(given);
    if (given.trim() === "" || !Number.isFinite(x) || !ok(x)) problems.push(`--${flag} ${given} ${problem}`);
    else options[key] = x;
  }
  return options;
}
