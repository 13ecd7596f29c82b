/**
 * The optional erasure (capabilities.erasure, `CommitBatch.erasure`): `engine.eraseMember` after a
 * history that planted a sentinel in every field that can hold personal data (profile, reasons,
 * notes, references, command attributes, a transfer's reference on both members). Afterwards no
 * port read returns a sentinel, every amount is as it was, every invariant holds, the failed
 * erasure commit leaves everything as it was, and the member still takes commands. Skipped for a
 * store that does not declare the capability. (A store's own test should also scan its tables:
 * test/members/erasure-scan.test.ts does for the stores of this package.)
 */
import { describe, expect, it } from "vitest";
import type { LoyaltyEngine } from "../../engine/engine.js";
import type { Entry } from "../../ledger/entries.js";
import { redactEntry } from "../../ledger/redact.js";
import { compileProgram } from "../../program/compile.js";
import { canonicalJson } from "../../shared/canonical.js";
import type { LoyaltyStore } from "../../store/port.js";
import { plainProgram, testClock } from "../fixtures.js";
import { memberViolations, readAllEntries, storeFingerprint } from "../invariants.js";
import { type ConformanceContext, engineOn, expectCode, yearlyLadder } from "./context.js";

/** The plain program with a ladder (a note on a manual tier), a catalogue and transfers. */
export const erasureProgram = compileProgram({
  ...plainProgram,
  id: "conformance-erasure",
  tiers: yearlyLadder,
  rewards: [{ id: "coffee", kind: "product", wallet: "points", price: "10" }],
  transfers: { wallets: ["points"] },
});

/** Text planted in every personal field; birthdays are told by their years, which no other date has. */
export const SENTINEL = "Zq7Sentinel";
export const PERSONAL = [SENTINEL, "1987-", "1988-"] as const;

/**
 * Member "m1" (to erase) and "m2" with every command that keeps personal data, the sentinel in each
 * field; returns the keys of m1's commands. Runs on any engine over `erasureProgram`.
 */
export async function plantPersonalData(engine: LoyaltyEngine, s = SENTINEL): Promise<string[]> {
  const m = "m1";
  await engine.enroll({
    key: "e1",
    memberId: m,
    birthday: "1987-02-13",
    attributes: { [`${s}-name`]: `${s}-Ada`, vip: true },
    segments: [`${s}-segment`],
  });
  await engine.enroll({ key: "e2", memberId: "m2" });
  await engine.updateMember({ key: "u1", memberId: m, attributes: { email: `${s}-mail` }, birthday: "1988-03-14" });
  await engine.recordPurchase({
    key: "p1",
    memberId: m,
    purchaseId: "o1",
    amount: "100.00",
    currency: "GBP",
    attributes: { note: `${s}-till` },
  });
  await engine.recordEvent({ key: "v1", memberId: m, type: "review", attributes: { text: `${s}-review` } });
  await engine.adjust({
    key: "a1",
    memberId: m,
    wallet: "points",
    points: "5",
    reason: `${s}-why`,
    reference: `${s}-r1`,
  });
  await engine.adjust({ key: "a2", memberId: m, wallet: "points", points: "-2", reason: "fix", reference: `${s}-r2` });
  await engine.spend({ key: "s1", memberId: m, wallet: "points", points: "3", reference: `${s}-r3` });
  await engine.redeem({ key: "d1", memberId: m, rewardId: "coffee", redemptionId: "c1", reference: `${s}-r4` });
  await engine.cancelRedemption({ key: "x1", memberId: m, redemptionId: "c1", reason: `${s}-cancel` });
  await engine.redeem({ key: "d2", memberId: m, rewardId: "coffee", redemptionId: "c2" });
  await engine.transfer({
    key: "t1",
    fromMemberId: m,
    toMemberId: "m2",
    wallet: "points",
    points: "10",
    reference: `${s}-r5`,
  });
  await engine.transfer({
    key: "t2",
    fromMemberId: "m2",
    toMemberId: m,
    wallet: "points",
    points: "4",
    reference: `${s}-r6`,
  });
  await engine.assignTier({ key: "g1", memberId: m, tier: "silver", note: `${s}-note` });
  return ["e1", "u1", "p1", "v1", "a1", "a2", "s1", "d1", "x1", "d2", "t1", "t2", "g1"];
}

