// examples/custom-store: the JSON key-value store passes the conformance suite that the in-memory
// and PostgreSQL stores pass (docs/writing-a-store.md walks through it).
import { runStoreConformance } from "loyalty-engine/testing";
import { JsonKvStore } from "../../examples/custom-store/json-kv-store.js";

runStoreConformance({
  name: "examples/custom-store (JSON key-value)",
  makeStore: ({ faults }) => new JsonKvStore(faults ? { faults } : {}),
  concurrency: 20,
});
