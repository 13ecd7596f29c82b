/**
 * Commands on one member, in one process, take turns. Writes serialise per member through the
 * compare-and-set on its version (DESIGN, Concurrency): without a queue, every command that arrives
 * while another is in flight decides on a state about to be replaced, loses the race and decides
 * again, and a burst of them (120 transfers between two members at once) spends its attempts on
 * lost races, more of them the slower the machine. Queued, each decides on the state the one
 * before it wrote. Other processes sharing the store still meet in the compare-and-set, and the
 * retries with backoff (backoff.ts) still settle those.
 *
 * A command waits for every command that arrived before it on any of its members, and for nothing
 * else: it takes all its members' places in one synchronous step, so no two commands can wait on
 * each other (a transfer A→B and one B→A queue in arrival order). Engines sharing a store object
 * share its queue.
 */

/** The queues of one store: the last place taken on each member, by program and member id. */
export class MemberQueue {
  private readonly last = new Map<string, Promise<void>>();

  /** Runs `fn` once every command queued before it on any of `memberIds` has finished. */
  async run<T>(programId: string, memberIds: readonly string[], fn: () => Promise<T>): Promise<T> {
    const keys = [...new Set(memberIds.map((id) => `${programId}\u0000${id}`))];
    if (keys.length === 0) return fn();
    const before = keys.map((k) => this.last.get(k) ?? Promise.resolve());
    let leave!: () => void;
    const mine = new Promise<void>((resolve) => (leave = resolve));
    for (const k of keys) this.last.set(k, mine);
    try {
      await Promise.all(before);
      return await fn();
    } finally {
      leave();
      // The last in line forgets the member, so the map holds only members with commands in flight.
      for (const k of keys) if (this.last.get(k) === mine) this.last.delete(k);
    }
  }

  /** Members with commands in flight or waiting (for tests: the map must empty). */
  get size(): number {
    return this.last.size;
  }
}

const queues = new WeakMap<object, MemberQueue>();

/** The queue of a store object, shared by every engine made with it. */
export function memberQueueOf(store: object): MemberQueue {
  let queue = queues.get(store);
  if (queue === undefined) queues.set(store, (queue = new MemberQueue()));
  return queue;
}
