/** Simulating a program over a purchase history: the economics report's figures (docs/simulate.md). */
export { simulate, simulateRuns } from "./simulate.js";
export type { SimulateOptions, SimulationResult, SimulationRuns, Assumption } from "./simulate.js";
export type { HistoryEvent, HistoryLine } from "./history.js";
export type { RedemptionModel } from "./redemption.js";
export type { ProgramFigures, MonthFigures } from "./figures.js";
export type { Comparison, FigureDifference, MemberMove } from "./compare.js";
export type { RefusedRow, ProgressTick } from "./run.js";
export type {
  CustomerOptions,
  CustomerFigures,
  ProgramCustomerFigures,
  ModelFit,
  MemberOutlook,
  TierValue,
} from "./customers.js";
