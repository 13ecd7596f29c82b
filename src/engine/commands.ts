/**
 * The commands' input schemas: what the facade accepts, validated at the boundary with zod. Every
 * write carries an idempotency `key`. Amounts and points are decimal strings.
 */
import * as z from "zod";
import { messages } from "../errors/messages.js";
import { Decimal } from "../shared/decimal.js";
import { birthday, storableText, currencyCode, decimalString, idString, instant } from "../shared/validation.js";

const f = messages.field;
const key = idString;
const scalar = z.union([storableText(0, 500), z.number().refine(Number.isFinite, { error: f.invalid }), z.boolean()], {
  error: () => f.expectedType("a string, finite number or boolean"),
});
// zod drops an own "__proto__" key without a word (JSON.parse can make one): refuse it first.
// Exported for importMember's schema (import-schema.ts), which is long enough for a file of its own.
export const attributesSchema = z
  .custom<Record<string, unknown>>(() => true)
  .superRefine((v, ctx) => {
    if (typeof v === "object" && v !== null && Object.hasOwn(v, "__proto__"))
      ctx.addIssue({ code: "custom", path: ["__proto__"], message: f.reservedKey });
  })
  .pipe(
    z
      .record(storableText(1, 100), scalar)
      .refine((r) => Object.keys(r).length <= 50, { error: f.tooLarge("50 attributes") }),
  );

const attributes = attributesSchema;
// updateMember's attributes: a value sets or replaces one, null removes it (docs/members.md).
const attributeChanges = z
  .custom<Record<string, unknown>>(() => true)
  .superRefine((v, ctx) => {
    if (typeof v === "object" && v !== null && Object.hasOwn(v, "__proto__"))
      ctx.addIssue({ code: "custom", path: ["__proto__"], message: f.reservedKey });
  })
  .pipe(
    z
      .record(storableText(1, 100), scalar.nullable())
      .refine((r) => Object.keys(r).length <= 50, { error: f.tooLarge("50 attributes") }),
  );

/** Explicit segment ids: a member holds at most 50. */
const segmentIds = z.array(idString).max(50, { error: f.tooLarge("50 segments") });

const amount = decimalString({ sign: "positive" });

const line = z.strictObject({
  sku: idString,
  category: idString.optional(),
  quantity: z.number().int().min(1).max(1_000_000),
  amount: decimalString({ sign: "nonNegative" }),
});

export const enrollSchema = z.strictObject({
  key,
  memberId: idString,
  joinedAt: instant.optional(),
  birthday: birthday.optional(),
  attributes: attributes.optional(),
  /** Explicit segments the member joins (a VIP list, a panel); the program derives others from attributes. */
  segments: segmentIds.optional(),
});

/** A change to a member's profile: only the fields given change (docs/members.md). */
export const updateMemberSchema = z
  .strictObject({
    key,
    memberId: idString,
    /** A value sets or replaces the attribute; null removes it; attributes not named stay as they are. */
    attributes: attributeChanges.optional(),
    /** The new birthday; null clears it. */
    birthday: birthday.nullable().optional(),
    /** Explicit segments to join and to leave. */
    segments: z.strictObject({ add: segmentIds.optional(), remove: segmentIds.optional() }).optional(),
  })
  .refine((c) => c.attributes !== undefined || c.birthday !== undefined || c.segments !== undefined, {
    error: f.nothingToUpdate,
  });

/** The erasure of a member's personal data (docs/members.md): what identifies the person goes, the books stay. */
export const eraseMemberSchema = z.strictObject({ key, memberId: idString });

const purchaseFields = {
  amount,
  currency: currencyCode,
  occurredAt: instant.optional(),
  lines: z.array(line).min(1).max(1000).optional(),
  attributes: attributes.optional(),
};

export const purchaseSchema = z.strictObject({ key, memberId: idString, purchaseId: idString, ...purchaseFields });

export const eventSchema = z.strictObject({
  key,
  memberId: idString,
  /** The event type rules trigger on: signup, review, referral, survey, birthday, ... */
  type: idString
    .refine((t) => t !== "purchase", { error: "Record purchases with recordPurchase." })
    .refine((t) => !t.startsWith("tier:"), {
      error: "tier:<id> triggers the bonus rules of reaching a tier; the engine runs them itself.",
    }),
  occurredAt: instant.optional(),
  attributes: attributes.optional(),
});

export const refundSchema = z.strictObject({
  key,
  memberId: idString,
  /** The purchase being returned; omit for a return with no receipt. */
  purchaseId: idString.optional(),
  amount,
  currency: currencyCode,
  /** The returned lines (units of a SKU of the purchase): their points go back; omit to refund in proportion. */
  lines: z
    .array(z.strictObject({ sku: idString, quantity: z.number().int().min(1).max(1_000_000) }))
    .min(1)
    .max(1000)
    .optional(),
});

export const adjustSchema = z.strictObject({
  key,
  memberId: idString,
  wallet: idString,
  /** Signed: "50" credits, "-50" debits. */
  points: decimalString({ sign: "nonZero" }),
  /** A reason code such as "goodwill" or "complaint". */
  reason: storableText(1, 100),
  reference: idString.optional(),
});

export const spendSchema = z.strictObject({
  key,
  memberId: idString,
  wallet: idString,
  points: decimalString({ sign: "positive" }),
  reference: idString.optional(),
});

export const redeemSchema = z.strictObject({
  key,
  memberId: idString,
  rewardId: idString,
  /** Units (default 1); for a conversion, steps (default: every whole step the member holds). */
  quantity: z.number().int().min(1).max(1_000_000).optional(),
  /** Your id for the redemption, to cancel it by; default the idempotency key. */
  redemptionId: idString.optional(),
  /** A donation's cause (the school, the charity). */
  cause: idString.optional(),
  reference: idString.optional(),
});

