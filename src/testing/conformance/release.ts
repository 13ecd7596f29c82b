/**
 * Pending points released (issues 14 and 17) on this store: the due index wakes a member at the
 * release instant, a sweep writes one `release` entry and, on a store with an outbox, one
 * `points.available` event per lot, once, whatever fails or races; and a release on demand
 * (`releasePending`) is one too, never repeated by later due work.
 */
import { describe, expect, it } from "vitest";
import type { LoyaltyEngine } from "../../engine/facade.js";
import type { OutboxEvent } from "../../events/event.js";
import { compileProgram } from "../../program/compile.js";
import type { LoyaltyStore } from "../../store/port.js";
import { plainProgram, testClock } from "../fixtures.js";
import { memberViolations, readAllEntries } from "../invariants.js";
import { type ConformanceContext, DAY, countFaultPoints, engineOn, storeFailingAt } from "./context.js";

/** The plain program with a 14-day return window: purchase points are pending for 14 days. */
const pendingProgram = compileProgram({ ...plainProgram, id: "conformance-pending", pending: { days: 14 } });
const PP = pendingProgram.id;
const START = "2026-03-01T12:00:00Z";

const on = (store: LoyaltyStore, clock = testClock(START)) => engineOn(store, clock, 10, pendingProgram);

/** The feed's `points.available` events, or null on a store without an outbox. */
async function availableEvents(store: LoyaltyStore): Promise<OutboxEvent[] | null> {
  if (!store.capabilities.events || !store.readEvents) return null;
  const out: OutboxEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.readEvents(PP, { after, limit: 100 });
    if (page.events.length === 0) return out;
    out.push(...page.events.filter((e) => e.type === "points.available"));
    after = page.cursor;
  }
}

const releases = async (store: LoyaltyStore, memberId: string) =>
  (await readAllEntries(store, PP, memberId)).filter((e) => e.kind === "release");

async function buy(engine: LoyaltyEngine, memberId: string, key: string) {
  const bought = await engine.recordPurchase({ key, memberId, purchaseId: key, amount: "25.00", currency: "GBP" });
  return Date.parse(bought.availableAt!);
}

export function pendingRelease(context: ConformanceContext): void {
  const { make, close, concurrency } = context;
  describe("pending points released", () => {
    it("a sweep at the release instant writes one release and one points.available per lot, once", async () => {
      const store = await make();
      const { engine, t } = on(store);
      await engine.enroll({ key: "e", memberId: "m1" });
      const releaseAt = await buy(engine, "m1", "p1");
      expect((await store.findDueMembers(PP, { before: releaseAt, limit: 5 })).map((d) => d.dueAt)).toEqual([
        releaseAt,
      ]);
      t.set(releaseAt);
      await engine.expire();
      await engine.expire();
      expect((await releases(store, "m1")).map((e) => e.kind === "release" && e.wallet)).toEqual(["points", "status"]);
      const events = await availableEvents(store);
      if (events !== null) expect(events.map((e) => e.payload.wallet)).toEqual(["points", "status"]);
      expect(await store.findDueMembers(PP, { before: releaseAt, limit: 5 })).toEqual([]);
      expect(await memberViolations(store, PP, "m1", t.now())).toEqual([]);
      await close(store);
    });

    it("a release sweep failing at any step writes nothing, and the rerun writes it once", async () => {
      const points = await countFaultPoints(context, async (probe, arm) => {
        const p = on(probe);
        await p.engine.enroll({ key: "e", memberId: "m1" });
        p.t.set(await buy(p.engine, "m1", "p1"));
        arm(true);
        await p.engine.expire();
      });
      expect(points).toBeGreaterThan(0);
      for (let failAt = 1; failAt <= points; failAt++) {
        const { store, arm } = await storeFailingAt(context, failAt);
        const { engine, t } = on(store);
        await engine.enroll({ key: "e", memberId: "m1" });
        t.set(await buy(engine, "m1", "p1"));
        arm(true);
        await engine.expire().catch(() => undefined); // a store failure stops the sweep
        arm(false);
        const before = await releases(store, "m1");
        expect(before).toEqual([]);
        await engine.expire();
        expect(await releases(store, "m1")).toHaveLength(2);
        const events = await availableEvents(store);
        if (events !== null) expect(events).toHaveLength(2);
        await close(store);
      }
    });

    it("sweeps and commands racing at the release write it once per lot", async () => {
      const store = await make();
      const first = on(store);
      await first.engine.enroll({ key: "e", memberId: "m1" });
      const at = (await buy(first.engine, "m1", "p1")) + 1;
      let n = 0;
      const racers = Array.from({ length: Math.max(4, Math.min(concurrency, 10)) }, (_, i) => {
        const clock = testClock(at);
        const racer = engineOn(store, { ...clock, ids: () => `r${i}-${++n}` }, 50, pendingProgram).engine;
        return i % 2 === 0
          ? racer.expire()
          : racer.adjust({ key: `a${i}`, memberId: "m1", wallet: "points", points: "1", reason: "goodwill" });
      });
      await Promise.all(racers);
      expect(await releases(store, "m1")).toHaveLength(2);
      const events = await availableEvents(store);
      if (events !== null) expect(events).toHaveLength(2);
      expect(await memberViolations(store, PP, "m1", at)).toEqual([]);
      await close(store);
    });

    it("releasePending releases now, once; later due work does not release it again", async () => {
      const store = await make();
      const { engine, t } = on(store);
      await engine.enroll({ key: "e", memberId: "m1" });
      const releaseAt = await buy(engine, "m1", "p1");
      t.advance(DAY);
      const done = await engine.releasePending({ key: "ship-p1", memberId: "m1", purchaseId: "p1" });
      expect(done.points).toEqual({ points: "25", status: "25" });
      expect((await engine.releasePending({ key: "ship-p1", memberId: "m1", purchaseId: "p1" })).replayed).toBe(true);
      expect((await engine.summary("m1")).wallets.points).toMatchObject({ available: "25", pending: "0" });
      t.set(releaseAt + DAY);
      await engine.expire();
      await engine.spend({ key: "s", memberId: "m1", wallet: "points", points: "5" });
      expect(await releases(store, "m1")).toHaveLength(2);
      const events = await availableEvents(store);
      if (events !== null)
        expect(events.map((e) => [e.key, e.payload.early])).toEqual([
          ["ship-p1", true],
          ["ship-p1", true],
        ]);
      expect(await memberViolations(store, PP, "m1", t.now())).toEqual([]);
      await close(store);
    });
  });
}
