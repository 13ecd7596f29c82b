/**
 * Named segments: explicit (set by enroll and updateMember) and derived (a program `when` on the
 * profile), read by rule conditions (`{ segments }`), by reward eligibility (SEGMENT_NOT_ELIGIBLE)
 * and by `segmentsOf`; a program naming an undeclared segment, or a segment reading more than the
 * profile, is refused with the path of each problem.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { segmentsOf } from "../../src/accrual/segments.js";
import { emptyState } from "../../src/ledger/state.js";
import {
  compileProgram,
  createLoyaltyEngine,
  createMemoryStore,
  isLoyaltyError,
  type LoyaltyEngine,
  type ProgramDefinition,
} from "../../src/index.js";
import { storeFingerprint, testClock } from "../../src/testing/index.js";

const definition = {
  id: "segments-test",
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
  segments: [
    { id: "vip" },
    { id: "students", when: { field: "member.attributes.student", op: "eq", value: true } },
    {
      id: "northern",
      when: {
        any: [
          { field: "member.attributes.city", op: "in", value: ["Leeds", "York"] },
          { not: { field: "member.attributes.city", op: "exists" } },
        ],
      },
    },
  ],
  rules: [
    { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
    {
      id: "vip-bonus",
      on: "purchase",
      when: { segments: ["vip"] },
      awards: [{ kind: "fixed", points: "100", wallet: "points" }],
    },
    {
      id: "student-bonus",
      on: "purchase",
      when: { segments: ["students"] },
      awards: [{ kind: "fixed", points: "10", wallet: "points" }],
    },
  ],
  rewards: [{ id: "student-mug", kind: "product", wallet: "points", price: "5", segments: ["students"] }],
} satisfies ProgramDefinition;
const program = compileProgram(definition);

function setup() {
  const t = testClock("2026-06-15T10:00:00Z");
  const engine: LoyaltyEngine = createLoyaltyEngine({
    program,
    store: createMemoryStore(),
    clock: t.clock,
    ids: t.ids,
  });
  return { engine, t };
}
let n = 0;
const buy = async (engine: LoyaltyEngine, memberId: string) =>
  (await engine.recordPurchase({ key: `p${++n}`, memberId, purchaseId: `p${n}`, amount: "10", currency: "GBP" })).totals
    .points;

describe("segments", () => {
  it("rule conditions read explicit and derived segments as of each command", async () => {
    const { engine } = setup();
    await engine.enroll({ key: "e", memberId: "m", attributes: { city: "Bath" } });
    expect(await buy(engine, "m")).toBe("10");
    await engine.updateMember({ key: "u1", memberId: "m", attributes: { student: true }, segments: { add: ["vip"] } });
    expect(await buy(engine, "m")).toBe("120");
    await engine.updateMember({
      key: "u2",
      memberId: "m",
      attributes: { student: null },
      segments: { remove: ["vip"] },
    });
    expect(await buy(engine, "m")).toBe("10");
  });

  it("the summary lists the member's segments, explicit and derived, sorted, and the attributes", async () => {
    const { engine } = setup();
    await engine.enroll({ key: "e", memberId: "m", attributes: { student: true }, segments: ["vip", "panel"] });
    const summary = await engine.summary("m");
    expect(summary.segments).toEqual(["northern", "panel", "students", "vip"]);
    expect(summary.attributes).toEqual({ student: true });
  });

  it("a reward for some segments refuses other members with SEGMENT_NOT_ELIGIBLE, writing nothing", async () => {
    const { engine } = setup();
    await engine.enroll({ key: "e", memberId: "m" });
    await buy(engine, "m");
    const error = await engine.redeem({ key: "r1", memberId: "m", rewardId: "student-mug" }).catch((e: unknown) => e);
    expect(isLoyaltyError(error, "SEGMENT_NOT_ELIGIBLE")).toBe(true);
    expect((await engine.rewards("m"))[0]).toMatchObject({
      redeemable: false,
      refusal: { code: "SEGMENT_NOT_ELIGIBLE" },
    });
    await engine.updateMember({ key: "u", memberId: "m", attributes: { student: true } });
    await engine.redeem({ key: "r1", memberId: "m", rewardId: "student-mug" });
  });

  it("segmentsOf is the sorted union of explicit and derived segments (property)", () => {
    const city = fc.option(fc.constantFrom("Leeds", "York", "Bath"), { nil: undefined });
    fc.assert(
      fc.property(
        fc.boolean(),
        city,
        fc.uniqueArray(fc.constantFrom("vip", "panel", "a-list", "students")),
        (student, c, explicit) => {
          const state = emptyState("m");
          state.attributes.student = student;
          if (c !== undefined) state.attributes.city = c;
          state.segments = [...explicit].sort();
          const model = new Set<string>(explicit);
          if (student) model.add("students");
          if (c === undefined || c === "Leeds" || c === "York") model.add("northern");
          expect(segmentsOf(program, state)).toEqual([...model].sort());
        },
      ),
    );
  });

  const badPrograms: [string, Partial<ProgramDefinition>, (string | number)[]][] = [
    [
      "a rule naming an undeclared segment",
      {
        rules: [
          {
            id: "r",
            on: "purchase",
            when: { segments: ["vpi"] },
            awards: [{ kind: "fixed", points: "1", wallet: "points" }],
          },
        ],
      },
      ["rules", 0, "when", "segments", 0],
    ],
    [
      "a reward naming an undeclared segment",
      { rewards: [{ id: "x", kind: "product", wallet: "points", price: "1", segments: ["nobody"] }] },
      ["rewards", 0, "segments", 0],
    ],
    [
      "a segment reading the purchase amount",
      { segments: [{ id: "big", when: { field: "amount", op: "gt", value: "10" } }] },
      ["segments", 0, "when", "field"],
    ],
    [
      "a segment reading the birthday",
      { segments: [{ id: "bday", when: { all: [{ birthday: "month" }] } }] },
      ["segments", 0, "when", "all", 0],
    ],
    [
      "a segment made of segments",
      { segments: [{ id: "a" }, { id: "b", when: { segments: ["a"] } }] },
      ["segments", 1, "when"],
    ],
    ["two segments with one id", { segments: [{ id: "a" }, { id: "a" }] }, ["segments", 1, "id"]],
    [
      "a malformed segment condition",
      { segments: [{ id: "a", when: { field: "member.tier", op: "eq" } }] },
      ["segments", 0, "when", "value"],
    ],
  ];
  it.each(badPrograms)("refuses %s with INVALID_PROGRAM at its path", (_, change, path) => {
    let error: unknown;
    try {
      compileProgram({ ...definition, ...change });
    } catch (e) {
      error = e;
    }
    expect(isLoyaltyError(error, "INVALID_PROGRAM")).toBe(true);
    expect((error as { issues: { path: unknown }[] }).issues.map((i) => i.path)).toContainEqual(path);
  });

  it("a refused redemption leaves the store as it was", async () => {
    const store = createMemoryStore();
    const t = testClock("2026-06-15T10:00:00Z");
    const engine = createLoyaltyEngine({ program, store, clock: t.clock, ids: t.ids });
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "p", amount: "10", currency: "GBP" });
    const before = await storeFingerprint(store, program.id, ["m"], ["r"], ["student-mug"]);
    await engine.redeem({ key: "r", memberId: "m", rewardId: "student-mug" }).catch(() => undefined);
    expect(await storeFingerprint(store, program.id, ["m"], ["r"], ["student-mug"])).toBe(before);
  });
});
