/**
 * The rule triggers the engine fires by itself, once a year per member (accrual/scheduled.ts): the
 * local start of the member's birthday, and of each anniversary of joining.
 */
export const SCHEDULED_TRIGGERS = ["schedule:birthday", "schedule:anniversary"] as const;
export type ScheduledTrigger = (typeof SCHEDULED_TRIGGERS)[number];
