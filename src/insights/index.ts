/**
 * `loyalty-engine/insights`: loyalty measures over a purchase history (member, day, amount). Pure
 * functions, no clock ("now" and the calibration's end are parameters), no I/O.
 *
 * - the history: {@link readPurchaseHistory} validates rows (INVALID_HISTORY names each bad line);
 * - descriptive measures: {@link rfm}, {@link repeatPurchaseRate}, {@link retentionByCohort},
 *   {@link shareOfWallet};
 * - churn risk: {@link summarizeHistory} gives each member's (x, tₓ, T), {@link fitBgNbd} fits the
 *   BG/NBD model, {@link probabilityAlive}, {@link expectedPurchases} and {@link scoreMembers} use it,
 *   {@link slipping} flags members to win back;
 * - value: {@link fitGammaGamma}, {@link expectedSpend}, {@link customerValue}.
 *
 * ```ts
 * import { readPurchaseHistory, summarizeHistory, fitBgNbd, probabilityAlive } from "loyalty-engine/insights";
 *
 * const { history } = readPurchaseHistory(rows, { dateFormat: "ymd" });
 * const members = summarizeHistory(history, { calibrationEnd: "2026-06-30" });
 * const fit = fitBgNbd(members); // throws FIT_NOT_CONVERGED rather than returning bad numbers
 * const risk = members.map((m) => probabilityAlive(fit.parameters, m));
 * ```
 *
 * Model fits use plain numbers (they are statistics); amounts on the way in are decimal text, summed
 * exactly and converted to numbers once, for the spend model. See docs/insights.md.
 *
 * @packageDocumentation
 */
export { readPurchaseHistory } from "./history.js";
export type { HistoryRow, HistoryOptions, MemberHistory, PurchaseHistory, ReadHistory } from "./history.js";
export { DATE_FORMATS, dayKey, type DateFormat } from "./dates.js";
export { summarizeHistory, purchaseDaysBetween } from "./calibration.js";
export type { CalibrationOptions, MemberSummary } from "./calibration.js";
export { rfm, repeatPurchaseRate } from "./rfm.js";
export type { Rfm, RepeatPurchaseRate } from "./rfm.js";
export { retentionByCohort } from "./cohorts.js";
export type { CohortRow } from "./cohorts.js";
export { shareOfWallet } from "./share-of-wallet.js";
export type { ShareOfWallet, ShareOfWalletOptions } from "./share-of-wallet.js";
export { fitBgNbd, bgNbdLogLikelihood, probabilityAlive, expectedPurchases } from "./bg-nbd.js";
export type { BgNbdParameters, BgNbdMember, BgNbdFit } from "./bg-nbd.js";
export { fitGammaGamma, gammaGammaLogLikelihood, expectedSpend } from "./gamma-gamma.js";
export type { GammaGammaParameters, GammaGammaFit, SpendMember } from "./gamma-gamma.js";
export { customerValue } from "./customer-value.js";
export type { CustomerValue, CustomerValueOptions } from "./customer-value.js";
export { scoreMembers, mostAtRisk } from "./scores.js";
export type { MemberScore } from "./scores.js";
export { slipping } from "./slipping.js";
export type { Slipping, SlippingOptions, SlippingReason } from "./slipping.js";
export { hyp2f1, lnGamma } from "./special.js";
export { LoyaltyError, isLoyaltyError } from "../errors/index.js";
