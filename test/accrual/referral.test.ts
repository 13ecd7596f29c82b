/**
 * Referrals through the engine facade on the in-memory store: a referral awards both members by
 * ordinary event rules ("referral" for the referrer, "referred" for the new member) in one commit,
 * within the program's limits and window; every refusal leaves both members (and the key) exactly
 * as they were.
 */
import { describe, expect, it } from "vitest";
import type { LoyaltyError, ProgramDefinition } from "../../src/index.js";
import { plainProgram } from "../../src/testing/index.js";
import { T0, enrollAll, refusedCleanly, setup } from "../support/two-members.js";

const DAY = 86_400_000;

const base = plainProgram.rules[0]!;

const referralRules = [
  base,
  {
    id: "referrer-bonus",
    on: "referral",
    awards: [{ kind: "fixed", points: "50", wallet: "points" }],
    caps: { perMember: [{ period: "month", points: "100" }] },
  },
  {
    id: "vip-referral",
    on: "referral",
    when: { field: "attributes.referredId", op: "eq", value: "vip" },
    awards: [{ kind: "fixed", points: "200", wallet: "points" }],
  },
  {
    id: "spring-campaign",
    on: "referral",
    when: { field: "attributes.campaign", op: "eq", value: "spring" },
    awards: [{ kind: "fixed", points: "5", wallet: "points" }],
  },
  { id: "welcome", on: "referred", awards: [{ kind: "fixed", points: "25", wallet: "points" }] },
  {
    id: "welcome-from-m1",
    on: "referred",
    when: { field: "attributes.referrerId", op: "eq", value: "m1" },
    awards: [{ kind: "fixed", points: "1", wallet: "points" }],
  },
] satisfies ProgramDefinition["rules"];

const referralProgram = {
  ...plainProgram,
  id: "referrals",
  rules: referralRules,
  referrals: { limits: [{ period: "month", count: 3 }], withinDays: 30 },
} satisfies ProgramDefinition;

