export { LoyaltyError, isLoyaltyError, type FieldIssue } from "./loyalty-error.js";
export { ERROR_CODES, messages, type ErrorCode } from "./messages.js";
