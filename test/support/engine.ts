/**
 * Engine setup for tests: an engine on a store (a fresh in-memory one unless given), driven by a
 * settable test clock and counter ids, so that every run decides the same. Each test file adds its
 * own domain helpers (buy, credit, tierOf...) on top of what this returns.
 */
import {
  createLoyaltyEngine,
  createMemoryStore,
  type EngineOptions,
  type LoyaltyStore,
  type Program,
  type ProgramInput,
} from "../../src/index.js";
import type { MemoryStore } from "../../src/store/memory.js";
import { testClock } from "../../src/testing/index.js";

/** Everything of EngineOptions but the program, store and clock, which `testEngine` sets. */
export type TestEngineOptions<Store extends LoyaltyStore = MemoryStore> = Omit<
  Partial<EngineOptions>,
  "program" | "store" | "clock"
> & {
  /** The store to run on; a fresh in-memory store when left out. */
  readonly store?: Store | undefined;
};

/**
 * An engine for `program` on a store, with a test clock starting at `start` (an ISO instant or
 * milliseconds). Ids come from the clock's counter (`id-1`, `id-2`...) unless `options.ids` says
 * otherwise; maxAttempts and codes are the engine's defaults unless given.
 */
export function testEngine<Store extends LoyaltyStore = MemoryStore>(
  program: ProgramInput | Program,
  start: string | number,
  options: TestEngineOptions<Store> = {},
) {
  const { store: given, ...engineOptions } = options;
  const store = given ?? (createMemoryStore() as LoyaltyStore as Store);
  const t = testClock(start);
  const engine = createLoyaltyEngine({
    ...engineOptions,
    program,
    store,
    clock: t.clock,
    ids: engineOptions.ids ?? t.ids,
  });
  return { engine, store, t };
}