describe("referrals", () => {
  async function referrals(def: ProgramDefinition = referralProgram, members = ["m1", "m2", "m3", "m4", "m5", "vip"]) {
    const h = setup(def);
    await enrollAll(h.engine, members);
    h.t.advance(DAY);
    return h;
  }
  const awards = (r: { awards: readonly { ruleId: string; points: string }[] }) =>
    r.awards.map((a) => [a.ruleId, a.points]);

  it('awards both members by the event rules on "referral" and "referred", which see referredId, referrerId and the command\'s attributes', async () => {
    const h = await referrals();
    const r = await h.engine.refer({
      key: "ref-1",
      referrerId: "m1",
      referredId: "m2",
      attributes: { campaign: "spring" },
    });
    expect(r).toMatchObject({ referrerId: "m1", referredId: "m2", replayed: false });
    expect(awards(r.referrer)).toEqual([
      ["referrer-bonus", "50"],
      ["spring-campaign", "5"],
    ]);
    expect(awards(r.referred)).toEqual([
      ["welcome", "25"],
      ["welcome-from-m1", "1"],
    ]);
    expect(r.referrer.totals).toEqual({ points: "55" });

    const v = await h.engine.refer({ key: "ref-2", referrerId: "m3", referredId: "vip" });
    expect(awards(v.referrer)).toEqual([
      ["referrer-bonus", "50"],
      ["vip-referral", "200"],
    ]);
    expect(awards(v.referred)).toEqual([["welcome", "25"]]);

    expect((await h.engine.summary("m1")).wallets.points!.available).toBe("55");
    expect((await h.engine.summary("m2")).wallets.points!.available).toBe("26");
    expect((await h.engine.summary("m3")).wallets.points!.available).toBe("250");

    // The statements: a referral entry and the event of its type on each side, then the awards.
    const m1 = (await h.engine.statement("m1", { limit: 1000 })).entries.filter((e) => e.command.key === "ref-1");
    const m2 = (await h.engine.statement("m2", { limit: 1000 })).entries.filter((e) => e.command.key === "ref-1");
    expect(m1.map((e) => e.kind)).toEqual(["referral", "event", "earn", "earn"]);
    expect(m1[0]).toMatchObject({ role: "referrer", counterpartyId: "m2" });
    expect(m1[1]).toMatchObject({ type: "referral" });
    expect(m2.map((e) => e.kind)).toEqual(["referral", "event", "earn", "earn"]);
    expect(m2[0]).toMatchObject({ role: "referred", counterpartyId: "m1" });
    expect(m2[1]).toMatchObject({ type: "referred" });
    expect(r.entries.map((e) => e.memberId)).toEqual(["m1", "m1", "m1", "m1", "m2", "m2", "m2", "m2"]);
    expect(await h.violations(["m1", "m2", "m3", "vip"])).toEqual([]);
  });

  it("uses the program's custom referrerEvent and referredEvent names", async () => {
    const def = {
      ...plainProgram,
      id: "referrals-custom",
      rules: [
        base,
        {
          id: "ambassador",
          on: "ambassador",
          when: { field: "attributes.referredId", op: "eq", value: "m2" },
          awards: [{ kind: "fixed", points: "70", wallet: "points" }],
        },
        {
          id: "welcomed",
          on: "welcomed",
          when: { field: "attributes.referrerId", op: "eq", value: "m1" },
          awards: [{ kind: "fixed", points: "30", wallet: "points" }],
        },
        // Rules on the default names no longer fire.
        { id: "old-referral", on: "referral", awards: [{ kind: "fixed", points: "1", wallet: "points" }] },
        { id: "old-referred", on: "referred", awards: [{ kind: "fixed", points: "1", wallet: "points" }] },
      ],
      referrals: { referrerEvent: "ambassador", referredEvent: "welcomed" },
    } satisfies ProgramDefinition;
    const h = await referrals(def, ["m1", "m2"]);
    const r = await h.engine.refer({ key: "ref", referrerId: "m1", referredId: "m2" });
    expect(awards(r.referrer)).toEqual([["ambassador", "70"]]);
    expect(awards(r.referred)).toEqual([["welcomed", "30"]]);
    const events = r.entries.filter((e) => e.kind === "event").map((e) => [e.memberId, (e as { type: string }).type]);
    expect(events).toEqual([
      ["m1", "ambassador"],
      ["m2", "welcomed"],
    ]);
  });

  it("refuses a self-referral with SELF_REFERRAL, writing nothing", async () => {
    const h = await referrals();
    await refusedCleanly(
      h,
      ["m1"],
      "ref",
      () => h.engine.refer({ key: "ref", referrerId: "m1", referredId: "m1" }),
      "SELF_REFERRAL",
      ["referredId"],
    );
  });

  it("refuses a referral back to one's own referrer (SELF_REFERRAL) and one dated before the referred member joined (INVALID_COMMAND), writing nothing", async () => {
    const h = await referrals();
    await h.engine.refer({ key: "ref-1", referrerId: "m1", referredId: "m2" });
    await refusedCleanly(
      h,
      ["m2", "m1"],
      "ref-back",
      () => h.engine.refer({ key: "ref-back", referrerId: "m2", referredId: "m1" }),
      "SELF_REFERRAL",
      ["referredId"],
    );
    await refusedCleanly(
      h,
      ["m3", "m4"],
      "ref-early",
      () => h.engine.refer({ key: "ref-early", referrerId: "m3", referredId: "m4", occurredAt: new Date(T0 - DAY) }),
      "INVALID_COMMAND",
      ["occurredAt"],
    );
  });

  it("refuses a member referred twice, by the same or another referrer, with ALREADY_REFERRED", async () => {
    const h = await referrals();
    await h.engine.refer({ key: "ref-1", referrerId: "m1", referredId: "m2" });
    const e = await refusedCleanly(
      h,
      ["m1", "m2"],
      "ref-2",
      () => h.engine.refer({ key: "ref-2", referrerId: "m1", referredId: "m2" }),
      "ALREADY_REFERRED",
    );
    expect(e.details).toMatchObject({ memberId: "m2", referredBy: "m1" });
    await refusedCleanly(
      h,
      ["m3", "m2"],
      "ref-3",
      () => h.engine.refer({ key: "ref-3", referrerId: "m3", referredId: "m2" }),
      "ALREADY_REFERRED",
    );
    expect((await h.engine.summary("m2")).referredBy).toBe("m1");
    expect((await h.engine.summary("m1")).referredBy).toBeNull();
  });

  it("of two referrals of one member at once, exactly one lands", async () => {
    const h = await referrals();
    const outcomes = await Promise.all(
      ["m1", "m3", "m4"].map((by) =>
        h.engine.refer({ key: `ref-${by}`, referrerId: by, referredId: "m2" }).then(
          () => "ok",
          (e: LoyaltyError) => e.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "ok").every((o) => o === "ALREADY_REFERRED")).toBe(true);
    const by = ["m1", "m3", "m4"][outcomes.indexOf("ok")];
    expect((await h.engine.summary("m2")).referredBy).toBe(by);
    expect((await h.engine.summary("m2")).wallets.points!.available).toBe(by === "m1" ? "26" : "25");
    expect(await h.violations(["m1", "m2", "m3", "m4"])).toEqual([]);
  });

  it("refuses with REFERRAL_EXPIRED once withinDays local days have passed since the referred member joined", async () => {
    const h = setup(referralProgram);
    await enrollAll(h.engine, ["m1", "m2", "m3"]);
    // Joined 2 March 10:00 GMT; 30 local days later is 1 April 10:00 BST (09:00Z), across the clocks going forward.
    const deadline = Date.parse("2026-04-01T09:00:00Z");
    h.t.set(deadline + 1);
    const e = await refusedCleanly(
      h,
      ["m1", "m2"],
      "ref",
      () => h.engine.refer({ key: "ref", referrerId: "m1", referredId: "m2" }),
      "REFERRAL_EXPIRED",
    );
    expect(e.details).toMatchObject({ memberId: "m2" });
    h.t.set(deadline);
    await h.engine.refer({ key: "ref", referrerId: "m1", referredId: "m2" });
    expect((await h.engine.summary("m2")).referredBy).toBe("m1");
  });

  it("counts referrals.limits per referrer per local month, refusing with LIMIT_REACHED", async () => {
    const h = await referrals(referralProgram, ["m1", "m2", "m3", "m4", "m5", "m6", "m9"]);
    for (const m of ["m2", "m3", "m4"]) await h.engine.refer({ key: `ref-${m}`, referrerId: "m1", referredId: m });
    const e = await refusedCleanly(
      h,
      ["m1", "m5"],
      "ref-m5",
      () => h.engine.refer({ key: "ref-m5", referrerId: "m1", referredId: "m5" }),
      "LIMIT_REACHED",
    );
    expect(e.details).toMatchObject({ memberId: "m1", period: "month", count: 3 });
    // Another referrer is not bound by m1's count.
    await h.engine.refer({ key: "ref-m5", referrerId: "m9", referredId: "m5" });
    // 1 April 00:30 BST is 31 March 23:30Z: already April in London.
    h.t.set(Date.parse("2026-03-31T23:30:00Z"));
    await h.engine.refer({ key: "ref-m6", referrerId: "m1", referredId: "m6" });
  });

  it("caps the points per referrer by the rule's caps.perMember", async () => {
    const h = await referrals(referralProgram, ["m2", "m3", "m4", "m8", "m9", "m10"]);
    const r2 = await h.engine.refer({ key: "r2", referrerId: "m8", referredId: "m2" });
    const r3 = await h.engine.refer({ key: "r3", referrerId: "m8", referredId: "m3" });
    const r4 = await h.engine.refer({ key: "r4", referrerId: "m8", referredId: "m4" });
    expect([r2, r3, r4].map((r) => r.referrer.totals.points ?? "0")).toEqual(["50", "50", "0"]);
    // The referred member's welcome is not capped by the referrer's cap; another referrer has their own.
    expect(r4.referred.totals).toEqual({ points: "25" });
    const r10 = await h.engine.refer({ key: "r10", referrerId: "m9", referredId: "m10" });
    expect(r10.referrer.totals).toEqual({ points: "50" });
    expect((await h.engine.summary("m8")).wallets.points!.available).toBe("100");
    // A new month, a new cap.
    h.t.set(Date.parse("2026-04-01T09:00:00Z"));
    await h.engine.enroll({ key: "enroll-m11", memberId: "m11" });
    expect((await h.engine.refer({ key: "r11", referrerId: "m8", referredId: "m11" })).referrer.totals).toEqual({
      points: "50",
    });
  });

  it('counts the referrals in tier metrics (events of type "referral")', async () => {
    const def = {
      ...referralProgram,
      id: "referrals-tiers",
      tiers: {
        levels: [
          { id: "member" },
          { id: "ambassador", qualify: { thresholds: [{ metric: "events", type: "referral", min: 2 }] } },
        ],
        window: { kind: "lifetime" },
        promotion: "immediate",
        review: { schedule: { kind: "periodEnd", period: "year" }, demotion: "recompute" },
        refunds: "atReview",
      },
    } satisfies ProgramDefinition;
    const h = await referrals(def, ["m1", "m2", "m3"]);
    await h.engine.refer({ key: "r2", referrerId: "m1", referredId: "m2" });
    let s = await h.engine.summary("m1");
    expect(s.tier).toMatchObject({ id: "member", metrics: { "events:referral": "1" } });
    const r3 = await h.engine.refer({ key: "r3", referrerId: "m1", referredId: "m3" });
    expect(r3.entries.some((e) => e.kind === "tier" && e.memberId === "m1" && e.to === "ambassador")).toBe(true);
    s = await h.engine.summary("m1");
    expect(s.tier).toMatchObject({ id: "ambassador", metrics: { "events:referral": "2" } });
    // Being referred is another event type: it does not count.
    expect((await h.engine.summary("m2")).tier).toMatchObject({ id: "member", metrics: { "events:referral": "0" } });
    expect(await h.violations(["m1", "m2", "m3"])).toEqual([]);
  });

  it("replays a retry with the same key and payload, writing nothing; another payload under the key conflicts", async () => {
    const h = await referrals();
    const command = { key: "ref", referrerId: "m1", referredId: "m2", attributes: { campaign: "spring" } };
    const first = await h.engine.refer(command);
    const before = await h.fingerprint(["m1", "m2", "m3"], ["ref"]);
    h.t.advance(DAY);
    const again = await h.engine.refer({ ...command, attributes: { campaign: "spring" } });
    expect(again.replayed).toBe(true);
    expect({ ...again, replayed: false }).toEqual(first);
    expect(await h.fingerprint(["m1", "m2", "m3"], ["ref"])).toBe(before);
    await refusedCleanly(
      h,
      ["m1", "m2", "m3"],
      "ref",
      () => h.engine.refer({ ...command, referredId: "m3" }),
      "IDEMPOTENCY_CONFLICT",
      ["key"],
    );
    await refusedCleanly(
      h,
      ["m1", "m2", "m3"],
      "ref",
      () => h.engine.refer({ ...command, attributes: { campaign: "autumn" } }),
      "IDEMPOTENCY_CONFLICT",
      ["key"],
    );
  });

  it("refuses unknown members with MEMBER_NOT_FOUND, and commands the program refuses, writing nothing on anyone", async () => {
    const h = await referrals();
    await refusedCleanly(
      h,
      ["m1", "ghost"],
      "ref",
      () => h.engine.refer({ key: "ref", referrerId: "m1", referredId: "ghost" }),
      "MEMBER_NOT_FOUND",
    );
    await refusedCleanly(
      h,
      ["m1", "ghost"],
      "ref",
      () => h.engine.refer({ key: "ref", referrerId: "ghost", referredId: "m1" }),
      "MEMBER_NOT_FOUND",
    );
    await refusedCleanly(
      h,
      ["m1", "m2"],
      "ref",
      () =>
        h.engine.refer({
          key: "ref",
          referrerId: "m1",
          referredId: "m2",
          occurredAt: new Date(h.t.now() + DAY).toISOString(),
        }),
      "INVALID_COMMAND",
      ["occurredAt"],
    );
    expect(await h.store.loadMember(h.pid, "ghost")).toBeNull();
  });
});
