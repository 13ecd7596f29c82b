/**
 * eraseMember at the engine: what it refuses (a store that cannot rewrite entries), what the
 * statement shows afterwards, and redaction itself: an entry keeps everything but personal fields.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMemoryStore, isLoyaltyError, redactEntry, ERASED_REASON, type Entry } from "../../src/index.js";
import { engineOn } from "../../src/testing/conformance/context.js";
import { erasureProgram, plantPersonalData } from "../../src/testing/conformance/erasure.js";
import { readAllEntries, storeFingerprint, testClock, wrapStore } from "../../src/testing/index.js";

const P = erasureProgram.id;

describe("eraseMember", () => {
  it("refuses a store without capabilities.erasure with STORE_FAILURE, writing nothing", async () => {
    const inner = createMemoryStore();
    const store = wrapStore(inner, {});
    Object.defineProperty(store, "capabilities", { value: { ...inner.capabilities, erasure: false } });
    const { engine } = engineOn(store, testClock("2026-03-01T12:00:00Z"), 10, erasureProgram);
    const keys = await plantPersonalData(engine);
    const before = await storeFingerprint(inner, P, ["m1", "m2"], [...keys, "forget"]);
    const error = await engine.eraseMember({ key: "forget", memberId: "m1" }).catch((e: unknown) => e);
    expect(isLoyaltyError(error, "STORE_FAILURE")).toBe(true);
    expect(await storeFingerprint(inner, P, ["m1", "m2"], [...keys, "forget"])).toBe(before);
  });

  it("shows the erasure on the statement, after the redacted entries, and the profile emptied", async () => {
    const store = createMemoryStore();
    const { engine } = engineOn(store, testClock("2026-03-01T12:00:00Z"), 10, erasureProgram);
    await plantPersonalData(engine);
    const result = await engine.eraseMember({ key: "forget", memberId: "m1" });
    // enroll, profile, 2 adjusts, spend, 2 redeems, cancel, 2 transfers, tier note: m1's; m2's transfer halves.
    expect(result.redacted).toBeGreaterThanOrEqual(10);
    const entries = await readAllEntries(store, P, "m1");
    expect(entries.at(-1)).toMatchObject({
      kind: "erasure",
      redacted: result.redacted,
      command: { type: "eraseMember" },
    });
    const profile = entries.filter((e) => e.kind === "enroll" || e.kind === "profile");
    expect(profile).toMatchObject([
      { kind: "enroll", birthday: null, attributes: {} },
      { kind: "profile", attributes: {}, segments: { add: [], remove: [] } },
    ]);
    const m2 = await readAllEntries(store, P, "m2");
    expect(m2.filter((e) => e.kind === "transfer").map((e) => (e as { reference: unknown }).reference)).toEqual([
      null,
      null,
    ]);
  });

  it("redaction keeps every field but the personal ones (property)", () => {
    const text = fc.string({ minLength: 1, maxLength: 8 });
    const base = {
      id: "x",
      memberId: "m",
      seq: 3,
      at: "2026-03-01T12:00:00.000Z",
      command: { key: "k", type: "adjust" as const },
    };
    const adjust = fc
      .record({ reason: text, reference: fc.option(text), points: fc.constantFrom("5", "-5") })
      .map((a): Entry => ({ ...base, kind: "adjust", wallet: "points", lot: null, debtRepaid: "0", lots: [], ...a }));
    fc.assert(
      fc.property(adjust, (entry) => {
        const redacted = redactEntry(entry);
        expect(redacted).toEqual({ ...entry, reason: ERASED_REASON, reference: null });
        expect(redactEntry(redacted)).toBe(redacted);
      }),
    );
  });
});
