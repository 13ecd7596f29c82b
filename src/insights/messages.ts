/**
 * The texts of loyalty-engine/insights' errors. Their codes (INVALID_HISTORY, FIT_NOT_CONVERGED) are
 * in errors/messages.ts with every other code; the texts live here so that the core bundle, which
 * never reads a history, does not carry them.
 */
export const insightsMessages = {
  invalidHistory: (count: number) =>
    `The purchase history has ${count} bad row${count === 1 ? "" : "s"} (see issues: each names its line and field).`,
  fitNotConverged: (model: string, detail: string) =>
    `The ${model} fit did not converge, so it gives no parameters: ${detail} More history (more members, more repeat purchases) usually helps.`,
  field: {
    noMember: "No member: every purchase row names its member.",
    notHistoryDate: (format: string) => `Not a date in the history's format (${format}).`,
    notHistoryAmount: 'Not a decimal amount such as "12.50" or "-3.99" (a return).',
    returnBeforePurchase: "A return with no purchase by this member on or before its date.",
  },
} as const;
