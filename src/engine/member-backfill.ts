/**
 * `indexMembers`: every member a store holds without an index (written before it kept one:
 * PostgreSQL rows from before migration 6) gets the index folded from its whole ledger
 * (`withLedgerIndex`, store-calls.ts), in a commit that writes nothing else. A member's next write
 * does the same for it alone (docs/upgrading.md).
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import { LedgerWriter } from "../ledger/writer.js";
import { iso } from "../shared/time.js";
import { backoff } from "./backoff.js";
import type { EngineContext } from "./context.js";
import { guard, isCommitConflict, loadState, withLedgerIndex } from "./store-calls.js";
import { memberWrite } from "./write-path.js";

export interface IndexMembersResult {
  /** Members read. */
  readonly scanned: number;
  /** Members that had no index and now have one. */
  readonly indexed: number;
}

/**
 * Gives every member the store holds without an index one, folded from its ledger: a commit with
 * no entries (the version moves, nothing else). Resumable: indexed members are skipped.
 */
export async function indexMembers(ctx: EngineContext, batchSize: number): Promise<IndexMembersResult> {
  const { program, store } = ctx;
  const list = store.listMembers;
  if (!store.capabilities.listing || list === undefined)
    throw new LoyaltyError(
      "STORE_FAILURE",
      messages.storeFailure("This store does not offer listings (capabilities.listing, listMembers)."),
    );
  let scanned = 0,
    indexed = 0;
  let after: string | undefined;
  for (;;) {
    const page = await guard(() => list.call(store, program.id, { limit: batchSize, ...(after ? { after } : {}) }));
    for (const m of page) {
      scanned++;
      if (m.index === null && (await indexOne(ctx, m.memberId))) indexed++;
    }
    if (page.length < batchSize) return { scanned, indexed };
    after = page.at(-1)!.memberId;
  }
}

function indexOne(ctx: EngineContext, memberId: string): Promise<boolean> {
  const { program, store, now, newId, maxAttempts } = ctx;
  return ctx.queue.run(program.id, [memberId], async () => {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await backoff(attempt);
      const read = await loadState(ctx, memberId);
      if (!read || read.index !== null) return false;
      const loaded = await withLedgerIndex(ctx, read);
      // A writer that writes no entry: the command it names is never recorded.
      const at = now();
      const writer = LedgerWriter.adopting(loaded.state, {
        now: at,
        newId,
        command: { key: `index@${iso(at)}`, type: "expire" },
      });
      try {
        await guard(() =>
          store.commit({ programId: program.id, members: [memberWrite(ctx, writer, loaded)], idempotency: null }),
        );
        return true;
      } catch (error) {
        if (isCommitConflict(error)) continue;
        throw error;
      }
    }
    throw new LoyaltyError("CONCURRENCY_CONFLICT", messages.concurrencyConflict(memberId, maxAttempts), {
      details: { memberId, attempts: maxAttempts },
    });
  });
}
