/**
 * Section m of `npm run bench`: importMember in bulk on the memory store, beside recordPurchase in
 * the same run. 5,000 generated members (seeded: the same every run), each with 1 to 12 lots over the
 * last two years (some partly spent, some pending, the spendable ones expiring 12 months after
 * earning, the qualifying ones never), lifetime spent and expired figures, and up to two refundable
 * purchases, are imported one command at a time through the facade (validation, idempotency, the
 * fold, the commit). Then as many purchases are recorded, one per member, on members enrolled
 * beforehand (not timed). Printed: imports/s and purchases/s by CPU time and wall time, and the
 * ratio of CPU time per import to CPU time per purchase (a ratio is what carries across machines).
 * The check (exit 1 if it fails): every imported member's summary holds the points its record gave
 * (available + pending), and its lifetime earned balances the equation. Alone: `npx tsx bench/import.ts`.
 */
import { fileURLToPath } from "node:url";
import { createLoyaltyEngine, createMemoryStore, Decimal, type ImportMemberCommand } from "../src/index.js";
import { mulberry32 } from "../src/shared/mulberry32.js";
import { benchProgram } from "./postgres-client.js";

const MEMBERS = 5_000;
const NOW = Date.parse("2026-06-01T12:00:00Z");
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The generated members' records, and the points each holds (what the check expects back). */
export function importRecords(count: number, seed = 1): { records: ImportMemberCommand[]; held: Decimal[] } {
  const random = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const records: ImportMemberCommand[] = [];
  const held: Decimal[] = [];
  for (let m = 0; m < count; m++) {
    const memberId = `imp-${m}`;
    const lots: NonNullable<ImportMemberCommand["lots"]> = [];
    const purchases: NonNullable<ImportMemberCommand["purchases"]> = [];
    let points = new Decimal(0);
    for (let l = int(1, 12); l > 0; l--) {
      const earnedAt = NOW - int(1, 700) * DAY;
      const amount = int(5, 400);
      const remaining = random() < 0.3 ? int(1, amount) : amount;
      const recent = NOW - earnedAt < 14 * DAY;
      const withPurchase = recent && purchases.length < 2;
      if (withPurchase)
        purchases.push({
          purchaseId: `${memberId}-p${l}`,
          amount: `${amount}.00`,
          occurredAt: iso(earnedAt),
          earned: { points: String(amount) },
        });
      lots.push({
        wallet: "points",
        amount: String(amount),
        remaining: String(remaining),
        earnedAt: iso(earnedAt),
        ...(recent ? { availableAt: iso(earnedAt + 14 * DAY) } : {}),
        expiresAt: iso(earnedAt + 365 * DAY),
        ...(withPurchase ? { ruleId: "base", purchaseId: `${memberId}-p${l}` } : {}),
      });
      // Lots already past their expiry are held until the first due work writes them off.
      points = points.plus(remaining);
    }
    lots.push({
      wallet: "status",
      amount: String(int(10, 3000)),
      earnedAt: iso(NOW - int(1, 700) * DAY),
      expiresAt: null,
    });
    records.push({
      key: `import:${memberId}`,
      memberId,
      joinedAt: iso(NOW - 800 * DAY),
      currency: "USD",
      wallets: { points: { lifetime: { spent: String(int(0, 2000)), expired: String(int(0, 500)) } } },
      lots,
      purchases,
    });
    held.push(points);
  }
  return { records, held };
}

interface Timing {
  readonly n: number;
  readonly ms: number;
  readonly cpuMs: number;
}

async function timed(n: number, run: () => Promise<void>): Promise<Timing> {
  const cpu0 = process.cpuUsage(),
    t0 = performance.now();
  await run();
  const cpu = process.cpuUsage(cpu0);
  return { n, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export async function importBench(members = MEMBERS): Promise<{ lines: string[]; failed: boolean }> {
  const { records, held } = importRecords(members);
  const engineAt = () => createLoyaltyEngine({ program: benchProgram, store: createMemoryStore(), clock: () => NOW });
  const target = engineAt();
  // Warm-up on an engine of its own: the first commands pay for compiling the hot paths.
  const warm = engineAt();
  for (const r of importRecords(200, 2).records) await warm.importMember(r);
  for (let i = 0; i < 200; i++) {
    await warm.enroll({ key: `we${i}`, memberId: `w${i}` });
    await warm.recordPurchase({
      key: `wp${i}`,
      memberId: `w${i}`,
      purchaseId: `wp${i}`,
      amount: "42.50",
      currency: "USD",
    });
  }
  const imports = await timed(members, async () => {
    for (const r of records) await target.importMember(r);
  });
  const buyers = engineAt();
  for (let i = 0; i < members; i++) await buyers.enroll({ key: `e${i}`, memberId: `b${i}` });
  const purchases = await timed(members, async () => {
    for (let i = 0; i < members; i++)
      await buyers.recordPurchase({
        key: `p${i}`,
        memberId: `b${i}`,
        purchaseId: `p${i}`,
        amount: "42.50",
        currency: "USD",
      });
  });

  let wrong = 0;
  for (const [i, r] of records.entries()) {
    const w = (await target.summary(r.memberId)).wallets.points!;
    const inLots = new Decimal(w.available).plus(w.pending).plus(w.expiredUnswept);
    const l = w.lifetime;
    const net = new Decimal(l.earned).minus(l.spent).minus(l.expired).minus(l.reversed).plus(l.adjusted);
    if (!inLots.eq(held[i]!) || !net.eq(inLots.minus(w.debt))) wrong++;
  }
  const rate = (t: Timing, ms: number) => Math.round((t.n * 1000) / ms).toLocaleString("en-GB");
  const lots = records.reduce((n, r) => n + r.lots!.length, 0);
  const row = (label: string, t: Timing) =>
    `   ${label.padEnd(30)}${rate(t, t.cpuMs).padStart(8)}/s by CPU ${rate(t, t.ms).padStart(8)}/s wall   ${((t.cpuMs * 1000) / t.n).toFixed(0).padStart(5)} µs CPU each`;
  return {
    lines: [
      `m. importMember in bulk (memory store, ${members.toLocaleString("en-GB")} members, ${lots.toLocaleString("en-GB")} lots) beside recordPurchase, same run`,
      row("importMember", imports),
      row("recordPurchase (enrolled)", purchases),
      `   import / purchase, CPU time per command: ${(imports.cpuMs / purchases.cpuMs).toFixed(2)}× (an import carries ${(lots / members).toFixed(1)} lots on average)`,
      `   check: every member's points and lifetime figures as imported -> ${wrong === 0 ? "ok" : `FAILED (${wrong} members)`}`,
    ],
    failed: wrong > 0,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  importBench().then(
    ({ lines, failed }) => {
      console.log(lines.join("\n"));
      if (failed) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
