/**
 * Moving a member with an open checkout hold (issue 17, docs/checkout.md "Moving a member"):
 * exportMember carries the hold and the lots it drew from, importMember opens it again, and after
 * the move a capture, a release or the hold's own expiry gives the same summary as without the
 * move, on the memory store and on PostgreSQL (PGlite). Numbers from Selflane's "Point Voucher"
 * (https://docs.selflane.com/biz/customer/member/point_voucher.html): a point pays $0.10, "the $5
 * voucher can be redeemed with 50 points" on a $20 order; holds last 30 minutes (OneTrace for
 * Bitrix 1.2.0: "The points are held for 30 minutes").
 */
import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { LoyaltyError, type LoyaltyEngine, type LoyaltyStore, type ProgramDefinition } from "../../src/index.js";
import { createPostgresStore, migrate, pglite } from "../../src/postgres/index.js";
import { memberViolations, readAllEntries } from "../../src/testing/index.js";
import { testEngine } from "../support/engine.js";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const MINUTE = 60_000;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
const SEED =
  process.env.FC_SEED === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(process.env.FC_SEED);

const program = {
  id: "checkout-move",
  version: 1,
  currency: "USD",
  timeZone: "America/New_York",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying", expiresAfter: null },
  ],
  expiry: { after: { months: 12 } },
  refunds: { negativeBalance: "within_balance", baseRule: "base" },
  rules: [{ id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] }],
  checkout: { pointValue: "0.10", holdMinutes: 30, minShare: "0", maxShare: "1" },
} satisfies ProgramDefinition;

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** Ann: 30 points adjusted in on day 0, 60 earned by a $60 purchase on day 1, then a hold of `held` points. */
async function annWithHold(held = "50") {
  const source = testEngine(program, T0);
  const e = source.engine;
  await e.enroll({ key: "e", memberId: "ann" });
  await e.adjust({ key: "a", memberId: "ann", wallet: "points", points: "30", reason: "opening" });
  source.t.set(T0 + 1440 * MINUTE);
  await e.recordPurchase({ key: "p", memberId: "ann", purchaseId: "p1", amount: "60", currency: "USD" });
  await e.hold({ key: "h", memberId: "ann", holdId: "order-1", wallet: "points", points: held, orderAmount: "20.00" });
  source.t.advance(5 * MINUTE);
  return source;
}

/** Ann exported from `source` and imported into a fresh engine on `store` at the same instant. */
async function moved(source: Awaited<ReturnType<typeof annWithHold>>, store?: LoyaltyStore) {
  const target = testEngine(program, source.t.now(), store ? { store } : {});
  const command = await source.engine.exportMember("ann");
  await target.engine.importMember(command);
  return { ...target, command };
}

const summary = (e: LoyaltyEngine) => e.summary("ann", { expiringWithinDays: 400 });

async function pgStore(schema: string): Promise<LoyaltyStore> {
  const db = await PGlite.create();
  closers.push(() => db.close());
  await migrate(pglite(db), { schema });
  return createPostgresStore(pglite(db), { schema });
}

