/**
 * A store that tells the simulation what every commit wrote. The simulation counts the engine's own
 * entries and reads the engine's own snapshots as they are committed, commands and sweeps alike, so
 * its figures are the ledger's, not a second model's.
 */
import type { CommitBatch, LoyaltyStore } from "../store/port.js";

export function tapStore(inner: LoyaltyStore, onCommit: (batch: CommitBatch) => void): LoyaltyStore {
  const tapped: { -readonly [K in keyof LoyaltyStore]: LoyaltyStore[K] } = {
    capabilities: inner.capabilities,
    loadMember: (programId, memberId) => inner.loadMember(programId, memberId),
    getIdempotency: (programId, key) => inner.getIdempotency(programId, key),
    loadRecords: (programId, memberId, ids) => inner.loadRecords(programId, memberId, ids),
    listRedemptions: (programId, memberId, query) => inner.listRedemptions(programId, memberId, query),
    async commit(batch) {
      await inner.commit(batch);
      // Only after the commit stood: a conflict or a fault writes nothing, so it counts nothing.
      onCommit(batch);
    },
    getStock: (programId, rewardId) => inner.getStock(programId, rewardId),
    readEntries: (programId, memberId, page) => inner.readEntries(programId, memberId, page),
    findDueMembers: (programId, query) => inner.findDueMembers(programId, query),
  };
  const { loadForCommand, findPurchaseOwner, readEvents } = inner;
  if (loadForCommand) tapped.loadForCommand = loadForCommand.bind(inner);
  if (findPurchaseOwner) tapped.findPurchaseOwner = findPurchaseOwner.bind(inner);
  if (readEvents) tapped.readEvents = readEvents.bind(inner);
  return tapped;
}
