/**
 * The program as data: compileProgram accepts the example, reports every problem of an invalid
 * program with its path, freezes what it returns, orders rules by priority, and a definition that
 * went through JSON behaves exactly as the original.
 */
import { describe, expect, it } from "vitest";
import {
  type ProgramInput,
  compileProgram,
  createLoyaltyEngine,
  createMemoryStore,
  isLoyaltyError,
  type LoyaltyError,
  type ProgramDefinition,
} from "../../src/index.js";
import { exampleProgram } from "../../examples/program.js";

type Issue = { path: readonly (string | number)[]; message: string };

/** Compiles and returns the INVALID_PROGRAM error (fails the test if it compiles). */
function problemsOf(input: unknown): LoyaltyError {
  try {
    compileProgram(input);
  } catch (error) {
    if (isLoyaltyError(error, "INVALID_PROGRAM")) return error;
    throw error;
  }
  throw new Error("expected compileProgram to throw INVALID_PROGRAM");
}

const paths = (issues: readonly Issue[]) => issues.map((i) => JSON.stringify(i.path)).sort();
const p = (...path: (string | number)[]) => JSON.stringify(path);

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A small valid program the tests below break in one place or many. */
function baseDef(): any {
  return {
    id: "p",
    version: 1,
    currency: "GBP",
    timeZone: "Europe/London",
    points: { scale: 0, rounding: "down" },
    wallets: [
      { id: "points", kind: "spendable" },
      { id: "status", kind: "qualifying" },
    ],
    refunds: { negativeBalance: "within_balance" },
    rules: [
      { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
      {
        id: "weekend",
        on: "purchase",
        when: { dayOfWeek: ["sat"] },
        awards: [{ kind: "multiplier", factor: "2", wallet: "points", rules: ["base"] }],
      },
    ],
  };
}

describe("compileProgram: valid programs", () => {
  it("accepts the example program", () => {
    const program = compileProgram(exampleProgram);
    expect(program.id).toBe("uk-retail");
    expect(program.version).toBe(1);
    expect(program.currency).toBe("GBP");
    expect(program.currencyPlaces).toBe(2);
    expect(program.timeZone).toBe("Europe/London");
    expect(program.scale).toBe(0);
    expect(program.rounding).toBe("down");
    expect(program.pendingDays).toBe(14);
    expect(program.negativeBalance).toBe("within_balance");
    expect([...program.wallets.keys()]).toEqual(["points", "status"]);
    expect(program.wallets.get("points")!.expiry).toEqual({ kind: "term", after: { months: 12 } });
    expect(program.wallets.get("status")!.expiry).toEqual({ kind: "none" });
    expect(program.baseRule?.id).toBe("base");
    expect([...program.rules.keys()].sort()).toEqual([
      "base",
      "big-basket",
      "birthday-month",
      "referred",
      "referrer",
      "review",
      "signup",
      "weekend-double",
    ]);
    expect(program.rulesByTrigger.get("purchase")!.map((r) => r.id)).toEqual([
      "base",
      "weekend-double",
      "big-basket",
      "birthday-month",
    ]);
    expect(program.rulesByTrigger.get("signup")!.map((r) => r.id)).toEqual(["signup"]);
    expect(program.rulesByTrigger.get("review")!.map((r) => r.id)).toEqual(["review"]);
  });

  it("accepts the minimal program and a program with no rules", () => {
    expect(() => compileProgram(baseDef())).not.toThrow();
    expect(() => compileProgram({ ...baseDef(), rules: [] })).not.toThrow();
  });

  it("accepts active windows given as Date objects and as ISO strings with offsets", () => {
    const def = baseDef();
    def.rules[0].active = { from: new Date("2026-01-01T00:00:00Z"), until: "2026-02-01T00:00:00+01:00" };
    const program = compileProgram(def);
    expect(program.rules.get("base")!.activeFrom).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(program.rules.get("base")!.activeUntil).toBe(Date.parse("2026-01-31T23:00:00Z"));
  });
});

describe("compileProgram: invalid programs list every problem with its path", () => {
  it("rejects what is not a program at all", () => {
    for (const input of [null, undefined, 42, "program", []]) {
      const error = problemsOf(input);
      expect(error.code).toBe("INVALID_PROGRAM");
      expect(error.issues.length).toBeGreaterThan(0);
    }
  });

  it("reports every schema problem at once: bad time zone, bad currency, unknown field, bad condition deep in a tree", () => {
    const def = baseDef();
    def.timeZone = "Mars/Olympus_Mons";
    def.currency = "XXY";
    def.colour = "red";
    def.rules[1].when = { all: [{ field: "amount", op: "bigger", value: "10" }, { not: { dayOfWeek: ["someday"] } }] };
    def.rules[0].awards[0].bonus = true;
    const error = problemsOf(def);
    expect(paths(error.issues)).toEqual(
      [
        p("timeZone"),
        p("currency"),
        p("colour"),
        p("rules", 1, "when", "all", 0, "op"),
        p("rules", 1, "when", "all", 1, "not", "dayOfWeek"),
        p("rules", 0, "awards", 0, "bonus"),
      ].sort(),
    );
    expect(error.message).toContain("6 problems");
    const byPath = new Map(error.issues.map((i) => [JSON.stringify(i.path), i.message]));
    expect(byPath.get(p("timeZone"))).toMatch(/time zone/i);
    expect(byPath.get(p("currency"))).toMatch(/currency/i);
    expect(byPath.get(p("colour"))).toMatch(/Unknown field "colour"/);
    expect(byPath.get(p("rules", 1, "when", "all", 0, "op"))).toMatch(/gte/);
  });

  it("reports every cross-reference problem at once: unknown wallet, duplicate rule id, multiplier order and unknown rule, missing qualifying wallet, reversed window", () => {
    const def = baseDef();
    def.wallets = [{ id: "points", kind: "spendable" }];
    def.rules = [
      {
        id: "base",
        on: "purchase",
        awards: [
          { kind: "rate", points: "1", per: "1", wallet: "points" },
          { kind: "rate", points: "1", per: "1", wallet: "status" },
        ],
      },
      {
        id: "double",
        on: "purchase",
        awards: [{ kind: "multiplier", factor: "2", wallet: "points", rules: ["base", "later", "ghost"] }],
      },
      { id: "later", on: "purchase", priority: -1, awards: [{ kind: "fixed", points: "5", wallet: "points" }] },
      { id: "base", on: "purchase", priority: -2, awards: [{ kind: "fixed", points: "1", wallet: "points" }] },
      {
        id: "campaign",
        on: "purchase",
        active: { from: "2026-02-01T00:00:00Z", until: "2026-01-01T00:00:00Z" },
        awards: [{ kind: "fixed", points: "1", wallet: "points" }],
      },
      {
        id: "same-instant",
        on: "purchase",
        active: { from: "2026-02-01T00:00:00Z", until: "2026-02-01T01:00:00+01:00" },
        awards: [{ kind: "fixed", points: "1", wallet: "points" }],
      },
    ];
    const error = problemsOf(def);
    expect(paths(error.issues)).toEqual(
      [
        p("wallets"),
        p("rules", 0, "awards", 1, "wallet"),
        p("rules", 1, "awards", 0, "rules", 1),
        p("rules", 1, "awards", 0, "rules", 2),
        p("rules", 3, "id"),
        p("rules", 4, "active", "until"),
        p("rules", 5, "active", "until"),
      ].sort(),
    );
    const byPath = new Map(error.issues.map((i) => [JSON.stringify(i.path), i.message]));
    expect(byPath.get(p("wallets"))).toMatch(/qualifying/);
    expect(byPath.get(p("rules", 0, "awards", 1, "wallet"))).toMatch(/"status"/);
    expect(byPath.get(p("rules", 1, "awards", 0, "rules", 1))).toMatch(/"later" must be evaluated before/);
    expect(byPath.get(p("rules", 1, "awards", 0, "rules", 2))).toMatch(/No earning rule "ghost"/);
    expect(byPath.get(p("rules", 3, "id"))).toMatch(/Duplicate id "base"/);
  });

  it("reports a missing spendable wallet, a duplicate wallet id and a base rule that is unknown or not a rate", () => {
    const def = baseDef();
    def.wallets = [
      { id: "status", kind: "qualifying" },
      { id: "status", kind: "qualifying" },
    ];
    def.rules = [{ id: "bonus", on: "purchase", awards: [{ kind: "fixed", points: "1", wallet: "status" }] }];
    def.refunds.baseRule = "bonus";
    expect(paths(problemsOf(def).issues)).toEqual(
      [p("wallets"), p("wallets", 1, "id"), p("refunds", "baseRule")].sort(),
    );
    def.refunds.baseRule = "ghost";
    expect(paths(problemsOf(def).issues)).toContain(p("refunds", "baseRule"));
  });

  it("a multiplier may not refer to itself; a rule listed later but with a higher priority is fine", () => {
    const self = baseDef();
    self.rules[1].awards[0].rules = ["weekend"];
    expect(paths(problemsOf(self).issues)).toEqual([p("rules", 1, "awards", 0, "rules", 0)]);
    const promoted = baseDef();
    promoted.rules = [
      {
        id: "double",
        on: "purchase",
        awards: [{ kind: "multiplier", factor: "2", wallet: "points", rules: ["base"] }],
      },
      { id: "base", on: "purchase", priority: 1, awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
    ];
    expect(() => compileProgram(promoted)).not.toThrow();
  });

  it("reports each bad condition with its exact path, however deep", () => {
    const cases: [unknown, (string | number)[]][] = [
      [{ all: [] }, ["all"]],
      [{ any: [{ field: "amount", op: "gte", value: "ten" }] }, ["any", 0, "value"]],
      [{ not: { field: "colour", op: "eq", value: "red" } }, ["not", "field"]],
      [
        { all: [{ any: [{ not: { timeOfDay: { from: "25:00", to: "02:00" } } }] }] },
        ["all", 0, "any", 0, "not", "timeOfDay", "from"],
      ],
      [{ dateRange: { from: "2026-02-30" } }, ["dateRange", "from"]],
      [{ dateRange: { from: "2026-03-01", to: "2026-02-01" } }, ["dateRange", "to"]],
      [{ birthday: "year" }, ["birthday"]],
      [{ lines: { skus: [] }, minQuantity: 0 }, ["lines", "skus"]],
      [{ field: "amount", op: "in", value: [] }, ["value"]],
      [{ field: "amount", op: "exists", value: 1 }, ["value"]],
      [{ field: "amount", op: "gte", value: 1.5 }, ["value"]],
      [{ dayOfWeek: ["sat"], extra: 1 }, ["extra"]],
      [{ colour: "red" }, []],
    ];
    for (const [when, path] of cases) {
      const def = baseDef();
      def.rules[1].when = when;
      const issues = problemsOf(def).issues;
      expect(paths(issues), JSON.stringify(when)).toContain(p("rules", 1, "when", ...path));
    }
    // the lines case has two problems, both reported
    const def = baseDef();
    def.rules[1].when = { lines: { skus: [] }, minQuantity: 0 };
    expect(paths(problemsOf(def).issues)).toEqual(
      [p("rules", 1, "when", "lines", "skus"), p("rules", 1, "when", "minQuantity")].sort(),
    );
  });

  it("refuses amounts written as numbers, non-positive points and an unknown rounding mode, with their paths", () => {
    const def = baseDef();
    def.rules[0].awards[0].points = 1;
    def.rules[0].awards[0].per = "0";
    def.points.rounding = "bankers";
    expect(paths(problemsOf(def).issues)).toEqual(
      [p("rules", 0, "awards", 0, "points"), p("rules", 0, "awards", 0, "per"), p("points", "rounding")].sort(),
    );
  });

  it("lists every problem of a program that has both schema and cross-reference problems", () => {
    // The docs promise every problem, schema problems first, then cross-references: a program with
    // a bad time zone must still be told about its unknown wallet.
    const def = baseDef();
    def.timeZone = "Mars/Olympus_Mons";
    def.currency = "XXY";
    def.colour = "red";
    def.wallets = [{ id: "points", kind: "spendable" }];
    def.rules = [
      {
        id: "base",
        on: "purchase",
        awards: [
          { kind: "rate", points: "1", per: "1", wallet: "points" },
          { kind: "fixed", points: "1", wallet: "nope" },
        ],
      },
      {
        id: "bad-when",
        on: "purchase",
        when: { all: [{ field: "amount", op: "bigger", value: "1" }] },
        awards: [{ kind: "fixed", points: "1", wallet: "points" }],
      },
      {
        id: "double",
        on: "purchase",
        awards: [{ kind: "multiplier", factor: "2", wallet: "points", rules: ["later", "ghost"] }],
      },
      { id: "later", on: "purchase", priority: -1, awards: [{ kind: "fixed", points: "1", wallet: "points" }] },
      { id: "base", on: "purchase", priority: -2, awards: [{ kind: "fixed", points: "1", wallet: "points" }] },
      {
        id: "campaign",
        on: "purchase",
        active: { from: "2026-02-01T00:00:00Z", until: "2026-01-01T00:00:00Z" },
        awards: [{ kind: "fixed", points: "1", wallet: "points" }],
      },
    ];
    const error = problemsOf(def);
    expect(paths(error.issues)).toEqual(
      [
        p("timeZone"),
        p("currency"),
        p("colour"),
        p("rules", 1, "when", "all", 0, "op"),
        p("wallets"),
        p("rules", 0, "awards", 1, "wallet"),
        p("rules", 2, "awards", 0, "rules", 0),
        p("rules", 2, "awards", 0, "rules", 1),
        p("rules", 4, "id"),
        p("rules", 5, "active", "until"),
      ].sort(),
    );
  });
});

describe("compileProgram: the compiled program", () => {
  it("is frozen", () => {
    const program = compileProgram(exampleProgram);
    expect(Object.isFrozen(program)).toBe(true);
    expect(() => {
      (program as any).scale = 2;
    }).toThrow(TypeError);
    expect(() => {
      (program as any).extra = 1;
    }).toThrow(TypeError);
    expect(program.scale).toBe(0);
  });

  it("orders each trigger's rules by priority, higher first, ties in list order", () => {
    const def = baseDef();
    const fixed = (id: string, on: string, priority?: number) => ({
      id,
      on,
      ...(priority === undefined ? {} : { priority }),
      awards: [{ kind: "fixed", points: "1", wallet: "points" }],
    });
    def.rules = [
      fixed("a", "purchase"),
      fixed("b", "purchase", 5),
      fixed("c", "purchase", -3),
      fixed("d", "purchase", 5),
      fixed("e", "purchase", 0),
      fixed("f", "purchase", 100),
      fixed("x", "review", -1),
      fixed("y", "review", 1),
      fixed("z", "review"),
    ];
    const program = compileProgram(def);
    expect(program.rulesByTrigger.get("purchase")!.map((r) => r.id)).toEqual(["f", "b", "d", "a", "e", "c"]);
    expect(program.rulesByTrigger.get("review")!.map((r) => r.id)).toEqual(["y", "z", "x"]);
    expect(program.rulesByTrigger.get("signup")).toBeUndefined();
  });

  it("evaluation follows that order: a higher-priority stopFurtherRules rule listed last still wins", async () => {
    const def = baseDef();
    def.rules = [
      { id: "low", on: "purchase", awards: [{ kind: "fixed", points: "1", wallet: "points" }] },
      {
        id: "high",
        on: "purchase",
        priority: 10,
        stopFurtherRules: true,
        awards: [{ kind: "fixed", points: "7", wallet: "points" }],
      },
    ];
    const engine = createLoyaltyEngine({
      program: def,
      store: createMemoryStore(),
      clock: () => Date.parse("2026-05-01T12:00:00Z"),
    });
    const preview = await engine.previewPurchase({ amount: "10.00", currency: "GBP" });
    expect(preview.awards.map((a) => [a.ruleId, a.points])).toEqual([["high", "7"]]);
  });

  it("is a snapshot: changing the definition object after compiling changes nothing", async () => {
    const def = baseDef();
    def.rules = [
      {
        id: "web",
        on: "purchase",
        when: { field: "attributes.channel", op: "in", value: ["web"] },
        awards: [{ kind: "fixed", points: "5", wallet: "points" }],
      },
      { id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] },
    ];
    const program = compileProgram(def);
    def.rules[0].when.value.push("app");
    def.rules[1].awards[0].points = "100";
    def.rules.push({ id: "late", on: "purchase", awards: [{ kind: "fixed", points: "1000", wallet: "points" }] });
    const engine = createLoyaltyEngine({
      program,
      store: createMemoryStore(),
      clock: () => Date.parse("2026-05-01T12:00:00Z"),
    });
    const app = await engine.previewPurchase({ amount: "10.00", currency: "GBP", attributes: { channel: "app" } });
    expect(app.totals).toEqual({ points: "10" });
    const web = await engine.previewPurchase({ amount: "10.00", currency: "GBP", attributes: { channel: "web" } });
    expect(web.totals).toEqual({ points: "15" });
  });
});

describe("JSON round trip", () => {
  const purchases = [
    { amount: "12.99", occurredAt: "2026-05-02T10:00:00Z" }, // Saturday: weekend double
    { amount: "250.00", occurredAt: "2026-05-05T10:00:00Z" }, // Tuesday: big basket
    { amount: "0.50", occurredAt: "2026-05-06T23:30:00Z" },
    { amount: "999.99", occurredAt: "2026-05-09T23:30:00Z" }, // Sunday 00:30 in London
  ];

  async function behaviour(program: ProgramInput) {
    const t = Date.parse("2026-06-01T00:00:00Z");
    const engine = createLoyaltyEngine({
      program,
      store: createMemoryStore(),
      clock: () => t,
      ids: (() => {
        let n = 0;
        return () => `id-${++n}`;
      })(),
    });
    await engine.enroll({
      key: "e",
      memberId: "m",
      joinedAt: "2026-01-01T00:00:00Z",
      birthday: "1990-05-17",
      attributes: { segment: "gold" },
    });
    const out: unknown[] = [];
    for (const [i, purchase] of purchases.entries()) {
      out.push(await engine.previewPurchase({ ...purchase, currency: "GBP", memberId: "m" }));
      out.push(await engine.previewPurchase({ ...purchase, currency: "GBP" }));
      const { entries: _entries, ...result } = await engine.recordPurchase({
        key: `k${i}`,
        memberId: "m",
        purchaseId: `p${i}`,
        ...purchase,
        currency: "GBP",
      });
      out.push(result);
    }
    for (const type of ["signup", "signup", "review", "review", "review", "review", "unknown"])
      out.push(await engine.previewEvent({ type, memberId: "m", occurredAt: "2026-05-10T10:00:00Z" }));
    out.push(await engine.summary("m"));
    return out;
  }

  it("a definition passed through JSON compiles to a program that behaves identically", async () => {
    const json = JSON.parse(JSON.stringify(exampleProgram)) as ProgramDefinition;
    expect(json).toEqual(exampleProgram);
    const original = compileProgram(exampleProgram);
    const roundTripped = compileProgram(json);
    expect(roundTripped.definition).toEqual(original.definition);
    expect([...roundTripped.rulesByTrigger].map(([k, rules]) => [k, rules.map((r) => r.id)])).toEqual(
      [...original.rulesByTrigger].map(([k, rules]) => [k, rules.map((r) => r.id)]),
    );
    expect(await behaviour(json)).toEqual(await behaviour(exampleProgram));
  });

  it("the compiled definition itself survives JSON, Date windows included", async () => {
    const def = {
      ...clone(exampleProgram),
      rules: clone(exampleProgram.rules).map((r: any) =>
        r.id === "big-basket"
          ? { ...r, active: { from: new Date("2026-05-01T00:00:00Z"), until: new Date("2026-05-08T00:00:00Z") } }
          : r,
      ),
    };
    const program = compileProgram(def);
    const again = compileProgram(JSON.parse(JSON.stringify(program.definition)));
    expect(again.rules.get("big-basket")!.activeFrom).toBe(program.rules.get("big-basket")!.activeFrom);
    expect(again.rules.get("big-basket")!.activeUntil).toBe(program.rules.get("big-basket")!.activeUntil);
    expect(await behaviour(JSON.parse(JSON.stringify(program.definition)))).toEqual(await behaviour(def));
  });
});
