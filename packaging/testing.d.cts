/**
 * loyalty-engine/testing is ESM only: import it from an ES module
 * (`import { runStoreConformance } from "loyalty-engine/testing"`). The conformance suite runs on
 * vitest, which cannot be loaded with require(); requiring this entry throws an Error that says so.
 */
export declare const esmOnly: "loyalty-engine/testing is ESM only: import it from an ES module";
