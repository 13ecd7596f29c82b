/**
 * Every message text the library produces, in one place (zod v4 style): error codes map to a
 * sentence that says what to fix. Callers match on `code`, never on the text.
 */
export const ERROR_CODES = [
  "INVALID_PROGRAM",
  "INVALID_COMMAND",
  "MEMBER_NOT_FOUND",
  "MEMBER_EXISTS",
  "PURCHASE_NOT_FOUND",
  "DUPLICATE_PURCHASE",
  "REFUND_EXCEEDS_PURCHASE",
  "REFUND_WINDOW_CLOSED",
  "LINE_NOT_IN_PURCHASE",
  "CURRENCY_MISMATCH",
  "INSUFFICIENT_POINTS",
  "IDEMPOTENCY_CONFLICT",
  "CONCURRENCY_CONFLICT",
  "STORE_FAILURE",
  "OUTCOME_UNKNOWN",
  "CODES_FAILURE",
  "CLOCK_FAILURE",
  "IDS_FAILURE",
  "REWARD_UNAVAILABLE",
  "OUT_OF_STOCK",
  "LIMIT_REACHED",
  "TIER_NOT_ELIGIBLE",
  "SEGMENT_NOT_ELIGIBLE",
  "REDEMPTION_NOT_FOUND",
  "REDEMPTION_CANCELLED",
  "DUPLICATE_REDEMPTION",
  "SELF_REFERRAL",
  "ALREADY_REFERRED",
  "REFERRAL_EXPIRED",
  "RECIPIENT_INACTIVE",
  "PRECISION_EXCEEDED",
  "INVALID_HISTORY",
  "FIT_NOT_CONVERGED",
  "HOLD_EXISTS",
  "HOLD_NOT_FOUND",
  "SHARE_OUT_OF_BOUNDS",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/*
 * The texts LoyaltyError and the insights entry use, as constants of their own that `messages` also
 * holds: a bundle of loyalty-engine/postgres or /insights then carries these few and not the whole
 * object, which is most of the texts (issue 12: ~4 kB gzip of each of those bundles).
 */
export const invalidCommandText = (command: string, count: number) =>
  `The ${command} command is invalid: ${count} problem${count === 1 ? "" : "s"} (see issues).`;
export const firstProblemText = (message: string, path: readonly (string | number)[], problem: string) =>
  `${message} First: ${path.length === 0 ? "the input" : path.join(".")}: ${problem}`;
export const notPositiveText = "Must be greater than zero.";
export const notLocalDateText = "Not a date of the form YYYY-MM-DD.";
export const expectedTypeText = (expected: string) => `Expected ${expected}.`;
export const belowMinimumText = (min: string) => `Must be at least ${min}.`;

export const messages = {
  invalidProgram: (count: number) => `The program is invalid: ${count} problem${count === 1 ? "" : "s"} (see issues).`,
  invalidCommand: invalidCommandText,
  memberNotFound: (memberId: string) => `No member "${memberId}" is enrolled in this program; enroll them first.`,
  memberExists: (memberId: string) =>
    `Member "${memberId}" is already enrolled; use another id or a different idempotency key's command.`,
  purchaseNotFound: (memberId: string, purchaseId: string) =>
    `Member "${memberId}" has no purchase "${purchaseId}"; record the purchase first, or refund without purchaseId for a return with no receipt.`,
  releasePurchaseNotFound: (memberId: string, purchaseId: string) =>
    `Member "${memberId}" has no purchase "${purchaseId}"; record the purchase first, or omit purchaseId to release all of the member's pending points.`,
  duplicatePurchase: (purchaseId: string) =>
    `Purchase "${purchaseId}" is already recorded for this member under another idempotency key; reuse that key to retry it.`,
  purchaseOfAnotherMember: (purchaseId: string) =>
    `Purchase "${purchaseId}" is already recorded for another member, and this program records each purchase id once across members (purchases.uniqueAcrossMembers).`,
  refundExceedsPurchase: (purchaseId: string, refundable: string) =>
    `The refund exceeds what is left of purchase "${purchaseId}": at most ${refundable} can still be refunded.`,
  lineNotInPurchase: (purchaseId: string, sku: string) =>
    `Purchase "${purchaseId}" has no line of SKU "${sku}"; name only lines the purchase was recorded with.`,
  purchaseWithoutLines: (purchaseId: string) =>
    `Purchase "${purchaseId}" was recorded without lines (or before refunds by line existed): refund it without lines, in proportion to the money.`,
  lineRefundExceeds: (purchaseId: string, sku: string, returnable: number) =>
    `The refund returns more units of SKU "${sku}" than are left of purchase "${purchaseId}": at most ${returnable}.`,
  linesWithoutPurchase: "A return with no receipt cannot name lines: give the purchaseId, or leave out lines.",
  refundWindowClosed: (purchaseId: string, closedAt: string) =>
    `Purchase "${purchaseId}" can no longer be refunded: its refund window closed at ${closedAt}.`,
  currencyMismatch: (expected: string, got: string) => `The program runs in ${expected}; this amount is in ${got}.`,
  insufficientPoints: (wallet: string, available: string, wanted: string, pending: string, nextAt: string | null) =>
    `Wallet "${wallet}" has ${available} points available; ${wanted} were asked for.` +
    (nextAt === null ? "" : ` ${pending} more are pending; the first become available at ${nextAt}.`),
  idempotencyErased: (key: string) =>
    `The key "${key}" belongs to a command of a member whose personal data was erased: its payload can no longer be compared, so it cannot be replayed. Use a new key for a new command.`,
  idempotencyConflict: (key: string) =>
    `Idempotency key "${key}" was already used for a different command; use a new key for a new command.`,
  concurrencyConflict: (memberId: string, attempts: number) =>
    `Member "${memberId}" changed under this command ${attempts} times in a row; nothing was written, retry it.`,
  /** A validation failure's message with its first problem: `amount: Not a decimal number...`. */
  firstProblem: firstProblemText,
  storeFailure: (detail: string) => `The store failed; nothing was written. ${detail}`,
  outcomeUnknown: (key: string, detail: string) =>
    `The store lost its connection while committing, so whether the command was written is unknown. Retry it with the same idempotency key ("${key}"): it replays if it was written and commits once if it was not. ${detail}`,
  clockFailure: (got: string) =>
    `The engine's clock returned ${got}, not a time: give createLoyaltyEngine a clock that returns a valid Date or epoch milliseconds. Nothing was written.`,
  idsFailure: (detail: string) =>
    `The engine's ids generator ${detail}: give createLoyaltyEngine one that returns a new, non-empty string on every call. Nothing was written.`,
  codesFailure: (reward: string, redemptionId: string, detail: string) =>
    `The \`codes\` generator could not make a code for reward "${reward}" (redemption "${redemptionId}"); nothing was written, retry the command. ${detail}`,
  rewardDisabled: (reward: string) => `Reward "${reward}" is withdrawn from the catalogue.`,
  rewardNotYet: (reward: string, from: string) => `Reward "${reward}" is offered from ${from}.`,
  rewardEnded: (reward: string, until: string) => `Reward "${reward}" was offered until ${until}.`,
  outOfStock: (reward: string, left: number, wanted: number) =>
    `Reward "${reward}" has ${left} unit${left === 1 ? "" : "s"} left; ${wanted} ${wanted === 1 ? "was" : "were"} asked for.`,
  rewardLimitReached: (reward: string, period: string, count: number) =>
    `The member may redeem reward "${reward}" ${count} time${count === 1 ? "" : "s"} per ${period === "lifetime" ? "lifetime" : period}; this redemption would exceed that.`,
  transferLimitReached: (period: string, points: string) =>
    `The member may send at most ${points} points per ${period}; this transfer would exceed that.`,
  referralLimitReached: (period: string, count: number) =>
    `The referrer may refer ${count} member${count === 1 ? "" : "s"} per ${period}; this referral would exceed that.`,
  segmentNotEligible: (reward: string) =>
    `Reward "${reward}" is offered to members of some segments only, and this member is in none of them.`,
  tierNotEligible: (reward: string, tier: string | null) =>
    `Reward "${reward}" is not offered to members of tier ${tier === null ? "(none)" : `"${tier}"`}.`,
  redemptionNotFound: (memberId: string, redemptionId: string) =>
    `Member "${memberId}" has no redemption "${redemptionId}".`,
  redemptionCancelled: (redemptionId: string) => `Redemption "${redemptionId}" is already cancelled.`,
  duplicateRedemption: (redemptionId: string) =>
    `Redemption "${redemptionId}" is already recorded for this member under another idempotency key; reuse that key to retry it.`,
  recipientInactive: (memberId: string, wallet: string, lapsedAt: string) =>
    `Member "${memberId}"'s wallet "${wallet}" lapsed for inactivity at ${lapsedAt}, and receiving a transfer is not activity in this program: the points would arrive expired. Nothing was sent; the member must be active again first.`,
  selfReferral: "A member cannot refer themselves.",
  referralCycle: (memberId: string) =>
    `Member "${memberId}" referred this member; a member cannot refer their own referrer back.`,
  alreadyReferred: (memberId: string, by: string) => `Member "${memberId}" was already referred by "${by}".`,
  referralExpired: (memberId: string, days: number) =>
    `Member "${memberId}" joined more than ${days} days ago; referrals must come sooner.`,
  holdExists: (holdId: string) =>
    `Hold "${holdId}" is open already for this member; capture or release it, or use another hold id.`,
  holdNotFound: (memberId: string, holdId: string) =>
    `Member "${memberId}" has no open hold "${holdId}": it was never made, was captured or released, or expired.`,
  shareOutOfBounds: (share: string, min: string, max: string) =>
    `These points would pay ${share} of the order; the program allows a share from ${min} to ${max} (checkout.minShare, checkout.maxShare).`,
  precisionExceeded: (wallet: string, total: string, max: string) =>
    `This command would take wallet "${wallet}"'s ${total} total to ${max} points or more, beyond what the engine keeps exactly; nothing was written.`,

  // Field-level issue texts.
  field: {
    captureExceedsHold: (held: string) => `Must be at most the ${held} points the hold reserves.`,
    paidWithPointsExceedsAmount: "Must be at most the purchase's amount.",
    sharesInverted: "Must be at least checkout.minShare.",
    required: "Required.",
    badCursor:
      "Not a cursor of this feed: pass the cursor the last page returned, or null to start from the beginning.",
    unreadable: (detail: string) =>
      `The input could not be read (${detail}): pass plain data, not objects whose getters or proxies throw.`,
    unknownField: (key: string) => `Unknown field "${key}"; remove it or check its spelling.`,
    expectedType: expectedTypeText,
    amountNotString: 'Amounts are decimal strings such as "12.50" (numbers would carry float error).',
    notDecimal: 'Not a decimal number: write digits with an optional fraction, such as "12.50".',
    notPositive: notPositiveText,
    negative: "Must not be negative.",
    tooPrecise: (places: number) => `At most ${places} decimal place${places === 1 ? "" : "s"} allowed here.`,
    tooLarge: (max: string) => `Must be at most ${max}.`,
    noPurchaseClaims:
      "The program sets purchases.uniqueAcrossMembers, and this store cannot claim purchase ids across members (capabilities.purchaseClaims, findPurchaseOwner); use a store that can, or leave the setting off.",
    awardTooLarge: (points: string, max: string) =>
      `This would earn ${points} points in one award, more than ${max}, the most one award may be (exact arithmetic); use a smaller amount.`,
    notCurrency: "Not an ISO 4217 currency code (three capital letters such as GBP).",
    notTimeZone: "Not an IANA time zone (such as Europe/London).",
    notInstant: "Not an ISO 8601 timestamp with an offset, such as 2026-03-01T12:00:00Z.",
    notLocalDate: notLocalDateText,
    notBirthday: "Not a birthday of the form MM-DD or YYYY-MM-DD.",
    notTime: "Not a time of day of the form HH:MM.",
    tooLong: (max: number) => `At most ${max} characters.`,
    empty: "Must not be empty.",
    inFuture: "Lies in the future; a command records what has happened.",
    beforeJoining: (joinedAt: string) =>
      `Lies before the member joined (${joinedAt}); enroll a member brought in from another system with their original joinedAt.`,
    unknownWallet: (wallet: string) => `No wallet "${wallet}" in this program.`,
    walletNotSpendable: (wallet: string) => `Wallet "${wallet}" holds qualifying points, which are never spent.`,
    walletIsCounter: (wallet: string) => `Wallet "${wallet}" is a counter: milestones convert it, nothing spends it.`,
    counterWhole: (wallet: string) => `Wallet "${wallet}" is a counter of whole units.`,
    notCounter: (wallet: string) => `Wallet "${wallet}" is not a counter.`,
    milestoneTwice: (wallet: string) => `Wallet "${wallet}" has a milestone already.`,
    milestoneCycle: (wallet: string) => `Milestones convert "${wallet}" back into itself.`,
    unknownRule: (rule: string) => `No earning rule "${rule}" in this program.`,
    multiplierOrder: (rule: string) =>
      `Rule "${rule}" must be evaluated before this multiplier (give it a higher priority or list it earlier).`,
    baseRuleNotRate: (rule: string) => `Rule "${rule}" must award a rate per amount to price receipt-less returns.`,
    duplicateId: (id: string) => `Duplicate id "${id}".`,
    needsSpendableWallet: "Declare at least one spendable wallet.",
    needsQualifyingWallet: "Declare at least one qualifying wallet (tier credits, never spent).",
    rangeReversed: "The end lies before the start.",
    oneOf: (a: string, b: string) => `Give ${a} or ${b}, not both.`,
    lapsingKind: "Give noPurchaseForDays, or months with fallenBy (not both).",
    shareAboveOne: 'A share is at most "1" (all of it).',
    donationWalletRequired: "Donations of points name the wallet whose points they are a share of.",
    donationWalletWithMoney:
      'Donations of money are a share of the purchase amount: leave wallet out, or give of: "points".',
    unknownDonationCause: (cause: string) =>
      `"${cause}" is not one of the program's causes (donations.causes); give one of them, or null to choose none.`,
    linesExceedAmount:
      "The lines add up to more than the purchase amount; line amounts are what was paid for each line.",
    reservedKey: "This name is reserved; choose another.",
    unstorableText: "Contains a NUL character or a lone surrogate, which a database cannot store; use plain text.",
    finerThanScale: (scale: number) =>
      `Points have ${scale} decimal place${scale === 1 ? "" : "s"} in this program; this figure has more.`,
    factorBelowOne: "A multiplier factor below 1 would take points away; use at least 1.",
    rateOnEvent: "A rate award needs an amount; custom events have none. Use a fixed award.",
    notifyWhat: "Say which notices to write: expiringWithinDays, lapsing, or both.",
    budgetTrigger: (on: string) =>
      `Rules on "${on}" run as due work or inside refer, where no budget is read; only purchase and event rules take a budget.`,
    unknownSchedule: (on: string) =>
      `"${on}" is no trigger the engine schedules; use schedule:birthday or schedule:anniversary.`,
    perUnitOnEvent: "A perUnit award counts purchase lines; custom events have none. Use a fixed award.",
    multiplierTrigger: (rule: string) => `Rule "${rule}" runs on another trigger and can never feed this multiplier.`,
    baseRuleNotPurchase: (rule: string) => `Rule "${rule}" must be a purchase rule to price receipt-less returns.`,
    invalid: "Invalid value.",
    segmentReadsMember:
      "A segment's condition reads the member's profile only: member.attributes.<name>, member.tier or { tier }, combined with all, any, not.",
    unknownSegment: (id: string) => `No segment "${id}" in this program; declare it under segments.`,
    nothingToUpdate: "Give at least one of attributes, birthday or segments: the fields to change.",
    tooManyAfterUpdate: (max: number, what: string) =>
      `The member would hold more than ${max} ${what}; remove some (null removes an attribute) in the same update.`,
    baseTierThresholds: "The first tier is the base tier every member starts in; it has no thresholds.",
    tierNeedsThresholds: "Every tier above the base tier needs qualify.thresholds.",
    unknownTier: (tier: string) => `No tier "${tier}" in this program.`,
    noTiers: "This program has no tiers section; add one or remove the reference to a tier.",
    sinceChangeDaily:
      "A since-tier-change window starts empty at every change, so a daily review would demote at the next midnight; review at period ends or tier anniversaries.",
    tierFloorUntilPast: "The floor must end after now.",
    automaticConversionBound:
      "An automatic conversion runs at every period end and cannot be refused: it takes no stock and no limits.",
    referralEventPurchase: 'Referral events are custom events; "purchase" is taken.',
    referralEventsSame:
      "The referrer's and the referred member's events need different types, so that rules can tell them apart.",
    unknownReward: (reward: string) => `No reward "${reward}" in this program.`,
    unlimitedStock: (reward: string) =>
      `Reward "${reward}" has no stock limit; give it a \`stock\` in the program to count units.`,
    notWholeSteps: "A quantity is a whole number of units.",
    causeRequired: "A donation names its cause.",
    referralBeforeJoining: "Lies before the referred member joined.",
    unknownCause: (cause: string) => `Cause "${cause}" is not one this reward accepts.`,
    causeNotDonation: "Only donations name a cause.",
    transfersNotAllowed: (wallet: string) => `Points of wallet "${wallet}" cannot be transferred in this program.`,
    transferToSelf: "A member cannot transfer points to themselves.",
    belowMinimum: belowMinimumText,
    codeGenerator:
      "Vouchers and conversions get their codes from the `codes` generator: pass `codes` to createLoyaltyEngine.",
    badCode: "The `codes` generator returned something other than 1 to 200 characters of storable text.",
  },
} as const;

/**
 * importMember's field issues: an opening state that does not hold together. An object of its own
 * so that bundles that never import a member (the PostgreSQL store's) leave these texts out.
 */
export const importIssues = {
  remainingAboveAmount: "A lot cannot hold more than it was credited with: remaining must be at most amount.",
  availableBeforeEarned:
    "Points cannot become available before they were earned: availableAt must not lie before earnedAt.",
  expiryBeforeEarning: "A lot cannot expire before it was earned: expiresAt must lie after earnedAt.",
  unknownImportedPurchase: (purchaseId: string) =>
    `No purchase "${purchaseId}" in this import's purchases; list the purchase, or leave purchaseId out.`,
  refundedAboveAmount: "More money cannot have been refunded than the purchase's amount.",
  settledAboveEarned: "More points cannot have been settled than the purchase earned in this wallet.",
  reversedAboveSettled: "Points reversed are part of those settled: at most the settled figure.",
  duplicateLine: (sku: string) => `SKU "${sku}" is given twice in this purchase's lines; merge its units.`,
  returnedAboveQuantity: "More units cannot have been returned than were bought: returned must be at most quantity.",
  lineRefundedAboveRefunded: "Money refunded by line is part of the money refunded: at most refunded.",
  donationReturnedAboveGiven:
    "Refunds cannot have taken back more of a donation than it gave: returned must be at most amount.",
  unknownHoldLot: (count: number) => `No such lot: this import lists ${count} lots, numbered from 0.`,
  holdLotOfOtherWallet: "A hold draws points from lots of its own wallet only.",
  holdDrawAboveLot:
    "The holds draw more from this lot than it lacks: remaining plus what holds drew must be at most amount.",
  holdExpiresBeforePlaced: "A hold expires after it was placed: expiresAt must lie after placedAt.",
  holdAboveSpent: (wallet: string) =>
    `Held points count in lifetime spent until captured or released: the holds in "${wallet}" are more than its spent.`,
  unknownMetric: (key: string) =>
    `No tier threshold reads metric "${key}" in this program (points:<wallet>, spend, purchases, events:<type>).`,
  unknownCounter: (name: string) =>
    `No limit counter "${name}" in this program (reward:<rewardId>, transfers:<wallet>, referrals).`,
  openingUnbalanced: (net: string, held: string) =>
    `The lifetime figures do not balance: earned - spent - expired - reversed + adjusted + transferredIn - transferredOut is ${net}, but the lots hold ${held} net of debt. Fix a figure, or leave earned out to have it derived.`,
  openingEarnedNegative: (earned: string) =>
    `Derived from the other figures, lifetime earned would be ${earned}, below zero: give the figures (spent, reversed...) that account for the debt.`,
} as const;
