/**
 * Exact arithmetic (issue 19, defect 6): figures are bounded (src/shared/figures.ts) so that every
 * award, balance and total the engine computes is exact. Programs and commands outside the bound
 * are refused with the path of each bad field; an award or a total beyond it refuses the command.
 */
import { Decimal as DecimalJs } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileProgram, LoyaltyError } from "../../src/index.js";
import { LedgerWriter } from "../../src/ledger/writer.js";
import { testEngine } from "../support/engine.js";
import { expectError } from "../support/errors.js";
import { earningProgram, poundsProgram } from "../support/programs.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const T0 = "2026-03-02T10:00:00Z";
/** A reference far beyond the engine's precision: what the exact figures are. */
const Exact = DecimalJs.clone({ precision: 400 });
const MODES = { down: 1, up: 0, half_up: 4, half_even: 6, floor: 3, ceil: 2 } as const;
type Mode = keyof typeof MODES;

const rateRule = (points: string, per: string, more: object[] = []) => ({
  id: "base",
  on: "purchase",
  awards: [{ kind: "rate", points, per, wallet: "points" }, ...more],
});

/** The issue paths of a refusal, each joined with dots. */
function pathsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof LoyaltyError) return e.issues.map((i) => i.path.join("."));
    throw e;
  }
  return [];
}

/** A decimal string within the bound: (0, 10^15], at most `places` decimals. */
function figureArb(places: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.bigInt({ min: 0n, max: 10n ** 15n }),
      fc.integer({ min: 0, max: places }),
      fc.bigInt({ min: 0n, max: 10n ** 8n - 1n }),
    )
    .map(([int, p, frac]) => {
      const f = p === 0 || int === 10n ** 15n ? "" : String(frac).padStart(8, "0").slice(0, p);
      return f === "" ? String(int) : `${int}.${f}`;
    })
    .filter((s) => new Exact(s).gt(0));
}

describe("the reported case", () => {
  it("a rate of 10^15 points per 10^-30 money is refused at compile, at the rate's `per`", () => {
    const program = earningProgram([rateRule("1000000000000000", `0.${"0".repeat(29)}1`)]);
    expect(pathsOf(() => compileProgram(program))).toEqual(["rules.0.awards.0.per"]);
  });

  it("an engine cannot be made on it, so no balance can silently absorb an adjust", () => {
    const program = earningProgram([rateRule("1000000000000000", `0.${"0".repeat(29)}1`)]);
    expect(() => testEngine(program, T0)).toThrow(expect.objectContaining({ code: "INVALID_PROGRAM" }));
  });
});

describe("awards and totals beyond the bound refuse the command, writing nothing", () => {
  it("a purchase whose award would exceed 10^15 points: INVALID_COMMAND at `amount`", async () => {
    const { engine } = testEngine(earningProgram([rateRule("1000000000000000", "1")]), T0);
    await engine.enroll({ key: "e", memberId: "m" });
    await engine.recordPurchase({ key: "p1", memberId: "m", purchaseId: "o1", amount: "1.00", currency: "GBP" });
    const before = await engine.statement("m");
    const error = await expectError(
      engine.recordPurchase({ key: "p2", memberId: "m", purchaseId: "o2", amount: "1.01", currency: "GBP" }),
      "INVALID_COMMAND",
    );
    expect(error.issues.map((i) => i.path)).toEqual([["amount"]]);
    expect(await engine.statement("m")).toEqual(before);
    expect((await engine.summary("m")).wallets.points!.available).toBe("1000000000000000");
  });

  it("a cap does not make an award beyond the bound acceptable: it is refused, never cut", async () => {
    const rule = { ...rateRule("1000000000000000", "1"), caps: { perCommand: "10" } };
    const { engine } = testEngine(earningProgram([rule]), T0);
    await engine.enroll({ key: "e", memberId: "m" });
    await expectError(
      engine.recordPurchase({ key: "p", memberId: "m", purchaseId: "o", amount: "2.00", currency: "GBP" }),
      "INVALID_COMMAND",
    );
  });

  it("a multiplier whose own award would exceed the bound (3 x 6 * 10^14): INVALID_COMMAND", async () => {
    const rule = {
      id: "bonus",
      on: "bonus",
      awards: [
        { kind: "fixed", points: "600000000000000", wallet: "points" },
        { kind: "multiplier", factor: "3", wallet: "points" },
      ],
    };
    const { engine } = testEngine(earningProgram([rule]), T0);
    await engine.enroll({ key: "e", memberId: "m" });
    const before = await engine.statement("m");
    await expectError(engine.recordEvent({ key: "b", memberId: "m", type: "bonus" }), "INVALID_COMMAND");
    expect(await engine.statement("m")).toEqual(before);
  });

  it("a return with no receipt priced beyond the bound: INVALID_COMMAND at `amount`", async () => {
    const program = poundsProgram({
      rules: [
        {
          id: "base",
          on: "purchase",
          awards: [{ kind: "rate", points: "1000000000000000", per: "1", wallet: "points" }],
        },
      ],
      refunds: { negativeBalance: "allow_debt", baseRule: "base" },
    });
    const { engine } = testEngine(program, T0);
    await engine.enroll({ key: "e", memberId: "m" });
    const error = await expectError(
      engine.refund({ key: "r", memberId: "m", amount: "2.00", currency: "GBP" }),
      "INVALID_COMMAND",
    );
    expect(error.issues.map((i) => i.path)).toEqual([["amount"]]);
  });

  it("the last guard: an entry that takes a wallet's total to 10^30 is refused (PRECISION_EXCEEDED)", () => {
    let n = 0;
    const w = LedgerWriter.forNewMember("m", {
      now: Date.parse(T0),
      newId: () => `e${++n}`,
      command: { key: "k", type: "adjust" },
    });
    const credit = (points: string) =>
      w.append({
        kind: "adjust",
        wallet: "points",
        points,
        reason: "goodwill",
        reference: null,
        lot: { wallet: "points", earnedAt: T0, availableAt: T0, expiresAt: null },
        debtRepaid: "0",
        lots: [],
      });
    credit("9".repeat(30)); // just below 10^30
    let error: unknown;
    try {
      credit("1");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LoyaltyError);
    expect((error as LoyaltyError).code).toBe("PRECISION_EXCEEDED");
    expect((error as LoyaltyError).details).toEqual({ wallet: "points", total: "adjusted" });
  });
});

