/**
 * Model-based test (fc.commands): thousands of random command sequences (purchases with or without
 * lines, partial refunds in proportion or by returned line, receipt-less returns, spends, adjustments, early releases of pending points, profile changes and erasure, retries with the same key, reused keys with
 * another payload, time moving past pending and expiry dates) run against the engine on the
 * in-memory store and against the reference model; after every command the balances must agree
 * and every ledger invariant must hold. Each negative-balance policy gets its own run.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createLoyaltyEngine,
  createMemoryStore,
  isLoyaltyError,
  type LoyaltyEngine,
  type NegativeBalancePolicy,
} from "../src/index.js";
import { memberViolations, storeFingerprint } from "../src/testing/index.js";
import type { MemoryStore } from "../src/store/memory.js";
import { ReferenceModel, modelProgram, type MLine } from "./model/reference.js";

const DAY = 86_400_000;
const MEMBER = "m";
const RUNS = Number(process.env.MODEL_RUNS ?? 700);

interface Real {
  engine: LoyaltyEngine;
  store: MemoryStore;
  programId: string;
  setNow: (t: number) => void;
  /** Successful commands, to retry or reuse keys of. */
  log: { key: string; wrote: boolean; send: () => Promise<unknown>; other: () => Promise<unknown> }[];
  /**
   * Keys whose payload hash an erasure took: those of the commands before it that wrote entries
   * (an erasure finds a member's keys through their entries; a command that wrote none, such as a
   * releasePending with nothing pending, sent only ids and keeps its hash: docs/members.md).
   */
  erased: Set<string>;
}

const pennies = (p: number) => `${Math.floor(p / 100)}.${String(p % 100).padStart(2, "0")}`;
let keyCounter = 0;
const freshKey = () => `k${++keyCounter}`;

/** Runs a write on both sides; compares outcome codes; on failure checks that nothing was written. */
async function both(
  m: ReferenceModel,
  r: Real,
  key: string,
  expected: string | null,
  send: () => Promise<unknown>,
  other: () => Promise<unknown>,
) {
  const before = expected === null ? null : await storeFingerprint(r.store, r.programId, [MEMBER], [key]);
  let wrote = false;
  const outcome = await send().then(
    (result) => {
      const entries = (result as { entries?: unknown[] }).entries;
      wrote = entries === undefined || entries.length > 0;
      return null;
    },
    (e: unknown) => (isLoyaltyError(e) ? e.code : `THROWN ${String(e)}`),
  );
  expect(outcome).toBe(expected);
  if (expected === null) {
    m.done.set(key, "ok");
    r.log.push({ key, wrote, send, other });
  } else {
    expect(await storeFingerprint(r.store, r.programId, [MEMBER], [key])).toBe(before);
  }
  await verify(m, r);
}

async function verify(m: ReferenceModel, r: Real) {
  const s = (await r.engine.summary(MEMBER)).wallets.points!;
  expect({ available: s.available, pending: s.pending, debt: s.debt, expiredUnswept: s.expiredUnswept }).toEqual({
    available: String(m.availablePoints()),
    pending: String(m.pendingPoints()),
    debt: String(m.debt),
    expiredUnswept: String(m.expiredUnsweptPoints()),
  });
  expect(s.lifetime).toEqual({
    earned: String(m.earned),
    spent: String(m.spent),
    expired: String(m.expired),
    reversed: String(m.reversed),
    adjusted: String(m.adjusted),
    transferredIn: "0",
    transferredOut: "0",
  });
  expect(await memberViolations(r.store, r.programId, MEMBER, m.now)).toEqual([]);
}

type Cmd = fc.AsyncCommand<ReferenceModel, Real>;

