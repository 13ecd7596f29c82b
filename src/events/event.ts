/**
 * An outbox event: what the rest of a business hears of a commit (a webhook, a mail, a CRM update),
 * in its wire/storage form. Written by the store in the same transaction as the entries it tells
 * of, read in commit order through `engine.events` (docs/events.md). Events never carry personal
 * data: no attributes, no birthday, no free-text reason, note or reference; a consumer that needs
 * them reads the member.
 */

/** Every event type the engine writes: one or none per entry (src/events/derive.ts), and the sweeps' notices. */
export type EventType =
  | "member.enrolled"
  | "member.imported"
  | "member.updated"
  | "member.erased"
  | "purchase.recorded"
  | "purchase.refunded"
  | "event.recorded"
  | "referral.recorded"
  | "points.earned"
  | "points.pending"
  | "points.available"
  | "points.spent"
  | "points.held"
  | "points.captured"
  | "points.hold_released"
  | "points.expired"
  | "points.reversed"
  | "points.adjusted"
  | "points.transferred.out"
  | "points.transferred.in"
  | "milestone.reached"
  | "milestone.undone"
  | "tier.changed"
  | "tier.reviewed"
  | "reward.redeemed"
  | "reward.cancelled"
  | "donation.made"
  | "donation.returned"
  | "points.expiring_soon"
  | "member.lapsing";

/** A payload value: ids, decimal strings, ISO instants, counts and flags. Never a JS number for an amount. */
export type EventValue = string | number | boolean | null;

export interface OutboxEvent {
  /**
   * Stable and unique in the program's feed: `<member>/<seq>/<index>` for an entry's events (the
   * member id URI-encoded), `<member>/available/<lot>` for pending points released (one per lot),
   * `<member>/expiring/<wallet>/<expiresAt>` for a notice. A redelivery
   * carries the same id, so a consumer can drop what it has already handled.
   */
  readonly id: string;
  readonly type: EventType;
  readonly memberId: string;
  /** The entry's seq (a notice: the member's last seq when it was written). Per member, events come in seq order. */
  readonly seq: number;
  /** When it happened, ISO 8601 UTC: the entry's `at`, or the sweep's instant for a notice. */
  readonly occurredAt: string;
  /** The idempotency key of the command that caused it; null for system work (sweeps, due work of a sweep). */
  readonly key: string | null;
  readonly payload: Readonly<Record<string, EventValue>>;
}

/** A page of the feed, and the cursor to pass back for the next one. */
export interface EventPage {
  readonly events: readonly OutboxEvent[];
  /** Opaque: pass it as `after` to continue. Unchanged (the `after` given) when nothing new was read. */
  readonly cursor: string | null;
}

/** The id of an entry's `index`-th event: injective, since seq and index are digits and come last. */
export const entryEventId = (memberId: string, seq: number, index: number): string =>
  `${encodeURIComponent(memberId)}/${seq}/${index}`;

/**
 * The id of a "member lapsing" notice: one per lapse episode, fixed by the definition and what it
 * judged (the last purchase for "no purchase for N days", the recent window's first month for
 * "spend fell"), so a rerun writes it once and a member who buys and lapses again gets a new one.
 */
export const lapsingNoticeId = (memberId: string, basis: string): string =>
  `${encodeURIComponent(memberId)}/lapsing/${basis}`;

/**
 * The id of a lot's `points.available` event: fixed by the lot, not by the entry that tells of it,
 * so that the feed holds one per lot whatever writes it (the store skips an id it holds).
 */
export const availableEventId = (memberId: string, lotId: string): string =>
  `${encodeURIComponent(memberId)}/available/${encodeURIComponent(lotId)}`;

/** The id of the "expiring soon" notice of a wallet's points at one expiry: a rerun of the sweep writes the same id. */
export const expiringNoticeId = (memberId: string, wallet: string, expiresAt: string): string =>
  `${encodeURIComponent(memberId)}/expiring/${encodeURIComponent(wallet)}/${expiresAt}`;
