/**
 * Listing and win-back: `engine.members` pages through the program's members (by tier, by
 * segment), and `engine.lapsing` finds the ones who have stopped buying: no purchase for N days,
 * or spend over the last N complete local months fallen by a share against the N months before.
 * Both read the store's member index (`listMembers`, capabilities.listing) and never load a
 * member; both page by member id, which no write changes, so a member is never listed twice in one
 * pass of pages. `lapsing` is a plain function of the store and an instant, for a sweep to call.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { dayStart } from "../shared/calendar.js";
import { Decimal } from "../shared/decimal.js";
import { iso } from "../shared/time.js";
import { instantMs } from "../shared/validation.js";
import type { ListedMember, LoyaltyStore, MemberIndex, MemberListQuery } from "../store/port.js";
import * as schemas from "./commands.js";
import type { EngineContext } from "./context.js";
import { SPEND_MONTHS, addMonths, monthOf, spendBetween } from "./member-index.js";
import { parse } from "./inputs.js";
import { guard } from "./store-calls.js";
import { indexMembers, type IndexMembersResult } from "./member-backfill.js";

const DAY = 86_400_000;

/** A member as `members` lists it: what its index held at its last write. */
export interface ListedMemberView {
  readonly memberId: string;
  /** The tier as of the member's last write (a review due since shows after the tier sweep). */
  readonly tier: string | null;
  readonly segments: readonly string[];
  /** Null, with the rest empty: the member was last written before its store kept an index (docs/upgrading.md). */
  readonly joinedAt: string | null;
  readonly lastPurchaseAt: string | null;
}

