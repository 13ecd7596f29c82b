/**
 * `loyalty-engine/testing`: what a store implementer and a program owner need to test with the
 * engine: the store conformance suite, invariant checks and fast-check arbitraries.
 *
 * @packageDocumentation
 */
export { runStoreConformance, type ConformanceOptions } from "./conformance.js";
export { memberViolations, stateViolations, storeFingerprint, readAllEntries } from "./invariants.js";
export { plainProgram, testClock } from "./fixtures.js";
export {
  moneyArb,
  unitsToDecimal,
  operationArb,
  runOperations,
  type Operation,
  type ScriptTarget,
} from "./arbitraries.js";
export { racingStore, wrapStore } from "./stores.js";