class Purchase implements Cmd {
  constructor(
    readonly p: number,
    readonly lines: readonly MLine[] | null,
  ) {}
  check() {
    return true;
  }
  async run(m: ReferenceModel, r: Real) {
    const key = freshKey(),
      id = `o${key}`;
    // The lines share the money evenly (the engine does not ask that they add up to the amount).
    const share = (n: number) => pennies(Math.floor(this.p / n));
    const lines = this.lines?.map((l, _, all) => ({ ...l, amount: share(all.length) }));
    const input = {
      key,
      memberId: MEMBER,
      purchaseId: id,
      amount: pennies(this.p),
      currency: "GBP",
      ...(lines ? { lines } : {}),
    };
    m.purchase(id, this.p, this.lines);
    await both(
      m,
      r,
      key,
      null,
      () => r.engine.recordPurchase(input),
      () => r.engine.recordPurchase({ ...input, amount: pennies(this.p + 1) }),
    );
  }
  toString() {
    const lines = this.lines?.map((l) => `${l.quantity}×${l.sku}`).join(" ");
    return `purchase(${pennies(this.p)}${lines ? `, ${lines}` : ""})`;
  }
}

class Refund implements Cmd {
  constructor(
    readonly index: number,
    readonly p: number,
  ) {}
  check(m: Readonly<ReferenceModel>) {
    return m.purchases.length > 0;
  }
  async run(m: ReferenceModel, r: Real) {
    const purchase = m.findPurchase(this.index)!;
    const key = freshKey();
    const input = { key, memberId: MEMBER, purchaseId: purchase.id, amount: pennies(this.p), currency: "GBP" };
    const expected = m.refund(purchase, this.p);
    await both(
      m,
      r,
      key,
      expected,
      () => r.engine.refund(input),
      () => r.engine.refund({ ...input, amount: pennies(this.p === 1 ? 2 : 1) }),
    );
  }
  toString() {
    return `refund(#${this.index}, ${pennies(this.p)})`;
  }
}

/**
 * A refund naming the returned units of one SKU: a SKU of the purchase (or, one time in seven, one
 * it never had), possibly more units than are left.
 */
class LineRefund implements Cmd {
  constructor(
    readonly index: number,
    readonly pick: number,
    readonly units: number,
    readonly p: number,
  ) {}
  check(m: Readonly<ReferenceModel>) {
    return m.purchases.length > 0;
  }
  async run(m: ReferenceModel, r: Real) {
    const purchase = m.findPurchase(this.index)!;
    const skus = purchase.lines?.map((l) => l.sku) ?? ["s1"];
    const sku = this.pick % 7 === 6 ? "never-sold" : skus[this.pick % skus.length]!;
    const key = freshKey();
    const lines = [{ sku, quantity: this.units }];
    const input = { key, memberId: MEMBER, purchaseId: purchase.id, amount: pennies(this.p), currency: "GBP", lines };
    const expected = m.refund(purchase, this.p, { sku, units: this.units });
    await both(
      m,
      r,
      key,
      expected,
      () => r.engine.refund(input),
      () => r.engine.refund({ ...input, lines: [{ sku, quantity: this.units + 1 }] }),
    );
  }
  toString() {
    return `lineRefund(#${this.index}, ${this.units}×${this.pick}, ${pennies(this.p)})`;
  }
}

class ReturnWithoutReceipt implements Cmd {
  constructor(readonly p: number) {}
  check() {
    return true;
  }
  async run(m: ReferenceModel, r: Real) {
    const key = freshKey();
    const input = { key, memberId: MEMBER, amount: pennies(this.p), currency: "GBP" };
    m.receiptless(this.p);
    await both(
      m,
      r,
      key,
      null,
      () => r.engine.refund(input),
      () => r.engine.refund({ ...input, amount: pennies(this.p + 100) }),
    );
  }
  toString() {
    return `return(${pennies(this.p)})`;
  }
}

class Spend implements Cmd {
  constructor(readonly points: number) {}
  check() {
    return true;
  }
  async run(m: ReferenceModel, r: Real) {
    const key = freshKey();
    const input = { key, memberId: MEMBER, wallet: "points", points: String(this.points) };
    await both(
      m,
      r,
      key,
      m.spend(this.points),
      () => r.engine.spend(input),
      () => r.engine.spend({ ...input, points: String(this.points + 1) }),
    );
  }
  toString() {
    return `spend(${this.points})`;
  }
}

