/**
 * Milestones at their edges (issue 17): the program checks, whole-unit adjustments, a stamp paid as
 * due work, and a member moved by export and import with key chains.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresStore, migrate, pglite } from "../../src/postgres/index.js";
import type { ProgramDefinition } from "../../src/index.js";
import { testEngine } from "../support/engine.js";
import { expectError } from "../support/errors.js";
import { memberViolations } from "../../src/testing/index.js";
import { poundsProgram } from "../support/programs.js";
import { T0, counter, punchCard, setUp, tesco } from "../support/milestones.js";

describe("milestone checks", () => {
  it("adjusts a counter by whole units only, converts an adjustment at once, and never spends a counter", async () => {
    const m = await setUp(tesco());
    const adjust = (key: string, points: string) =>
      m.engine.adjust({ key, memberId: "m", wallet: "keys", points, reason: "goodwill" });
    const half = await expectError(adjust("a1", "1.5"), "INVALID_COMMAND");
    expect(half.issues.map((i) => i.path.join("."))).toEqual(["points"]);
    await adjust("a2", "120");
    expect(await m.held("keys", "key-chains")).toEqual(["20", "2"]);
    const spend = await expectError(
      m.engine.spend({ key: "s", memberId: "m", wallet: "keys", points: "1" }),
      "INVALID_COMMAND",
    );
    expect(spend.issues.map((i) => i.path.join("."))).toEqual(["wallet"]);
  });

  it("refuses a milestone from a non-counter, a cycle and a fractional award into a counter", async () => {
    const program = poundsProgram({
      wallets: [{ id: "points", kind: "spendable" }, { id: "status", kind: "qualifying" }, counter("a"), counter("b")],
      points: { scale: 2, rounding: "down" },
      rules: [
        {
          id: "r",
          on: "purchase",
          awards: [{ kind: "fixed", points: "1.5", wallet: "a" }],
          caps: { perCommand: "2.5" },
        },
      ],
      milestones: [
        { from: "points", every: 10, into: "a" },
        { from: "a", every: 2, into: "b" },
        { from: "b", every: 2, into: "a" },
      ],
    });
    const error = await expectError((async () => testEngine(program, T0))(), "INVALID_PROGRAM");
    expect(error.issues.map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining([
        "milestones.0.from",
        "milestones.2.into",
        "rules.0.awards.0.points",
        "rules.0.caps.perCommand",
      ]),
    );
  });
});

describe("a stamp paid as due work", () => {
  it("a birthday stamp that fills the card converts in the sweep that pays it", async () => {
    const p = punchCard();
    const program = {
      ...p,
      rules: [
        ...p.rules,
        { id: "birthday", on: "schedule:birthday", awards: [{ kind: "fixed", points: "1", wallet: "stamps" }] },
      ],
    } as ProgramDefinition;
    const { engine, store, t } = testEngine(program, T0);
    await engine.enroll({ key: "e", memberId: "m", birthday: "1990-03-10" });
    const line = [{ sku: "coffee", quantity: 9, amount: "28.80" }];
    await engine.recordPurchase({
      key: "p",
      memberId: "m",
      purchaseId: "p",
      amount: "28.80",
      currency: "GBP",
      lines: line,
    });
    t.set(Date.parse("2026-03-10T12:00:00Z"));
    await engine.expire();
    const entries = (await store.readEntries(program.id, "m", { afterSeq: 0, limit: 100 })).entries;
    expect(entries.slice(-2).map((e) => [e.kind, e.command.type])).toEqual([
      ["earn", "expire"],
      ["milestone", "expire"],
    ]);
  });
});

/** A PostgreSQL store on a fresh PGlite database: closed purchases live in its record rows. */
async function pgStore() {
  const db = await PGlite.create();
  closers.push(() => db.close());
  await migrate(pglite(db), { schema: "ms_move" });
  return createPostgresStore(pglite(db), { schema: "ms_move" });
}
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

