import type { CliCommand } from "./io.js";
import { importCommand } from "./import.js";
import { insightsCommand } from "./insights.js";
import { simulateCommand } from "./simulate.js";

/**
 * The subcommands of `loyalty-engine`, by name. Each lives in a file of its own in this folder and
 * adds one line here.
 */
export const commands: Readonly<Record<string, CliCommand>> = {
  import: importCommand,
  insights: insightsCommand,
  simulate: simulateCommand,
};
