/**
 * What each field of a program file means (and its default where it has one): the `description`s of
 * program.schema.json and the "meaning" column of docs/program-reference.md.
 *
 * Why here and not as `.describe()` on the zod schema: the engine never reads these texts, and on the
 * zod schema they rode in every user's runtime bundle (9.3 kB minified, 3.1 kB gzip). Only the JSON
 * Schema generator (json-schema.ts, `npm run schema`) imports this module; the runtime graph
 * (src/index.ts) must not (.dependency-cruiser.cjs, rule "descriptions-not-at-runtime").
 *
 * Format: one entry per field, `"path": "text"`. The path is the field's place in the program as the
 * generator walks the generated JSON Schema:
 * - property names joined by `.` (`points.scale`);
 * - `[]` for the items of a list (`wallets[].id`);
 * - `|N` for the Nth alternative (from 0) of a union, in the order the zod schema lists them
 *   (`rewards[]|0.price`: a field of the first kind of reward; `expiry|1|0.after`: in `expiry`'s
 *   second alternative, a policy, its first kind, a term);
 * - `{}` for the values of a map (`z.record`) and `{key}` for its keys.
 * A schema shared by two fields (the expiry policy of the program and of a wallet) has its entries
 * under both paths; a variant's tag (`kind`, `metric`) needs none. A text on a union alternative or
 * a list's items (`expiry|0`) is allowed but not required. test/program/schema-descriptions.test.ts
 * fails on a field with no entry and on an entry that names no field (a text left behind by a
 * rename); `npm run schema` refuses the latter too. Conditions and line filters are described by
 * hand in json-schema.ts.
 */