class Adjust implements Cmd {
  constructor(readonly points: number) {}
  check() {
    return true;
  }
  async run(m: ReferenceModel, r: Real) {
    const key = freshKey();
    const input = { key, memberId: MEMBER, wallet: "points", points: String(this.points), reason: "goodwill" };
    await both(
      m,
      r,
      key,
      m.adjust(this.points),
      () => r.engine.adjust(input),
      () => r.engine.adjust({ ...input, reason: "other" }),
    );
  }
  toString() {
    return `adjust(${this.points})`;
  }
}

/** Pending points released now (the order shipped): one purchase's, or all of the member's. */
class ReleasePending implements Cmd {
  constructor(readonly index: number | null) {}
  check() {
    return true;
  }
  async run(m: ReferenceModel, r: Real) {
    const key = freshKey();
    const purchase = this.index === null ? undefined : m.findPurchase(this.index);
    const input = { key, memberId: MEMBER, ...(purchase ? { purchaseId: purchase.id } : {}) };
    m.releasePending(purchase ?? null);
    await both(
      m,
      r,
      key,
      null,
      () => r.engine.releasePending(input),
      () => r.engine.releasePending({ key, memberId: MEMBER, purchaseId: purchase ? `${purchase.id}-other` : "other" }),
    );
  }
  toString() {
    return `releasePending(${this.index === null ? "all" : `#${this.index}`})`;
  }
}

/** The same command again with the same key: the first result comes back, nothing is written. */
class Retry implements Cmd {
  constructor(readonly index: number) {}
  check(m: Readonly<ReferenceModel>) {
    return m.done.size > 0;
  }
  async run(m: ReferenceModel, r: Real) {
    const previous = r.log[this.index % r.log.length]!;
    const before = await storeFingerprint(r.store, r.programId, [MEMBER], [previous.key]);
    if (r.erased.has(previous.key)) {
      // An erasure took the payload hash: the payload can no longer be compared (docs/members.md).
      const code = await previous.send().then(
        () => "OK",
        (e: unknown) => (isLoyaltyError(e) ? e.code : String(e)),
      );
      expect(code).toBe("IDEMPOTENCY_CONFLICT");
      expect(await storeFingerprint(r.store, r.programId, [MEMBER], [previous.key])).toBe(before);
      await verify(m, r);
      return;
    }
    const result = (await previous.send()) as { replayed: boolean };
    expect(result.replayed).toBe(true);
    expect(await storeFingerprint(r.store, r.programId, [MEMBER], [previous.key])).toBe(before);
    await verify(m, r);
  }
  toString() {
    return `retry(#${this.index})`;
  }
}

/** A used key with another payload: IDEMPOTENCY_CONFLICT, nothing written. */
class ReuseKey implements Cmd {
  constructor(readonly index: number) {}
  check(m: Readonly<ReferenceModel>) {
    return m.done.size > 0;
  }
  async run(m: ReferenceModel, r: Real) {
    const previous = r.log[this.index % r.log.length]!;
    const before = await storeFingerprint(r.store, r.programId, [MEMBER], [previous.key]);
    const code = await previous.other().then(
      () => "OK",
      (e: unknown) => (isLoyaltyError(e) ? e.code : String(e)),
    );
    expect(code).toBe("IDEMPOTENCY_CONFLICT");
    expect(await storeFingerprint(r.store, r.programId, [MEMBER], [previous.key])).toBe(before);
    await verify(m, r);
  }
  toString() {
    return `reuse(#${this.index})`;
  }
}

/** A profile change: the member's attributes and birthday; no balance moves. */
class UpdateProfile implements Cmd {
  constructor(readonly tier: string | null) {}
  check() {
    return true;
  }
  async run(m: ReferenceModel, r: Real) {
    const key = freshKey();
    const input = { key, memberId: MEMBER, attributes: { tier: this.tier }, birthday: "1990-02-28" };
    m.dueWorkOnly();
    await both(
      m,
      r,
      key,
      null,
      () => r.engine.updateMember(input),
      () => r.engine.updateMember({ ...input, birthday: null }),
    );
  }
  toString() {
    return `updateMember(${this.tier})`;
  }
}

