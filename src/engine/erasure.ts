/**
 * What an erasure rewrites (port.ts `MemberErasure`), read from the store: every stored entry of
 * the member whose redaction differs from it (src/ledger/redact.ts), the counterpart's half of a
 * transfer that carried a reference (the same text, typed once for both), and the idempotency keys
 * of the member's commands, whose payload hashes could be matched against guessed birthdays.
 * The write path commits it with the member's erasure entry, compare-and-set on the member's
 * version, so no entry of the member can land between this read and the commit.
 */
import type { Entry, TransferEntry } from "../ledger/entries.js";
import { redactEntry } from "../ledger/redact.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { canonicalJson } from "../shared/canonical.js";
import type { MemberErasure } from "../store/port.js";
import type { EngineContext } from "./context.js";
import type { RecordedResult } from "./replay.js";
import { guard } from "./store-calls.js";

/** Commands the engine writes itself: keyed by nothing a caller sent, they have no idempotency record. */
const SYSTEM_COMMANDS = new Set(["expire", "reviewTiers", "convert"]);
const PAGE = 500;

/** Entries of a member with seq in [from, through], page by page. */
async function readRange(ctx: EngineContext, memberId: string, from: number, through: number): Promise<Entry[]> {
  const out: Entry[] = [];
  for (let after = from - 1; after < through;) {
    const page = await guard(() =>
      ctx.store.readEntries(ctx.program.id, memberId, { afterSeq: after, limit: Math.min(PAGE, through - after) }),
    );
    if (page.entries.length === 0) break;
    out.push(...page.entries.filter((e) => e.seq <= through));
    after = page.entries.at(-1)!.seq;
  }
  return out;
}

const changed = (before: Entry, after: Entry) => before !== after && canonicalJson(before) !== canonicalJson(after);

/** The erasure of the writer's member: its stored entries are those before the writer's own (its due work's). */
export async function erasureOf(ctx: EngineContext, writer: LedgerWriter): Promise<MemberErasure> {
  const memberId = writer.state.memberId;
  const stored = writer.state.lastSeq - writer.entries.length;
  const history = await readRange(ctx, memberId, 1, stored);
  const entries: Entry[] = [];
  const keys = new Set<string>();
  const sharedTransfers: TransferEntry[] = [];
  for (const entry of history) {
    const redacted = redactEntry(entry);
    if (changed(entry, redacted)) entries.push(redacted);
    if (!SYSTEM_COMMANDS.has(entry.command.type)) keys.add(entry.command.key);
    if (entry.kind === "transfer" && entry.reference !== null) sharedTransfers.push(entry);
  }
  for (const transfer of sharedTransfers) entries.push(...(await counterpartHalf(ctx, transfer)));
  return { entries, idempotencyKeys: [...keys] };
}

/**
 * The counterpart's entry of a transfer, redacted: found through the transfer's idempotency
 * record, which names where each member's entries are (replay.ts `entryRefs`).
 */
async function counterpartHalf(ctx: EngineContext, transfer: TransferEntry): Promise<Entry[]> {
  const record = await guard(() => ctx.store.getIdempotency(ctx.program.id, transfer.command.key));
  const refs = (record?.result as RecordedResult | undefined)?.entryRefs;
  if (!Array.isArray(refs)) return [];
  const out: Entry[] = [];
  for (const ref of refs) {
    if (ref.memberId !== transfer.counterpartyId) continue;
    for (const entry of await readRange(ctx, ref.memberId, ref.fromSeq, ref.fromSeq + ref.count - 1)) {
      if (entry.kind !== "transfer" || entry.transferId !== transfer.transferId) continue;
      const redacted = redactEntry(entry);
      if (changed(entry, redacted)) out.push(redacted);
    }
  }
  return out;
}
