import { CommitConflict, type LoyaltyStore } from "../store/port.js";

/**
 * A store that delegates every method to `inner` except those in `overrides`: how tests slow a
 * store down, crash it half-way through a sweep, or make it lose races. (A spread would not do:
 * a class-based store keeps its methods on the prototype.) The optional `loadForCommand` is not
 * passed on unless given in `overrides`, so that an override of `loadMember` or `getIdempotency`
 * sees every read the engine makes.
 */
export function wrapStore(inner: LoyaltyStore, overrides: Partial<Omit<LoyaltyStore, "capabilities">>): LoyaltyStore {
  const wrapped: LoyaltyStore = {
    capabilities: inner.capabilities,
    loadMember: (p, m) => inner.loadMember(p, m),
    getIdempotency: (p, k) => inner.getIdempotency(p, k),
    commit: (batch) => inner.commit(batch),
    readEntries: (p, m, q) => inner.readEntries(p, m, q),
    findDueMembers: (p, q) => inner.findDueMembers(p, q),
    getStock: (p, r) => inner.getStock(p, r),
    loadRecords: (p, m, ids) => inner.loadRecords(p, m, ids),
    listRedemptions: (p, m, q) => inner.listRedemptions(p, m, q),
    ...(inner.findPurchaseOwner ? { findPurchaseOwner: (p, id) => inner.findPurchaseOwner!(p, id) } : {}),
    ...(inner.readEvents ? { readEvents: (p, q) => inner.readEvents!(p, q) } : {}),
  };
  // Only the overrides given: an override set to undefined would drop a required method.
  for (const [name, fn] of Object.entries(overrides)) if (fn !== undefined) Object.assign(wrapped, { [name]: fn });
  return wrapped;
}

/**
 * Wraps a store so that a commit loses the race (CommitConflict, nothing written) whenever
 * `loses` says so: how tests make the engine reload and decide again, or give up.
 */
export function racingStore(inner: LoyaltyStore, loses: (memberId: string) => boolean): LoyaltyStore {
  return wrapStore(inner, {
    commit: async (batch) => {
      const memberId = batch.members[0]?.memberId ?? "";
      if (loses(memberId)) throw new CommitConflict("version", memberId);
      return inner.commit(batch);
    },
  });
}
