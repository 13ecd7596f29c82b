/**
 * The tier review sweep over 100,000 members, in-memory store. The population is written straight
 * through the core (LedgerWriter + store.commit), not command by command, so that building it takes
 * seconds; the sweep itself is `engine.reviewTiers()` as users run it.
 *
 * Every member holds silver, reviewed on each anniversary of reaching it, over a rolling 12-month
 * window; half of the due members earned enough in the window to requalify, the other half are
 * demoted. Reviews fall due at three instants: 1% of members at T1, another 10% at T2, the rest
 * years later. A sweep with nothing due, the 1% sweep and the 10% sweep show that the cost follows
 * the due count, not the member count (the store's due index is read, never every member).
 */
import { createLoyaltyEngine, createMemoryStore, toSnapshot, type ProgramDefinition } from "../src/index.js";
import { compileProgram } from "../src/program/compile.js";
import { LedgerWriter } from "../src/ledger/writer.js";
import { addLocal, iso } from "../src/shared/time.js";
import { plainProgram } from "../src/testing/index.js";
import { metricStamper } from "../src/tiers/metrics.js";
import { reviewDueAt } from "../src/tiers/review.js";

const MEMBERS = 100_000;
const DAY = 86_400_000;
const T0 = Date.parse("2026-01-10T12:00:00Z");
const T1 = T0 + 30 * DAY;
const T2 = T0 + 60 * DAY;

export interface TierBenchResult {
  readonly members: number;
  readonly buildMs: number;
  readonly sweeps: readonly {
    label: string;
    dueMembers: number;
    reviewed: number;
    changes: Readonly<Record<string, number>>;
    ms: number;
    msPerDueMember: number | null;
  }[];
}

export async function tierBench(log: (text: string) => void = () => {}): Promise<TierBenchResult> {
  const definition: ProgramDefinition = {
    ...plainProgram,
    id: "tier-bench",
    tiers: {
      levels: [
        { id: "bronze" },
        { id: "silver", qualify: { thresholds: [{ metric: "points", wallet: "status", min: "500" }] } },
      ],
      window: { kind: "rolling", months: 12 },
      promotion: "immediate",
      review: { schedule: { kind: "tierAnniversary" }, demotion: "recompute" },
      refunds: "atReview",
    },
  };
  const program = compileProgram(definition);
  const stamp = metricStamper(program)!;
  const store = createMemoryStore();
  let n = 0;
  const newId = () => `b${++n}`;
  const started = performance.now();
  for (let m = 0; m < MEMBERS; m++) {
    const memberId = `m${m}`;
    // The anniversary of reaching silver: 1% at T1, 10% at T2, the rest in ten months' time.
    const reviewAt = m % 100 === 0 ? T1 : m % 10 === 1 ? T2 : T0 + 300 * DAY;
    const since = addLocal(reviewAt, program.timeZone, { years: -1 });
    const w = LedgerWriter.forNewMember(memberId, {
      now: T0,
      newId,
      command: { key: `build-${m}`, type: "adjust" },
      stamp,
    });
    w.append({ kind: "enroll", joinedAt: iso(since - 30 * DAY), birthday: null, attributes: {} });
    w.append({
      kind: "tier",
      from: null,
      to: "silver",
      reason: "promotion",
      resetMetrics: false,
      note: null,
      tier: {
        id: "silver",
        since: iso(since),
        guaranteedUntil: iso(reviewAt),
        graceUntil: null,
        floor: null,
        reviewedAt: null,
        basis: "promotion",
      },
    });
    // Half of the members earned enough status points in the window to requalify.
    if ((Math.floor(m / 100) + Math.floor(m / 10)) % 2 === 0)
      w.append({
        kind: "adjust",
        wallet: "status",
        points: "600",
        reason: "bench",
        reference: null,
        lot: { wallet: "status", earnedAt: iso(T0), availableAt: iso(T0), expiresAt: null },
        debtRepaid: "0",
        lots: [],
      });
    await store.commit({
      programId: program.id,
      members: [
        {
          memberId,
          expectedVersion: null,
          snapshot: toSnapshot(w.state),
          entries: w.entries,
          dueAt: reviewDueAt(program, w.state),
        },
      ],
      idempotency: null,
    });
    if (m % 20_000 === 19_999) log(`tier bench: built ${m + 1} members`);
  }
  const buildMs = performance.now() - started;

  let now = T0;
  const engine = createLoyaltyEngine({ program, store, clock: () => now, ids: newId });
  const sweeps: TierBenchResult["sweeps"][number][] = [];
  for (const [label, at] of [
    ["nothing due (T0)", T0],
    ["1% due (T1)", T1],
    ["10% due (T2)", T2],
    ["nothing due again (T2)", T2],
  ] as const) {
    now = at;
    const t = performance.now();
    const result = await engine.reviewTiers({ batchSize: 1000 });
    const ms = performance.now() - t;
    sweeps.push({
      label,
      dueMembers: result.scanned,
      reviewed: result.members,
      changes: result.changes as Record<string, number>,
      ms,
      msPerDueMember: result.scanned === 0 ? null : ms / result.scanned,
    });
  }
  return { members: MEMBERS, buildMs, sweeps };
}
