/**
 * The commands' input schemas: what the facade accepts, validated at the boundary with zod. Every
 * write carries an idempotency `key`. Amounts and points are decimal strings.
 */
import * as z from "zod/mini";
import { messages } from "../errors/messages.js";
import { Decimal } from "../shared/decimal.js";
import { birthday, storableText, currencyCode, decimalString, idString, instant } from "../shared/validation.js";

const f = messages.field;
const key = idString;
const scalar = z.union(
  [storableText(0, 500), z.number().check(z.refine(Number.isFinite, { error: f.invalid })), z.boolean()],
  {
    error: () => f.expectedType("a string, finite number or boolean"),
  },
);
// zod drops an own "__proto__" key without a word (JSON.parse can make one): refuse it first.
// Exported for importMember's schema (import-schema.ts), which is long enough for a file of its own.
export const attributesSchema = z.pipe(
  z
    .custom<Record<string, unknown>>(() => true)
    .check(
      z.superRefine((v, ctx) => {
        if (typeof v === "object" && v !== null && Object.hasOwn(v, "__proto__"))
          ctx.addIssue({ code: "custom", path: ["__proto__"], message: f.reservedKey });
      }),
    ),
  z
    .record(storableText(1, 100), scalar)
    .check(z.refine((r) => Object.keys(r).length <= 50, { error: f.tooLarge("50 attributes") })),
);

const attributes = attributesSchema;
// updateMember's attributes: a value sets or replaces one, null removes it (docs/members.md).
const attributeChanges = z.pipe(
  z
    .custom<Record<string, unknown>>(() => true)
    .check(
      z.superRefine((v, ctx) => {
        if (typeof v === "object" && v !== null && Object.hasOwn(v, "__proto__"))
          ctx.addIssue({ code: "custom", path: ["__proto__"], message: f.reservedKey });
      }),
    ),
  z
    .record(storableText(1, 100), z.nullable(scalar))
    .check(z.refine((r) => Object.keys(r).length <= 50, { error: f.tooLarge("50 attributes") })),
);

/** Explicit segment ids: a member holds at most 50. */
const segmentIds = z.array(idString).check(z.maxLength(50, { error: f.tooLarge("50 segments") }));

const amount = decimalString({ sign: "positive" });

const line = z.strictObject({
  sku: idString,
  category: z.optional(idString),
  quantity: z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000)),
  amount: decimalString({ sign: "nonNegative" }),
});

export const enrollSchema = z.strictObject({
  key,
  memberId: idString,
  joinedAt: z.optional(instant),
  birthday: z.optional(birthday),
  attributes: z.optional(attributes),
  /** Explicit segments the member joins (a VIP list, a panel); the program derives others from attributes. */
  segments: z.optional(segmentIds),
});

/** A change to a member's profile: only the fields given change (docs/members.md). */
export const updateMemberSchema = z
  .strictObject({
    key,
    memberId: idString,
    /** A value sets or replaces the attribute; null removes it; attributes not named stay as they are. */
    attributes: z.optional(attributeChanges),
    /** The new birthday; null clears it. */
    birthday: z.optional(z.nullable(birthday)),
    /** Explicit segments to join and to leave. */
    segments: z.optional(z.strictObject({ add: z.optional(segmentIds), remove: z.optional(segmentIds) })),
  })
  .check(
    z.refine((c) => c.attributes !== undefined || c.birthday !== undefined || c.segments !== undefined, {
      error: f.nothingToUpdate,
    }),
  );

/** The erasure of a member's personal data (docs/members.md): what identifies the person goes, the books stay. */
export const eraseMemberSchema = z.strictObject({ key, memberId: idString });

const purchaseFields = {
  /** The order's total, including any part paid with points. */
  amount,
  currency: currencyCode,
  /** Money of `amount` paid with points (a captured hold): it earns no points (docs/checkout.md). */
  paidWithPoints: z.optional(decimalString({ sign: "nonNegative" })),
  occurredAt: z.optional(instant),
  lines: z.optional(z.array(line).check(z.minLength(1), z.maxLength(1000))),
  attributes: z.optional(attributes),
};

export const purchaseSchema = z.strictObject({ key, memberId: idString, purchaseId: idString, ...purchaseFields });

export const eventSchema = z.strictObject({
  key,
  memberId: idString,
  /** The event type rules trigger on: signup, review, referral, survey, birthday, ... */
  type: idString.check(
    z.refine((t) => t !== "purchase", { error: "Record purchases with recordPurchase." }),
    z.refine((t) => !t.startsWith("tier:"), {
      error: "tier:<id> triggers the bonus rules of reaching a tier; the engine runs them itself.",
    }),
  ),
  occurredAt: z.optional(instant),
  attributes: z.optional(attributes),
});

