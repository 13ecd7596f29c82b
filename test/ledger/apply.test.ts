/**
 * The fold refuses entries that do not fit the state (src/ledger/apply.ts): one entry per assertion
 * family, each of which must throw LedgerInvariantError. A refused entry never reaches the caller's
 * state: `applyEntries` folds into a copy, so the state it was given is exactly as it was.
 */
import { describe, expect, it } from "vitest";
import {
  applyEntries,
  foldEntries,
  fromSnapshot,
  LedgerInvariantError,
  toSnapshot,
  type MemberSnapshot,
} from "../../src/index.js";
import type { Entry, EntryDraft, LotRecord } from "../../src/ledger/entries.js";
import type { MemberState } from "../../src/ledger/state.js";

const MEMBER = "m";
const T0 = Date.parse("2026-03-02T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

type Body = EntryDraft extends infer D
  ? D extends EntryDraft
    ? Omit<D, "memberId" | "at" | "command" | "id">
    : never
  : never;

type Of<K extends Body["kind"]> = Extract<Body, { kind: K }>;

/** An entry as the writer would number it, for a state whose last seq is `after`. */
function entry(after: number, body: Body, id = `e${after + 1}`): Entry {
  return {
    id,
    memberId: MEMBER,
    seq: after + 1,
    at: iso(T0 + after * 1000),
    command: { key: `k${after + 1}`, type: "adjust" },
    ...body,
  } as Entry;
}

const lot = (wallet = "points", expiresAt: string | null = null): LotRecord => ({
  wallet,
  earnedAt: iso(T0),
  availableAt: iso(T0),
  expiresAt,
});

/** enroll, a purchase that earned 100 points (lot e3), 10 miles (lot e4), and a redemption of 20 points from e3. */
function history(): Entry[] {
  const bodies: Body[] = [
    { kind: "enroll", joinedAt: iso(T0), birthday: null, attributes: {} },
    { kind: "purchase", purchaseId: "p1", amount: "100.00", occurredAt: iso(T0) },
    {
      kind: "earn",
      wallet: "points",
      points: "100",
      ruleId: "base",
      purchaseId: "p1",
      lot: lot(),
      debtRepaid: "0",
      capKeys: {},
    },
    {
      kind: "earn",
      wallet: "miles",
      points: "10",
      ruleId: "base",
      purchaseId: null,
      lot: lot("miles"),
      debtRepaid: "0",
      capKeys: {},
    },
    {
      kind: "redeem",
      redemptionId: "r1",
      rewardId: "tote",
      rewardKind: "product",
      wallet: "points",
      points: "20",
      lots: [{ lotId: "e3", points: "20" }],
      quantity: 1,
      stock: 1,
      limitKeys: { month: "2026-03" },
      grant: { codes: [], value: null, cause: null },
      periodEnd: null,
      reference: null,
    },
  ];
  return bodies.map((b, i) => entry(i, b));
}

const base = (): MemberState => foldEntries(MEMBER, history());

/**
 * A state decoded from an (edited) snapshot of `base()`, with the records the snapshot does not
 * hold (the redemption, retired purchases) put back, as the engine reads them from their rows.
 */
function restoredFrom(snapshot: MemberSnapshot): MemberState {
  const state = fromSnapshot(snapshot);
  const full = base();
  for (const [id, p] of Object.entries(full.purchases)) state.purchases[id] ??= p;
  for (const [id, r] of Object.entries(full.redemptions)) state.redemptions[id] ??= r;
  return state;
}

/** Asserts the fold refuses `body` (numbered after `state`'s last entry), and leaves `state` as it was. */
function expectRefused(state: MemberState, body: Body, message: RegExp, patch: Partial<Entry> = {}) {
  const before = toSnapshot(state);
  const bad = { ...entry(state.lastSeq, body), ...patch } as Entry;
  let thrown: unknown;
  try {
    applyEntries(state, [bad]);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(LedgerInvariantError);
  expect((thrown as Error).message).toMatch(message);
  expect(toSnapshot(state)).toEqual(before);
}

const spend = (points: string, lots: { lotId: string; points: string }[], wallet = "points"): Body => ({
  kind: "spend",
  wallet,
  points,
  lots,
  reference: null,
});

describe("the fold keeps limit counters bounded (countLimit)", () => {
  const TOTE = "reward:tote";
  /** A redemption of `quantity` totes (5 points from lot e3) counted in the periods of `limitKeys`. */
  const redeemIn = (redemptionId: string, limitKeys: Partial<Record<"month" | "year", string>>, quantity = 1) => ({
    ...redeemBody(redemptionId),
    quantity,
    limitKeys,
  });
  const counts = (s: MemberState) =>
    Object.fromEntries(
      Object.entries(s.limits[TOTE] ?? {}).map(([period, byKey]) => [
        period,
        Object.fromEntries(Object.entries(byKey).map(([key, n]) => [key, n.toString()])),
      ]),
    );

  it("keeps the latest LIMIT_KEYS_KEPT keys, and a cancellation whose period was pruned gives nothing back to it", () => {
    const entries = [...history()];
    const add = (body: Body) => entries.push(entry(entries.length, body));
    add(redeemIn("r2", { month: "2026-04", year: "2026" }, 2));
    add(redeemIn("r3", { month: "2026-05", year: "2026" }));
    // r1 counted in 2026-03, now pruned: only the two latest months are kept.
    expect(counts(foldEntries(MEMBER, entries))).toEqual({
      month: { "2026-04": "2", "2026-05": "1" },
      year: { "2026": "3" },
    });
    add(cancelBody({}));
    // Cancelling r1 leaves the kept months as they were and does not bring 2026-03 back.
    expect(counts(foldEntries(MEMBER, entries))).toEqual({
      month: { "2026-04": "2", "2026-05": "1" },
      year: { "2026": "3" },
    });
    add(cancelBody({ redemptionId: "r2", points: "5", lots: [{ lotId: "e3", points: "5" }], stock: 0 }));
    expect(counts(foldEntries(MEMBER, entries))).toEqual({
      month: { "2026-04": "0", "2026-05": "1" },
      year: { "2026": "1" },
    });
  });

  it("never takes a limit counter below zero when a cancellation gives back more than it holds", () => {
    // A counter lower than the redemption it counts (a state restored from an edited snapshot).
    const snapshot = toSnapshot(base());
    snapshot.limits = { [TOTE]: { month: { "2026-03": "0" } } };
    const restored = restoredFrom(snapshot);
    const after = applyEntries(restored, [entry(restored.lastSeq, cancelBody({}))]);
    expect(counts(after)).toEqual({ month: { "2026-03": "0" } });
  });
});

describe("the fold (applyEntry)", () => {
  it("accepts the history the refusals below start from", () => {
    const s = base();
    expect(s.lastSeq).toBe(5);
    expect(s.lots.map((l) => [l.id, l.remaining.toString()])).toEqual([
      ["e3", "80"],
      ["e4", "10"],
    ]);
  });

  describe("refuses an entry that is not the member's next", () => {
    it("of another member", () => {
      expectRefused(base(), spend("1", [{ lotId: "e3", points: "1" }]), /belongs to other, not m/, {
        memberId: "other",
      });
    });
    it("with a seq out of order (a gap, or a repeat)", () => {
      expectRefused(base(), spend("1", [{ lotId: "e3", points: "1" }]), /has seq 8, expected 6/, { seq: 8 });
      expectRefused(base(), spend("1", [{ lotId: "e3", points: "1" }]), /has seq 5, expected 6/, { seq: 5 });
    });
  });

  describe("refuses a draw that does not fit the lots", () => {
    it("from an unknown lot (or one already emptied)", () => {
      expectRefused(base(), spend("1", [{ lotId: "nope", points: "1" }]), /draw from unknown or empty lot nope/);
    });
    it("from a lot of another wallet", () => {
      expectRefused(base(), spend("1", [{ lotId: "e4", points: "1" }]), /draw from lot e4 of another wallet/);
    });
    it("over-drawing a lot", () => {
      expectRefused(base(), spend("81", [{ lotId: "e3", points: "81" }]), /draw of 81 from lot e3 holding 80/);
    });
    it("of zero or negative points", () => {
      expectRefused(base(), spend("0", [{ lotId: "e3", points: "0" }]), /draw of 0 from lot e3/);
      expectRefused(base(), spend("-5", [{ lotId: "e3", points: "-5" }]), /draw of -5 from lot e3/);
    });
    it("whose draws do not add up to the entry's points (spend, expire, adjust, redeem, transfer)", () => {
      const s = base();
      expectRefused(s, spend("6", [{ lotId: "e3", points: "5" }]), /spend e6: lots add up to 5, not 6/);
      expectRefused(
        s,
        { kind: "expire", wallet: "points", points: "6", lots: [{ lotId: "e3", points: "5" }] },
        /expire e6: lots add up to 5, not 6/,
      );
      expectRefused(
        s,
        {
          kind: "adjust",
          wallet: "points",
          points: "-6",
          reason: "x",
          reference: null,
          lot: null,
          debtRepaid: "0",
          lots: [{ lotId: "e3", points: "5" }],
        },
        /adjust e6: lots add up to 5, not 6/,
      );
      expectRefused(
        s,
        { ...redeemBody("r2"), points: "6", lots: [{ lotId: "e3", points: "5" }] },
        /redeem e6: lots add up to 5, not 6/,
      );
      expectRefused(s, transferOut("6", [{ lotId: "e3", points: "5" }]), /transfer e6: lots add up to 5, not 6/);
    });
  });

  describe("refuses a credit whose figures are out of range", () => {
    it("repaying debt the wallet does not owe (earn, adjust, transfer in)", () => {
      const s = base();
      expectRefused(s, earnBody({ debtRepaid: "1" }), /earn e6: debt repaid out of range/);
      expectRefused(s, earnBody({ debtRepaid: "-1" }), /earn e6: debt repaid out of range/);
      expectRefused(s, adjustCredit({ debtRepaid: "1" }), /adjust e6: debt repaid out of range/);
      expectRefused(s, transferIn({ debtRepaid: "1" }), /transfer e6: debt repaid out of range/);
    });
    it("repaying more than the credit itself", () => {
      const s = indebted(50);
      expectRefused(s, earnBody({ points: "10", debtRepaid: "11" }), /earn e7: debt repaid out of range/);
    });
    it("a negative earn (its lot would start below zero)", () => {
      // Caught by the debt check (0 repaid is more than -5 points) before the lot's own bound.
      expectRefused(base(), earnBody({ points: "-5" }), /earn e6: debt repaid out of range/);
    });
    it("a credit with no lot (adjust, transfer in)", () => {
      const s = base();
      expectRefused(s, adjustCredit({ lot: null }), /adjust e6: a credit needs a lot/);
      expectRefused(s, transferIn({ lot: null }), /transfer e6: a credit needs a lot/);
      expectRefused(s, transferIn({ lot: lot("miles") }), /transfer e6: a credit needs a lot/);
      expectRefused(s, transferIn({ points: "0" }), /transfer e6: a credit needs a lot/);
    });
  });

  describe("refuses an entry naming a record it does not fit", () => {
    it("a purchase recorded twice", () => {
      expectRefused(
        base(),
        { kind: "purchase", purchaseId: "p1", amount: "1", occurredAt: iso(T0) },
        /purchase p1 recorded twice/,
      );
    });
    it("an unknown purchase (earn, refund, reverse)", () => {
      const s = base();
      expectRefused(s, earnBody({ purchaseId: "p9" }), /earn e6 names unknown purchase p9/);
      expectRefused(s, { kind: "refund", purchaseId: "p9", amount: "1" }, /refund e6 names unknown purchase p9/);
      expectRefused(s, reverseBody({ purchaseId: "p9" }), /reverse e6 names unknown purchase p9/);
    });
    it("refunds beyond the purchase's amount", () => {
      expectRefused(base(), { kind: "refund", purchaseId: "p1", amount: "100.01" }, /refunds exceed purchase p1/);
    });
    it("a reversal whose lots plus debt are not its points", () => {
      expectRefused(base(), reverseBody({ points: "6", debt: "0" }), /lots plus debt add up to 5, not 6/);
    });
    it("a reversal of more than the purchase earned", () => {
      expectRefused(
        base(),
        reverseBody({ points: "5", forgiven: "96" }),
        /reverse e6: reverses more than purchase p1 earned/,
      );
    });
    it("a reversal of points of the purchase that expired", () => {
      const s = foldEntries(MEMBER, [
        ...history(),
        entry(5, { kind: "expire", wallet: "points", points: "80", lots: [{ lotId: "e3", points: "80" }] }),
      ]);
      expectRefused(
        s,
        { ...reverseBody({ points: "21", debt: "21" }), lots: [] },
        /reverse e7: takes back points of purchase p1 that expired/,
      );
    });
    it("a redemption recorded twice, or with a quantity or stock out of range", () => {
      const s = base();
      expectRefused(s, redeemBody("r1"), /redemption r1 recorded twice/);
      expectRefused(s, { ...redeemBody("r2"), quantity: 0 }, /redeem e6: quantity or stock out of range/);
      expectRefused(s, { ...redeemBody("r2"), quantity: 1.5 }, /redeem e6: quantity or stock out of range/);
      expectRefused(s, { ...redeemBody("r2"), stock: -1 }, /redeem e6: quantity or stock out of range/);
    });
  });

  describe("refuses a cancellation that does not undo its redemption", () => {
    it("of no open redemption (unknown, or cancelled already)", () => {
      expectRefused(base(), cancelBody({ redemptionId: "r9" }), /cancel e6: no open redemption r9/);
      const cancelled = foldEntries(MEMBER, [...history(), entry(5, cancelBody({}))]);
      expectRefused(cancelled, cancelBody({}), /cancel e7: no open redemption r1/);
    });
    it("that does not match the redemption (wallet, reward, stock)", () => {
      const s = base();
      expectRefused(s, cancelBody({ wallet: "miles" }), /cancel e6: does not match redemption r1/);
      expectRefused(s, cancelBody({ rewardId: "mug" }), /cancel e6: does not match redemption r1/);
      expectRefused(s, cancelBody({ stock: 0 }), /cancel e6: does not match redemption r1/);
    });
    it("with figures out of range (negative, or repaying debt not owed)", () => {
      const s = base();
      expectRefused(s, cancelBody({ forfeited: "-1" }), /cancel e6: figures out of range/);
      expectRefused(s, cancelBody({ debtRepaid: "1" }), /cancel e6: figures out of range/);
    });
    it("restoring to a lot more than the redemption drew from it", () => {
      const s = base();
      expectRefused(
        s,
        cancelBody({ lots: [{ lotId: "e3", points: "21" }] }),
        /cancel e6: restores 21 to lot e3, which the redemption did not draw so much from/,
      );
      expectRefused(
        s,
        cancelBody({ lots: [{ lotId: "e4", points: "1" }] }),
        /restores 1 to lot e4, which the redemption did not draw/,
      );
    });
    it("filling a lot past its amount", () => {
      // A corrupt snapshot gave the lot one point back already: restoring all 20 would overfill it.
      const snapshot = toSnapshot(base());
      snapshot.lots = snapshot.lots.map((l) => (l.id === "e3" ? { ...l, remaining: "81" } : l));
      const s = restoredFrom(snapshot);
      expectRefused(s, cancelBody({}), /cancel e6: lot e3 would hold more than its amount/);
    });
    it("returning a different number of points than the redemption took", () => {
      const s = base();
      expectRefused(
        s,
        cancelBody({ lots: [{ lotId: "e3", points: "19" }] }),
        /cancel e6: returns 20, redemption r1 took 20/,
      );
      expectRefused(s, cancelBody({ points: "21", forfeited: "1" }), /cancel e6: returns 21, redemption r1 took 20/);
    });
    it("regranting points with no lot for them", () => {
      expectRefused(base(), cancelBody({ lots: [], regranted: "20" }), /cancel e6: regranted points need a lot/);
    });
  });

  describe("refuses a member dealing with itself, or twice referred", () => {
    it("a transfer to the member itself", () => {
      expectRefused(
        base(),
        { ...transferOut("1", [{ lotId: "e3", points: "1" }]), counterpartyId: MEMBER },
        /transfer e6: to the member itself/,
      );
    });
    it("a referral of the member by itself", () => {
      expectRefused(base(), referral("referred", MEMBER), /referral e6: the member refers itself/);
    });
    it("a second referrer", () => {
      const s = foldEntries(MEMBER, [...history(), entry(5, referral("referred", "a"))]);
      expectRefused(s, referral("referred", "b"), /referral e7: member already referred by a/);
    });
  });

  describe("refuses a tier entry that does not follow the member's tier", () => {
    const tier = (from: string | null, to: string, id = to): Body => ({
      kind: "tier",
      from,
      to,
      reason: "promotion",
      tier: {
        id,
        since: iso(T0),
        guaranteedUntil: null,
        graceUntil: null,
        floor: null,
        reviewedAt: null,
        basis: "promotion",
      },
      resetMetrics: false,
      note: null,
    });
    it("from a tier the member does not hold", () => {
      expectRefused(base(), tier("silver", "gold"), /tier e6: from silver, but the member holds no tier/);
      const s = foldEntries(MEMBER, [...history(), entry(5, tier(null, "silver"))]);
      expectRefused(s, tier("bronze", "gold"), /tier e7: from bronze, but the member holds silver/);
    });
    it("whose record names another tier", () => {
      expectRefused(base(), tier(null, "gold", "silver"), /tier e6: record names silver, not gold/);
    });
  });
});

// ---- Bodies ---------------------------------------------------------------------------------

function earnBody(over: Partial<{ points: string; debtRepaid: string; purchaseId: string | null }>): Of<"earn"> {
  return {
    kind: "earn",
    wallet: "points",
    points: "5",
    ruleId: "base",
    purchaseId: null,
    lot: lot(),
    debtRepaid: "0",
    capKeys: {},
    ...over,
  };
}

function adjustCredit(over: Partial<{ debtRepaid: string; lot: LotRecord | null }>): Of<"adjust"> {
  return {
    kind: "adjust",
    wallet: "points",
    points: "5",
    reason: "goodwill",
    reference: null,
    lot: lot(),
    debtRepaid: "0",
    lots: [],
    ...over,
  };
}

function transferOut(points: string, lots: { lotId: string; points: string }[]): Of<"transfer"> {
  return {
    kind: "transfer",
    direction: "out",
    transferId: "t1",
    counterpartyId: "friend",
    wallet: "points",
    points,
    lots,
    lot: null,
    debtRepaid: "0",
    limitKeys: {},
    reference: null,
  };
}

function transferIn(over: Partial<{ debtRepaid: string; lot: LotRecord | null; points: string }>): Of<"transfer"> {
  return {
    kind: "transfer",
    direction: "in",
    transferId: "t1",
    counterpartyId: "friend",
    wallet: "points",
    points: "5",
    lots: [],
    lot: lot(),
    debtRepaid: "0",
    limitKeys: {},
    reference: null,
    ...over,
  };
}

function reverseBody(
  over: Partial<{ points: string; debt: string; forgiven: string; purchaseId: string | null }>,
): Of<"reverse"> {
  return {
    kind: "reverse",
    wallet: "points",
    points: "5",
    lots: [{ lotId: "e3", points: "5" }],
    debt: "0",
    forgiven: "0",
    purchaseId: "p1",
    ...over,
  };
}

function redeemBody(redemptionId: string): Of<"redeem"> {
  return {
    kind: "redeem",
    redemptionId,
    rewardId: "tote",
    rewardKind: "product",
    wallet: "points",
    points: "5",
    lots: [{ lotId: "e3", points: "5" }],
    quantity: 1,
    stock: 0,
    limitKeys: {},
    grant: { codes: [], value: null, cause: null },
    periodEnd: null,
    reference: null,
  };
}

function cancelBody(
  over: Partial<{
    redemptionId: string;
    wallet: string;
    rewardId: string;
    stock: number;
    points: string;
    lots: { lotId: string; points: string }[];
    regranted: string;
    forfeited: string;
    debtRepaid: string;
  }>,
): Of<"cancel"> {
  return {
    kind: "cancel",
    redemptionId: "r1",
    rewardId: "tote",
    wallet: "points",
    points: "20",
    lots: [{ lotId: "e3", points: "20" }],
    lot: null,
    regranted: "0",
    forfeited: "0",
    debtRepaid: "0",
    stock: 1,
    reason: null,
    ...over,
  };
}

function referral(role: "referrer" | "referred", counterpartyId: string): Of<"referral"> {
  return { kind: "referral", role, counterpartyId, occurredAt: iso(T0), limitKeys: {} };
}

/** The base history plus a receipt-less reversal that left `debt` points owed. */
function indebted(debt: number): MemberState {
  return foldEntries(MEMBER, [
    ...history(),
    entry(5, {
      kind: "reverse",
      wallet: "points",
      points: String(debt),
      lots: [],
      debt: String(debt),
      forgiven: "0",
      purchaseId: null,
    }),
  ]);
}
