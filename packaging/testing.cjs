"use strict";
// loyalty-engine/testing is ESM only: the conformance suite runs on vitest, which cannot be
// required. This file is what `require("loyalty-engine/testing")` finds, so that it says so.
throw new Error(
  'loyalty-engine/testing is ESM only: import it from an ES module (import { runStoreConformance } from "loyalty-engine/testing"). The conformance suite runs on vitest, which cannot be loaded with require().',
);