export const refundSchema = z.strictObject({
  key,
  memberId: idString,
  /** The purchase being returned; omit for a return with no receipt. */
  purchaseId: z.optional(idString),
  amount,
  currency: currencyCode,
  /** The returned lines (units of a SKU of the purchase): their points go back; omit to refund in proportion. */
  lines: z.optional(
    z
      .array(z.strictObject({ sku: idString, quantity: z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000)) }))
      .check(z.minLength(1), z.maxLength(1000)),
  ),
});

/** Pending points made spendable now (docs/commands.md, releasePending). */
export const releasePendingSchema = z.strictObject({
  key,
  memberId: idString,
  /** Only this purchase's pending points; omit for all of the member's. */
  purchaseId: z.optional(idString),
});

export const adjustSchema = z.strictObject({
  key,
  memberId: idString,
  wallet: idString,
  /** Signed: "50" credits, "-50" debits. */
  points: decimalString({ sign: "nonZero" }),
  /** A reason code such as "goodwill" or "complaint". */
  reason: storableText(1, 100),
  reference: z.optional(idString),
});

export const spendSchema = z.strictObject({
  key,
  memberId: idString,
  wallet: idString,
  points: decimalString({ sign: "positive" }),
  reference: z.optional(idString),
});

export const redeemSchema = z.strictObject({
  key,
  memberId: idString,
  rewardId: idString,
  /** Units (default 1); for a conversion, steps (default: every whole step the member holds). */
  quantity: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000))),
  /** Your id for the redemption, to cancel it by; default the idempotency key. */
  redemptionId: z.optional(idString),
  /** A donation's cause (the school, the charity). */
  cause: z.optional(idString),
  reference: z.optional(idString),
});

export const cancelRedemptionSchema = z.strictObject({
  key,
  memberId: idString,
  redemptionId: idString,
  /** Why: shown on the statement. */
  reason: z.optional(storableText(1, 500)),
});

export const transferSchema = z.strictObject({
  key,
  fromMemberId: idString,
  toMemberId: idString,
  wallet: idString,
  points: decimalString({ sign: "positive" }),
  reference: z.optional(idString),
});

export const referSchema = z.strictObject({
  key,
  referrerId: idString,
  referredId: idString,
  occurredAt: z.optional(instant),
  /** Seen by the referral rules' conditions (a campaign code, a channel). */
  attributes: z.optional(attributes),
});

export const restockSchema = z.strictObject({
  key,
  rewardId: idString,
  /** Units to add (positive) or take out (negative). */
  units: z.number().check(
    z.int(),
    z.minimum(-1_000_000_000),
    z.maximum(1_000_000_000),
    z.refine((n) => n !== 0, { error: f.notPositive }),
  ),
});

export const convertOptionsSchema = z.strictObject({
  /** Members loaded per store query. Default 500. */
  batchSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
});

export const previewPurchaseSchema = z.strictObject({ memberId: z.optional(idString), ...purchaseFields });
export const previewEventSchema = z.extend(z.omit(eventSchema, { key: true, memberId: true }), {
  memberId: z.optional(idString),
});

export const summaryOptionsSchema = z.strictObject({
  expiringWithinDays: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(3650))),
});
export const statementOptionsSchema = z.strictObject({
  afterSeq: z.optional(z.number().check(z.int(), z.minimum(0))),
  limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1000))),
});

export const expireOptionsSchema = z.strictObject({
  /** Members loaded per store query. Default 500. */
  batchSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
});

export const reviewTiersOptionsSchema = z.strictObject({
  /** Members loaded per store query. Default 500. */
  batchSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
});

/** A manual tier assignment: customer service, a status match, a VIP list. */
export const assignTierSchema = z.strictObject({
  key,
  memberId: idString,
  tier: idString,
  /** The tier is a floor (the member cannot drop below it) and guaranteed until this instant; omit for no floor. */
  until: z.optional(instant),
  /** Why: shown on the statement. */
  note: z.optional(storableText(1, 500)),
});

export const expiringSoonOptionsSchema = z.strictObject({
  /** Start of the window; default now. */
  from: z.optional(instant),
  /** End of the window (exclusive). */
  to: instant,
  /** Members per page. Default 100. */
  limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
  after: z.optional(z.strictObject({ dueAt: z.number().check(z.int()), memberId: idString })),
});

/** A page of the outbox (`engine.events`). */
export const eventsOptionsSchema = z.strictObject({
  /** The cursor of the last page read; null or absent: the start of the feed. */
  after: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(200)))),
  /** Events per page. Default 100. */
  limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1000))),
});