describe("moving a member", () => {
  // Tesco's keys alone: the 50 purchases whose keys became the key chain have no open lot, yet the
  // export carries them (their records from the store), so a refund after the move undoes the chain.
  for (const onPg of [false, true])
    it(`exports a purchase whose key was converted; its refund after the move undoes the chain as before (source on ${onPg ? "PGlite" : "memory"})`, async () => {
      const program = tesco();
      const source = testEngine(program, T0, onPg ? { store: await pgStore() } : {});
      await source.engine.enroll({ key: "enroll", memberId: "m" });
      for (let i = 1; i <= 50; i++)
        await source.engine.recordPurchase({
          key: `p${i}`,
          memberId: "m",
          purchaseId: `p${i}`,
          amount: "38",
          currency: "USD",
        });
      const command = await source.engine.exportMember("m");
      expect(command.purchases?.length).toBe(50);
      let n = 0;
      const target = testEngine(program, T0, { ids: () => `t${++n}` });
      await target.engine.importMember(command);
      const counters = async (e: typeof source.engine) => {
        const w = (await e.summary("m")).wallets;
        return [w.keys!.available, w["key-chains"]!.available];
      };
      expect(await counters(target.engine)).toEqual(["0", "1"]);
      for (const e of [source.engine, target.engine]) {
        const r = await e.refund({ key: "r", memberId: "m", purchaseId: "p50", amount: "38", currency: "USD" });
        expect(r.entries.map((x) => x.kind)).toEqual(["refund", "milestone", "reverse"]);
      }
      // Tesco: "a refund at exactly 50 undoes the chain": back into 50 keys, of which the refund takes one.
      expect(await counters(target.engine)).toEqual(["49", "0"]);
      expect((await target.engine.summary("m")).wallets).toEqual((await source.engine.summary("m")).wallets);
      expect(await memberViolations(target.store, program.id, "m", target.t.now())).toEqual([]);
    });

  it("leaves out purchases no refund can reach: wholly refunded, or past refunds.windowDays", async () => {
    const program = { ...tesco(), refunds: { negativeBalance: "within_balance", windowDays: 30 } } as ProgramDefinition;
    const source = testEngine(program, T0);
    await source.engine.enroll({ key: "enroll", memberId: "m" });
    const buy = async (i: number) =>
      source.engine.recordPurchase({ key: `p${i}`, memberId: "m", purchaseId: `p${i}`, amount: "38", currency: "USD" });
    for (let i = 1; i <= 50; i++) await buy(i);
    source.t.advance(20 * 86_400_000);
    await buy(51);
    await source.engine.refund({ key: "r", memberId: "m", purchaseId: "p51", amount: "38", currency: "USD" });
    await buy(52);
    const ids = async () => (await source.engine.exportMember("m")).purchases!.map((p) => p.purchaseId);
    // Day 20: the converted p1..p50 and the open p52; p51 is wholly refunded.
    expect((await ids()).length).toBe(51);
    expect(await ids()).not.toContain("p51");
    // Day 35: p1..p50's window closed on day 30; p52's is open.
    source.t.advance(15 * 86_400_000);
    expect(await ids()).toEqual(["p52"]);
  });

  // With points beside the keys, the purchases' records stay open in the state.
  it("export and import keep counters and key chains; a refund after the move still undoes the chain", async () => {
    const p = tesco();
    const program = {
      ...p,
      rules: [
        ...p.rules,
        { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
      ],
    } as ProgramDefinition;
    const m = await setUp(program);
    for (let i = 0; i < 51; i++) await m.buy("38");
    let n = 0;
    const target = testEngine(program, T0, { ids: () => `t${++n}` }).engine;
    await target.importMember(await m.engine.exportMember("m"));
    expect((await target.summary("m")).wallets).toEqual((await m.engine.summary("m")).wallets);
    await target.refund({ key: "r1", memberId: "m", purchaseId: "p51", amount: "38", currency: "USD" });
    await target.refund({ key: "r2", memberId: "m", purchaseId: "p50", amount: "38", currency: "USD" });
    const w = (await target.summary("m")).wallets;
    expect([w.keys!.available, w["key-chains"]!.available, w.points!.available]).toEqual(["49", "0", "1862"]);
  });
});
