/**
 * The notices a sweep writes to the outbox: events no entry gives, about what the clock is about to
 * do. Each has an id fixed by what it tells of (the member, the wallet, the expiry instant), so that
 * the store keeps one however often the sweep runs (CommitBatch.events skips a known id).
 */
import { expiringNoticeId, lapsingNoticeId, type EventValue, type OutboxEvent } from "./event.js";

/** Points of one wallet that expire at one instant (as expiry/due.ts `expiringBetween` lists them). */
export interface ExpiringLot {
  readonly wallet: string;
  readonly points: string;
  /** ISO instant of the expiry. */
  readonly at: string;
}

/**
 * The "points expiring soon" notices of one member, written at `at` (ISO) after the member's entry
 * `seq`: one per wallet and expiry instant.
 */
export function expiringSoonNotices(
  memberId: string,
  seq: number,
  at: string,
  expiring: readonly ExpiringLot[],
): OutboxEvent[] {
  return expiring.map((e) => ({
    id: expiringNoticeId(memberId, e.wallet, e.at),
    type: "points.expiring_soon",
    memberId,
    seq,
    occurredAt: at,
    key: null,
    payload: { wallet: e.wallet, points: e.points, expiresAt: e.at },
  }));
}

/**
 * The "member lapsing" notice of one member (a win-back reading, engine.lapsing), written at `at`
 * (ISO) after the member's entry `seq`; `basis` fixes its id (event.ts, lapsingNoticeId).
 */
export function lapsingNotice(
  memberId: string,
  seq: number,
  at: string,
  basis: string,
  payload: Readonly<Record<string, EventValue>>,
): OutboxEvent {
  return {
    id: lapsingNoticeId(memberId, basis),
    type: "member.lapsing",
    memberId,
    seq,
    occurredAt: at,
    key: null,
    payload,
  };
}
