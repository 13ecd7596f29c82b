// The one seeded generator, shared with the simulation's redemption model (src/shared/mulberry32.ts).
export { mulberry32 } from "../../src/shared/mulberry32.js";
