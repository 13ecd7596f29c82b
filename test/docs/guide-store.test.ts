// The store part of docs/testing.md, run by `npm test`: the region below is, byte for byte, a block of
// the guide (test/docs/guide-code.test.ts holds them together). Outside it there are only comments.
// Like guide-testing.test.ts, it imports the package's names, which vitest and tsc resolve to src/.

// #region docs/testing.md
import { createMemoryStore } from "loyalty-engine";
import { runStoreConformance } from "loyalty-engine/testing";

runStoreConformance({
  name: "my store",
  // Your factory in place of createMemoryStore: a fresh, empty store on every call. When the suite
  // passes `faults`, call it inside every commit after each write; if it throws, nothing is written.
  makeStore: ({ faults }) => createMemoryStore(faults ? { faults } : {}),
  // closeStore: (store) => ..., to release connections after each test
  concurrency: 20, // concurrent commands in the concurrency tests
});
// #endregion