export const cancelRedemptionSchema = z.strictObject({
  key,
  memberId: idString,
  redemptionId: idString,
  /** Why: shown on the statement. */
  reason: storableText(1, 500).optional(),
});

export const transferSchema = z.strictObject({
  key,
  fromMemberId: idString,
  toMemberId: idString,
  wallet: idString,
  points: decimalString({ sign: "positive" }),
  reference: idString.optional(),
});

export const referSchema = z.strictObject({
  key,
  referrerId: idString,
  referredId: idString,
  occurredAt: instant.optional(),
  /** Seen by the referral rules' conditions (a campaign code, a channel). */
  attributes: attributes.optional(),
});

export const restockSchema = z.strictObject({
  key,
  rewardId: idString,
  /** Units to add (positive) or take out (negative). */
  units: z
    .number()
    .int()
    .min(-1_000_000_000)
    .max(1_000_000_000)
    .refine((n) => n !== 0, { error: f.notPositive }),
});

export const convertOptionsSchema = z.strictObject({
  /** Members loaded per store query. Default 500. */
  batchSize: z.number().int().min(1).max(10_000).optional(),
});

export const previewPurchaseSchema = z.strictObject({ memberId: idString.optional(), ...purchaseFields });
export const previewEventSchema = eventSchema
  .omit({ key: true, memberId: true })
  .extend({ memberId: idString.optional() });

export const summaryOptionsSchema = z.strictObject({
  expiringWithinDays: z.number().int().min(0).max(3650).optional(),
});
export const statementOptionsSchema = z.strictObject({
  afterSeq: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

export const expireOptionsSchema = z.strictObject({
  /** Members loaded per store query. Default 500. */
  batchSize: z.number().int().min(1).max(10_000).optional(),
});

export const reviewTiersOptionsSchema = z.strictObject({
  /** Members loaded per store query. Default 500. */
  batchSize: z.number().int().min(1).max(10_000).optional(),
});

/** A manual tier assignment: customer service, a status match, a VIP list. */
export const assignTierSchema = z.strictObject({
  key,
  memberId: idString,
  tier: idString,
  /** The tier is a floor (the member cannot drop below it) and guaranteed until this instant; omit for no floor. */
  until: instant.optional(),
  /** Why: shown on the statement. */
  note: storableText(1, 500).optional(),
});

export const expiringSoonOptionsSchema = z.strictObject({
  /** Start of the window; default now. */
  from: instant.optional(),
  /** End of the window (exclusive). */
  to: instant,
  /** Members per page. Default 100. */
  limit: z.number().int().min(1).max(10_000).optional(),
  after: z.strictObject({ dueAt: z.number().int(), memberId: idString }).optional(),
});

/** A page of the outbox (`engine.events`). */
export const eventsOptionsSchema = z.strictObject({
  /** The cursor of the last page read; null or absent: the start of the feed. */
  after: z.string().min(1).max(200).nullable().optional(),
  /** Events per page. Default 100. */
  limit: z.number().int().min(1).max(1000).optional(),
});

/** The notice sweep (`engine.notify`). */
export const notifyOptionsSchema = z
  .strictObject({
    /** Write `points.expiring_soon` for points that expire within this many days of now. */
    expiringWithinDays: z.number().int().min(1).max(366).optional(),
    /** Write `member.lapsing` for the members this win-back reading finds (as `engine.lapsing` takes it, without paging). */
    lapsing: z
      .strictObject({
        noPurchaseForDays: z.number().int().min(1).max(3650).optional(),
        months: z.number().int().min(1).max(12).optional(),
        fallenBy: z.string().optional(),
      })
      .optional(),
    /** Members loaded per store query. Default 500. */
    batchSize: z.number().int().min(1).max(10_000).optional(),
  })
  .refine((o) => o.expiringWithinDays !== undefined || o.lapsing !== undefined, {
    error: f.notifyWhat,
    path: ["expiringWithinDays"],
  });

export const indexMembersOptionsSchema = z.strictObject({
  /** Members listed per store query. Default 500. */
  batchSize: z.number().int().min(1).max(10_000).optional(),
});

export const membersOptionsSchema = z.strictObject({
  /** The last member id of the previous page: the next page starts after it. */
  after: idString.optional(),
  /** Members per page. Default 100. */
  limit: z.number().int().min(1).max(10_000).optional(),
  tier: idString.optional(),
  segment: idString.optional(),
});

/**
 * Win-back: `noPurchaseForDays`, or `months` with `fallenBy` (a share, "0.5" for half), paged by
 * member id like `members` (docs/win-back.md has the definitions).
 */
export const lapsingOptionsSchema = z
  .strictObject({
    noPurchaseForDays: z.number().int().min(1).max(3650).optional(),
    months: z.number().int().min(1).max(12).optional(),
    fallenBy: decimalString({ sign: "positive", places: 4 })
      .refine((v) => new Decimal(v).lte(1), { error: f.shareAboveOne })
      .optional(),
    /** The instant to judge at; default now. Pass the first page's `asOf` to the next pages. */
    now: instant.optional(),
    after: idString.optional(),
    /** Members per page. Default 100. */
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .superRefine((o, ctx) => {
    const byDays = o.noPurchaseForDays !== undefined;
    const bySpend = o.months !== undefined || o.fallenBy !== undefined;
    if (byDays === bySpend) ctx.addIssue({ code: "custom", path: [], message: f.lapsingKind });
    else if (bySpend && o.months === undefined) ctx.addIssue({ code: "custom", path: ["months"], message: f.required });
    else if (bySpend && o.fallenBy === undefined)
      ctx.addIssue({ code: "custom", path: ["fallenBy"], message: f.required });
  });

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
