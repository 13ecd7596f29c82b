/**
 * The store port's listing types (capabilities.listing): the member index the engine commits with
 * every member, and the query `listMembers` answers over it. Part of the port (port.ts re-exports
 * them), in a file of their own to keep the port readable.
 */

/**
 * What listings and the win-back query filter on, made by the engine with every commit
 * (engine/member-index.ts): a store with `capabilities.listing` keeps it beside the snapshot,
 * indexes what `listMembers` filters on, and returns it with the member.
 */
export interface MemberIndex {
  /** The member's tier id as of the commit; null in a program without tiers. */
  readonly tier: string | null;
  /** The named segments the member was in at the commit, ascending, no duplicates. */
  readonly segments: readonly string[];
  /** Epoch ms the member joined. */
  readonly joinedAt: number;
  /** Epoch ms of the latest purchase's `occurredAt`; null: none yet. */
  readonly lastPurchaseAt: number | null;
  /**
   * Net spend (money, decimal text) by local month (YYYY-MM) of the purchase: the month of the latest
   * purchase and at most the 24 before it. Treat as opaque: the engine reads it.
   */
  readonly spendByMonth: Readonly<Record<string, string>>;
}

/**
 * What `listMembers` is asked: members after a member id, ascending by id, that match every filter
 * given. Filters read the index last committed with each member; a member with none (written
 * before the store kept one) matches only a query without filters.
 */
export interface MemberListQuery {
  /** Only members whose id sorts after this one (by code point). */
  readonly after?: string;
  readonly limit: number;
  /** Only members whose index's tier is this. */
  readonly tier?: string;
  /** Only members whose index's segments include this. */
  readonly segment?: string;
  /** Only members whose last purchase is before this instant (epoch ms); never-purchased members do not match. */
  readonly lastPurchaseBefore?: number;
  /** Only members whose last purchase is at or after this instant (epoch ms). */
  readonly lastPurchaseFrom?: number;
}

/** A member `listMembers` found: its id and its index (null: written before the store kept one). */
export interface ListedMember {
  readonly memberId: string;
  readonly index: MemberIndex | null;
}
