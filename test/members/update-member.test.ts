/**
 * updateMember: the profile changes by entry (set, replace, remove one attribute; set or clear the
 * birthday; join and leave explicit segments), conditions read the profile as of each command,
 * the write is idempotent by key, and bad input is refused field by field with nothing written.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createLoyaltyEngine,
  createMemoryStore,
  defineProgram,
  isLoyaltyError,
  type LoyaltyEngine,
} from "../../src/index.js";
import { memberViolations, storeFingerprint, testClock } from "../../src/testing/index.js";

const program = defineProgram({
  id: "profile-test",
  version: 1,
  currency: "GBP",
  timeZone: "Europe/London",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying", expiresAfter: null },
  ],
  expiry: { after: { months: 12 } },
  refunds: { negativeBalance: "allow_debt" },
  rules: [
    { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
    {
      id: "students",
      on: "purchase",
      when: { field: "member.attributes.student", op: "eq", value: true },
      awards: [{ kind: "fixed", points: "50", wallet: "points" }],
    },
    {
      id: "birthday",
      on: "purchase",
      when: { birthday: "day" },
      awards: [{ kind: "fixed", points: "200", wallet: "points" }],
    },
  ],
});

function setup() {
  const t = testClock("2026-06-15T10:00:00Z");
  const store = createMemoryStore();
  const engine: LoyaltyEngine = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids });
  return { t, store, engine };
}

const points = async (engine: LoyaltyEngine, id: string) => (await engine.summary(id)).wallets.points!.available;
let order = 0;
const buy = (engine: LoyaltyEngine, memberId: string) =>
  engine.recordPurchase({ key: `p${++order}`, memberId, purchaseId: `p${order}`, amount: "10", currency: "GBP" });

describe("updateMember", () => {
  it("sets, replaces and removes one attribute at a time, leaving the others", async () => {
    const { engine, store } = setup();
    await engine.enroll({ key: "e", memberId: "m", attributes: { city: "Leeds", plan: "basic" } });
    await engine.updateMember({ key: "u1", memberId: "m", attributes: { plan: "plus", team: 7 } });
    await engine.updateMember({ key: "u2", memberId: "m", attributes: { city: null } });
    const stored = await store.loadMember(program.id, "m");
    expect(stored!.snapshot.attributes).toEqual({ plan: "plus", team: 7 });
    expect(await memberViolations(store, program.id, "m", Date.now())).toEqual([]);
  });

  it("sets and clears the birthday, and joins and leaves explicit segments", async () => {
    const { engine, store } = setup();
    await engine.enroll({ key: "e", memberId: "m", birthday: "01-02", segments: ["vip"] });
    await engine.updateMember({ key: "u1", memberId: "m", segments: { add: ["panel", "staff"], remove: ["vip"] } });
    let snapshot = (await store.loadMember(program.id, "m"))!.snapshot;
    expect([snapshot.birthday, snapshot.segments]).toEqual(["01-02", ["panel", "staff"]]);
    await engine.updateMember({ key: "u2", memberId: "m", birthday: null, segments: { remove: ["panel"] } });
    snapshot = (await store.loadMember(program.id, "m"))!.snapshot;
    expect([snapshot.birthday, snapshot.segments]).toEqual([null, ["staff"]]);
  });

  it("is read by conditions from the command on: earlier awards stand, later ones follow the new profile", async () => {
    const { engine } = setup();
    await engine.enroll({ key: "e", memberId: "m" });
    await buy(engine, "m"); // 10
    await engine.updateMember({ key: "u1", memberId: "m", attributes: { student: true } });
    await buy(engine, "m"); // 10 + 50
    await engine.updateMember({ key: "u2", memberId: "m", birthday: "06-15" });
    await buy(engine, "m"); // 10 + 50 + 200
    await engine.updateMember({ key: "u3", memberId: "m", attributes: { student: null }, birthday: null });
    await buy(engine, "m"); // 10
    expect(await points(engine, "m")).toBe(String(10 + 60 + 260 + 10));
  });

  it("puts the change on the statement as a profile entry", async () => {
    const { engine } = setup();
    await engine.enroll({ key: "e", memberId: "m" });
    const result = await engine.updateMember({ key: "u", memberId: "m", attributes: { a: 1, b: null } });
    expect(result.entries).toMatchObject([
      { kind: "profile", attributes: { a: 1, b: null }, segments: { add: [], remove: [] } },
    ]);
    expect(result.entries[0]).not.toHaveProperty("birthday");
    const statement = await engine.statement("m");
    expect(statement.entries.map((e) => e.kind)).toEqual(["enroll", "profile"]);
  });

  it("replays the same key and payload, and refuses the same key with another payload", async () => {
    const { engine, store } = setup();
    await engine.enroll({ key: "e", memberId: "m" });
    const first = await engine.updateMember({ key: "u", memberId: "m", attributes: { a: 1 } });
    const again = await engine.updateMember({ key: "u", memberId: "m", attributes: { a: 1 } });
    expect(again).toEqual({ ...first, replayed: true });
    const before = await storeFingerprint(store, program.id, ["m"], ["u"]);
    const error = await engine.updateMember({ key: "u", memberId: "m", attributes: { a: 2 } }).catch((e: unknown) => e);
    expect(isLoyaltyError(error, "IDEMPOTENCY_CONFLICT")).toBe(true);
    expect(await storeFingerprint(store, program.id, ["m"], ["u"])).toBe(before);
  });

  it("refuses a member who is not enrolled", async () => {
    const { engine } = setup();
    const error = await engine
      .updateMember({ key: "u", memberId: "nobody", birthday: "01-01" })
      .catch((e: unknown) => e);
    expect(isLoyaltyError(error, "MEMBER_NOT_FOUND")).toBe(true);
  });

  it("holds the profile that results to enroll's limits: 50 attributes, 50 segments", async () => {
    const { engine, store } = setup();
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, i]));
    await engine.enroll({ key: "e", memberId: "m", attributes: fifty });
    const before = await storeFingerprint(store, program.id, ["m"], ["u"]);
    const error = await engine
      .updateMember({ key: "u", memberId: "m", attributes: { extra: 1 } })
      .catch((e: unknown) => e);
    expect(isLoyaltyError(error, "INVALID_COMMAND") && error.issues.map((i) => i.path)).toEqual([["attributes"]]);
    expect(await storeFingerprint(store, program.id, ["m"], ["u"])).toBe(before);
    // Replacing one and removing one to add one stays within the limit.
    await engine.updateMember({ key: "u2", memberId: "m", attributes: { a0: "x", a1: null, extra: 1 } });
    await engine.updateMember({
      key: "u3",
      memberId: "m",
      segments: { add: Array.from({ length: 50 }, (_, i) => `s${i}`) },
    });
    const tooMany = await engine
      .updateMember({ key: "u4", memberId: "m", segments: { add: ["one-more"] } })
      .catch((e: unknown) => e);
    expect(isLoyaltyError(tooMany, "INVALID_COMMAND") && tooMany.issues.map((i) => i.path)).toEqual([
      ["segments", "add"],
    ]);
  });

  const badInputs: readonly [string, unknown, readonly (string | number)[]][] = [
    ["nothing to change", { key: "k", memberId: "m" }, []],
    ["no key", { memberId: "m", birthday: "01-01" }, ["key"]],
    ["a bad birthday", { key: "k", memberId: "m", birthday: "13-01" }, ["birthday"]],
    ["a birthday that is a number", { key: "k", memberId: "m", birthday: 101 }, ["birthday"]],
    ["an attribute that is an object", { key: "k", memberId: "m", attributes: { a: { b: 1 } } }, ["attributes", "a"]],
    ["an attribute that is NaN", { key: "k", memberId: "m", attributes: { a: Number.NaN } }, ["attributes", "a"]],
    ["an attribute with a NUL", { key: "k", memberId: "m", attributes: { a: "x\u0000" } }, ["attributes", "a"]],
    ["an empty attribute name", { key: "k", memberId: "m", attributes: { "": 1 } }, ["attributes", ""]],
    [
      "a __proto__ attribute",
      { key: "k", memberId: "m", attributes: JSON.parse('{"__proto__":1}') as object },
      ["attributes", "__proto__"],
    ],
    [
      "51 attributes",
      { key: "k", memberId: "m", attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, i])) },
      ["attributes"],
    ],
    ["segments as a list", { key: "k", memberId: "m", segments: ["vip"] }, ["segments"]],
    ["an unknown segments field", { key: "k", memberId: "m", segments: { join: ["vip"] } }, ["segments", "join"]],
    ["an empty segment id", { key: "k", memberId: "m", segments: { add: [""] } }, ["segments", "add", 0]],
    ["an unknown field", { key: "k", memberId: "m", birthday: "01-01", nickname: "Al" }, ["nickname"]],
  ];

  it.each(badInputs)("refuses %s with INVALID_COMMAND at its path, writing nothing", async (_, input, path) => {
    const { engine, store } = setup();
    await engine.enroll({ key: "e", memberId: "m" });
    const before = await storeFingerprint(store, program.id, ["m"], ["k"]);
    const error = await engine.updateMember(input as never).catch((e: unknown) => e);
    expect(isLoyaltyError(error, "INVALID_COMMAND")).toBe(true);
    expect((error as { issues: { path: unknown }[] }).issues.map((i) => i.path)).toContainEqual(path);
    expect(await storeFingerprint(store, program.id, ["m"], ["k"])).toBe(before);
  });

  it("keeps the profile equal to the merge of every update (property)", async () => {
    const name = fc.constantFrom("a", "b", "c", "student");
    const update = fc.record(
      {
        attributes: fc.dictionary(
          name,
          fc.oneof(fc.constant(null), fc.string({ maxLength: 5 }), fc.integer(), fc.boolean()),
        ),
        birthday: fc.constantFrom("01-31", "02-29", "1990-12-01", null),
        segments: fc.record({
          add: fc.array(fc.constantFrom("x", "y", "z")),
          remove: fc.array(fc.constantFrom("x", "y", "z")),
        }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(update, { maxLength: 8 }), async (updates) => {
        const { engine, store } = setup();
        await engine.enroll({ key: "e", memberId: "m" });
        const model = {
          attributes: {} as Record<string, unknown>,
          birthday: null as string | null,
          segments: new Set<string>(),
        };
        for (const [i, u] of updates.entries()) {
          const sent = engine.updateMember({ key: `u${i}`, memberId: "m", ...u });
          if (u.attributes === undefined && u.birthday === undefined && u.segments === undefined) {
            expect(isLoyaltyError(await sent.catch((e: unknown) => e), "INVALID_COMMAND")).toBe(true);
            continue;
          }
          await sent;
          for (const [k, v] of Object.entries(u.attributes ?? {})) {
            if (v === null) delete model.attributes[k];
            else model.attributes[k] = v;
          }
          if (u.birthday !== undefined) model.birthday = u.birthday;
          for (const s of u.segments?.add ?? []) model.segments.add(s);
          for (const s of u.segments?.remove ?? []) model.segments.delete(s);
        }
        const snapshot = (await store.loadMember(program.id, "m"))!.snapshot;
        expect(snapshot.attributes).toEqual(model.attributes);
        expect(snapshot.birthday).toBe(model.birthday);
        expect(snapshot.segments ?? []).toEqual([...model.segments].sort());
        expect(await memberViolations(store, program.id, "m", Date.now())).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("awards each purchase by the profile of its moment, whatever the order of updates (property)", async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant("student" as const), on: fc.boolean() }),
      fc.record({ kind: fc.constant("birthday" as const), today: fc.boolean() }),
      fc.record({ kind: fc.constant("buy" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 10 }), async (steps) => {
        const { engine } = setup();
        await engine.enroll({ key: "e", memberId: "m" });
        let student = false,
          birthdayToday = false;
        for (const [i, s] of steps.entries()) {
          if (s.kind === "student") {
            await engine.updateMember({ key: `u${i}`, memberId: "m", attributes: { student: s.on ? true : null } });
            student = s.on;
          } else if (s.kind === "birthday") {
            // The test clock stands on 15 June.
            await engine.updateMember({ key: `u${i}`, memberId: "m", birthday: s.today ? "2001-06-15" : "2001-01-15" });
            birthdayToday = s.today;
          } else {
            const earned = await engine.recordPurchase({
              key: `p${i}`,
              memberId: "m",
              purchaseId: `p${i}`,
              amount: "10",
              currency: "GBP",
            });
            expect(earned.totals.points).toBe(String(10 + (student ? 50 : 0) + (birthdayToday ? 200 : 0)));
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
