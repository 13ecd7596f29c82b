/**
 * Which outbox events a command's new entries give: a table keyed by entry kind, whose type makes
 * the compiler refuse a kind without its mapping (as the fold's table in ledger/kinds/index.ts
 * does), so that a new entry kind cannot land without deciding what the rest of the business hears
 * of it. Pure: the events are a function of the entries alone, so a replay of the same commands
 * gives the same events with the same ids.
 *
 * What an event leaves out, on purpose: attributes and birthday (personal data), free-text reasons,
 * notes and references (they may name a person, and an erasure must be able to reach every copy),
 * voucher codes (secrets), and the lots drawn (bookkeeping a consumer cannot act on).
 */
import type { Entry, EntryKind } from "../ledger/entries.js";
import { availableEventId, entryEventId, type EventType, type EventValue, type OutboxEvent } from "./event.js";

/** An event as an entry's mapping gives it: the rest (id, member, seq, key, time) comes from the entry. */
export interface EventDraft {
  /** An id fixed by what the event tells of, where it must not depend on the entry (a lot's release); else the entry's. */
  readonly id?: string;
  readonly type: EventType;
  readonly payload: Readonly<Record<string, EventValue>>;
}

type Mapping<E> = (entry: E) => readonly EventDraft[];

const one = (type: EventType, payload: Readonly<Record<string, EventValue>>): readonly EventDraft[] => [
  { type, payload },
];

/**
 * Every entry kind's events: none where the entry tells nothing outside the ledger (a merge of lots).
 * The PostgreSQL store derives the events of most commits again when the feed is read
 * (postgres/event-refs.ts): changing a mapping changes how commits already written read there, and
 * changing how many events a kind gives makes them fail to read until the old mapping is kept for them.
 */
