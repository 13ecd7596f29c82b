/**
 * The snapshot codec (ledger/state.ts): the JSON a store keeps beside the entries. Decoding shares
 * one Decimal per distinct amount text and omits a purchase's empty refund fields; neither may
 * change what a snapshot means.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import { foldEntries, fromSnapshot, toSnapshot, type MemberSnapshot } from "../../src/index.js";
import { operationArb, readAllEntries, runOperations } from "../../src/testing/index.js";
import { canonicalJson } from "../../src/shared/canonical.js";
import { applyEntry } from "../../src/ledger/apply.js";
import { testEngine } from "../support/engine.js";
import { exampleTarget } from "../support/example-scripts.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const P = exampleProgram.id;
const scriptArb = fc.array(operationArb(undefined, { rewards: true }), { minLength: 1, maxLength: 40, size: "max" });

/** A random member history on the example program: its entries, split at a random point. */
async function history(script: Parameters<typeof runOperations>[1]) {
  const { engine, store, t } = testEngine(exampleProgram, "2026-03-02T10:00:00Z", {
    maxAttempts: 50,
    codes: ({ redemptionId, index }) => `${redemptionId}/${index}`,
  });
  await engine.enroll({ key: "enroll", memberId: "m", birthday: "1990-06-15" });
  await runOperations(exampleTarget(engine, t.advance), script);
  return readAllEntries(store, P, "m");
}

/** The form earlier versions wrote: every purchase field spelled out, zeros and empty objects too, and the ids of its lots. */
function spelledOut(s: MemberSnapshot): MemberSnapshot {
  const purchases: MemberSnapshot["purchases"] = {};
  for (const [id, p] of Object.entries(s.purchases))
    purchases[id] = {
      refunded: "0",
      settled: {},
      reversed: {},
      expired: {},
      ...p,
      lotIds: s.lots.filter((l) => l.purchaseId === id).map((l) => l.id),
    };
  return { ...s, purchases };
}

describe("snapshot codec", () => {
  it("decodes what it encodes, from JSON text, also in the spelled-out form of earlier versions", async () => {
    await fc.assert(
      fc.asyncProperty(scriptArb, async (script) => {
        const state = foldEntries("m", await history(script));
        const encoded = toSnapshot(state);
        const text = JSON.stringify(encoded);
        expect(canonicalJson(toSnapshot(fromSnapshot(JSON.parse(text) as MemberSnapshot)))).toBe(
          canonicalJson(encoded),
        );
        expect(
          canonicalJson(toSnapshot(fromSnapshot(JSON.parse(JSON.stringify(spelledOut(encoded))) as MemberSnapshot))),
        ).toBe(canonicalJson(encoded));
        // A purchase never refunded carries no refund fields, and no purchase lists its lots.
        for (const p of Object.values(encoded.purchases)) {
          expect(p.lotIds).toBeUndefined();
          if (p.refunded !== undefined) expect(p.refunded).not.toBe("0");
          for (const field of [p.settled, p.reversed, p.expired])
            if (field !== undefined) expect(Object.keys(field).length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("shares decoded amounts safely: applying entries to one decoded state leaves another decoded from the same text unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(scriptArb, fc.nat(), async (script, cut) => {
        const entries = await history(script);
        const at = 1 + (cut % entries.length);
        const before = foldEntries("m", entries.slice(0, at));
        const text = JSON.stringify(toSnapshot(before));
        const a = fromSnapshot(JSON.parse(text) as MemberSnapshot);
        const b = fromSnapshot(JSON.parse(text) as MemberSnapshot);
        // The records the snapshot leaves to their rows, as the engine reads them (records are values).
        for (const [id, p] of Object.entries(before.purchases)) a.purchases[id] ??= p;
        for (const [id, r] of Object.entries(before.redemptions)) a.redemptions[id] ??= r;
        // The rest of the history folded onto `a` (in place, as a writer that adopts its state does).
        for (const e of entries.slice(at)) applyEntry(a, e);
        expect(canonicalJson(toSnapshot(a))).toBe(canonicalJson(toSnapshot(foldEntries("m", entries))));
        expect(JSON.stringify(toSnapshot(b))).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("snapshot JSON form with ids that are Object.prototype keys", () => {
  it('keeps "__proto__" and "constructor" as own keys, and its JSON text decodes to the same snapshot', async () => {
    const { engine, store } = testEngine(exampleProgram, "2026-03-02T10:00:00Z");
    const ids = ["__proto__", "constructor", "toString"];
    await engine.enroll({ key: "enroll", memberId: "m", attributes: { constructor: "x", toString: 1 } });
    for (const purchaseId of ids)
      await engine.recordPurchase({
        key: `p-${purchaseId}`,
        memberId: "m",
        purchaseId,
        amount: "20.00",
        currency: "GBP",
      });
    const snapshot = (await store.loadMember(P, "m"))!.snapshot;
    // Own keys, one per open purchase; an assignment of "__proto__" would have set the prototype instead.
    expect(Object.keys(snapshot.purchases).sort()).toEqual([...ids].sort());
    // Keyed by ids: prototype-less, so no key can reach Object.prototype (snapshot.ts `byId`).
    expect(Object.getPrototypeOf(snapshot.purchases)).toBeNull();
    expect(Object.hasOwn(snapshot.purchases, "__proto__")).toBe(true);
    const text = JSON.stringify(snapshot);
    expect(text).toContain('"__proto__":{');
    const again = toSnapshot(fromSnapshot(JSON.parse(text) as MemberSnapshot));
    expect(JSON.stringify(again)).toBe(text);
    expect(canonicalJson(toSnapshot(foldEntries("m", await readAllEntries(store, P, "m"))))).toBe(
      canonicalJson(snapshot),
    );
  });
});
