/**
 * Writing a program in TypeScript: `defineProgram` checks a program literal against the schema's
 * types at compile time (a misspelt field is a type error, not a runtime refusal) and keeps its
 * wallet and reward ids as literal types, so that an engine built from it accepts only those ids in
 * `spend`, `adjust`, `transfer`, `redeem`, `restock` and `stock`. Nothing happens at run time: the
 * program is still validated and compiled by `createLoyaltyEngine` or `compileProgram`.
 */
import type { DeepReadonly } from "../shared/frozen.js";
import type { ProgramDefinition } from "./schema.js";

/** A program definition as written: `ProgramDefinition`, readonly so that `as const` objects fit. */
export type ProgramInput = DeepReadonly<ProgramDefinition>;

declare const programIds: unique symbol;

/** A program definition that remembers its wallet ids `W` and reward ids `R` (type-level only). */
export type TypedProgram<W extends string = string, R extends string = string> = ProgramInput & {
  readonly [programIds]?: { readonly wallets: W; readonly rewards: R };
};

/**
 * Returns `program` unchanged, typed: a field the schema does not know is a compile error, and the
 * engine created from the result takes only the program's wallet and reward ids.
 *
 * ```ts
 * const program = defineProgram({ id: "shop", wallets: [{ id: "points", kind: "spendable" }], ... });
 * const engine = createLoyaltyEngine({ program, store });
 * await engine.spend({ key, memberId, wallet: "pionts", points: "10" }); // type error
 * ```
 */
export function defineProgram<const W extends string, const R extends string = never>(
  program: Omit<ProgramInput, "wallets" | "rewards"> & {
    readonly wallets: readonly (ProgramInput["wallets"][number] & { readonly id: W })[];
    readonly rewards?: readonly (NonNullable<ProgramInput["rewards"]>[number] & { readonly id: R })[];
  },
): TypedProgram<W, [R] extends [never] ? string : R> {
  return program;
}