export const eventMappings: { readonly [K in EntryKind]: Mapping<Extract<Entry, { kind: K }>> } = {
  enroll: () => one("member.enrolled", {}),
  // Which parts changed, never their values nor the attributes' names (a name may itself say
  // something of the person, and an erasure cannot reach the feed): docs/members.md.
  profile: (e) =>
    one("member.updated", {
      fields: [
        ...(Object.keys(e.attributes).length > 0 ? ["attributes"] : []),
        ...(e.birthday === undefined ? [] : ["birthday"]),
        ...(e.segments.add.length + e.segments.remove.length > 0 ? ["segments"] : []),
      ].join(","),
    }),
  erasure: (e) => one("member.erased", { redacted: e.redacted }),
  // The opening state itself is the member's to read; the event says it arrived and how much came.
  import: (e) =>
    one("member.imported", {
      joinedAt: e.joinedAt,
      asOf: e.asOf,
      tier: e.tier?.id ?? null,
      lots: e.lots.length,
      purchases: e.purchases.length,
    }),
  purchase: (e) => one("purchase.recorded", { purchaseId: e.purchaseId, amount: e.amount, occurredAt: e.occurredAt }),
  event: (e) => one("event.recorded", { eventType: e.type, occurredAt: e.occurredAt }),
  // A refund by line says which: units per SKU as JSON text (payload values are scalars), SKUs sorted.
  refund: (e) =>
    one("purchase.refunded", {
      purchaseId: e.purchaseId,
      amount: e.amount,
      ...(e.lines === undefined ? {} : { lines: linesText(e.lines) }),
    }),
  referral: (e) => one("referral.recorded", { role: e.role, counterpartyId: e.counterpartyId }),
  // A lot not yet available when earned is pending: its release is `availableAt` (docs/events.md).
  earn: (e) =>
    one(e.lot.availableAt > e.at ? "points.pending" : "points.earned", {
      wallet: e.wallet,
      points: e.points,
      debtRepaid: e.debtRepaid,
      lotId: e.id,
      ruleId: e.ruleId,
      purchaseId: e.purchaseId,
      availableAt: e.lot.availableAt,
      expiresAt: e.lot.expiresAt,
    }),
  // Once per lot, at its release (or an early one): the id is the lot's, so nothing can tell it twice.
  release: (e) => [
    {
      id: availableEventId(e.memberId, e.lotId),
      type: "points.available",
      payload: {
        wallet: e.wallet,
        points: e.points,
        lotId: e.lotId,
        ruleId: e.ruleId,
        purchaseId: e.purchaseId,
        availableAt: e.availableAt,
        expiresAt: e.expiresAt,
        early: e.early,
      },
    },
  ],
  spend: (e) => one("points.spent", { wallet: e.wallet, points: e.points }),
  hold: (e) =>
    one("points.held", {
      holdId: e.holdId,
      wallet: e.wallet,
      points: e.points,
      orderAmount: e.orderAmount,
      expiresAt: e.expiresAt,
    }),
  capture: (e) =>
    one("points.captured", {
      holdId: e.holdId,
      wallet: e.wallet,
      points: e.points,
      forfeited: e.forfeited,
      debtRepaid: e.debtRepaid ?? "0",
    }),
  holdRelease: (e) =>
    one("points.hold_released", {
      holdId: e.holdId,
      wallet: e.wallet,
      points: e.points,
      forfeited: e.forfeited,
      debtRepaid: e.debtRepaid ?? "0",
      expired: e.expired,
    }),
  expire: (e) =>
    one("points.expired", { wallet: e.wallet, points: e.points, lapsedAt: e.lapsedAt ?? null, lots: e.lots.length }),
  reverse: (e) =>
    one("points.reversed", {
      wallet: e.wallet,
      points: e.points,
      debt: e.debt,
      forgiven: e.forgiven,
      purchaseId: e.purchaseId,
    }),
  adjust: (e) =>
    one("points.adjusted", {
      wallet: e.wallet,
      points: e.points,
      debtRepaid: e.debtRepaid,
      expiresAt: e.lot?.expiresAt ?? null,
    }),
  // A key chain made (or unmade by a refund): what a front end congratulates the member on.
  milestone: (e) =>
    one(e.undo ? "milestone.undone" : "milestone.reached", {
      from: e.from,
      into: e.into,
      every: e.every,
      units: e.units,
      times: e.times,
    }),
  tier: (e) =>
    one(e.from === e.to ? "tier.reviewed" : "tier.changed", {
      from: e.from,
      to: e.to,
      reason: e.reason,
      guaranteedUntil: e.tier.guaranteedUntil,
      graceUntil: e.tier.graceUntil,
    }),
  redeem: (e) =>
    one("reward.redeemed", {
      redemptionId: e.redemptionId,
      rewardId: e.rewardId,
      rewardKind: e.rewardKind,
      wallet: e.wallet,
      points: e.points,
      quantity: e.quantity,
      value: e.grant.value,
      automatic: e.periodEnd !== null,
    }),
  cancel: (e) =>
    one("reward.cancelled", {
      redemptionId: e.redemptionId,
      rewardId: e.rewardId,
      wallet: e.wallet,
      points: e.points,
      regranted: e.regranted,
      forfeited: e.forfeited,
      debtRepaid: e.debtRepaid,
    }),
  transfer: (e) =>
    one(e.direction === "out" ? "points.transferred.out" : "points.transferred.in", {
      transferId: e.transferId,
      counterpartyId: e.counterpartyId,
      wallet: e.wallet,
      points: e.points,
      debtRepaid: e.debtRepaid,
    }),
  consolidate: () => [],
  // The amount unsigned: the type says which way it went. The cause is one of the program's.
  donation: (e) =>
    one(e.amount.startsWith("-") ? "donation.returned" : "donation.made", {
      purchaseId: e.purchaseId,
      cause: e.cause,
      of: e.of,
      wallet: e.wallet,
      amount: e.amount.startsWith("-") ? e.amount.slice(1) : e.amount,
    }),
};

/** `{"<sku>": units}` with the SKUs in code-unit order, so the same refund always gives the same text. */
function linesText(lines: Readonly<Record<string, number>>): string {
  const skus = Object.keys(lines).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${skus.map((sku) => `${JSON.stringify(sku)}:${lines[sku]!}`).join(",")}}`;
}

/** Commands that are the engine's own system work: their events carry no idempotency key. */
const SYSTEM_WORK = new Set<string>(["expire", "reviewTiers", "convert"]);

/** The events of one entry, with their ids, in the order its mapping gives them. */
export function eventsOfEntry(entry: Entry): OutboxEvent[] {
  const map = eventMappings[entry.kind] as Mapping<Entry>;
  return map(entry).map((draft, index) => ({
    id: draft.id ?? entryEventId(entry.memberId, entry.seq, index),
    type: draft.type,
    memberId: entry.memberId,
    seq: entry.seq,
    occurredAt: entry.at,
    key: SYSTEM_WORK.has(entry.command.type) ? null : entry.command.key,
    payload: draft.payload,
  }));
}

/** The events of a command's new entries (each member's in seq order), in entry order. */
export function eventsOf(entries: readonly Entry[]): OutboxEvent[] {
  return entries.flatMap(eventsOfEntry);
}
