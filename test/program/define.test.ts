/**
 * defineProgram and the typed engine. The `@ts-expect-error` lines are the test's assertions at
 * compile time: `npm run typecheck` (tsc, run by CI) fails if one of them stops being an error, that
 * is if a typo in a program or a wrong wallet or reward id would compile again.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { exampleProgram } from "../../examples/program.js";
import {
  compileProgram,
  createLoyaltyEngine,
  createMemoryStore,
  defineProgram,
  type LoyaltyEngine,
  type ProgramDefinition,
} from "../../src/index.js";

const shop = defineProgram({
  id: "shop",
  version: 1,
  currency: "GBP",
  timeZone: "Europe/London",
  points: { scale: 0, rounding: "down" },
  wallets: [
    { id: "points", kind: "spendable" },
    { id: "status", kind: "qualifying" },
  ],
  refunds: { negativeBalance: "within_balance" },
  rules: [{ id: "base", on: "purchase", awards: [{ kind: "rate", points: "1", per: "1", wallet: "points" }] }],
  rewards: [{ id: "mug", kind: "product", wallet: "points", price: "10" }],
});

describe("defineProgram", () => {
  it("returns the program unchanged, and it compiles", () => {
    const literal = { ...exampleProgram };
    expect(defineProgram(literal)).toBe(literal);
    expect(compileProgram(shop).id).toBe("shop");
  });

  it("makes a misspelt field a compile error, at the top and deep inside", () => {
    // @ts-expect-error: "walets" is not a field of a program
    defineProgram({ ...exampleProgram, walets: [] });
    defineProgram({
      ...exampleProgram,
      // @ts-expect-error: "pionts" is not a field of a rate award
      rules: [{ id: "r", on: "purchase", awards: [{ kind: "rate", pionts: "1", per: "1", wallet: "points" }] }],
    });
    // @ts-expect-error: "sometimes" is not a rounding mode
    defineProgram({ ...exampleProgram, points: { scale: 0, rounding: "sometimes" } });
    // The same typos are refused at run time, for programs that never met the compiler.
    expect(() => compileProgram({ ...exampleProgram, walets: [] })).toThrow(/walets/);
  });

  it("types an engine's commands with the program's wallet and reward ids", async () => {
    const engine = createLoyaltyEngine({
      program: shop,
      store: createMemoryStore(),
      clock: () => Date.UTC(2026, 2, 2),
    });
    expectTypeOf(engine).toEqualTypeOf<LoyaltyEngine<"points" | "status", "mug">>();
    expectTypeOf<Parameters<typeof engine.spend>[0]["wallet"]>().toEqualTypeOf<"points" | "status">();
    expectTypeOf<Parameters<typeof engine.redeem>[0]["rewardId"]>().toEqualTypeOf<"mug">();

    await engine.enroll({ key: "e", memberId: "m" });
    await engine.adjust({ key: "a", memberId: "m", wallet: "points", points: "20", reason: "welcome" });
    expect(await engine.stock("mug")).toBeNull();
    // Typos in ids are compile errors; written as functions never called, since they are also
    // refused at run time.
    // @ts-expect-error: no wallet "pionts" in this program
    void (() => engine.spend({ key: "s", memberId: "m", wallet: "pionts", points: "1" }));
    // @ts-expect-error: no reward "cup" in this program
    void (() => engine.redeem({ key: "r", memberId: "m", rewardId: "cup" }));
    // @ts-expect-error: no reward "cup" in this program
    void (() => engine.stock("cup"));
  });

  it("leaves an engine on an untyped definition with plain strings, and accepts `as const` programs", () => {
    const plain: ProgramDefinition = exampleProgram;
    const engine = createLoyaltyEngine({ program: plain, store: createMemoryStore() });
    expectTypeOf(engine).toEqualTypeOf<LoyaltyEngine>();
    expectTypeOf<Parameters<typeof engine.spend>[0]["wallet"]>().toEqualTypeOf<string>();
    const frozen = { ...exampleProgram, rules: [...exampleProgram.rules] } as const;
    expect(createLoyaltyEngine({ program: frozen, store: createMemoryStore() }).program.id).toBe("uk-retail");
  });
});
