/**
 * A transfer to a member whose inactivity deadline has passed. The receiver's due work runs first,
 * at the transfer's instant: their own lapsed points stay lapsed. Where receiving counts as
 * activity (`transfer`, in the default set), the points arrive alive and the received lot's
 * `expiresAt` is when they really expire; where it does not, they would arrive expired and nobody
 * would ever hold them, so the transfer is refused (RECIPIENT_INACTIVE) and the sender keeps them.
 */
import { describe, expect, it } from "vitest";
import type { ProgramDefinition, TransferEntry } from "../../src/index.js";
import { plainProgram } from "../../src/testing/index.js";
import { T0, enrollAll, refusedCleanly, setup } from "../support/two-members.js";

const DAY = 86_400_000;

/** Points lapse 6 months after the last activity (`activity`: the program's set, default if omitted). */
const dormantProgram = (activity?: string[]): ProgramDefinition => ({
  ...plainProgram,
  id: "transfers-inactivity",
  wallets: [
    {
      id: "points",
      kind: "spendable",
      expiry: { kind: "inactivity", months: 6, ...(activity === undefined ? {} : { activity }) },
    },
    { id: "status", kind: "qualifying", expiresAfter: null },
  ],
  rules: [plainProgram.rules[0]!],
  pending: { days: 0 },
  transfers: { wallets: ["points"] },
});

/** m1 and m2 earn at T0; m2 then does nothing while m1 buys again at T0 + 200 days (m2 lapsed at T0 + 6 months). */
async function dormantReceiver(def: ProgramDefinition) {
  const h = setup(def);
  await enrollAll(h.engine, ["m1", "m2"]);
  await h.engine.recordPurchase({ key: "p0", memberId: "m2", purchaseId: "p0", amount: "40.00", currency: "GBP" });
  h.t.set(T0 + 200 * DAY);
  await h.engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "p1", amount: "100.00", currency: "GBP" });
  return h;
}

describe("a transfer to a member whose inactivity deadline has passed", () => {
  it("receiving is activity (default set): the receiver's own points stay lapsed, the transferred ones arrive alive until the expiresAt the result shows", async () => {
    const h = await dormantReceiver(dormantProgram());
    const r = await h.engine.transfer({
      key: "t",
      fromMemberId: "m1",
      toMemberId: "m2",
      wallet: "points",
      points: "50",
    });
    const received = r.entries.find((e): e is TransferEntry => e.kind === "transfer" && e.direction === "in")!;
    const expiresAt = Date.parse(received.lot!.expiresAt!);
    expect(expiresAt).toBeGreaterThan(h.t.now());
    // The receiver's due work ran first: the 40 points of their own lapsed at their deadline.
    const m2 = (await h.engine.summary("m2")).wallets.points!;
    expect(m2).toMatchObject({ available: "50", expiredUnswept: "0" });
    expect(m2.lifetime).toMatchObject({ earned: "40", expired: "40", transferredIn: "50" });
    // The expiresAt the result shows is true: spendable to the last millisecond before, not at it.
    h.t.set(expiresAt - 1);
    expect((await h.engine.summary("m2")).wallets.points).toMatchObject({ available: "50", expiredUnswept: "0" });
    h.t.set(expiresAt);
    expect((await h.engine.summary("m2")).wallets.points).toMatchObject({ available: "0", expiredUnswept: "50" });
    expect(await h.violations(["m1", "m2"])).toEqual([]);
  });

  it("receiving is not activity (a set without transfer): RECIPIENT_INACTIVE on toMemberId, and the sender loses nothing", async () => {
    const h = await dormantReceiver(dormantProgram(["purchase", "spend"]));
    const before = (await h.engine.summary("m1")).wallets.points!.available;
    const lapsedAt = (await h.engine.summary("m2")).wallets.points!.inactivityDeadline;
    const e = await refusedCleanly(
      h,
      ["m1", "m2"],
      "t",
      () => h.engine.transfer({ key: "t", fromMemberId: "m1", toMemberId: "m2", wallet: "points", points: "50" }),
      "RECIPIENT_INACTIVE",
      ["toMemberId"],
    );
    expect(e.details).toEqual({ toMemberId: "m2", wallet: "points", lapsedAt });
    expect((await h.engine.summary("m1")).wallets.points!.available).toBe(before);
    // Once the receiver is active again, the same transfer goes through.
    await h.engine.recordPurchase({ key: "p2", memberId: "m2", purchaseId: "p2", amount: "1.00", currency: "GBP" });
    await h.engine.transfer({ key: "t", fromMemberId: "m1", toMemberId: "m2", wallet: "points", points: "50" });
    expect((await h.engine.summary("m2")).wallets.points!.available).toBe("51");
    expect(await h.violations(["m1", "m2"])).toEqual([]);
  });

  it("a set without transfer, receiver still inside their deadline: the transfer lands", async () => {
    const h = setup(dormantProgram(["purchase", "spend"]));
    await enrollAll(h.engine, ["m1", "m2"]);
    await h.engine.recordPurchase({ key: "p1", memberId: "m1", purchaseId: "p1", amount: "100.00", currency: "GBP" });
    h.t.set(T0 + 150 * DAY); // m2's deadline (joining + 6 months) is still ahead
    await h.engine.transfer({ key: "t", fromMemberId: "m1", toMemberId: "m2", wallet: "points", points: "10" });
    expect((await h.engine.summary("m2")).wallets.points!.available).toBe("10");
  });
});