describe("exportMember carries an open hold, and importMember opens it again", () => {
  it("lists the hold's draws by lot place, the emptied lot with remaining 0, and the same summary", async () => {
    const source = await annWithHold();
    const target = await moved(source);
    // The hold drew the soonest-expiring lot (the 30 adjusted) empty, and 20 of the purchase's 60.
    expect(target.command.lots?.map((l) => [l.amount, l.remaining])).toEqual([
      ["60", "40"],
      ["30", "0"],
    ]);
    expect(target.command.holds).toEqual([
      {
        holdId: "order-1",
        wallet: "points",
        placedAt: "2026-03-03T10:00:00.000Z",
        expiresAt: "2026-03-03T10:30:00.000Z",
        orderAmount: "20",
        draws: [
          { lot: 1, points: "30" },
          { lot: 0, points: "20" },
        ],
      },
    ]);
    const w = (await summary(target.engine)).wallets.points!;
    expect([w.available, w.held, w.lifetime.spent]).toEqual(["40", "50", "50"]);
    expect(await summary(target.engine)).toEqual(await summary(source.engine));
  });

  const closings: [string, (e: LoyaltyEngine, t: { advance(ms: number): void }) => Promise<unknown>][] = [
    [
      "a capture of 35 (the $3.50 paid)",
      (e) => e.captureHold({ key: "c", memberId: "ann", holdId: "order-1", points: "35" }),
    ],
    ["a release", (e) => e.releaseHold({ key: "r", memberId: "ann", holdId: "order-1" })],
    [
      "the hold's own expiry, then a spend",
      async (e, t) => {
        t.advance(30 * MINUTE);
        await e.spend({ key: "s", memberId: "ann", wallet: "points", points: "85" });
      },
    ],
  ];
  for (const [what, close] of closings)
    for (const onPg of [false, true])
      it(`${what} after the move gives the same books as without it (${onPg ? "PGlite" : "memory"})`, async () => {
        const source = await annWithHold();
        const target = await moved(
          source,
          onPg ? await pgStore(`hold_move_${closings.findIndex((c) => c[0] === what)}`) : undefined,
        );
        await close(source.engine, source.t);
        await close(target.engine, target.t);
        const after = await summary(target.engine);
        expect(after).toEqual(await summary(source.engine));
        expect(after.wallets.points!.held).toBe("0");
        expect(await memberViolations(target.store, program.id, "ann", target.t.now())).toEqual([]);
        // Later still: the reopened 30 points expire a year after they were earned, on both.
        source.t.set(T0 + 366 * 1440 * MINUTE);
        target.t.set(T0 + 366 * 1440 * MINUTE);
        expect(await target.engine.expire()).toEqual(await source.engine.expire());
        expect(await summary(target.engine)).toEqual(await summary(source.engine));
      });
});

describe("importMember refuses bad holds, each at its path", () => {
  it("an unknown lot, a lot of another wallet, a draw above the lot, an expiry before placing, more held than spent", async () => {
    const source = await annWithHold();
    const command = await source.engine.exportMember("ann");
    const target = testEngine(program, source.t.now());
    const bad = {
      ...command,
      lots: [...command.lots!, { wallet: "status", amount: "5", earnedAt: "2026-03-02T10:00:00Z" }],
      holds: [
        {
          holdId: "h1",
          wallet: "points",
          placedAt: "2026-03-03T10:00:00Z",
          expiresAt: "2026-03-03T09:00:00Z",
          draws: [
            { lot: 7, points: "1" },
            { lot: 2, points: "1" },
            { lot: 0, points: "21" },
          ],
        },
        { ...command.holds![0]!, holdId: "h2" },
      ],
    };
    const e = await target.engine.importMember(bad).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(LoyaltyError);
    const issues = (e as LoyaltyError).issues!.map((i) => i.path.join("."));
    expect(issues).toEqual([
      "holds.0.expiresAt",
      "holds.0.draws.0.lot",
      "holds.0.draws.1.lot",
      "holds.0.draws.2.points",
      "holds.1.draws.1.points",
      "holds.1.draws",
    ]);
    // Nothing written.
    expect(await target.engine.exportMember("ann").catch((x: LoyaltyError) => x.code)).toBe("MEMBER_NOT_FOUND");
  });
});