/**
 * An erasure of the member's personal data: no balance moves, every invariant holds, later
 * commands work as before, and earlier keys (but the erasure's own) no longer replay.
 */
class Erase implements Cmd {
  check() {
    return true;
  }
  async run(m: ReferenceModel, r: Real) {
    const key = freshKey();
    const earlier = r.log.filter((l) => l.wrote).map((l) => l.key);
    m.dueWorkOnly();
    await both(
      m,
      r,
      key,
      null,
      () => r.engine.eraseMember({ key, memberId: MEMBER }),
      () => r.engine.eraseMember({ key, memberId: `${MEMBER}-other` }),
    );
    for (const k of earlier) r.erased.add(k);
    const summary = await r.engine.summary(MEMBER);
    expect(summary.attributes).toEqual({});
  }
  toString() {
    return "eraseMember";
  }
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check() {
    return true;
  }
  async run(m: ReferenceModel, r: Real) {
    m.now += this.ms;
    r.setNow(m.now);
    await verify(m, r);
  }
  toString() {
    return `advance(${(this.ms / DAY).toFixed(2)}d)`;
  }
}

/** One to three lines of distinct SKUs, one to three units each. */
const linesArb = fc.uniqueArray(
  fc.record({ sku: fc.constantFrom("s1", "s2", "s3"), quantity: fc.integer({ min: 1, max: 3 }) }),
  { minLength: 1, maxLength: 3, selector: (l) => l.sku },
);

const commands = fc.commands<ReferenceModel, Real, false>(
  [
    fc
      .tuple(fc.integer({ min: 1, max: 30_000 }), fc.option(linesArb, { nil: null }))
      .map(([p, lines]) => new Purchase(p, lines)),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 15_000 })).map(([i, p]) => new Refund(i, p)),
    fc
      .tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 15_000 }))
      .map(([i, pick, units, p]) => new LineRefund(i, pick, units, p)),
    fc.integer({ min: 1, max: 10_000 }).map((p) => new ReturnWithoutReceipt(p)),
    fc.integer({ min: 1, max: 300 }).map((p) => new Spend(p)),
    fc
      .integer({ min: -200, max: 200 })
      .filter((p) => p !== 0)
      .map((p) => new Adjust(p)),
    fc.option(fc.nat(), { nil: null }).map((i) => new ReleasePending(i)),
    fc.option(fc.constantFrom("gold", "blue"), { nil: null }).map((t) => new UpdateProfile(t)),
    fc.constant(new Erase()),
    fc.nat().map((i) => new Retry(i)),
    fc.nat().map((i) => new ReuseKey(i)),
    // Steps around the 7-day pending period and the 60-day expiry, sometimes to the millisecond.
    fc
      .oneof(fc.integer({ min: 0, max: 40 * DAY }), fc.constantFrom(7 * DAY, 7 * DAY - 1, DAY, 1))
      .map((ms) => new Advance(ms)),
  ],
  { maxCommands: 50, size: "max" },
);

describe.each<NegativeBalancePolicy>(["only_pending", "within_balance", "allow_debt"])("model-based: %s", (policy) => {
  it(`agrees with the reference model over ${RUNS} random command sequences`, async () => {
    const program = modelProgram(policy);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: Date.parse("2025-01-01T00:00:00Z"), max: Date.parse("2027-12-31T00:00:00Z") }),
        commands,
        async (start, cmds) => {
          let now = start,
            ids = 0;
          const store = createMemoryStore();
          const engine = createLoyaltyEngine({ program, store, clock: () => now, ids: () => `e${++ids}` });
          await engine.enroll({ key: `enroll-${start}`, memberId: MEMBER });
          const model = new ReferenceModel(policy, start);
          const real: Real = {
            engine,
            store,
            programId: program.id,
            setNow: (t) => {
              now = t;
            },
            log: [],
            erased: new Set(),
          };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