export interface MemberPage {
  readonly members: readonly ListedMemberView[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly after: string | null;
}

/** The two windows a spend comparison reads, as local months (YYYY-MM, inclusive). */
export interface SpendWindows {
  readonly recent: { readonly from: string; readonly to: string };
  readonly earlier: { readonly from: string; readonly to: string };
}

export interface LapsingMember {
  readonly memberId: string;
  readonly lastPurchaseAt: string;
  /** Whole days (of 24 hours) from the last purchase to `asOf`. */
  readonly daysSincePurchase: number;
  /** With `months`: net spend in each window (money, decimal text) and the share it fell by (4 places, rounded down). */
  readonly spend?: { readonly recent: string; readonly earlier: string; readonly fallenBy: string };
}

export interface LapsingPage {
  /** The instant judged at: pass it as `now` with the next page's `after`, so that every page judges alike. */
  readonly asOf: string;
  /** With `months`: the windows compared. */
  readonly windows?: SpendWindows;
  readonly members: readonly LapsingMember[];
  /** Pass as `after` for the next page; null when the scan reached the end. */
  readonly after: string | null;
}

export function listingCommands(ctx: EngineContext): {
  members(options?: schemas.MembersOptions): Promise<MemberPage>;
  lapsing(options: schemas.LapsingOptions): Promise<LapsingPage>;
  indexMembers(options?: schemas.IndexMembersOptions): Promise<IndexMembersResult>;
} {
  const { program, store, now } = ctx;
  return {
    async indexMembers(options = {}) {
      const o = parse(schemas.indexMembersOptionsSchema, options, "indexMembers");
      return indexMembers(ctx, o.batchSize ?? 500);
    },

    async members(options = {}) {
      const o = parse(schemas.membersOptionsSchema, options, "members");
      const limit = o.limit ?? 100;
      const found = await listPage(store, program.id, {
        limit,
        ...(o.after !== undefined ? { after: o.after } : {}),
        ...(o.tier !== undefined ? { tier: o.tier } : {}),
        ...(o.segment !== undefined ? { segment: o.segment } : {}),
      });
      return {
        members: found.map(({ memberId, index }) => view(memberId, index)),
        after: found.length < limit ? null : found.at(-1)!.memberId,
      };
    },

    async lapsing(options) {
      const o = parse(schemas.lapsingOptionsSchema, options, "lapsing");
      const at = o.now === undefined ? now() : instantMs(o.now);
      const limit = o.limit ?? 100;
      const after = o.after;
      if (o.noPurchaseForDays !== undefined) {
        // No purchase in the last N days: the last one at or before now - N days.
        const query = { lastPurchaseBefore: at - o.noPurchaseForDays * DAY + 1 };
        const { members, next } = await scan(store, program.id, query, limit, after, (m) =>
          m.index ? lapsed(m.memberId, m.index, at) : null,
        );
        return { asOf: iso(at), members, after: next };
      }
      const windows = spendWindows(monthOf(program, at), o.months!);
      const keptFrom = (index: MemberIndex) => {
        const months = Object.keys(index.spendByMonth).sort();
        return months.length === 0 ? "" : addMonths(months.at(-1)!, -(SPEND_MONTHS - 1));
      };
      const share = new Decimal(o.fallenBy!);
      // Candidates: whoever bought since the earlier window began (others spent nothing in either).
      const query = { lastPurchaseFrom: dayStart(`${windows.earlier.from}-01`, program.timeZone) };
      const { members, next } = await scan(store, program.id, query, limit, after, (m) => {
        const index = m.index;
        // A series that no longer reaches back to the earlier window (the member bought long after
        // `asOf`) cannot judge it: left out rather than judged on missing months.
        if (index === null || keptFrom(index) > windows.earlier.from) return null;
        const earlier = spendBetween(index, windows.earlier.from, windows.earlier.to);
        const recent = spendBetween(index, windows.recent.from, windows.recent.to);
        if (!earlier.gt(0) || recent.gt(earlier.times(new Decimal(1).minus(share)))) return null;
        const fell = earlier.minus(recent).div(earlier).toDecimalPlaces(4, Decimal.ROUND_DOWN);
        return {
          ...lapsed(m.memberId, index, at)!,
          spend: { recent: recent.toFixed(), earlier: earlier.toFixed(), fallenBy: fell.toFixed(4) },
        };
      });
      return { asOf: iso(at), windows, members, after: next };
    },
  };
}

/**
 * The windows a spend comparison at month `current` reads: the N complete months before it, and
 * the N before those. The current month is left out: it is not over, and would always look low.
 */
export function spendWindows(current: string, months: number): SpendWindows {
  return {
    recent: { from: addMonths(current, -months), to: addMonths(current, -1) },
    earlier: { from: addMonths(current, -2 * months), to: addMonths(current, -months - 1) },
  };
}

function lapsed(memberId: string, index: MemberIndex, at: number): LapsingMember | null {
  const last = index.lastPurchaseAt;
  if (last === null) return null;
  return { memberId, lastPurchaseAt: iso(last), daysSincePurchase: Math.floor((at - last) / DAY) };
}

function view(memberId: string, index: MemberIndex | null): ListedMemberView {
  return {
    memberId,
    tier: index?.tier ?? null,
    segments: index?.segments ?? [],
    joinedAt: index === null ? null : iso(index.joinedAt),
    lastPurchaseAt: index?.lastPurchaseAt == null ? null : iso(index.lastPurchaseAt),
  };
}

/**
 * Reads candidates a batch at a time until `limit` members qualify or the candidates run out. The
 * cursor is the last candidate read, qualifying or not, so the next page goes on from there.
 */
async function scan<T>(
  store: LoyaltyStore,
  programId: string,
  filters: Omit<MemberListQuery, "limit" | "after">,
  limit: number,
  after: string | undefined,
  judge: (m: ListedMember) => T | null,
): Promise<{ members: T[]; next: string | null }> {
  const members: T[] = [];
  let cursor = after;
  for (;;) {
    const want = limit - members.length;
    const batch = await listPage(store, programId, { ...filters, limit: want, ...(cursor ? { after: cursor } : {}) });
    for (const m of batch) {
      const judged = judge(m);
      if (judged !== null) members.push(judged);
    }
    if (batch.length < want) return { members, next: null };
    cursor = batch.at(-1)!.memberId;
    if (members.length >= limit) return { members, next: cursor };
  }
}

async function listPage(store: LoyaltyStore, programId: string, query: MemberListQuery) {
  const list = store.listMembers;
  if (!store.capabilities.listing || list === undefined)
    throw new LoyaltyError(
      "STORE_FAILURE",
      messages.storeFailure("This store does not offer listings (capabilities.listing, listMembers)."),
    );
  return guard(() => list.call(store, programId, query));
}