/** The notice sweep (`engine.notify`). */
export const notifyOptionsSchema = z
  .strictObject({
    /** Write `points.expiring_soon` for points that expire within this many days of now. */
    expiringWithinDays: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(366))),
    /** Write `member.lapsing` for the members this win-back reading finds (as `engine.lapsing` takes it, without paging). */
    lapsing: z.optional(
      z.strictObject({
        noPurchaseForDays: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(3650))),
        months: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(12))),
        fallenBy: z.optional(z.string()),
      }),
    ),
    /** Members loaded per store query. Default 500. */
    batchSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
  })
  .check(
    z.refine((o) => o.expiringWithinDays !== undefined || o.lapsing !== undefined, {
      error: f.notifyWhat,
      path: ["expiringWithinDays"],
    }),
  );

export const indexMembersOptionsSchema = z.strictObject({
  /** Members listed per store query. Default 500. */
  batchSize: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
});

export const membersOptionsSchema = z.strictObject({
  /** The last member id of the previous page: the next page starts after it. */
  after: z.optional(idString),
  /** Members per page. Default 100. */
  limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
  tier: z.optional(idString),
  segment: z.optional(idString),
});

/**
 * Win-back: `noPurchaseForDays`, or `months` with `fallenBy` (a share, "0.5" for half), paged by
 * member id like `members` (docs/win-back.md has the definitions).
 */
export const lapsingOptionsSchema = z
  .strictObject({
    noPurchaseForDays: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(3650))),
    months: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(12))),
    fallenBy: z.optional(
      decimalString({ sign: "positive", places: 4 }).check(
        z.refine((v) => new Decimal(v).lte(1), { error: f.shareAboveOne }),
      ),
    ),
    /** The instant to judge at; default now. Pass the first page's `asOf` to the next pages. */
    now: z.optional(instant),
    after: z.optional(idString),
    /** Members per page. Default 100. */
    limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
  })
  .check(
    z.superRefine((o, ctx) => {
      const byDays = o.noPurchaseForDays !== undefined;
      const bySpend = o.months !== undefined || o.fallenBy !== undefined;
      if (byDays === bySpend) ctx.addIssue({ code: "custom", path: [], message: f.lapsingKind });
      else if (bySpend && o.months === undefined)
        ctx.addIssue({ code: "custom", path: ["months"], message: f.required });
      else if (bySpend && o.fallenBy === undefined)
        ctx.addIssue({ code: "custom", path: ["fallenBy"], message: f.required });
    }),
  );

// `@interface`: typedoc shows each command type with its fields, as an interface, not as `z.input<...>`.
/** @interface */
export type EnrollCommand = z.input<typeof enrollSchema>;
/** @interface */
export type UpdateMemberCommand = z.input<typeof updateMemberSchema>;
/** @interface */
export type EraseMemberCommand = z.input<typeof eraseMemberSchema>;
/** @interface */
export type PurchaseCommand = z.input<typeof purchaseSchema>;
/** @interface */
export type EventCommand = z.input<typeof eventSchema>;
/** @interface */
export type RefundCommand = z.input<typeof refundSchema>;
/** @interface */
export type ReleasePendingCommand = z.input<typeof releasePendingSchema>;
/** @interface */
export type AdjustCommand = z.input<typeof adjustSchema>;
/** @interface */
export type SpendCommand = z.input<typeof spendSchema>;
/** @interface */
export type AssignTierCommand = z.input<typeof assignTierSchema>;
/** @interface */
export type RedeemCommand = z.input<typeof redeemSchema>;
/** @interface */
export type CancelRedemptionCommand = z.input<typeof cancelRedemptionSchema>;
/** @interface */
export type TransferCommand = z.input<typeof transferSchema>;
/** @interface */
export type ReferCommand = z.input<typeof referSchema>;
/** @interface */
export type RestockCommand = z.input<typeof restockSchema>;
/** @interface */
export type PreviewPurchaseInput = z.input<typeof previewPurchaseSchema>;
/** @interface */
export type PreviewEventInput = z.input<typeof previewEventSchema>;
/** @interface */
export type SummaryOptions = z.input<typeof summaryOptionsSchema>;
/** @interface */
export type StatementOptions = z.input<typeof statementOptionsSchema>;
/** @interface */
export type ExpireOptions = z.input<typeof expireOptionsSchema>;
/** @interface */
export type ExpiringSoonOptions = z.input<typeof expiringSoonOptionsSchema>;
/** @interface */
export type ReviewTiersOptions = z.input<typeof reviewTiersOptionsSchema>;
/** @interface */
export type ConvertOptions = z.input<typeof convertOptionsSchema>;
/** @interface */
export type EventsOptions = z.input<typeof eventsOptionsSchema>;
/** @interface */
export type NotifyOptions = z.input<typeof notifyOptionsSchema>;
/** @interface */
export type MembersOptions = z.input<typeof membersOptionsSchema>;
/** @interface */
export type LapsingOptions = z.input<typeof lapsingOptionsSchema>;
/** @interface */
export type IndexMembersOptions = z.input<typeof indexMembersOptionsSchema>;
