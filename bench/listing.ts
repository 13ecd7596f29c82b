/**
 * Listing and win-back over a population on the in-memory store (section m). The members are
 * written straight through the core (LedgerWriter + store.commit with a made index), so that
 * building them takes seconds; the reads are `engine.members` and `engine.lapsing` as users call
 * them. One page by tier is timed at a tenth of the population and at all of it (its cost follows
 * the page, not the member count), then a whole pass of each lapsing reading, in pages of 500.
 * Run alone: `npx tsx bench/listing.ts` (BENCH_LISTING_MEMBERS, default 100,000).
 */
import { createLoyaltyEngine, createMemoryStore, toSnapshot, type MemberIndex } from "../src/index.js";
import { LedgerWriter } from "../src/ledger/writer.js";
import { compileProgram } from "../src/program/compile.js";
import { iso } from "../src/shared/time.js";
import { plainProgram } from "../src/testing/index.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-07-02T12:00:00Z");
const MONTHS = ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"];

export interface ListingBenchResult {
  readonly members: number;
  readonly buildMs: number;
  readonly rows: readonly { label: string; returned: number; cpuMs: number }[];
}

/** CPU milliseconds (user + system) of `fn`. */
async function cpu<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const before = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(before);
  return { value, ms: (used.user + used.system) / 1000 };
}

/** Member m: a tier of ten (gold every tenth), a last purchase spread over 200 days, spend falling for one in twenty. */
function indexOf(m: number): MemberIndex {
  const falling = m % 20 === 0;
  const spendByMonth: Record<string, string> = {};
  MONTHS.forEach((month, i) => (spendByMonth[month] = falling && i >= 4 ? "10" : "80"));
  return {
    tier: m % 10 === 0 ? "gold" : "silver",
    segments: m % 4 === 0 ? ["newsletter"] : [],
    joinedAt: NOW - 400 * DAY,
    lastPurchaseAt: NOW - (m % 200) * DAY,
    spendByMonth,
  };
}

export async function listingBench(
  log: (text: string) => void = () => {},
  members = Number(process.env.BENCH_LISTING_MEMBERS ?? 100_000),
): Promise<ListingBenchResult> {
  const program = compileProgram({ ...plainProgram, id: "listing-bench" });
  const store = createMemoryStore();
  const engine = createLoyaltyEngine({ program, store, clock: () => NOW });
  const rows: { label: string; returned: number; cpuMs: number }[] = [];
  const started = performance.now();
  let built = 0;
  const build = async (upTo: number) => {
    for (; built < upTo; built++) {
      const w = LedgerWriter.forNewMember(`m${String(built).padStart(7, "0")}`, {
        now: NOW - 400 * DAY,
        newId: () => `e${built}`,
        command: { key: `build-${built}`, type: "enroll" },
      });
      w.append({ kind: "enroll", joinedAt: iso(NOW - 400 * DAY), birthday: null, attributes: {} });
      const snapshot = toSnapshot(w.state);
      const write = { memberId: w.state.memberId, expectedVersion: null, snapshot, entries: w.entries, dueAt: null };
      await store.commit({ programId: program.id, members: [{ ...write, index: indexOf(built) }], idempotency: null });
    }
  };
  for (const size of [Math.floor(members / 10), members]) {
    await build(size);
    log(`listing: ${size} members built`);
    await engine.members({ tier: "gold", limit: 100 }); // the id order, sorted once after the build
    // From the middle of the population: the page reads the members after the cursor until 100 are gold.
    const after = `m${String(Math.floor(size / 2)).padStart(7, "0")}`;
    const page = await cpu(() => engine.members({ tier: "gold", limit: 100, after }));
    const returned = page.value.members.length;
    rows.push({ label: `members({ tier }) one page, ${size} members`, returned, cpuMs: page.ms });
  }
  const buildMs = performance.now() - started;
  const pass = async (label: string, query: { noPurchaseForDays: number } | { months: number; fallenBy: string }) => {
    const { value, ms } = await cpu(async () => {
      let returned = 0;
      let after: string | undefined;
      do {
        const p = await engine.lapsing({ ...query, limit: 500, ...(after ? { after } : {}) });
        returned += p.members.length;
        after = p.after ?? undefined;
      } while (after);
      return returned;
    });
    rows.push({ label, returned: value, cpuMs: ms });
  };
  await pass("lapsing({ noPurchaseForDays: 90 }), every page", { noPurchaseForDays: 90 });
  await pass('lapsing({ months: 3, fallenBy: "0.5" }), every page', { months: 3, fallenBy: "0.5" });
  return { members, buildMs, rows };
}

/** The section's lines, as `npm run bench` prints them. */
export function listingLines(r: ListingBenchResult): string[] {
  return [
    `n. Listing and win-back: ${r.members} members (built in ${(r.buildMs / 1000).toFixed(1)} s), in-memory store`,
    ...r.rows.map(
      (row) =>
        `   ${row.label}: ${row.returned} returned, ${row.cpuMs.toFixed(1)} ms CPU (${((row.cpuMs * 1000) / Math.max(row.returned, 1)).toFixed(1)} µs per member returned)`,
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(listingLines(await listingBench((t) => process.stderr.write(`  … ${t}\n`))).join("\n"));