/** Everything the port returns about the program's two members and the keys, as one text. */
export async function portText(store: LoyaltyStore, keys: readonly string[]): Promise<string> {
  const P = erasureProgram.id;
  const parts: unknown[] = [await storeFingerprint(store, P, ["m1", "m2"], [...keys, "t1", "t2"])];
  for (const m of ["m1", "m2"])
    parts.push(await store.loadRecords(P, m, { purchases: ["o1"], redemptions: ["c1", "c2"] }));
  return canonicalJson(parts);
}

export function erasure(context: ConformanceContext): void {
  const { make, close } = context;
  const P = erasureProgram.id;
  describe("erasure (capabilities.erasure)", () => {
    it("leaves no personal data in what the port returns, every amount and invariant as it was", async (test) => {
      const store = await make();
      if (!store.capabilities.erasure) return void (await close(store), test.skip());
      const { engine, t } = engineOn(store, testClock("2026-03-01T12:00:00Z"), 10, erasureProgram);
      const keys = await plantPersonalData(engine);
      expect(await portText(store, keys)).toContain(SENTINEL);
      const before = { m1: await readAllEntries(store, P, "m1"), m2: await readAllEntries(store, P, "m2") };
      const wallets = { m1: (await engine.summary("m1")).wallets, m2: (await engine.summary("m2")).wallets };

      const erased = await engine.eraseMember({ key: "forget-m1", memberId: "m1" });
      expect(erased.entries.map((e) => e.kind)).toEqual(["erasure"]);
      const text = await portText(store, keys);
      for (const mark of PERSONAL) expect(text.includes(mark), `"${mark}" left in the store`).toBe(false);
      // Each stored entry is its redaction: amounts, lots, dates and ids as they were.
      for (const m of ["m1", "m2"] as const) {
        const after = await readAllEntries(store, P, m);
        const redacted = before[m].map((e: Entry) => redactEntry(e));
        expect(canonicalJson(after.slice(0, redacted.length))).toBe(canonicalJson(redacted));
        expect(await memberViolations(store, P, m, t.now())).toEqual([]);
      }
      expect((await engine.summary("m1")).wallets).toEqual(wallets.m1);
      expect((await engine.summary("m2")).wallets).toEqual(wallets.m2);
      const summary = await engine.summary("m1");
      expect([summary.birthday, summary.tier?.id]).toEqual([null, "silver"]);
      await close(store);
    });

    it("replays the erasure, refuses the erased commands' keys, and takes new commands", async (test) => {
      const store = await make();
      if (!store.capabilities.erasure) return void (await close(store), test.skip());
      const { engine } = engineOn(store, testClock("2026-03-01T12:00:00Z"), 10, erasureProgram);
      await plantPersonalData(engine);
      const first = await engine.eraseMember({ key: "forget-m1", memberId: "m1" });
      expect(await engine.eraseMember({ key: "forget-m1", memberId: "m1" })).toEqual({ ...first, replayed: true });
      // The purchase's payload hash is gone: its retry cannot be told from another command.
      const retry = engine.recordPurchase({
        key: "p1",
        memberId: "m1",
        purchaseId: "o1",
        amount: "100.00",
        currency: "GBP",
      });
      await expectCode(retry, "IDEMPOTENCY_CONFLICT");
      await engine.recordPurchase({ key: "p2", memberId: "m1", purchaseId: "o2", amount: "10.00", currency: "GBP" });
      await engine.updateMember({ key: "u2", memberId: "m1", attributes: { vip: true } });
      expect((await store.loadMember(P, "m1"))!.snapshot.attributes).toEqual({ vip: true });
      await expectCode(engine.eraseMember({ key: "forget-x", memberId: "nobody" }), "MEMBER_NOT_FOUND");
      await close(store);
    });

    it("writes nothing when the erasure's commit fails, and erases on the retry", async (test) => {
      let armed = false;
      const store = await make(() => {
        if (armed) throw new Error("injected fault");
      });
      if (!store.capabilities.erasure) return void (await close(store), test.skip());
      const { engine } = engineOn(store, testClock("2026-03-01T12:00:00Z"), 10, erasureProgram);
      const keys = await plantPersonalData(engine);
      const before = await portText(store, [...keys, "forget-m1"]);
      armed = true;
      await engine.eraseMember({ key: "forget-m1", memberId: "m1" }).catch(() => undefined);
      armed = false;
      expect(await portText(store, [...keys, "forget-m1"])).toBe(before);
      await engine.eraseMember({ key: "forget-m1", memberId: "m1" });
      expect(await portText(store, keys)).not.toContain(SENTINEL);
      await close(store);
    });
  });
}
