/**
 * The expiry sweep over 1,000,000 lots (100,000 members × 10 lots), in-memory store. The population
 * is written straight through the core (LedgerWriter + store.commit), not command by command, so
 * that building it takes seconds; the sweep itself is `engine.expire()` as users run it.
 *
 * Members are due at three instants: 1% at T1, a further 9% at T2, the rest years later. The sweep
 * at T1 finds 1% due, the sweep at T2 the next 9%, and a sweep with nothing due shows that the cost
 * follows the due count, not the member count (the store's due index is read, never every member).
 */
import { createLoyaltyEngine, createMemoryStore, toSnapshot, type ProgramDefinition } from "../src/index.js";
import { nextLotExpiryAt } from "../src/ledger/lots.js";
import { LedgerWriter } from "../src/ledger/writer.js";
import { iso } from "../src/shared/time.js";
import { plainProgram } from "../src/testing/index.js";

const MEMBERS = 100_000;
const LOTS_PER_MEMBER = 10;
const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");
const T1 = T0 + 30 * DAY;
const T2 = T0 + 60 * DAY;
const FAR = T0 + 5 * 365 * DAY;

export interface ExpiryBenchResult {
  readonly members: number;
  readonly lots: number;
  readonly buildMs: number;
  readonly sweeps: readonly { label: string; dueMembers: number; lots: number; ms: number }[];
}

export async function expiryBench(log: (text: string) => void = () => {}): Promise<ExpiryBenchResult> {
  const program: ProgramDefinition = { ...plainProgram, id: "expiry-bench" };
  const store = createMemoryStore();
  let n = 0;
  const newId = () => `l${++n}`;
  const started = performance.now();
  for (let m = 0; m < MEMBERS; m++) {
    const memberId = `m${m}`;
    // 1% of members expire at T1, 9% at T2, 90% far in the future.
    const expiresAt = iso(m % 100 === 0 ? T1 : m % 10 === 0 ? T2 : FAR);
    const w = LedgerWriter.forNewMember(memberId, { now: T0, newId, command: { key: `build-${m}`, type: "adjust" } });
    w.append({ kind: "enroll", joinedAt: iso(T0), birthday: null, attributes: {} });
    for (let l = 0; l < LOTS_PER_MEMBER; l++) {
      w.append({
        kind: "adjust",
        wallet: "points",
        points: "10",
        reason: "bench",
        reference: null,
        lot: { wallet: "points", earnedAt: iso(T0), availableAt: iso(T0), expiresAt },
        debtRepaid: "0",
        lots: [],
      });
    }
    await store.commit({
      programId: program.id,
      members: [
        {
          memberId,
          expectedVersion: null,
          snapshot: toSnapshot(w.state),
          entries: w.entries,
          dueAt: nextLotExpiryAt(w.state, new Map()), // plainProgram has no inactivity deadlines
        },
      ],
      idempotency: null,
    });
    if (m % 20_000 === 19_999) log(`expiry bench: built ${m + 1} members`);
  }
  const buildMs = performance.now() - started;

  let now = T0;
  const engine = createLoyaltyEngine({ program, store, clock: () => now, ids: newId });
  const sweeps: { label: string; dueMembers: number; lots: number; ms: number }[] = [];
  for (const [label, at] of [
    ["nothing due (T0)", T0],
    ["1% due (T1)", T1],
    ["next 9% due (T2)", T2],
    ["nothing due again (T2)", T2],
  ] as const) {
    now = at;
    const t = performance.now();
    const result = await engine.expire({ batchSize: 1000 });
    sweeps.push({ label, dueMembers: result.members, lots: result.lots, ms: performance.now() - t });
  }
  return { members: MEMBERS, lots: MEMBERS * LOTS_PER_MEMBER, buildMs, sweeps };
}