describe("within the bound, arithmetic is exact", () => {
  it("each award is the exact figure rounded once; adjust +1 adds exactly 1; totals equal the sum of lots", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          scale: fc.integer({ min: 0, max: 8 }),
          rounding: fc.constantFrom(...(Object.keys(MODES) as Mode[])),
          points: figureArb(8),
          per: figureArb(8),
          factor: fc.option(
            figureArb(8).filter((s) => new Exact(s).gte(1)),
            { nil: undefined },
          ),
          amounts: fc.array(fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 17n }), fc.bigInt({ min: 1n, max: 100_000n })), {
            minLength: 1,
            maxLength: 3,
          }),
        }),
        async ({ scale, rounding, points, per, factor, amounts }) => {
          const multiplier = factor === undefined ? [] : [{ kind: "multiplier", factor, wallet: "points" }];
          const program = earningProgram([rateRule(points, per, multiplier)], { points: { scale, rounding } });
          const { engine } = testEngine(program, T0);
          await engine.enroll({ key: "e", memberId: "m" });
          let expected = new Exact(0);
          for (const [i, cents] of amounts.entries()) {
            const amount = new Exact(cents.toString()).div(100);
            const rate = amount.times(points).div(per).toDecimalPlaces(scale, MODES[rounding]);
            const extra =
              factor === undefined
                ? new Exact(0)
                : rate.times(new Exact(factor).minus(1)).toDecimalPlaces(scale, MODES[rounding]);
            const command = {
              key: `p${i}`,
              memberId: "m",
              purchaseId: `o${i}`,
              amount: amount.toFixed(2),
              currency: "GBP",
            };
            if (rate.gt("1e15") || extra.gt("1e15")) {
              const error = await expectError(engine.recordPurchase(command), "INVALID_COMMAND");
              expect(error.issues.map((x) => x.path)).toEqual([["amount"]]);
              continue;
            }
            const result = await engine.recordPurchase(command);
            expect(result.awards.map((a) => a.points)).toEqual(
              [rate, extra].filter((x) => x.gt(0)).map((x) => x.toFixed(scale)),
            );
            expected = expected.plus(rate).plus(extra);
          }
          const before = (await engine.summary("m")).wallets.points!;
          expect(before.available).toBe(expected.toFixed(scale));
          expect(before.lifetime.earned).toBe(expected.toFixed(scale));
          await engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "1", reason: "goodwill" });
          const after = (await engine.summary("m")).wallets.points!;
          expect(after.available).toBe(expected.plus(1).toFixed(scale));
          expect(new Exact(after.lifetime.earned).plus(after.lifetime.adjusted).toFixed(scale)).toBe(after.available);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("figures outside the bound are refused with their path", () => {
  /** A figure with more than 8 decimals, or above 10^15. */
  const outsideArb = fc.oneof(
    fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 9, max: 40 }))
      .map(([int, places]) => `${int}.${"0".repeat(places - 1)}1`),
    fc.bigInt({ min: 10n ** 15n + 1n, max: 10n ** 40n }).map(String),
  );

  it("in a program: a rate's points or per, a multiplier's factor (INVALID_PROGRAM)", () => {
    fc.assert(
      fc.property(outsideArb, fc.constantFrom("points", "per", "factor"), (bad, field) => {
        const awards = [
          { kind: "rate", points: field === "points" ? bad : "1", per: field === "per" ? bad : "1", wallet: "points" },
          { kind: "multiplier", factor: field === "factor" ? bad : "2", wallet: "points" },
        ];
        const program = earningProgram([{ id: "base", on: "purchase", awards }]);
        const at = field === "factor" ? 1 : 0;
        expect(pathsOf(() => compileProgram(program))).toEqual([`rules.0.awards.${at}.${field}`]);
      }),
      { numRuns: RUNS },
    );
  });

  it("in a command: an adjust's points, a purchase's amount (INVALID_COMMAND)", async () => {
    const { engine } = testEngine(earningProgram([rateRule("1", "1")], { points: { scale: 8, rounding: "down" } }), T0);
    await engine.enroll({ key: "e", memberId: "m" });
    const before = await engine.statement("m");
    await fc.assert(
      fc.asyncProperty(outsideArb, async (bad) => {
        const adjust = engine.adjust({ key: `a${bad}`, memberId: "m", wallet: "points", points: bad, reason: "x" });
        expect((await expectError(adjust, "INVALID_COMMAND")).issues.map((i) => i.path)).toEqual([["points"]]);
        const purchase = engine.recordPurchase({
          key: `p${bad}`,
          memberId: "m",
          purchaseId: bad,
          amount: bad,
          currency: "GBP",
        });
        expect((await expectError(purchase, "INVALID_COMMAND")).issues.map((i) => i.path)).toEqual([["amount"]]);
      }),
      { numRuns: RUNS },
    );
    expect(await engine.statement("m")).toEqual(before);
  });
});
