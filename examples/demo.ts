/**
 * `npm run demo`: replays a UK online retailer's invoices (Dec 2010 to Dec 2011, returns included)
 * through the example program on the in-memory store, then prints what the program's owner wants
 * to know: members, points earned and taken back, the outstanding balance and what it is worth.
 */
import { Decimal } from "../src/index.js";
import { exampleProgram } from "./program.js";
import { createReplayEngine, loadInvoices, programTotals, replayInvoices, rewardsRound } from "./replay.js";

/**
 * Assumed value of one point, for the liability figure: 1 point = £0.01 (Tesco Clubcard's rate).
 * The program itself does not say; a real owner would use their redemption rate.
 */
const POINT_VALUE_GBP = new Decimal("0.01");

/** Thousands separators on a plain decimal string: "1234567.5" -> "1,234,567.5". */
const grouped = (text: string) =>
  text.replace(/^(-?)(\d+)/, (_, sign: string, whole: string) => sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
const int = (d: Decimal | number) => grouped(new Decimal(d).toFixed());
const gbp = (d: Decimal) => `£${grouped(d.toFixed(2, Decimal.ROUND_HALF_UP))}`;
const day = (ms: number | null) =>
  ms === null
    ? "-"
    : new Date(ms).toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "medium", timeStyle: "short" });
const row = (label: string, value: string, note = "") =>
  console.log(`  ${label.padEnd(34)}${value.padStart(16)}${note ? `  ${note}` : ""}`);