export const programDescriptions: Readonly<Record<string, string>> = {
  $schema: "Where an editor finds this JSON Schema; ignored by the engine.",
  id: "The program's id; idempotency keys are unique per program id.",
  version: "The program's version, for your own records of changes.",
  name: "A name to show members.",
  currency: "ISO 4217 code; amounts with more decimals than the currency's minor unit are refused.",
  timeZone: "IANA time zone; days of week, date ranges, periods, pending and expiry dates are local to it.",
  points: "The precision of points and how awards round to it.",
  "points.scale": "Decimal places of a point (0: whole points).",
  "points.rounding": "How every award is rounded to the scale, once.",
  wallets: "At least one spendable wallet and one qualifying wallet (tier credits, never spent).",
  "wallets[].id": "The wallet's id, named by rules, rewards and commands.",
  "wallets[].name": "A name to show members.",
  "wallets[].kind":
    "spendable: points members redeem; qualifying: tier credits, never spent; counter: whole units (keys, stamps) that milestones convert, never expiring unless the wallet says so.",
  "wallets[].expiry": "This wallet's expiry policy, instead of the program's `expiry`.",
  "wallets[].expiry|0.after": "The span after earning at which each lot expires.",
  "wallets[].expiry|0.after.years": "Calendar years.",
  "wallets[].expiry|0.after.months": "Calendar months.",
  "wallets[].expiry|0.after.days": "Local days.",
  "wallets[].expiry|0.roundUpTo":
    "Round the expiry up to the end of the local day, ISO week (Monday first), month, quarter, half-year or year it falls in, or to the end of the next chosen month ({ month: 3 }: the next March).",
  "wallets[].expiry|0.roundUpTo|1.month":
    "The month (1 January to 12 December) the expiry is rounded up to the end of.",
  "wallets[].expiry|0.roundDownTo":
    "Round the expiry down to the start (local midnight) of the day it falls in. Not with roundUpTo.",
  "wallets[].expiry|1.period": "The local period points are grouped by.",
  "wallets[].expiry|1.after": "Points earned in a period expire at the end of the period this many periods later.",
  "wallets[].expiry|2.months": "The whole balance expires this many months after the last activity (or joining).",
  "wallets[].expiry|2.activity":
    "What counts as activity: purchase, spend, adjust, refund, transfer, event, event:<type>. Default purchase, spend, event, transfer.",
  "wallets[].expiresAfter": 'Shorthand for `expiry: { kind: "term", after }`; null for `{ kind: "none" }` (never).',
  "wallets[].expiresAfter|0.years": "Calendar years.",
  "wallets[].expiresAfter|0.months": "Calendar months.",
  "wallets[].expiresAfter|0.days": "Local days.",
  expiry: "The default expiry policy of every wallet (a term, calendar, inactivity or none). Default: never.",
  "expiry|0": "Shorthand for a term: `{ after: { months: 12 } }`.",
  "expiry|0.after": "The span after earning at which each lot expires.",
  "expiry|0.after.years": "Calendar years.",
  "expiry|0.after.months": "Calendar months.",
  "expiry|0.after.days": "Local days.",
  "expiry|0.roundUpTo":
    "Round the expiry up to the end of the local day, ISO week (Monday first), month, quarter, half-year or year it falls in, or to the end of the next chosen month ({ month: 3 }: the next March).",
  "expiry|0.roundUpTo|1.month": "The month (1 January to 12 December) the expiry is rounded up to the end of.",
  "expiry|0.roundDownTo":
    "Round the expiry down to the start (local midnight) of the day it falls in. Not with roundUpTo.",
  "expiry|1|0.after": "The span after earning at which each lot expires.",
  "expiry|1|0.after.years": "Calendar years.",
  "expiry|1|0.after.months": "Calendar months.",
  "expiry|1|0.after.days": "Local days.",
  "expiry|1|0.roundUpTo":
    "Round the expiry up to the end of the local day, ISO week (Monday first), month, quarter, half-year or year it falls in, or to the end of the next chosen month ({ month: 3 }: the next March).",
  "expiry|1|0.roundUpTo|1.month": "The month (1 January to 12 December) the expiry is rounded up to the end of.",
  "expiry|1|0.roundDownTo":
    "Round the expiry down to the start (local midnight) of the day it falls in. Not with roundUpTo.",
  "expiry|1|1.period": "The local period points are grouped by.",
  "expiry|1|1.after": "Points earned in a period expire at the end of the period this many periods later.",
  "expiry|1|2.months": "The whole balance expires this many months after the last activity (or joining).",
  "expiry|1|2.activity":
    "What counts as activity: purchase, spend, adjust, refund, transfer, event, event:<type>. Default purchase, spend, event, transfer.",
  purchases: "How purchase ids are checked across members.",
  "purchases.uniqueAcrossMembers":
    "true: a purchase id another member already recorded (a shared receipt) is refused with DUPLICATE_PURCHASE; needs a store with purchaseClaims. Default false.",
  pending: "Pending purchase points. Default: available at once.",
  "pending.days": "Purchase points become available this many days after the purchase (the return window).",
  "pending.roundUpTo":
    "Release at the end of the local day the pending days end in (the next local midnight: Capillary's next morning) rather than at the purchase's time of day.",
  refunds: "How refunds take points back.",
  "refunds.negativeBalance":
    "What a refund does when the purchase's points were already spent: take back only pending points, also available ones, or also leave debt.",
  "refunds.baseRule": "The rate rule that prices a return with no receipt.",
  "refunds.windowDays":
    "Local days after a purchase during which it may be refunded; later refunds fail with REFUND_WINDOW_CLOSED. Default: for ever.",
  rules: "The earning rules.",
  "rules[].id": "The rule's id, named by multipliers and statements.",
  "rules[].name": "A name to show members on statements.",
  "rules[].on":
    'What triggers the rule: "purchase", a custom event type ("signup", "review"), tier:<id>, or schedule:birthday / schedule:anniversary (paid by the engine once a year).',
  "rules[].when": "A condition the command must meet. Default: always.",
  "rules[].awards": "What the rule awards: rate, fixed, multiplier or perUnit awards.",
  "rules[].awards[]|0.points": "Points per `per` units of money.",
  "rules[].awards[]|0.per": "The money `points` are awarded per.",
  "rules[].awards[]|0.wallet": "The wallet the points go into.",
  "rules[].awards[]|0.lines": "Only the lines this filter selects count. Default: the whole amount.",
  "rules[].awards[]|0.rounding": "Rounds this award instead of the program's rounding.",
  "rules[].awards[]|1.points": "Points each time the rule matches.",
  "rules[].awards[]|1.wallet": "The wallet the points go into.",
  "rules[].awards[]|2.factor":
    "Adds factor - 1 times the points earlier rules awarded into the wallet in the command: 2 doubles them.",
  "rules[].awards[]|2.wallet": "The wallet whose points are multiplied, and where the extra points go.",
  "rules[].awards[]|2.rules": "The earlier rules that count. Default: all earlier rules.",
  "rules[].awards[]|2.lines":
    "Only the points earlier rules earned on the lines this filter selects are multiplied. Default: all their points.",
  "rules[].awards[]|2.rounding": "Rounds this award instead of the program's rounding.",
  "rules[].awards[]|3.points": "Points for every unit (line quantity) of the selected lines.",
  "rules[].awards[]|3.wallet": "The wallet the points go into.",
  "rules[].awards[]|3.lines": "Only the lines this filter selects count. Default: every line.",
  "rules[].caps": "Bounds on the points the rule awards into each wallet. Default: none.",
  "rules[].budget":
    "A campaign budget: points the rule may award across all members, taken in the commit of each award. Purchase and event rules only. Default: none.",
  "rules[].budget.points": "The budget's points, in total or per period.",
  "rules[].budget.period":
    "The local period the budget renews each: day, week, month, year, or lifetime (the default: never).",
  "rules[].caps.perCommand": "The most points the rule awards per wallet in one command.",
  "rules[].caps.perMember": "The most points the rule awards a member per wallet per local period.",
  "rules[].caps.perMember[].period": "The local period: day, week (ISO), month, year or lifetime.",
  "rules[].caps.perMember[].points": "Points the rule may award a member per period.",
  "rules[].expiry": "A term for this rule's points instead of the wallet's expiry (campaign points).",
  "rules[].expiry.after": "The span after earning at which each lot expires.",
  "rules[].expiry.after.years": "Calendar years.",
  "rules[].expiry.after.months": "Calendar months.",
  "rules[].expiry.after.days": "Local days.",
  "rules[].expiry.roundUpTo":
    "Round the expiry up to the end of the local day, ISO week (Monday first), month, quarter, half-year or year it falls in, or to the end of the next chosen month ({ month: 3 }: the next March).",
  "rules[].expiry.roundUpTo|1.month": "The month (1 January to 12 December) the expiry is rounded up to the end of.",
  "rules[].expiry.roundDownTo":
    "Round the expiry down to the start (local midnight) of the day it falls in. Not with roundUpTo.",
  "rules[].active": "Campaign window: the rule applies to commands that occur in [from, until). Default: always.",
  "rules[].active.from": "The first instant the rule applies.",
  "rules[].active.until": "The instant the rule stops applying (exclusive).",
  "rules[].priority": "Higher runs first; equal priorities keep list order. Default 0.",
  "rules[].stopFurtherRules": "When the rule matches, no later rule is evaluated for the command. Default false.",
  milestones:
    "Conversions of counter units at thresholds (50 keys into a key chain), in the command that crosses them, in cascade; a refund that takes back a converted unit undoes the conversion. Default: none.",
  "milestones[].from": "The counter wallet whose units are converted.",
  "milestones[].every": "Units of `from` that make one conversion.",
  "milestones[].into": "The wallet credited: another counter, or a spendable or qualifying wallet.",
  "milestones[].units": "Units credited to `into` per conversion. Default 1.",
  tiers: "Member tiers: the ladder, qualification, reviews, demotion. Default: none.",
  "tiers.levels": "The ladder, lowest first; the first is the base tier every member starts in.",
  "tiers.levels[].id": "The tier's id, named by conditions, rewards and assignTier.",
  "tiers.levels[].name": "A name to show members.",
  "tiers.levels[].qualify":
    "What reaching and keeping the tier takes; the base tier has none, every other tier has some.",
  "tiers.levels[].qualify.match": "all: every threshold must be met; any: one of them. Default all.",
  "tiers.levels[].qualify.thresholds":
    "Thresholds on points earned, spend, purchases or events, summed over the window.",
  "tiers.levels[].qualify.thresholds[]|0.wallet": "The wallet whose earned points count.",
  "tiers.levels[].qualify.thresholds[]|0.min": "Points earned in the window that reach the tier.",
  "tiers.levels[].qualify.thresholds[]|1.min": "Money spent in the window, net of refunds.",
  "tiers.levels[].qualify.thresholds[]|2.min": "Purchases in the window.",
  "tiers.levels[].qualify.thresholds[]|3.type": "The custom event type counted.",
  "tiers.levels[].qualify.thresholds[]|3.min": "Events of that type in the window.",
  "tiers.levels[].qualify.thresholds[]|4.wallet": "The wallet whose balance counts.",
  "tiers.levels[].qualify.thresholds[]|4.min":
    "The available balance (net of debt) at the decision's instant that reaches the tier; no window.",
  "tiers.window":
    "The span the metrics are summed over: rolling, calendarMonth, calendarQuarter, calendarHalfYear, calendarYear, membershipYear, sinceTierChange or lifetime.",
  "tiers.window|0.days": "The last N local days, today included.",
  "tiers.window|0.months": "The last N months, today included.",
  "tiers.promotion": "immediate: in the commit that lifts the metric over a threshold; atReview: at the next review.",
  "tiers.review": "Tier reviews: their schedule and what they do to a member who no longer qualifies.",
  "tiers.review.schedule": "When reviews happen: periodEnd, tierAnniversary or daily.",
  "tiers.review.schedule|0.period": "Reviews at the end of every local month, quarter or year.",
  "tiers.review.demotion": "recompute: to whatever tier the window supports; oneDown: at most one level per review.",
  "tiers.review.graceMonths": "Months a tier is held after a failed review, before the demotion. Default 0.",
  "tiers.review.minimumStayMonths":
    "Months a tier is held at least after it was reached, whatever the reviews say. Default 0.",
  "tiers.refunds":
    "A refund that takes the metric under the threshold of a tier reached by promotion demotes atOnce or atReview.",
  rewards: "The reward catalogue. Default: none.",
  "rewards[]|0.id": "The reward's id, named by redeem, restock and stock.",
  "rewards[]|0.name": "A name to show members.",
  "rewards[]|0.wallet": "The spendable wallet its price is paid from.",
  "rewards[]|0.price": "Points per unit (a conversion: points per step).",
  "rewards[]|0.tierPrices": 'Prices for members of some tiers ({ "gold": "400" }); other tiers pay `price`.',
  "rewards[]|0.available": "Offered to redemptions in [from, until); omit either end for open. Default: always.",
  "rewards[]|0.available.from": "The first instant it is offered.",
  "rewards[]|0.available.until": "The instant it stops being offered (exclusive).",
  "rewards[]|0.enabled": "false withdraws the reward without removing it (cancellations still work). Default true.",
  "rewards[]|0.tiers": "Only members holding one of these tiers may redeem it. Default: every member.",
  "rewards[]|0.segments":
    "Only members in one of these segments (declared under segments) may redeem it; others are refused with SEGMENT_NOT_ELIGIBLE. Default: every member.",
  "rewards[]|0.limits": "Units a member may redeem per local period (cancellations give them back). Default: no limit.",
  "rewards[]|0.limits[].period": "The local period: day, week (ISO), month, year or lifetime.",
  "rewards[]|0.limits[].count": "How many per period.",
  "rewards[]|0.stock":
    "Units on hand before the first redemption; the store keeps the count from then. Default: unlimited.",
  "rewards[]|0.value": "The voucher's face value in the program's currency.",
  "rewards[]|1.id": "The reward's id, named by redeem, restock and stock.",
  "rewards[]|1.name": "A name to show members.",
  "rewards[]|1.wallet": "The spendable wallet its price is paid from.",
  "rewards[]|1.price": "Points per unit (a conversion: points per step).",
  "rewards[]|1.tierPrices": 'Prices for members of some tiers ({ "gold": "400" }); other tiers pay `price`.',
  "rewards[]|1.available": "Offered to redemptions in [from, until); omit either end for open. Default: always.",
  "rewards[]|1.available.from": "The first instant it is offered.",
  "rewards[]|1.available.until": "The instant it stops being offered (exclusive).",
  "rewards[]|1.enabled": "false withdraws the reward without removing it (cancellations still work). Default true.",
  "rewards[]|1.tiers": "Only members holding one of these tiers may redeem it. Default: every member.",
  "rewards[]|1.segments":
    "Only members in one of these segments (declared under segments) may redeem it; others are refused with SEGMENT_NOT_ELIGIBLE. Default: every member.",
  "rewards[]|1.limits": "Units a member may redeem per local period (cancellations give them back). Default: no limit.",
  "rewards[]|1.limits[].period": "The local period: day, week (ISO), month, year or lifetime.",
  "rewards[]|1.limits[].count": "How many per period.",
  "rewards[]|1.stock":
    "Units on hand before the first redemption; the store keeps the count from then. Default: unlimited.",
  "rewards[]|1.sku": "Your product's SKU, for fulfilment.",
  "rewards[]|2.id": "The reward's id, named by redeem, restock and stock.",
  "rewards[]|2.name": "A name to show members.",
  "rewards[]|2.wallet": "The spendable wallet its price is paid from.",
  "rewards[]|2.price": "Points per unit (a conversion: points per step).",
  "rewards[]|2.tierPrices": 'Prices for members of some tiers ({ "gold": "400" }); other tiers pay `price`.',
  "rewards[]|2.available": "Offered to redemptions in [from, until); omit either end for open. Default: always.",
  "rewards[]|2.available.from": "The first instant it is offered.",
  "rewards[]|2.available.until": "The instant it stops being offered (exclusive).",
  "rewards[]|2.enabled": "false withdraws the reward without removing it (cancellations still work). Default true.",
  "rewards[]|2.tiers": "Only members holding one of these tiers may redeem it. Default: every member.",
  "rewards[]|2.segments":
    "Only members in one of these segments (declared under segments) may redeem it; others are refused with SEGMENT_NOT_ELIGIBLE. Default: every member.",
  "rewards[]|2.limits": "Units a member may redeem per local period (cancellations give them back). Default: no limit.",
  "rewards[]|2.limits[].period": "The local period: day, week (ISO), month, year or lifetime.",
  "rewards[]|2.limits[].count": "How many per period.",
  "rewards[]|2.stock":
    "Units on hand before the first redemption; the store keeps the count from then. Default: unlimited.",
  "rewards[]|2.discount": "A percentage or an amount off a next order.",
  "rewards[]|2.discount|0.percent": "Percent off, at most 100.",
  "rewards[]|2.discount|1.amount": "Money off, in the program's currency.",
  "rewards[]|3.id": "The reward's id, named by redeem, restock and stock.",
  "rewards[]|3.name": "A name to show members.",
  "rewards[]|3.wallet": "The spendable wallet its price is paid from.",
  "rewards[]|3.price": "Points per unit (a conversion: points per step).",
  "rewards[]|3.tierPrices": 'Prices for members of some tiers ({ "gold": "400" }); other tiers pay `price`.',
  "rewards[]|3.available": "Offered to redemptions in [from, until); omit either end for open. Default: always.",
  "rewards[]|3.available.from": "The first instant it is offered.",
  "rewards[]|3.available.until": "The instant it stops being offered (exclusive).",
  "rewards[]|3.enabled": "false withdraws the reward without removing it (cancellations still work). Default true.",
  "rewards[]|3.tiers": "Only members holding one of these tiers may redeem it. Default: every member.",
  "rewards[]|3.segments":
    "Only members in one of these segments (declared under segments) may redeem it; others are refused with SEGMENT_NOT_ELIGIBLE. Default: every member.",
  "rewards[]|3.limits": "Units a member may redeem per local period (cancellations give them back). Default: no limit.",
  "rewards[]|3.limits[].period": "The local period: day, week (ISO), month, year or lifetime.",
  "rewards[]|3.limits[].count": "How many per period.",
  "rewards[]|3.stock":
    "Units on hand before the first redemption; the store keeps the count from then. Default: unlimited.",
  "rewards[]|3.causes": "The causes a member may name. Default: any.",
  "rewards[]|4.id": "The reward's id, named by redeem, restock and stock.",
  "rewards[]|4.name": "A name to show members.",
  "rewards[]|4.wallet": "The spendable wallet its price is paid from.",
  "rewards[]|4.price": "Points per unit (a conversion: points per step).",
  "rewards[]|4.tierPrices": 'Prices for members of some tiers ({ "gold": "400" }); other tiers pay `price`.',
  "rewards[]|4.available": "Offered to redemptions in [from, until); omit either end for open. Default: always.",
  "rewards[]|4.available.from": "The first instant it is offered.",
  "rewards[]|4.available.until": "The instant it stops being offered (exclusive).",
  "rewards[]|4.enabled": "false withdraws the reward without removing it (cancellations still work). Default true.",
  "rewards[]|4.tiers": "Only members holding one of these tiers may redeem it. Default: every member.",
  "rewards[]|4.segments":
    "Only members in one of these segments (declared under segments) may redeem it; others are refused with SEGMENT_NOT_ELIGIBLE. Default: every member.",
  "rewards[]|4.limits": "Units a member may redeem per local period (cancellations give them back). Default: no limit.",
  "rewards[]|4.limits[].period": "The local period: day, week (ISO), month, year or lifetime.",
  "rewards[]|4.limits[].count": "How many per period.",
  "rewards[]|4.stock":
    "Units on hand before the first redemption; the store keeps the count from then. Default: unlimited.",
  "rewards[]|4.value": "Money per step of `price` points.",
  "rewards[]|4.automatic": "Convert every whole step automatically at each period end. Default: on request only.",
  "rewards[]|4.automatic.period": "Converts at the end of every local month, quarter or year.",
  cancellation: "What cancelling a redemption does with points whose lot expired.",
  "cancellation.graceDays":
    "Points of a cancelled redemption whose lot expired meanwhile come back as a lot that expires this many local days later; 0 forfeits them. Default 30.",
  segments:
    "Named segments that rule conditions ({ segments: [...] }) and rewards may name. Default: none (members may still carry explicit segments).",
  "segments[].id": "The segment's id, named by conditions, rewards, enroll and updateMember.",
  "segments[].name": "A name to show.",
  "segments[].when":
    "Derived: a member is in the segment while this condition holds on their profile (member.attributes.<name>, member.tier, tier; all, any, not). Omit for an explicit segment, set on members by enroll and updateMember.",
  checkout:
    "Paying with points at checkout: holds (engine.hold) reserve points for an order until it is paid (captureHold) or abandoned (releaseHold). Default: holds last 15 minutes and may pay any share.",
  "checkout.pointValue":
    "Money one point pays, in the program's currency (0.01: 100 points pay 1). With it, every hold names its orderAmount and its share is checked. Default: none (shares unchecked).",
  "checkout.holdMinutes": "Minutes a hold lasts before it is released by itself. Default 15.",
  "checkout.minShare": "The smallest share of an order's basket (orderAmount) a hold may pay, from 0 to 1. Default 0.",
  "checkout.maxShare": "The largest share of an order's basket a hold may pay, from 0 to 1. Default 1.",
  transfers: "Transfers of points between members. Default: none allowed.",
  "transfers.wallets": "The wallets whose points members may transfer.",
  "transfers.minPoints": "The smallest transfer. Default: any.",
  "transfers.limits": "Points a member may send per local period. Default: no limit.",
  "transfers.limits[].period": "The local period the limit counts over.",
  "transfers.limits[].points": "Points a member may send per period.",
  referrals: "Referrals recorded with engine.refer. Default: none.",
  "referrals.referrerEvent": 'The event type recorded on the referrer, which rules award on. Default "referral".',
  "referrals.referredEvent": 'The event type recorded on the referred member. Default "referred".',
  "referrals.limits": "Referrals a referrer may make per local period; more are refused with LIMIT_REACHED.",
  "referrals.limits[].period": "The local period: day, week (ISO), month, year or lifetime.",
  "referrals.limits[].count": "How many per period.",
  "referrals.withinDays": "The referred member must have joined at most this many days before. Default: no limit.",
  donations: "A share of every purchase given to the cause the member chose; refunds take it back. Default: none.",
  "donations.share": 'The share given, above 0 and at most 1 ("0.01": 1%), rounded down.',
  "donations.of": "money: of the purchase amount; points: of the points it earned in wallet (the member keeps them).",
  "donations.wallet": "The wallet whose points the share is of; only with of: points.",
  "donations.causes": "The causes a member may choose (a school, a charity).",
  "donations.attribute": 'The member attribute holding their cause (set by enroll or updateMember). Default "cause".',
};
