/**
 * The erasure conformance part on the memory store, run on its own here (the whole suite runs in
 * test/store/memory.test.ts).
 */
import { createMemoryStore } from "../../src/index.js";
import { erasure } from "../../src/testing/conformance/erasure.js";

erasure({ make: async (faults) => createMemoryStore(faults ? { faults } : {}), close: async () => {}, concurrency: 2 });
