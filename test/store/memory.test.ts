import { createMemoryStore } from "../../src/index.js";
import { runStoreConformance } from "../../src/testing/index.js";

runStoreConformance({ name: "in-memory", makeStore: ({ faults }) => createMemoryStore(faults ? { faults } : {}) });