describe("property: a move with an open hold changes nothing a later capture, release or expiry shows", () => {
  it(`for any lots, hold and closing (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 160 }),
        fc.oneof(
          fc.record({ op: fc.constant("capture" as const), part: fc.integer({ min: 1, max: 160 }) }),
          fc.record({ op: fc.constant("release" as const) }),
          fc.record({ op: fc.constant("expire" as const), days: fc.integer({ min: 0, max: 400 }) }),
        ),
        async (adjusted, bought, held, closing) => {
          const source = testEngine(program, T0);
          await source.engine.enroll({ key: "e", memberId: "ann" });
          await source.engine.adjust({
            key: "a",
            memberId: "ann",
            wallet: "points",
            points: `${adjusted}`,
            reason: "x",
          });
          source.t.set(T0 + 1440 * MINUTE);
          await source.engine.recordPurchase({
            key: "p",
            memberId: "ann",
            purchaseId: "p1",
            amount: `${bought}`,
            currency: "USD",
          });
          const points = Math.min(held, adjusted + bought);
          await source.engine.hold({
            key: "h",
            memberId: "ann",
            holdId: "o",
            wallet: "points",
            points: `${points}`,
            orderAmount: `${points}`,
          });
          const target = await moved(source);
          expect(await summary(target.engine)).toEqual(await summary(source.engine));
          for (const s of [source, target]) {
            if (closing.op === "capture")
              await s.engine.captureHold({
                key: "c",
                memberId: "ann",
                holdId: "o",
                points: `${Math.min(closing.part, points)}`,
              });
            else if (closing.op === "release") await s.engine.releaseHold({ key: "r", memberId: "ann", holdId: "o" });
            else {
              s.t.advance(closing.days * 1440 * MINUTE + 31 * MINUTE);
              await s.engine.expire();
            }
          }
          expect(await summary(target.engine)).toEqual(await summary(source.engine));
          expect(await memberViolations(target.store, program.id, "ann", target.t.now())).toEqual([]);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe("an erasure of an imported member", () => {
  it("removes the imported profile, the source's reference and the holds' references; the hold still releases", async () => {
    const source = await annWithHold();
    const command = await source.engine.exportMember("ann");
    const target = testEngine(program, source.t.now());
    await target.engine.importMember({
      ...command,
      birthday: "1990-04-01",
      attributes: { city: "Leeds" },
      source: "crm:4711",
      holds: command.holds!.map((h) => ({ ...h, reference: "cart-for-ann" })),
    });
    await target.engine.eraseMember({ key: "forget", memberId: "ann" });
    const opening = (await readAllEntries(target.store, program.id, "ann")).find((e) => e.kind === "import");
    expect(opening).toMatchObject({ birthday: null, attributes: {}, source: null, holds: [{ reference: null }] });
    await target.engine.releaseHold({ key: "r", memberId: "ann", holdId: "order-1" });
    expect((await target.engine.summary("ann")).wallets.points!.available).toBe("90");
    expect(await memberViolations(target.store, program.id, "ann", target.t.now())).toEqual([]);
  });
});

describe("a hold that draws a purchase's only lot keeps the purchase's record", () => {
  for (const onPg of [false, true])
    it(`so the hold's expiry reopens the lot, a refund takes it back and a year on nothing fails (${onPg ? "PGlite" : "memory"})`, async () => {
      const s = testEngine(program, T0, onPg ? { store: await pgStore("hold_purchase") } : {});
      await s.engine.enroll({ key: "e", memberId: "ann" });
      await s.engine.recordPurchase({ key: "p", memberId: "ann", purchaseId: "p1", amount: "20", currency: "USD" });
      await s.engine.hold({ key: "h", memberId: "ann", holdId: "o", wallet: "points", points: "20", orderAmount: "2" });
      // The hold expires by itself: the due work of the refund releases it first.
      s.t.advance(31 * MINUTE);
      expect((await summary(s.engine)).wallets.points!.available).toBe("20");
      const r = await s.engine.refund({ key: "ref", memberId: "ann", purchaseId: "p1", amount: "5", currency: "USD" });
      expect(r.reversed).toEqual([{ wallet: "points", points: "5", debt: "0", forgiven: "0" }]);
      s.t.advance(366 * 1440 * MINUTE);
      const swept = await s.engine.expire();
      expect([swept.failed, swept.lots]).toEqual([[], 1]);
      expect(await memberViolations(s.store, program.id, "ann", s.t.now())).toEqual([]);
    });
});
