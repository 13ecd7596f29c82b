import { CommitConflict, type LoyaltyStore } from "../store/port.js";

/**
 * Wraps a store so that a commit loses the race (CommitConflict, nothing written) whenever
 * `loses` says so: how tests make the engine reload and decide again, or give up.
 */
export function racingStore(inner: LoyaltyStore, loses: (memberId: string) => boolean): LoyaltyStore {
  return {
    capabilities: inner.capabilities,
    loadMember: (p, m) => inner.loadMember(p, m),
    getIdempotency: (p, k) => inner.getIdempotency(p, k),
    readEntries: (p, m, q) => inner.readEntries(p, m, q),
    findDueMembers: (p, q) => inner.findDueMembers(p, q),
    commit: async (batch) => {
      const memberId = batch.members[0]?.memberId ?? "";
      if (loses(memberId)) throw new CommitConflict("version", memberId);
      return inner.commit(batch);
    },
  };
}
