/**
 * What the delivering processes write down (one JSON line per delivered command) and what the
 * driver makes of it: counts of outcomes, and the checks that replays returned the recorded
 * results (a key with an idempotency record replays to every later delivery; a key without one was
 * never reported as done; no key was committed twice).
 */
export interface DeliveryTask {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly phase: "chaos" | "replay";
  /** Index of the process among those of its phase. */
  readonly proc: number;
  readonly lists: readonly number[];
  /** application_name prefix of its connections: what the killer looks for. */
  readonly appPrefix: string;
  readonly out: string;
}

export type DeliveryLine =
  | {
      readonly kind: "command";
      readonly phase: DeliveryTask["phase"];
      readonly proc: number;
      readonly list: number;
      readonly index: number;
      readonly key: string;
      /** "ok", a LoyaltyError code, or "untyped". */
      readonly outcome: string;
      readonly replayed?: boolean;
      /** The result without `replayed`, as canonical JSON. */
      readonly result?: string;
      readonly message?: string;
      /** Deliveries of the same key before this outcome, by the code that made the process send it again. */
      readonly retried: Readonly<Record<string, number>>;
    }
  | { readonly kind: "uncaught"; readonly proc: number; readonly message: string };

export type CommandLine = Extract<DeliveryLine, { kind: "command" }>;

export interface Tally {
  readonly commands: number;
  readonly ok: number;
  readonly replayed: number;
  /** Final typed refusals, by code. */
  readonly refusals: Record<string, number>;
  /** Commands sent again after a transient typed error, by that error's code (counted once per delivery). */
  readonly retriedBy: Record<string, number>;
  /** Commands that met OUTCOME_UNKNOWN and then got a known outcome (done, or refused) on a later delivery. */
  readonly unknownThenResolved: number;
  readonly untyped: number;
}

export function tally(lines: readonly CommandLine[]): Tally {
  const refusals: Record<string, number> = {};
  const retriedBy: Record<string, number> = {};
  let ok = 0,
    replayed = 0,
    unknownThenResolved = 0,
    untyped = 0;
  for (const line of lines) {
    for (const code of Object.keys(line.retried)) retriedBy[code] = (retriedBy[code] ?? 0) + 1;
    if (line.outcome === "ok") {
      ok++;
      if (line.replayed) replayed++;
    } else if (line.outcome === "untyped") untyped++;
    else refusals[line.outcome] = (refusals[line.outcome] ?? 0) + 1;
    if (line.retried.OUTCOME_UNKNOWN && line.outcome !== "OUTCOME_UNKNOWN") unknownThenResolved++;
  }
  return { commands: lines.length, ok, replayed, refusals, retriedBy, unknownThenResolved, untyped };
}

/**
 * Problems in what the deliveries were told. `recordedBeforeReplay`: the keys that held an
 * idempotency record when every chaos process had ended (read between the phases); `recorded`: at
 * the end. Every delivery of a key that succeeded got the same result; at most one of them was not
 * a replay; a key that succeeded has its record; a chaos-phase delivery replayed only what an
 * earlier delivery of its own was told had an unknown outcome; and every replay-phase delivery of
 * a key recorded before that phase was a replay of it.
 */
export function replayProblems(
  lines: readonly CommandLine[],
  recordedBeforeReplay: ReadonlySet<string>,
  recorded: ReadonlySet<string>,
): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const add = (kind: string, detail: string) => (problems[kind] ??= []).push(detail);
  const byKey = new Map<string, CommandLine[]>();
  for (const line of lines) byKey.set(line.key, [...(byKey.get(line.key) ?? []), line]);
  for (const [key, deliveries] of byKey) {
    const ok = deliveries.filter((d) => d.outcome === "ok");
    if (new Set(ok.map((d) => d.result)).size > 1) add("replay returned another result", key);
    if (ok.filter((d) => !d.replayed).length > 1) add("key committed more than once", key);
    if (ok.length > 0 && !recorded.has(key)) add("done without an idempotency record", key);
    // In the chaos phase each key has one delivering worker: a replay there means one of its own
    // earlier deliveries committed, so it must have been told OUTCOME_UNKNOWN, never an error that
    // says nothing was written (STORE_FAILURE, CONCURRENCY_CONFLICT).
    for (const d of ok)
      if (d.phase === "chaos" && d.replayed && !d.retried.OUTCOME_UNKNOWN)
        add(
          "told nothing was written, yet it was",
          `${key} (sent again after ${Object.keys(d.retried).join(", ") || "nothing"})`,
        );
    if (recordedBeforeReplay.has(key))
      for (const d of deliveries.filter((d) => d.phase === "replay" && !(d.outcome === "ok" && d.replayed)))
        add("recorded key not replayed", `${key} (replay process ${d.proc}: ${d.outcome})`);
  }
  return problems;
}
