/**
 * Replays: a command sent again with the same idempotency key returns the result of its first
 * run. The idempotency record keeps that result without its entries (the ledger holds them) but
 * with where they are, and a replay reads them back from the ledger.
 */
import { LoyaltyError } from "../errors/loyalty-error.js";
import { messages } from "../errors/messages.js";
import type { Entry } from "../ledger/entries.js";
import type { LedgerWriter } from "../ledger/writer.js";
import type { EngineContext } from "./context.js";
import { guard } from "./store-calls.js";

/** What an idempotency record keeps of a command's result (see `recordedResult` below). */
export interface RecordedResult {
  readonly entryRefs: readonly { readonly memberId: string; readonly fromSeq: number; readonly count: number }[];
  readonly [field: string]: unknown;
}

/**
 * The result an idempotency record keeps: the command's result without its entries, which the
 * ledger holds already, but with where they are (member, first seq, count, in result order), so
 * a replay reads the very same entries back. Halves what a command writes besides its entries.
 */
export function recordedResult(result: object, writers: readonly LedgerWriter[]): RecordedResult {
  const entryRefs = writers
    .filter((w) => w.entries.length > 0)
    .map((w) => ({ memberId: w.state.memberId, fromSeq: w.entries[0]!.seq, count: w.entries.length }));
  return { ...result, entryRefs };
}

/** A recorded result as the command returned it: its entries read back from the ledger. Records of earlier versions hold the entries themselves. */
export async function replayResult<R>(ctx: EngineContext, recorded: unknown): Promise<R> {
  const { program, store } = ctx;
  const { entryRefs, ...rest } = recorded as RecordedResult;
  if (!Array.isArray(entryRefs)) return recorded as R;
  const entries: Entry[] = [];
  for (const ref of entryRefs) {
    const last = ref.fromSeq + ref.count - 1;
    // Pages, as a store may return fewer entries than asked for.
    for (let after = ref.fromSeq - 1; after < last;) {
      const page = await guard(() =>
        store.readEntries(program.id, ref.memberId, { afterSeq: after, limit: last - after }),
      );
      const first = page.entries[0];
      if (first === undefined || first.seq !== after + 1) {
        throw new LoyaltyError(
          "STORE_FAILURE",
          messages.storeFailure(
            `the ledger of member ${ref.memberId} lacks entries ${after + 1} to ${last} that an idempotency record names`,
          ),
        );
      }
      entries.push(...page.entries.filter((e) => e.seq <= last));
      after = page.entries.at(-1)!.seq;
    }
  }
  return { ...rest, entries } as R;
}