async function main() {
  const t0 = performance.now();
  const parsed = loadInvoices();
  const parseMs = performance.now() - t0;

  const target = createReplayEngine(exampleProgram);
  const stats = await replayInvoices(target, parsed.events);
  const before = await programTotals(target, stats.memberIds, { top: 3 });
  const tr = performance.now();
  const rewards = await rewardsRound(
    target,
    stats.memberIds,
    before.top.map((b) => b.memberId),
  );
  const rewardsMs = performance.now() - tr;
  const t1 = performance.now();
  const totals = await programTotals(target, stats.memberIds, { top: 10, expiringWithinDays: 30 });
  const summaryMs = performance.now() - t1;

  const p = target.engine.program;
  console.log(
    `\n${p.definition.name ?? p.id} (program ${p.id} v${p.version}), replaying the UCI "Online Retail" invoices`,
  );
  console.log(
    `  ${int(parsed.rows)} CSV rows -> ${int(parsed.events.length)} invoices (${parsed.mergedRows} invoices came as two rows one minute apart: merged)`,
  );
  console.log(`  ${day(stats.firstAt)} to ${day(stats.lastAt)} (Europe/London); balances as of the last invoice\n`);

  console.log("Activity");
  row("members enrolled", int(stats.enrolled));
  row("purchases recorded", int(stats.purchases), `${gbp(stats.purchaseAmount)} spent`);
  row("returns (no receipt)", int(stats.returns), `${gbp(stats.returnAmount)} returned`);
  row("invoices skipped: no customer", int(stats.skippedNoCustomer), "guest checkouts: no member to credit");
  row("invoices skipped: amount <= 0", int(stats.skippedNonPositive), "free-of-charge invoices");
  if (stats.skippedOther > 0) row("invoices skipped: other", int(stats.skippedOther));

  console.log('\nPoints (wallet "points")');
  row("earned", int(totals.earned), `${totals.earned.div(stats.purchaseAmount).toFixed(2)} points per £1 spent`);
  row("reversed by returns", int(totals.reversed));
  row(
    "  forgiven (not there to take)",
    int(stats.pointsForgiven),
    "returns of purchases whose points were gone: within_balance policy",
  );
  row(
    "expired",
    int(totals.expired.plus(totals.expiredUnswept)),
    `${int(totals.expired)} written off, ${int(totals.expiredUnswept)} past expiry awaiting a write-off`,
  );
  row("redeemed (net of cancellations)", int(totals.spent));
  row("transferred between members", int(totals.transferredOut), `${int(totals.transferredIn)} received`);
  row("pending (in the return window)", int(totals.pending));
  row("available (outstanding)", int(totals.available));
  row("  expiring within 30 days", int(totals.expiringSoon));
  row("debt", int(totals.debt));
  row(
    "liability of available points",
    gbp(totals.available.times(POINT_VALUE_GBP)),
    `at an assumed ${gbp(POINT_VALUE_GBP)} a point`,
  );
  row("  including pending", gbp(totals.available.plus(totals.pending).times(POINT_VALUE_GBP)));

  const checks = [
    ["earned = sum of purchase and referral results", totals.earned.eq(stats.pointsEarned.plus(rewards.earned))],
    ["reversed = sum of return results", totals.reversed.eq(stats.pointsReversed)],
    ["transfers: in = out", totals.transferredIn.eq(totals.transferredOut)],
    [
      "tote bags: stock = 500 - taken + given back",
      rewards.stockLeft === rewards.stockStart - (rewards.redeemed["tote-bag"] ?? 0) + rewards.cancelled,
    ],
    [
      totals.unbalanced.length === 0
        ? "conservation for every member"
        : `conservation broken for ${totals.unbalanced.length} members, e.g. ${totals.unbalanced.slice(0, 5).join(", ")}`,
      totals.unbalanced.length === 0,
    ],
  ] as const;
  console.log(`  checks: ${checks.map(([name, ok]) => `${ok ? "ok" : "FAILED"} (${name})`).join("; ")}`);

  console.log("\nRewards (a round at the last invoice: see examples/replay.ts, rewardsRound)");
  for (const [reward, count] of Object.entries(rewards.redeemed))
    row(`redeemed: ${reward}`, int(count), `${int(rewards.points[reward]!)} points`);
  row("vouchers issued (codes)", int(rewards.vouchers), `${gbp(rewards.voucherValue)} face value`);
  row(
    "tote bags left in stock",
    rewards.stockLeft === null ? "-" : int(rewards.stockLeft),
    `of ${int(rewards.stockStart)}; ${rewards.cancelled} cancelled and given back`,
  );
  row("transfers, referrals", `${rewards.transfers}, ${rewards.referrals}`);
  for (const [code, count] of Object.entries(rewards.refused).sort()) row(`refused: ${code}`, int(count));

  console.log("\nTen largest available balances");
  console.log(
    `  ${"member".padEnd(10)}${"available".padStart(12)}${"pending".padStart(10)}${"earned".padStart(12)}${"worth".padStart(14)}`,
  );
  for (const b of totals.top) {
    console.log(
      `  ${b.memberId.padEnd(10)}${int(b.available).padStart(12)}${int(b.pending).padStart(10)}${int(b.earned).padStart(12)}${gbp(b.available.times(POINT_VALUE_GBP)).padStart(14)}`,
    );
  }

  const seconds = stats.elapsedMs / 1000;
  console.log("\nTiming");
  row("parse CSV", `${parseMs.toFixed(0)} ms`);
  row(
    "replay",
    `${seconds.toFixed(2)} s`,
    `${int(stats.commands)} commands (${int(stats.enrolled)} enrol, ${int(stats.purchases)} purchase, ${int(stats.returns)} return)`,
  );
  row(
    "events per second",
    int(Math.round(stats.commands / seconds)),
    `commands/s (${int(Math.round((stats.invoices - stats.skippedNoCustomer) / seconds))} member invoices/s)`,
  );
  row(
    "rewards round",
    `${int(Math.round(rewardsMs))} ms`,
    `${int(Object.values(rewards.redeemed).reduce((a, b) => a + b, 0) + Object.values(rewards.refused).reduce((a, b) => a + b, 0))} redemptions tried`,
  );
  row("member summaries + checks", `${int(Math.round(summaryMs))} ms`, `${int(totals.members)} summaries`);
  console.log("");
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
