/**
 * Who owns member state (src/ledger/writer.ts): a writer made by `copying` never changes the
 * caller's object, one made by `adopting` works on the state it was given, and lots are values, so
 * a lot a decision read before an append is as it was after.
 */
import { describe, expect, it } from "vitest";
import { fromSnapshot, toSnapshot } from "../../src/index.js";
import { LedgerWriter, type WriterContext } from "../../src/ledger/writer.js";

const T0 = Date.parse("2026-03-02T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

function context(): WriterContext {
  let n = 0;
  return { now: T0, newId: () => `e${++n}`, command: { key: "k", type: "adjust" } };
}

/** A member with one lot of 100 points (lot e2). */
function member() {
  const w = LedgerWriter.forNewMember("m", context());
  w.append({ kind: "enroll", joinedAt: iso(T0), birthday: null, attributes: {} });
  w.append({
    kind: "adjust",
    wallet: "points",
    points: "100",
    reason: "welcome",
    reference: null,
    lot: { wallet: "points", earnedAt: iso(T0), availableAt: iso(T0), expiresAt: null },
    debtRepaid: "0",
    lots: [],
  });
  return w;
}

const spend = (points: string) =>
  ({ kind: "spend", wallet: "points", points, lots: [{ lotId: "e2", points }], reference: null }) as const;

describe("LedgerWriter", () => {
  it("copying: the caller's state is never changed", () => {
    const mine = member().state;
    const before = toSnapshot(mine);
    const w = LedgerWriter.copying(mine, context());
    w.append(spend("30"));
    expect(toSnapshot(mine)).toEqual(before);
    expect(w.state.lots[0]!.remaining.toString()).toBe("70");
    expect(w.entries.map((e) => e.seq)).toEqual([3]);
  });

  it("adopting: the writer takes over a state decoded for it alone (no copy)", () => {
    const decoded = fromSnapshot(toSnapshot(member().state));
    const w = LedgerWriter.adopting(decoded, context());
    w.append(spend("30"));
    expect(w.state).toBe(decoded);
    expect(decoded.lastSeq).toBe(3);
  });

  it("lots are values: a lot read before an append keeps its figures", () => {
    const w = member();
    const lot = w.state.lots[0]!;
    const lots = w.state.lots;
    w.append(spend("30"));
    expect(lot.remaining.toString()).toBe("100");
    expect(lots).toHaveLength(1);
    expect(w.state.lots[0]!.remaining.toString()).toBe("70");
    w.append(spend("70"));
    expect(w.state.lots).toHaveLength(0);
    expect(lots[0]!.remaining.toString()).toBe("100");
  });

  it("shows decisions a read-only state (checked by the compiler, never run)", () => {
    const w = member();
    const decisionThatMutates = () => {
      // @ts-expect-error: a decision cannot change the state; only the fold does.
      w.state.wallets["points"]!.debt = w.state.wallets["points"]!.earned;
      // @ts-expect-error: nor the lots array...
      w.state.lots.push(w.state.lots[0]!);
      // @ts-expect-error: ...nor a lot.
      w.state.lots[0]!.remaining = w.state.lots[0]!.amount;
      // @ts-expect-error: nor a record a later entry changes.
      w.state.purchases["p"]!.refunded = w.state.lots[0]!.amount;
    };
    expect(typeof decisionThatMutates).toBe("function");
  });
});
