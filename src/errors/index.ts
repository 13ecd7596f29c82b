export { LoyaltyError, isLoyaltyError, type FieldIssue } from "./loyalty-error.js";
export { ERROR_CODES, messages, type ErrorCode } from "./messages.js";
export { HTTP_STATUS, RETRY_WITH_SAME_KEY, httpStatusOf } from "./http.js";
